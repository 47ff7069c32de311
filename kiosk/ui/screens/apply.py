"""Screens of the first application (申领), residence registration (居住登记) and progress
(办理进度) journeys. Where an existing screen does the job it is reused; these add what the three
journeys need: the address down to the community, the 受理点 for collecting the permit, the
registration's details, the offer of registration to someone who does not qualify, and the
progress lookup. Nothing is chosen for the applicant except the default 受理点, which the guide
describes (the one serving their street; shown plainly, changeable)."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QVBoxLayout

from kiosk import logs
from kiosk.documents import values
from kiosk.domain import clock, codes
from kiosk.ui.kit import button, choice_grid, field_edit, frame, label
from kiosk.ui.screens.basic import Done, Result
from kiosk.ui.screens.forms import ConditionScreen, FormScreen
from kiosk.ui.screens.photo import PhotoScreen, ReceiptScanner
from kiosk.ui.widgets import DatePicker, date_text

_log = logs.get("kiosk.ui")


class ResidenceScreen(FormScreen):
    """District → street → community (社区), then the road, number, building and room."""

    name = "residence"
    keypad_first = False

    def build(self, lay: QVBoxLayout) -> None:
        addr = self.ctx.visit.residence
        self.title(lay, "residence.title", "residence.subtitle")
        if self.ctx.journey is not None and self.ctx.journey.key == "application":
            box, inner = frame("goodCard")  # only reached when the applicant qualifies
            inner.addWidget(label("✓ " + self.texts.tr("apply.also_registers")))
            lay.addWidget(box)
        lay.addWidget(label(self.texts.tr("address.district"), "value"))
        lay.addLayout(
            choice_grid(
                [(d.key, self.texts.pick(d)) for d in codes.districts()],
                addr.district,
                self.set_district,
                6,
            )
        )
        chosen = codes.district(addr.district)
        street = chosen.street(addr.street) if chosen is not None and addr.street else None
        if chosen is not None:
            lay.addWidget(label(self.texts.tr("address.street"), "value"))
            lay.addLayout(
                choice_grid(
                    [(s.zh, self.texts.pick(s)) for s in chosen.streets],
                    addr.street,
                    self.set_street,
                    7,
                )
            )
        if street is not None:
            lay.addWidget(label(self.texts.tr("residence.community"), "value"))
            lay.addLayout(
                choice_grid(
                    [(c.zh, self.texts.pick(c)) for c in street.communities],
                    addr.community or None,
                    self.set_community,
                    5,
                )
            )
        # once the community is chosen, the detail is the next thing to do: keys come up for it
        self.keypad_first = bool(addr.community) and not addr.detail
        if addr.community:
            edit = self.add_field(
                lay, self.texts.tr("address.detail"), field_edit("text", addr.detail, 60)
            )
            edit.textChanged.connect(self.set_detail)
        lay.addWidget(self.error)
        lay.addStretch(1)
        self.footer(lay, on_next=self.finish)
        if addr.community:
            self.add_keypad(lay)

    def set_district(self, code: str) -> None:
        addr = self.ctx.visit.residence
        if code != addr.district:  # a street and community of another district do not stay
            addr.district, addr.street, addr.community = code, "", ""
            self.ctx.visit.collection_point = ""
        self.enter()

    def set_street(self, street: str) -> None:
        addr = self.ctx.visit.residence
        if street != addr.street:
            addr.street, addr.community = street, ""
            self.ctx.visit.collection_point = ""  # its default follows the street
        self.enter()

    def set_detail(self, text: str) -> None:
        self.ctx.visit.residence.detail = text

    def set_community(self, community: str) -> None:
        self.ctx.visit.residence.community = community
        self.enter()

    def finish(self) -> None:
        addr = self.ctx.visit.residence
        if not (addr.district and addr.street and addr.community and addr.detail.strip()):
            self.show_error(self.texts.tr("residence.incomplete"))
            return
        self.ctx.advance()


class ApplyConditionScreen(ConditionScreen):
    """办理条件 for a first application: the condition, the student answer, and the details each
    needs (employer and its unified social credit code, property certificate, talent
    certificate; school and student number for a full-time student). Nothing pre-selected."""

    name = "apply_condition"

    def detail_keys(self) -> list[str]:
        visit = self.ctx.visit
        keys: list[str] = []
        chosen = next((c for c in codes.conditions() if c.key == visit.condition), None)
        if chosen is not None:
            keys += [*chosen.details, *chosen.first_details]
        if visit.student:
            keys += [k for k in codes.student_details() if k not in keys]
        return keys

    def build(self, lay: QVBoxLayout) -> None:
        visit = self.ctx.visit
        self.captions: dict[QLineEdit, str] = {}  # each field's own error names it
        self.title(lay, "condition.title", "condition.subtitle")
        lay.addLayout(
            choice_grid(
                [(c.key, self.texts.pick(c)) for c in codes.conditions()],
                visit.condition or None,
                self.set_condition,
                2,
            )
        )
        lay.addWidget(label(self.texts.tr("condition.student"), "fieldCaption"))
        answered = None if visit.student is None else f"student_{'yes' if visit.student else 'no'}"
        lay.addLayout(
            choice_grid(
                [
                    ("student_yes", self.texts.tr("condition.student_yes")),
                    ("student_no", self.texts.tr("condition.student_no")),
                ],
                answered,
                self.set_student,
                2,
            )
        )
        keys = self.detail_keys()
        row = QHBoxLayout()
        row.setSpacing(24)
        for n, key in enumerate(keys):
            if n and n % 3 == 0:  # three fields a row
                lay.addLayout(row)
                row = QHBoxLayout()
                row.setSpacing(24)
            col = QVBoxLayout()
            col.setSpacing(8)
            caption = self.texts.pick(codes.detail_field(key))
            edit = self.add_field(
                col, caption, field_edit("text", visit.condition_details.get(key, ""), 60)
            )
            self.captions[edit] = caption
            edit.textChanged.connect(
                lambda text, k=key: visit.condition_details.__setitem__(k, text)
            )
            row.addLayout(col, 1)
        if keys:
            lay.addLayout(row)
        lay.addWidget(self.error)
        lay.addStretch(1)
        self.footer(lay, on_next=self.done)
        if self.fields:
            self.add_keypad(lay)

    def set_student(self, key: str) -> None:
        # the details of an answer taken back are not kept: only what goes with the answers now
        visit = self.ctx.visit
        visit.student = key == "student_yes"
        if not visit.student:
            for k in codes.student_details():
                visit.condition_details.pop(k, None)
        self.enter()

    def done(self) -> None:
        visit = self.ctx.visit
        if not visit.condition:
            self.show_error(self.texts.tr("condition.need"))
            return
        if visit.student is None:
            self.show_error(self.texts.tr("condition.need_student"))
            return
        if self.first_empty(self.captions):  # said under the field that is empty
            return
        self.ctx.advance()


class OfferRegistration(FormScreen):
    """16 or older without a condition: why not, in plain words, and residence registration
    instead (the same card, the same visit). What registration needs is said before it starts."""

    name = "offer_registration"
    keypad_first = False

    def build(self, lay: QVBoxLayout) -> None:
        self.title(lay, "offer.title", "offer.subtitle")
        box, inner = frame("badCard")
        decision = self.ctx.decision
        for reason in decision.reasons if decision is not None else ():
            inner.addWidget(label(self.texts.pick(reason)))
        lay.addWidget(box)
        offer, body = frame("goodCard")
        body.addWidget(label(self.texts.tr("offer.registration"), "value"))
        body.addWidget(label(self.texts.tr("offer.why")))
        body.addWidget(label(self.texts.tr("offer.bring"), "sectionTitle"))
        labels = codes.materials()
        for key in values.materials_for_service("registration"):
            if key in labels:
                body.addWidget(label("•  " + self.texts.pick(labels[key])))
        register = button(self.texts.tr("offer.register"), lambda: self.ctx.go("register"), "add")
        register.setProperty("choice", "register")
        row = QHBoxLayout()
        row.addWidget(register)
        row.addStretch(1)
        body.addLayout(row)
        lay.addWidget(offer)
        lay.addStretch(1)
        # "back": a wrong condition tapped; the way on the right ends the visit (not forward)
        self.footer(lay, "btn.home", back=True, cancel=False, next_name="quiet")


class ApplyPhotoScreen(PhotoScreen):
    """The photo step of a first application, with the guide's tip: a recent photo number."""

    name = "apply_photo"

    def enter(self) -> None:
        visit = self.ctx.visit
        if getattr(self, "_visit", None) != visit.uuid:  # a new applicant: the camera again
            self._visit, self.mode = visit.uuid, "camera"
        super().enter()

    def build(self, lay: QVBoxLayout) -> None:
        super().build(lay)
        lay.insertWidget(2, label(self.texts.tr("apply.photo_recent"), "note"))


class CollectionScreen(FormScreen):
    """The 受理点 where the permit will be collected: proposed from the applicant's address (the
    point serving their street, else one in their district, and said which), any other by a tap;
    with no point to propose, the applicant chooses."""

    name = "collection"
    keypad_first = False

    def build(self, lay: QVBoxLayout) -> None:
        visit = self.ctx.visit
        addr = visit.residence
        proposed, why = codes.default_collection_point(addr.district, addr.street)
        if not visit.collection_point and proposed is not None:
            visit.collection_point = proposed.code
        subtitle = "collection.subtitle" if proposed is not None else "collection.subtitle_choose"
        self.title(lay, "collection.title", subtitle)
        lang = self.texts.language()
        options = []
        for point in codes.acceptance_points():
            text = point.text(lang)
            if proposed is not None and point.code == proposed.code:
                text += self.texts.tr(f"collection.mark_{why}")
            options.append((point.code, text))
        lay.addLayout(choice_grid(options, visit.collection_point or None, self.choose, 2))
        chosen = codes.acceptance_point(visit.collection_point)
        if chosen is not None:
            box, inner = frame()
            inner.addWidget(label(chosen.text(lang), "sectionTitle"))
            inner.addWidget(label(self.texts.tr("collection.address", address=chosen.address)))
            inner.addWidget(label(self.texts.tr("collection.hours", hours=chosen.hours_text(lang))))
            lay.addWidget(box)
        fee = self.ctx.rules.card_fee("application")
        if fee == 0:  # from the rules data: the guide says a first application is free
            lay.addWidget(label("✓ " + self.texts.tr("apply.no_fee"), "value"))
        lay.addWidget(label(self.texts.tr("apply.online_next_time"), "note"))
        lay.addWidget(self.error)
        lay.addStretch(1)
        self.footer(lay, on_next=self.finish)

    def choose(self, code: str) -> None:
        self.ctx.visit.collection_point = code
        self.enter()

    def finish(self) -> None:
        if codes.acceptance_point(self.ctx.visit.collection_point) is None:
            self.show_error(self.texts.tr("collection.need"))
            return
        self.ctx.advance()


class LivingScreen(FormScreen):
    """Residence registration: since when they live there, and their relation to the
    householder or landlord (the choices are the office's, from the rules data)."""

    name = "living"
    keypad_first = False

    def build(self, lay: QVBoxLayout) -> None:
        visit = self.ctx.visit
        self.title(lay, "living.title", "living.subtitle")
        row = QHBoxLayout()
        row.setSpacing(24)
        left = QVBoxLayout()
        left.addWidget(label(self.texts.tr("living.since"), "fieldCaption"))
        picker = DatePicker(self.texts, visit.lived_since)
        picker.picked.connect(self.set_since)
        left.addWidget(picker)  # it says the day picked
        left.addStretch(1)
        row.addLayout(left, 3)
        right = QVBoxLayout()
        right.addWidget(label(self.texts.tr("living.relation"), "fieldCaption"))
        relations = self.ctx.rules.registration_relations
        zh = self.texts.language() != "en"
        right.addLayout(
            choice_grid(
                [(k, v[0] if zh else v[1]) for k, v in relations.items()],
                visit.householder_relation or None,
                self.set_relation,
                2,
            )
        )
        right.addStretch(1)
        row.addLayout(right, 2)
        lay.addLayout(row, 1)
        lay.addWidget(self.error)
        self.footer(lay, on_next=self.finish)

    def set_since(self, day: Any) -> None:
        self.ctx.visit.lived_since = day
        self.enter()

    def set_relation(self, key: str) -> None:
        self.ctx.visit.householder_relation = key
        self.enter()

    def finish(self) -> None:
        visit = self.ctx.visit
        if visit.lived_since is None or visit.lived_since > clock.today():
            self.show_error(self.texts.tr("living.need_since"))
            return
        if not visit.householder_relation:
            self.show_error(self.texts.tr("living.need_relation"))
            return
        self.ctx.advance()


class FirstDone(Done):
    """Done, for a first application or a registration: what the slip says, and what is next."""

    name = "first_done"

    def headline(self) -> tuple[str, str]:
        if self.ctx.journey is not None and self.ctx.journey.key == "registration":
            return "registration.done.title", "registration.done.subtitle"
        return super().headline()

    def build(self, lay: QVBoxLayout) -> None:
        super().build(lay)
        service = self.ctx.journey.key if self.ctx.journey else ""
        key = "apply.done_tip" if service == "application" else "registration.done_tip"
        items = [lay.itemAt(i) for i in range(lay.count())]
        spacer = next(  # the tip goes under what to bring, above the stretch
            (i for i, item in enumerate(items) if item is not None and item.spacerItem()),
            lay.count(),
        )
        lay.insertWidget(spacer, label(self.texts.tr(key), "note"))


class EligibleResult(Result):
    """The eligibility answer "yes", with the way straight into the application (申领): that is
    the way forward; "back to start" stays at hand."""

    name = "eligible_result"

    def build(self, lay: QVBoxLayout) -> None:
        self.title(lay, "result.yes")
        box, inner = frame("goodCard")
        inner.addWidget(label("✓ " + self.texts.tr("result.yes.short"), "value"))
        for reason in self.ctx.decision.reasons if self.ctx.decision else ():
            inner.addWidget(label(self.texts.pick(reason)))
        lay.addWidget(box)
        lay.addWidget(label(self.texts.tr("result.note"), "note"))
        row = QHBoxLayout()
        home = button(self.texts.tr("btn.home"), lambda: self.ctx.go("next"))
        home.setProperty("choice", "home")
        row.addWidget(home)
        row.addStretch(1)
        lay.addLayout(row)
        lay.addStretch(1)
        self.footer(lay, "apply.start", on_next=lambda: self.ctx.go("apply"), cancel=False)


class ProgressConsent(FormScreen):
    """What the progress lookup reads and keeps (nothing), before the card is read."""

    name = "progress_consent"
    keypad_first = False

    def build(self, lay: QVBoxLayout) -> None:
        self.title(lay, "progress.title", "progress.subtitle")
        box, inner = frame()
        for key in ("progress.consent1", "progress.consent2", "progress.consent3"):
            inner.addWidget(label("•  " + self.texts.tr(key)))
        lay.addWidget(box)
        lay.addStretch(1)
        self.footer(lay, "consent.agree")


class ProgressNumber(FormScreen):
    """Without the card: the application number, typed or read from the slip's QR code."""

    name = "progress_number"
    scanner: ReceiptScanner | None = None
    scanning = False  # the camera reads the slip's QR code

    def enter(self) -> None:
        self.leave()
        super().enter()
        if self.scanning:
            QTimer.singleShot(0, self._start_scanner)

    def leave(self) -> None:
        super().leave()
        scanner, self.scanner = self.scanner, None
        if scanner is not None:
            scanner.found.disconnect()
            scanner.stop()
            scanner.deleteLater()

    def build(self, lay: QVBoxLayout) -> None:
        self.title(lay, "progress.number.title", "progress.number.subtitle")
        typed = self.ctx.visit.draft.get("progress_number", "")
        edit = self.add_field(
            lay, self.texts.tr("progress.number"), field_edit("letters", typed, 40)
        )
        edit.setObjectName("progressNumber")
        edit.textChanged.connect(self.set_number)
        scan = button(self.texts.tr("progress.scan"), self.toggle_scan, checkable=True)
        scan.setChecked(self.scanning)
        scan.setProperty("choice", "scan")
        row = QHBoxLayout()
        row.addWidget(scan)
        row.addStretch(1)
        lay.addLayout(row)
        if self.scanning:
            lay.addWidget(label(self.texts.tr("progress.scan_hint"), "note"))
        lay.addWidget(self.error)
        lay.addStretch(1)
        self.footer(lay, on_next=self.finish)
        self.add_keypad(lay)

    def set_number(self, text: str) -> None:
        self.ctx.visit.draft["progress_number"] = text.strip().upper()

    def toggle_scan(self) -> None:
        self.scanning = not self.scanning
        self.enter()

    def _start_scanner(self) -> None:
        from kiosk.devices.camera.qt_bridge import camera_factory

        if self.ctx.step is None or self.ctx.step.key != "number" or self.scanner is not None:
            return
        try:
            scanner = ReceiptScanner(
                camera_factory(self.ctx.config, self.ctx.demo, None),
                self.ctx.runner,
                read=slip_number,
            )
        except Exception:
            self.scanning = False
            self.show_error(self.texts.tr("progress.scan_failed"))
            return
        scanner.found.connect(self._on_scanned)
        scanner.start()
        self.scanner = scanner

    def _on_scanned(self, text: str) -> None:
        self.scanning = False
        self.ctx.visit.draft["progress_number"] = text.strip().upper()
        self.enter()

    def finish(self) -> None:
        if not self.ctx.visit.draft.get("progress_number"):
            self.show_error(self.texts.tr("progress.need_number"))
            return
        self.scanning = False
        self.ctx.advance()


# an application number as the slip's QR code holds it (FT01-K01-20261128-0001)
APPLICATION_NUMBER = re.compile(r"[A-Z0-9]{2,8}(?:-[A-Z0-9]{1,12}){2,4}")


def slip_number(frame: Any) -> str | None:
    """The application number among the codes in a camera frame of the slip (a slip may also
    carry the hub's progress-page link: that one is not the number)."""
    from kiosk.photo.receipt_scan import scan_codes

    for code in scan_codes(frame):
        text = code.text.strip().upper()
        if APPLICATION_NUMBER.fullmatch(text):
            return text
    return None


class ProgressList(FormScreen):
    """Every application of this person known here (or the one numbered), with service, date
    and status: the hub's when it answers, else this kiosk's, said to be possibly out of date."""

    name = "progress_list"
    keypad_first = False

    shown = False  # the lookup's answer is on screen

    def build(self, lay: QVBoxLayout) -> None:
        self.shown = False
        self.title(lay, "progress.list.title")
        self.rows = QVBoxLayout()
        self.rows.setSpacing(12)
        self.rows.addWidget(label(self.texts.tr("progress.looking"), "note"))
        lay.addLayout(self.rows)
        lay.addStretch(1)
        self.footer(lay, "btn.home", cancel=False)
        visit = self.ctx.visit
        card = visit.card
        id_number = card.id_number if card is not None else None
        number = None if card is not None else visit.draft.get("progress_number")
        if self.ctx.background_work:
            self.ctx.runner.run(self, lambda: self._look_up(id_number, number), self._show)

    def _look_up(self, id_number: str | None, number: str | None) -> Any:
        from kiosk.services import progress

        try:
            return progress.check(
                self.ctx.factory,
                self.ctx.config,
                self.ctx.enrolled(),
                id_number=id_number,
                number=number,
            )
        except Exception as exc:  # this kiosk's own database failed: said, logged by its type
            _log.error("progress lookup failed: %s", type(exc).__name__)
            return exc

    def _show(self, result: Any) -> None:
        if self.ctx.step is None or self.ctx.step.key != "list":
            return
        while self.rows.count():
            item = self.rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.shown = True
        if isinstance(result, Exception):
            self.rows.addWidget(label("✗ " + self.texts.tr("progress.failed"), "error"))
            return
        entries = list(result)
        if not entries:
            self.rows.addWidget(label(self.texts.tr("progress.none"), "value"))
            return
        for entry in entries:
            box, inner = frame()
            when = date_text(self.texts, entry.submitted_at.date()) if entry.submitted_at else ""
            inner.addWidget(
                label(
                    self.texts.tr(
                        "progress.row",
                        service=self.texts.pick(codes.service(entry.service)),
                        number=entry.number,
                        date=when,
                    ),
                    "value",
                )
            )
            inner.addWidget(
                label(self.texts.tr("progress.status", status=self.status_text(entry.status)))
            )
            if entry.source != "hub":  # this kiosk's own record: the back office may be ahead
                inner.addWidget(label("⚠ " + self.texts.tr("progress.offline"), "note"))
            self.rows.addWidget(box)

    def status_text(self, status: str) -> str:
        return self.texts.tr(f"progress.state.{status}")
