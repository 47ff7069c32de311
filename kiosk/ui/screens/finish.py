"""Review (ID masked, each section editable), signature, submission and printing."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk import logs
from kiosk.documents import values
from kiosk.domain import codes
from kiosk.domain.application import Address
from kiosk.ui.base import Screen, button, frame, label
from kiosk.ui.screens.card import masked
from kiosk.ui.texts import language, pick, tr
from kiosk.ui.widgets import SignaturePad, date_text

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
            lay.addWidget(label(tr("review.pair", label=tr("review.identity"), value=who), "value"))
        lang = language()
        if "permit" in steps:
            lines = [pick(codes.label("permit_types", visit.permit.type))]
            if visit.permit.expires:
                lines.append(tr("review.expires", date=date_text(visit.permit.expires)))
            if visit.new_expiry:
                lines.append(tr("review.new_expiry", date=date_text(visit.new_expiry)))
            sections.append(("review.permit", "permit", lines))
        if "reason" in steps and visit.replacement_reason:
            sections.append(
                (
                    "review.reason",
                    "reason",
                    [pick(codes.label("replacement_reasons", visit.replacement_reason))],
                )
            )
        if "changes" in steps:
            lines = [
                tr(
                    "changes.line",
                    what=pick(codes.label("change_items", c.item)),
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
            lines = [pick(codes.condition(visit.condition))] + [
                tr("review.pair", label=pick(codes.detail_field(k)), value=v)
                for k, v in visit.condition_details.items()
                if v
            ]
            if visit.student:
                lines.append(tr("condition.student"))
            sections.append(("review.condition", "condition", lines))
        if "relatives" in steps:
            lines = [
                f"{r.name} · {pick(codes.label('relationships', r.relation))}"
                for r in visit.relatives
            ] or [tr("relatives.none")]
            sections.append(("review.relatives", "relatives", lines))
        sections.append(
            ("review.photo", "photo", [tr("review.photo_number", number=visit.photo_number)])
        )
        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        grid.setContentsMargins(0, 0, 12, 0)
        grid.setSpacing(12)
        # everything on one screen where it fits: three columns on a wide panel
        columns = 3 if len(sections) > 4 and self.room() >= 1700 else 2
        for n, (title, step, lines) in enumerate(sections):
            box, inner = frame()
            head = QHBoxLayout()
            caption = label(tr(title), "sectionTitle")
            caption.setMinimumHeight(64)  # same line height with or without an edit button
            head.addWidget(caption, 1)
            if step is not None and f"edit_{step}" in journey.triggers_from("review"):
                b = button(tr("btn.edit"), lambda s=step: self.ctx.go(f"edit_{s}"))
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
        self.footer(lay, "review.confirm")


class SignScreen(Screen):
    name = "sign"

    def build(self, lay: QVBoxLayout) -> None:
        self.title(lay, "sign.title", "sign.subtitle")
        self.pad = SignaturePad()
        row = QHBoxLayout()  # "write again" above the pad, away from cancel at the bottom left
        row.addStretch(1)
        row.addWidget(button(tr("sign.clear"), self.pad.clear))
        lay.addLayout(row)
        lay.addWidget(self.pad, 1)
        self.error = label(tr("sign.empty"), "error")
        self.error.hide()
        lay.addWidget(self.error)
        self.footer(lay, "sign.confirm", on_next=self.done)

    def done(self) -> None:
        if self.pad.is_empty():
            self.error.show()
            return
        self.ctx.visit.signature_png = self.pad.png()
        self.ctx.advance()


class _Relay(QObject):
    done = Signal(object)


class SubmitScreen(Screen):
    """Saves through kiosk.sync.submission (one transaction), off the GUI thread."""

    name = "submit"
    lock = threading.Lock()  # one submission at a time, whatever the screens do

    def build(self, lay: QVBoxLayout) -> None:
        self.title(lay, "submit.title", "submit.subtitle")
        lay.addStretch(1)
        self.relay = _Relay(self)
        self.relay.done.connect(self._on_done)
        if self.ctx.background_work:
            threading.Thread(
                target=self._work, args=(self.ctx.visit,), name="submit", daemon=True
            ).start()

    def _work(self, visit: Any) -> None:
        from kiosk.sync.submission import submit_application

        config = self.ctx.config
        try:
            application = visit.to_application(str(config["point.code"]), str(config["kiosk.id"]))
            with self.lock:
                result: object = submit_application(self.ctx.factory, application, self.ctx.config)
        except Exception as exc:
            _log.warning("submission failed: %s", type(exc).__name__)
            result = exc
        self.relay.done.emit(result)

    def _on_done(self, result: object) -> None:
        if self.ctx.step is None or self.ctx.step.key != "submit":
            return
        if isinstance(result, Exception):
            message = getattr(result, "message", None)
            self.ctx.notice = pick(message) if message is not None else tr("disk_full.kept")
            self.ctx.go("disk_full")
            return
        self.ctx.visit.submitted = result  # type: ignore[assignment]
        self.ctx.go("submitted")


class PrintScreen(Screen):
    """Queues the form and the slip; waits for both, or reports the printer problem."""

    name = "print"

    def build(self, lay: QVBoxLayout) -> None:
        self.title(lay, "print.title", "print.subtitle")
        lay.addStretch(1)
        self.relay = _Relay(self)
        self.relay.done.connect(self._on_event)
        self.pending: set[int] = set()
        self.unsubscribe = None
        if not self.ctx.background_work:
            return
        self.unsubscribe = self.ctx.print_queue.subscribe(self.relay.done.emit)
        app = self.ctx.visit.submitted
        threading.Thread(
            target=self._queue, args=(app, language()), name="print-submit", daemon=True
        ).start()

    def _queue(self, app: Any, lang: str) -> None:
        from kiosk.devices.printers.printing import submit_document

        config, queue = self.ctx.config, self.ctx.print_queue
        try:
            ids = [
                submit_document(queue, str(config["printer.form"]), app, "form"),
                submit_document(
                    queue,
                    str(config["printer.receipt"]),
                    app,
                    "slip",
                    paper=str(config["printer.receipt_paper"]),
                    lang=lang,
                ),
            ]
        except Exception as exc:
            _log.warning("printing could not be queued: %s", type(exc).__name__)
            ids = []
        self.relay.done.emit(ids)

    def _on_event(self, event: Any) -> None:
        if self.ctx.step is None or self.ctx.step.key != "print":
            return
        if isinstance(event, list):
            if not event:
                self._finish("printer_failed")
                return
            self.pending = set(event)
            for job_id in event:  # jobs may have printed before we knew their ids
                self._on_event(self.ctx.print_queue.status(job_id))
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
