"""Review (ID masked, each section editable), signature, submission and printing."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk import logs
from kiosk.documents import values
from kiosk.domain import codes
from kiosk.domain.application import Address
from kiosk.ui.base import Context, Screen
from kiosk.ui.kit import button, frame, label
from kiosk.ui.screens.card import masked
from kiosk.ui.widgets import SignaturePad, date_text

if TYPE_CHECKING:
    from kiosk.devices.printers.jobs import PrintQueue

_log = logs.get("kiosk.ui")


def address_text(addr: Address, lang: str) -> str:
    """The residence address in one line, as the printed documents write it (empty parts left out:
    ``粤海, Nanshan, Shenzhen`` when no detail was typed)."""
    return values.address(addr, "en" if lang == "en" else "zh")


def phone_text(phone: str) -> str:
    """A mobile number in groups of 3-4-4, easier to check digit by digit."""
    return f"{phone[:3]} {phone[3:7]} {phone[7:]}" if len(phone) == 11 else phone


class ReviewScreen(Screen):
    name = "review"

    def build(self, lay: QVBoxLayout) -> None:
        visit, journey = self.ctx.visit, self.ctx.journey
        assert journey is not None
        self.title(lay, "review.title", "review.subtitle")
        steps = {s.key for s in journey.steps}
        sections: list[tuple[str, str | None, list[str]]] = []
        card = visit.card
        if card is not None:  # read from the card, nothing to edit: one line above the sections
            who = f"{card.name}    {masked(card)}"
            lay.addWidget(
                label(
                    self.texts.tr("review.pair", label=self.texts.tr("review.identity"), value=who),
                    "value",
                )
            )
        lang = self.texts.language()
        if "permit" in steps:
            lines = [self.texts.pick(codes.label("permit_types", visit.permit.type))]
            if visit.permit.expires:
                lines.append(
                    self.texts.tr(
                        "review.expires", date=date_text(self.texts, visit.permit.expires)
                    )
                )
            if visit.new_expiry:
                lines.append(
                    self.texts.tr("review.new_expiry", date=date_text(self.texts, visit.new_expiry))
                )
            sections.append(("review.permit", "permit", lines))
        if "reason" in steps and visit.replacement_reason:
            sections.append(
                (
                    "review.reason",
                    "reason",
                    [self.texts.pick(codes.label("replacement_reasons", visit.replacement_reason))],
                )
            )
        if "changes" in steps:
            lines = [
                self.texts.tr(
                    "changes.line",
                    what=self.texts.pick(codes.label("change_items", c.item)),
                    old=c.old,
                    new=c.new,
                )
                for c in visit.changes
            ]
            sections.append(("review.changes", "changes", lines))
        if "address" in steps:
            sections.append(("review.address", "address", [address_text(visit.residence, lang)]))
        if "phone" in steps:
            sections.append(("review.phone", "phone", [phone_text(visit.phone)]))
        if "condition" in steps:
            chosen = (
                self.texts.pick(codes.condition(visit.condition))
                if visit.condition
                else self.texts.tr("review.not_chosen")
            )
            lines = [chosen] + [
                self.texts.tr("review.pair", label=self.texts.pick(codes.detail_field(k)), value=v)
                for k, v in visit.condition_details.items()
                if v
            ]
            if visit.student is not None:  # the answer as given, yes or no
                answer = "condition.student_yes" if visit.student else "condition.student_no"
                lines.append(
                    self.texts.tr(
                        "review.pair",
                        label=self.texts.tr("review.student"),
                        value=self.texts.tr(answer),
                    )
                )
            sections.append(("review.condition", "condition", lines))
        if "relatives" in steps:
            lines = [
                f"{r.name} · {self.texts.pick(codes.label('relationships', r.relation))}"
                for r in visit.relatives
            ] or [self.texts.tr("relatives.none")]
            sections.append(("review.relatives", "relatives", lines))
        if "photo" in steps:  # a residence registration has none
            sections.append(
                (
                    "review.photo",
                    "photo",
                    [
                        self.texts.tr(
                            "review.kiosk_number"  # the kiosk's own number is no 数码照相图像号
                            if visit.photo_number_source == "kiosk"
                            else "review.photo_number",
                            number=visit.photo_number,
                        )
                    ],
                )
            )
        if "collection" in steps:  # 申领: where the permit will be collected
            point = codes.acceptance_point(visit.collection_point)
            sections.append(
                ("review.collection", "collection", [point.text(lang) if point else ""])
            )
        if "living" in steps:  # 居住登记: since when, and the relation as the rules name it
            relation = self.ctx.rules.registration_relations.get(visit.householder_relation)
            lines = [
                self.texts.tr(
                    "review.pair",
                    label=self.texts.tr("living.since"),
                    value=date_text(self.texts, visit.lived_since) if visit.lived_since else "",
                ),
                (relation[1] if lang == "en" else relation[0]) if relation else "",
            ]
            sections.append(("review.living", "living", lines))
        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        grid.setContentsMargins(0, 0, 12, 0)
        grid.setSpacing(12)
        # everything on one screen where it fits: three columns on a wide panel
        columns = 3 if len(sections) > 4 and self.room() >= 1700 else 2
        for n, (title, step, lines) in enumerate(sections):
            box, inner = frame()
            head = QHBoxLayout()
            caption = label(self.texts.tr(title), "sectionTitle")
            caption.setMinimumHeight(64)  # same line height with or without an edit button
            head.addWidget(caption, 1)
            if step is not None and f"edit_{step}" in journey.triggers_from("review"):
                b = button(self.texts.tr("btn.edit"), lambda s=step: self.ctx.go(f"edit_{s}"))
                b.setProperty("choice", f"edit_{step}")
                head.addWidget(b, 0, Qt.AlignmentFlag.AlignTop)
            inner.addLayout(head)
            body = QHBoxLayout()
            text = QVBoxLayout()
            text.setSpacing(6)
            for line in lines:
                text.addWidget(label(line))
            text.addStretch(1)
            body.addLayout(text, 1)
            if step == "photo" and visit.photo_jpeg:
                pix = QPixmap()
                pix.loadFromData(visit.photo_jpeg)
                face = QLabel()
                face.setPixmap(pix.scaledToHeight(160, Qt.TransformationMode.SmoothTransformation))
                body.addWidget(face, 0, Qt.AlignmentFlag.AlignTop)
            inner.addLayout(body, 1)
            grid.addWidget(box, n // columns, n % columns)
        for col in range(columns):
            grid.setColumnStretch(col, 1)
        lay.addWidget(grid_host)  # the screen scrolls when the sections do not fit
        lay.addStretch(1)
        self.pad: SignaturePad | None = None
        if self.ctx.step is not None and "signature_png" in self.ctx.step.fields:
            self.sign_here()
            self.footer(lay, "sign.confirm", on_next=self.done)
        else:
            self.footer(lay, "review.confirm")

    def sign_here(self) -> None:
        """Signed on this screen (issue 14): the declaration being signed above the pad, fixed
        under the answers; "write again" beside the declaration, away from the pad, and a gap
        between the pad and the buttons below it, so no stroke ends on a button."""
        area = QVBoxLayout()
        area.setSpacing(8)
        head = QHBoxLayout()
        head.setSpacing(16)
        words = QVBoxLayout()
        words.addWidget(label(self.texts.tr("sign.declaration_title"), "sectionTitle"))
        # a registration chooses no 办理条件: its declaration does not speak of one
        registering = self.ctx.journey is not None and self.ctx.journey.key == "registration"
        words_key = "sign.declaration_registration" if registering else "sign.declaration"
        declaration = label(self.texts.tr(words_key), "declaration")
        words.addWidget(declaration)
        words.addWidget(label(self.texts.tr("sign.here"), "note"))
        self.spoken.append(self.texts.tr("sign.here"))
        head.addLayout(words, 1)
        self.pad = SignaturePad()
        self.pad.setFixedHeight(260)
        self.ctx.visit.signature_png = None  # signed again over the answers as they are now
        head.addWidget(
            button(self.texts.tr("sign.clear"), self.clear), 0, Qt.AlignmentFlag.AlignTop
        )
        area.addLayout(head)
        area.addWidget(self.pad)
        self.error = label(self.texts.tr("sign.empty"), "error")
        self.error.hide()
        area.addWidget(self.error)
        area.addSpacing(24)
        self.bottom.addLayout(area)

    def clear(self) -> None:
        if self.pad is not None:
            self.pad.clear()
        self.ctx.visit.signature_png = None

    def done(self) -> None:
        if self.pad is None:
            return
        if self.pad.is_empty():
            self.error.show()
            self.say(self.error.text())  # spoken too (docs/ui.md, Voice)
            return
        self.ctx.visit.signature_png = self.pad.png()
        self.ctx.advance()


class SignScreen(Screen):
    name = "sign"

    def build(self, lay: QVBoxLayout) -> None:
        self.title(lay, "sign.title", "sign.subtitle")
        self.pad = SignaturePad()
        row = QHBoxLayout()  # "write again" above the pad, away from cancel at the bottom left
        row.addStretch(1)
        row.addWidget(button(self.texts.tr("sign.clear"), self.pad.clear))
        lay.addLayout(row)
        lay.addWidget(self.pad, 1)
        self.error = label(self.texts.tr("sign.empty"), "error")
        self.error.hide()
        lay.addWidget(self.error)
        self.footer(lay, "sign.confirm", on_next=self.done)

    def done(self) -> None:
        if self.pad.is_empty():
            self.error.show()
            self.say(self.error.text())  # spoken too (docs/ui.md, Voice)
            return
        self.ctx.visit.signature_png = self.pad.png()
        self.ctx.advance()


class _Relay(QObject):
    """Hands the print queue's events (from its worker thread) to the GUI thread."""

    done = Signal(object)


class SubmitScreen(Screen):
    """Saves through kiosk.services.submit (one transaction), off the GUI thread."""

    name = "submit"
    lock = threading.Lock()  # one submission at a time, whatever the screens do

    def build(self, lay: QVBoxLayout) -> None:
        self.title(lay, "submit.title", "submit.subtitle")
        lay.addStretch(1)
        if self.ctx.background_work:
            visit = self.ctx.visit
            self.ctx.runner.run(self, lambda: self._work(visit), self._on_done)

    def _work(self, visit: Any) -> object:
        """In the runner's thread: the submission, or the exception that stopped it."""
        from kiosk.services.submit import submit_application

        config = self.ctx.config
        try:
            application = visit.to_application(str(config["point.code"]), str(config["kiosk.id"]))
            with self.lock:
                result: object = submit_application(
                    self.ctx.factory,
                    application,
                    config,
                    rules=self.ctx.rules,
                    enrolled=self.ctx.enrolled(),
                )
        except Exception as exc:
            _log.warning("submission failed: %s", type(exc).__name__)
            result = exc
        return result

    def _on_done(self, result: object) -> None:
        if self.ctx.step is None or self.ctx.step.key != "submit":
            return
        if isinstance(result, Exception):
            message = getattr(result, "message", None)
            self.ctx.notice = (
                self.texts.pick(message) if message is not None else self.texts.tr("disk_full.kept")
            )
            self.ctx.go("disk_full")
            return
        from kiosk.services.submit import Submitted

        if not isinstance(result, Submitted):  # _work returns one or the other
            raise TypeError(f"submission gave {type(result).__name__}")
        self.ctx.visit.submitted = result.application
        self.ctx.visit.submitted_id = result.application_id
        self.ctx.go("submitted")


class PrintScreen(Screen):
    """Queues the form and the slip; waits for both, or reports the printer problem."""

    name = "print"

    def __init__(self, ctx: Context, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.relay = _Relay(self)  # one for the screen's life, not one per visit
        self.relay.done.connect(self._on_event)
        self.unsubscribe: Callable[[], None] | None = None

    def build(self, lay: QVBoxLayout) -> None:
        registering = self.ctx.journey is not None and self.ctx.journey.key == "registration"
        self.title(lay, "print.title", "print.subtitle_slip" if registering else "print.subtitle")
        lay.addStretch(1)
        self.pending: set[int] = set()
        self.unsubscribe = None
        queue = self.ctx.print_queue
        if not self.ctx.background_work or queue is None:
            return
        self.unsubscribe = queue.subscribe(self.relay.done.emit)
        app, app_id, lang = self.ctx.visit.submitted, self.ctx.visit.submitted_id, self.texts.lang
        self.ctx.runner.run(self, lambda: self._queue(queue, app, app_id, lang), self._on_event)

    def _queue(self, queue: PrintQueue, app: Any, app_id: int | None, lang: str) -> list[int]:
        """In the runner's thread: queue the form and the slip; their job ids (none: failed)."""
        from kiosk.services.printing import Printers, print_submission

        printers = Printers.from_config(self.ctx.config)
        try:
            if app is None or app_id is None:  # the print step comes only after a submission
                raise LookupError("no submitted application to print")
            ids = print_submission(queue, printers, app_id, app, lang)
        except Exception as exc:
            _log.warning("printing could not be queued: %s", type(exc).__name__)
            ids = []
        return ids

    def _on_event(self, event: Any) -> None:
        if self.ctx.step is None or self.ctx.step.key != "print":
            return
        if isinstance(event, list):
            if not event:
                self._finish("printer_failed")
                return
            self.pending = set(event)
            queue = self.ctx.print_queue
            if queue is not None:
                for job_id in event:  # jobs may have printed before we knew their ids
                    self._on_event(queue.status(job_id))
            return
        job = getattr(event, "job", event)
        if job.id not in self.pending:
            return
        if job.state == "printed":
            self.pending.discard(job.id)
            if not self.pending:
                self._finish("printed")
        elif job.state in ("waiting", "held"):
            self._finish("printer_failed")

    def _finish(self, trigger: str) -> None:
        self.leave()
        self.ctx.go(trigger)

    def leave(self) -> None:
        unsubscribe = getattr(self, "unsubscribe", None)
        if unsubscribe is not None:
            unsubscribe()
            self.unsubscribe = None
