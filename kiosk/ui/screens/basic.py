"""Screens without forms: welcome, services, information, consent, decisions, endings, done."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QVBoxLayout

from kiosk import logs
from kiosk.documents import values
from kiosk.domain import codes
from kiosk.ui.base import Screen
from kiosk.ui.card_source import CardRead
from kiosk.ui.kit import WrapButton, button, frame, label, toggle
from kiosk.workflows import branching
from kiosk.workflows.journeys import MENU


class Welcome(Screen):
    name = "welcome"

    def build(self, lay: QVBoxLayout) -> None:
        lay.addStretch(1)
        lay.addWidget(label(self.texts.tr("welcome.title"), "title"))
        lay.addWidget(label(self.texts.tr("welcome.subtitle"), "subtitle"))
        lay.addSpacing(24)
        box, inner = frame()
        inner.addWidget(label(self.texts.tr("welcome.what"), "subtitle"))
        for key in ("welcome.bring1", "welcome.bring2", "welcome.bring3"):
            inner.addWidget(label("•  " + self.texts.tr(key)))
        lay.addWidget(box)
        lay.addStretch(1)
        row = QHBoxLayout()
        row.setSpacing(16)
        for lang in ("zh", "en"):
            text = self.texts.tr("lang.name", lang)  # each language names itself
            b = button(
                ("✓ " if self.ctx.visit.lang == lang else "") + text,
                lambda lg=lang: self.set_lang(lg),
                checkable=True,
            )
            b.setChecked(self.ctx.visit.lang == lang)
            b.setProperty("choice", lang)
            row.addWidget(b)
        large = button(
            ("✓ " if self.ctx.visit.large_text else "") + self.texts.tr("welcome.large"),
            self.toggle_large,
            checkable=True,
        )
        large.setChecked(self.ctx.visit.large_text)
        large.setProperty("choice", "large")
        row.addWidget(large)
        row.addStretch(1)
        row.addWidget(button(self.texts.tr("welcome.start"), lambda: self.ctx.go("next"), "start"))
        lay.addLayout(row)

    def set_lang(self, lang: str) -> None:
        self.window().set_preferences(lang, self.ctx.visit.large_text)  # type: ignore[attr-defined]

    def toggle_large(self) -> None:
        self.window().set_preferences(self.ctx.visit.lang, not self.ctx.visit.large_text)  # type: ignore[attr-defined]


class Services(Screen):
    name = "services"

    def build(self, lay: QVBoxLayout) -> None:
        self.title(lay, "services.title", "services.subtitle")
        grid = QGridLayout()
        grid.setSpacing(16)
        for n, key in enumerate(MENU):
            name, hint = self.texts.tr(f"service.{key}"), self.texts.tr(f"service.{key}.hint")
            b = WrapButton()
            b.setObjectName("tile")
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setCursor(Qt.CursorShape.PointingHandCursor)
            b.clicked.connect(lambda _=False, k=key: self.ctx.go(k))
            b.set_heading(name)
            b.setText(hint)
            b.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            b.setProperty("choice", key)
            grid.addWidget(b, n // 3, n % 3)
        for col in range(3):
            grid.setColumnStretch(col, 1)
        lay.addLayout(grid)
        lay.addStretch(1)
        self.footer(lay, next_key=None, cancel=False)  # nothing begun yet: nothing to cancel


class Info(Screen):
    name = "info"

    def build(self, lay: QVBoxLayout) -> None:
        self.title(lay, "info.title", "info.subtitle")
        box, inner = frame()
        for n in range(1, 10):
            inner.addWidget(label("•  " + self.texts.tr(f"info.right{n}")))
        lay.addWidget(box)
        box2, inner2 = frame()
        inner2.addWidget(label(self.texts.tr("info.more"), "note"))
        lay.addWidget(box2)
        lay.addStretch(1)
        self.footer(lay, next_key=None, cancel=False)


class Consent(Screen):
    """The service's first screen: the materials it needs (from the rules data), each one the
    applicant may tick as in hand, then what the kiosk collects, and the consent."""

    name = "consent"

    def build(self, lay: QVBoxLayout) -> None:
        service = self.ctx.journey.key if self.ctx.journey else ""
        if service == "eligibility":
            self.title(lay, "consent.title", "consent.subtitle")
            keys = ["consent.collect_query", "consent.why_query", "consent.keep_query"]
        else:
            name = self.texts.pick(codes.service(service)) if service else ""
            self.title(lay, "materials.title", "materials.subtitle", service=name)
            keys = ["consent.collect", "consent.why", "consent.keep", "consent.who"]
            if service == "registration":  # no photo is taken; it is no permit application
                keys[:2] = ["consent.collect_registration", "consent.why_registration"]
        box, inner = frame()
        if service != "eligibility":
            inner.addWidget(label(self.texts.tr("consent.title"), "sectionTitle"))
            inner.addWidget(label(self.texts.tr("consent.subtitle"), "note"))
        days = int(self.ctx.config["sync.retention_days"])  # what retention really does
        period = self.texts.tr("consent.period_one" if days == 1 else "consent.period", n=days)
        for key in keys:
            inner.addWidget(label("•  " + self.texts.tr(key, period=period)))
        inner.addStretch(1)
        if service == "eligibility":
            lay.addWidget(box)
        else:
            # side by side on a wide panel, so what is agreed to is never below the fold
            wide = self.room() >= 1600
            row = QHBoxLayout() if wide else QVBoxLayout()
            row.setSpacing(16)
            row.addWidget(self.materials(service, 1 if wide else 2), 1)
            row.addWidget(box, 1)
            lay.addLayout(row)
        if self.card_agrees():
            lay.addWidget(label("▼  " + self.texts.tr("consent.card_agrees"), "value"))
        lay.addStretch(1)
        self.footer(lay, "consent.agree", back=True)

    def card_agrees(self) -> bool:
        """Laying the card on the reader here is the consent (issue 14: fewer taps); the screen
        says so above, and "agree" still leads to the card screen."""
        journey = self.ctx.journey
        return journey is not None and "adult" in journey.triggers_from("consent")

    def on_card(self, read: CardRead) -> None:
        if not self.card_agrees():
            return  # nothing is read before consent
        card = self.ctx.visit.card = read.card
        logs.register_sensitive(  # masked in every log line until the wipe
            *(
                getattr(card, f, None)
                for f in ("name", "name_en", "id_number", "address", "pass_number")
            )
        )
        self.ctx.decision = branching.decide("age_gate", self.ctx.visit, self.ctx.rules)
        self.ctx.go(self.ctx.decision.outcome)

    def materials(self, service: str, columns: int) -> QFrame:
        """What to bring, in words an applicant can act on; tapping one marks it as in hand."""
        visit = self.ctx.visit
        box, inner = frame()
        inner.addWidget(label(self.texts.tr("materials.heading"), "sectionTitle"))
        grid = QGridLayout()
        grid.setSpacing(12)
        labels = codes.materials()
        row = col = 0
        for key in values.materials_for_service(service, visit.replacement_reason or None):
            text = self.texts.pick(labels[key]) if key in labels else key
            if key == "form":  # printed here at the end: said under the list
                continue
            if key in ("change_proof", "correction_proof"):  # a heading for the proofs below
                row, col = row + (col > 0), 0
                grid.addWidget(label(text, "value"), row, 0, 1, columns)
                row += 1
                continue
            if key.startswith("proof_"):  # only the proof of the items changed is needed: a list
                grid.addWidget(label("•  " + text), row, col)
            else:
                b = toggle(
                    text, key in visit.materials, lambda k=key: self.flip(k), f"material_{key}"
                )
                grid.addWidget(b, row, col)
            row, col = (row + 1, 0) if col == columns - 1 else (row, col + 1)
        for col in range(columns):
            grid.setColumnStretch(col, 1)
        inner.addLayout(grid)
        if "form" in values.materials_for_service(service):  # a registration prints no form
            inner.addWidget(label("•  " + self.texts.tr("materials.form_note"), "note"))
        return box

    def flip(self, key: str) -> None:
        have = self.ctx.visit.materials
        have.remove(key) if key in have else have.append(key)
        self.enter()


class Ending(Screen):
    """A journey that cannot go on here: said plainly, with where to go instead."""

    name = "ending"

    def build(self, lay: QVBoxLayout) -> None:
        step = self.ctx.step.key if self.ctx.step else "no_card"
        self.title(lay, f"ending.{step}")
        box, inner = frame("badCard")
        decision = self.ctx.decision
        if decision is not None and step in ("too_early", "expired", "under_age", "not_eligible"):
            for reason in decision.reasons:
                inner.addWidget(label(self.texts.pick(reason)))
        else:
            inner.addWidget(label(self.texts.tr(f"ending.{step}.body")))
        lay.addWidget(box)
        lay.addStretch(1)
        back = step in ("too_early", "expired", "not_eligible")
        self.footer(lay, "btn.home", back=back, cancel=False)


class Result(Screen):
    """The eligibility query's answer."""

    name = "result"

    def build(self, lay: QVBoxLayout) -> None:
        ok = self.ctx.step is not None and self.ctx.step.key == "eligible"
        self.title(lay, "result.yes" if ok else "result.no")
        box, inner = frame("goodCard" if ok else "badCard")
        inner.addWidget(
            label(
                ("✓ " if ok else "✗ ")
                + self.texts.tr("result.yes.short" if ok else "result.no.short"),
                "value",
            )
        )
        for reason in self.ctx.decision.reasons if self.ctx.decision else ():
            inner.addWidget(label(self.texts.pick(reason)))
        lay.addWidget(box)
        lay.addWidget(label(self.texts.tr("result.note"), "note"))
        lay.addStretch(1)
        self.footer(lay, "btn.home")


class Done(Screen):
    name = "done"

    def headline(self) -> tuple[str, str]:
        """The title and subtitle keys (a registration has its own: no form to take)."""
        return "done.title", "done.subtitle"

    def build(self, lay: QVBoxLayout) -> None:
        app = self.ctx.visit.submitted
        self.title(lay, *self.headline())
        box, inner = frame("goodCard")
        if app is not None:
            inner.addWidget(
                label(self.texts.tr("done.number", number=app.application_number), "value")
            )
            inner.addWidget(label(self.texts.tr("done.queue", queue=app.queue_number), "bigNumber"))
        lay.addWidget(box)
        box2, inner2 = frame()
        inner2.addWidget(label(self.texts.tr("done.bring"), "value"))
        materials = codes.materials()
        for key, _ in values.materials_to_bring(app) if app else []:
            if key in materials:
                inner2.addWidget(label("•  " + self.texts.pick(materials[key])))
        lay.addWidget(box2)
        lay.addStretch(1)
        # back to the welcome screen by itself (the slip holds the numbers); "finish" at once
        self.remaining = int(self.ctx.config["timeouts.done_seconds"])
        self.countdown = label(self.texts.tr("done.countdown", n=self.remaining), "note")
        lay.addWidget(self.countdown)
        self.footer(lay, "btn.finish", back=False, cancel=False)
        if not hasattr(self, "timer"):
            self.timer = QTimer(self)
            self.timer.setInterval(1000)
            self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        if self.ctx.step is None or self.ctx.step.screen != self.name:
            self.timer.stop()
            return
        self.remaining -= 1
        if self.remaining <= 0:
            self.timer.stop()
            self.ctx.go("next")
            return
        self.countdown.setText(self.texts.tr("done.countdown", n=self.remaining))

    def leave(self) -> None:
        if hasattr(self, "timer"):
            self.timer.stop()


class CardRemoved(Screen):
    name = "card_removed"

    def build(self, lay: QVBoxLayout) -> None:
        self.title(lay, "removed.title", "removed.body")
        box, inner = frame("badCard")
        inner.addWidget(label(self.texts.tr("removed.kept")))
        lay.addWidget(box)
        lay.addStretch(1)
        # ending the visit is not the way forward here (putting the card back is): a quiet button
        self.footer(lay, "removed.end", back=False, cancel=False, next_name="quiet")

    def on_card(self, read: CardRead) -> None:
        """The same card back: resume where the applicant was; another card is refused in words."""
        if read.same_person(self.ctx.visit.card):
            self.ctx.go("card_back")
        else:
            self.ctx.notice = self.texts.tr("removed.other_card")
            self.enter()


class CameraFailed(Screen):
    name = "camera_failed"

    def build(self, lay: QVBoxLayout) -> None:
        self.title(lay, "camera_failed.title", "camera_failed.body")
        box, inner = frame("badCard")
        inner.addWidget(label(self.texts.tr("camera_failed.other")))
        lay.addWidget(box)
        lay.addStretch(1)
        self.footer(lay, "btn.retry", on_next=lambda: self.ctx.go("retry"), back=False)


class DiskFull(Screen):
    name = "disk_full"

    def build(self, lay: QVBoxLayout) -> None:
        self.title(lay, "disk_full.title", "disk_full.body")
        box, inner = frame("badCard")
        inner.addWidget(label(self.ctx.notice or self.texts.tr("disk_full.kept")))
        self.ctx.notice = ""
        lay.addWidget(box)
        lay.addStretch(1)
        self.footer(lay, "btn.retry", on_next=lambda: self.ctx.go("retry"), back=False)


class PrinterFailed(Screen):
    name = "printer_failed"

    def build(self, lay: QVBoxLayout) -> None:
        self.title(lay, "printer_failed.title", "printer_failed.body")
        box, inner = frame("badCard")
        app = self.ctx.visit.submitted
        inner.addWidget(label(self.texts.tr("printer_failed.saved")))
        if app is not None:
            inner.addWidget(
                label(self.texts.tr("done.number", number=app.application_number), "bigNumber")
            )
        lay.addWidget(box)
        lay.addStretch(1)
        self.footer(lay, back=False, cancel=False)
