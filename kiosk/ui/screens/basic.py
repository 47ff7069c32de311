"""Screens without forms: welcome, services, information, consent, decisions, endings, done."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout

from kiosk.domain import codes
from kiosk.domain.rules import office_rulebook
from kiosk.ui.base import Screen, WrapButton, button, frame, label
from kiosk.ui.texts import pick, tr
from kiosk.workflows.journeys import MENU


class Welcome(Screen):
    name = "welcome"

    def build(self, lay: QVBoxLayout) -> None:
        lay.addStretch(1)
        lay.addWidget(label(tr("welcome.title"), "title"))
        lay.addWidget(label(tr("welcome.subtitle"), "subtitle"))
        lay.addSpacing(24)
        box, inner = frame()
        inner.addWidget(label(tr("welcome.what"), "subtitle"))
        for key in ("welcome.bring1", "welcome.bring2", "welcome.bring3"):
            inner.addWidget(label("•  " + tr(key)))
        lay.addWidget(box)
        lay.addStretch(1)
        row = QHBoxLayout()
        row.setSpacing(16)
        for lang in ("zh", "en"):
            text = tr("lang.name", lang)  # each language names itself
            b = button(
                ("✓ " if self.ctx.visit.lang == lang else "") + text,
                lambda lg=lang: self.set_lang(lg),
                checkable=True,
            )
            b.setChecked(self.ctx.visit.lang == lang)
            b.setProperty("choice", lang)
            row.addWidget(b)
        large = button(
            ("✓ " if self.ctx.visit.large_text else "") + tr("welcome.large"),
            self.toggle_large,
            checkable=True,
        )
        large.setChecked(self.ctx.visit.large_text)
        large.setProperty("choice", "large")
        row.addWidget(large)
        row.addStretch(1)
        row.addWidget(button(tr("welcome.start"), lambda: self.ctx.go("next"), "start"))
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
            name, hint = tr(f"service.{key}"), tr(f"service.{key}.hint")
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
        self.footer(lay, next_key=None)


class Info(Screen):
    name = "info"

    def build(self, lay: QVBoxLayout) -> None:
        self.title(lay, "info.title", "info.subtitle")
        box, inner = frame()
        for n in range(1, 10):
            inner.addWidget(label("•  " + tr(f"info.right{n}")))
        lay.addWidget(box)
        box2, inner2 = frame()
        inner2.addWidget(label(tr("info.more"), "note"))
        lay.addWidget(box2)
        lay.addStretch(1)
        self.footer(lay, next_key=None)


class Consent(Screen):
    name = "consent"

    def build(self, lay: QVBoxLayout) -> None:
        service = self.ctx.journey.key if self.ctx.journey else ""
        self.title(lay, "consent.title", "consent.subtitle")
        box, inner = frame()
        keys = ["consent.collect", "consent.why", "consent.keep", "consent.who"]
        if service == "eligibility":
            keys = ["consent.collect_query", "consent.why_query", "consent.keep_query"]
        for key in keys:
            inner.addWidget(label("•  " + tr(key)))
        lay.addWidget(box)
        lay.addStretch(1)
        self.footer(lay, "consent.agree", back=True)


class Ending(Screen):
    """A journey that cannot go on here: said plainly, with where to go instead."""

    name = "ending"

    def build(self, lay: QVBoxLayout) -> None:
        step = self.ctx.step.key if self.ctx.step else "no_card"
        self.title(lay, f"ending.{step}")
        box, inner = frame("badCard")
        decision = self.ctx.decision
        if decision is not None and step in ("too_early", "expired", "under_age"):
            for reason in decision.reasons:
                inner.addWidget(label(pick(reason)))
        else:
            inner.addWidget(label(tr(f"ending.{step}.body")))
        lay.addWidget(box)
        lay.addStretch(1)
        self.footer(lay, "btn.home", back=step in ("too_early", "expired"), cancel=False)


class Decision(Screen):
    """The renewal decision in plain words (only reached when renewal is possible)."""

    name = "decision"

    def build(self, lay: QVBoxLayout) -> None:
        self.title(lay, "decision.title")
        box, inner = frame("goodCard")
        inner.addWidget(label("✓ " + tr("decision.ok"), "value"))
        for reason in self.ctx.decision.reasons if self.ctx.decision else ():
            inner.addWidget(label(pick(reason)))
        lay.addWidget(box)
        lay.addWidget(label(pick(office_rulebook().employer_note), "note"))
        lay.addStretch(1)
        self.footer(lay)


class Result(Screen):
    """The eligibility query's answer."""

    name = "result"

    def build(self, lay: QVBoxLayout) -> None:
        ok = self.ctx.step is not None and self.ctx.step.key == "eligible"
        self.title(lay, "result.yes" if ok else "result.no")
        box, inner = frame("goodCard" if ok else "badCard")
        inner.addWidget(
            label(
                ("✓ " if ok else "✗ ") + tr("result.yes.short" if ok else "result.no.short"),
                "value",
            )
        )
        for reason in self.ctx.decision.reasons if self.ctx.decision else ():
            inner.addWidget(label(pick(reason)))
        lay.addWidget(box)
        lay.addWidget(label(tr("result.note"), "note"))
        lay.addStretch(1)
        self.footer(lay, "btn.home")


class Done(Screen):
    name = "done"

    def build(self, lay: QVBoxLayout) -> None:
        app = self.ctx.visit.submitted
        self.title(lay, "done.title", "done.subtitle")
        box, inner = frame("goodCard")
        if app is not None:
            inner.addWidget(label(tr("done.number", number=app.application_number), "value"))
            inner.addWidget(label(tr("done.queue", queue=app.queue_number), "bigNumber"))
        lay.addWidget(box)
        box2, inner2 = frame()
        inner2.addWidget(label(tr("done.bring"), "value"))
        materials = codes.materials()
        for key in app.materials if app else []:
            if key in materials:
                inner2.addWidget(label("•  " + pick(materials[key])))
        lay.addWidget(box2)
        lay.addStretch(1)
        self.footer(lay, "btn.finish", back=False, cancel=False)


class CardRemoved(Screen):
    name = "card_removed"

    def build(self, lay: QVBoxLayout) -> None:
        self.title(lay, "removed.title", "removed.body")
        box, inner = frame("badCard")
        inner.addWidget(label(tr("removed.kept")))
        lay.addWidget(box)
        lay.addStretch(1)
        # ending the visit is not the way forward here (putting the card back is): a quiet button
        self.footer(lay, "removed.end", back=False, cancel=False, next_name="quiet")


class CameraFailed(Screen):
    name = "camera_failed"

    def build(self, lay: QVBoxLayout) -> None:
        self.title(lay, "camera_failed.title", "camera_failed.body")
        box, inner = frame("badCard")
        inner.addWidget(label(tr("camera_failed.other")))
        lay.addWidget(box)
        lay.addStretch(1)
        self.footer(lay, "btn.retry", on_next=lambda: self.ctx.go("retry"), back=False)


class DiskFull(Screen):
    name = "disk_full"

    def build(self, lay: QVBoxLayout) -> None:
        self.title(lay, "disk_full.title", "disk_full.body")
        box, inner = frame("badCard")
        inner.addWidget(label(self.ctx.notice or tr("disk_full.kept")))
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
        inner.addWidget(label(tr("printer_failed.saved")))
        if app is not None:
            inner.addWidget(label(tr("done.number", number=app.application_number), "bigNumber"))
        lay.addWidget(box)
        lay.addStretch(1)
        self.footer(lay, back=False, cancel=False)
