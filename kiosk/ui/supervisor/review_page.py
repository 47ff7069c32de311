"""Review: the list of today's and pending applications, search, and the detail with decisions."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain import codes
from kiosk.services import decisions, review
from kiosk.services.staff import StaffAccount
from kiosk.sync.enrolment import sealed_to
from kiosk.ui.kit import WrapButton, button, natural_width, plain_scroll, touch_table
from kiosk.ui.supervisor.common import SupervisorContext
from kiosk.ui.supervisor.counter_page import request_print
from kiosk.ui.supervisor.labels import condition_text, service_text, status_text
from kiosk.ui.texts import Texts

COLUMNS = ("queue", "name", "id", "service", "status")
PHOTO = (179, 221)  # px: half the 358 x 441 ID photo
LIST_MAX = 720  # px: the list never takes more, however long a name; the detail needs the room


class DecisionPanel(QFrame):
    """Reasons to reject (pick one) or materials to ask for (pick several), plus a typed note.

    It takes the whole review page while open (the list is not needed meanwhile), so the choices
    sit two to a row at full width on a 1366-px screen; the photo and the case stay in view. A
    long list of choices scrolls; the note and the Cancel / OK buttons stay put below it.
    """

    confirmed = Signal(str, list, str)  # kind, chosen keys, typed text
    cancelled = Signal()

    def __init__(
        self,
        texts: Texts,
        kind: str,
        detail: review.Detail | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.texts = texts
        self.kind = kind
        self.setProperty("role", "card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 12, 20, 12)
        layout.setSpacing(8)
        title = QLabel(
            self.texts.tr("review.reject_title" if kind == "reject" else "review.materials_title")
        )
        title.setProperty("role", "section")
        layout.addWidget(title)
        inner = QWidget()
        body = QHBoxLayout(inner)
        body.setContentsMargins(0, 0, 8, 0)
        body.setSpacing(20)
        if detail is not None:
            body.addLayout(_case_summary(self.texts, detail))
        items = decisions.reject_reasons() if kind == "reject" else decisions.material_items()
        self.group = QButtonGroup(self)
        self.group.setExclusive(kind == "reject")
        grid = QGridLayout()
        grid.setSpacing(8)
        for i, item in enumerate(items):
            b = WrapButton(item.text(self.texts.language()), kind="tile")
            b.setCheckable(True)
            b.setProperty("key", item.key)
            self.group.addButton(b)
            grid.addWidget(b, i // 2, i % 2)
        choices = QVBoxLayout()
        choices.addLayout(grid)
        choices.addStretch(1)
        body.addLayout(choices, 1)
        layout.addWidget(plain_scroll(inner), 1)
        layout.addWidget(QLabel(self.texts.tr("review.typed")))
        self.text = QPlainTextEdit(self)
        self.text.setFixedHeight(72)
        layout.addWidget(self.text)
        self.message = QLabel("")
        self.message.setProperty("role", "error")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        row.setSpacing(12)
        row.addWidget(button(self.texts.tr("cancel"), self.cancelled.emit, kind="plain"))
        row.addWidget(button(self.texts.tr("yes"), self._confirm, kind="primary"))
        layout.addLayout(row)

    def choose(self, *keys: str) -> None:
        for b in self.group.buttons():
            if b.property("key") in keys:
                b.setChecked(True)

    def _confirm(self) -> None:
        keys = [str(b.property("key")) for b in self.group.buttons() if b.isChecked()]
        self.confirmed.emit(self.kind, keys, self.text.toPlainText())


def _case_summary(texts: Texts, detail: review.Detail) -> QVBoxLayout:
    """Photo, queue number, name and service: which case a decision is about."""
    column = QVBoxLayout()
    column.setSpacing(4)
    photo = QLabel()
    photo.setFixedSize(*PHOTO)
    photo.setStyleSheet("border: 1px solid #9aa5b1; background: #fff;")
    if detail.photo_jpeg:
        pix = QPixmap()
        pix.loadFromData(detail.photo_jpeg)
        photo.setPixmap(
            pix.scaled(
                *PHOTO,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )
    column.addWidget(photo)
    s = detail.summary
    for text in (s.queue_number, s.name, service_text(texts, s.service)):
        label = QLabel(text)
        label.setWordWrap(True)
        label.setMaximumWidth(PHOTO[0])
        column.addWidget(label)
    column.addStretch(1)
    return column


class ReviewPage(QWidget):
    decided = Signal(str, str)  # application number, new status

    def __init__(
        self, ctx: SupervisorContext, account: StaffAccount, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.ctx, self.account = ctx, account
        self.texts = ctx.texts
        self.current: review.Detail | None = None
        self.panel: DecisionPanel | None = None
        self.views = QStackedWidget(self)  # the list with the detail, or a decision panel
        page = QVBoxLayout(self)
        page.setContentsMargins(0, 0, 0, 0)
        page.addWidget(self.views)
        self.browse = QWidget()
        self.views.addWidget(self.browse)
        self.outer = outer = QHBoxLayout(self.browse)
        outer.setContentsMargins(0, 8, 0, 0)
        outer.setSpacing(16)

        self.left = left = QVBoxLayout()
        left.setSpacing(8)
        hint = QLabel(self.texts.tr("review.search"))
        hint.setProperty("role", "muted")
        hint.setWordWrap(True)
        left.addWidget(hint)
        search = QHBoxLayout()
        search.setSpacing(12)
        self.query = QLineEdit()
        self.query.setPlaceholderText(self.texts.tr("review.search_example"))
        self.query.returnPressed.connect(self.search)
        search.addWidget(self.query, 1)
        search.addWidget(button(self.texts.tr("review.find"), self.search, kind="primary"))
        left.addLayout(search)
        self.count = QLabel("")
        self.count.setProperty("role", "muted")
        left.addWidget(self.count)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([self.texts.tr(f"review.col.{c}") for c in COLUMNS])
        touch_table(self.table)
        self.table.itemSelectionChanged.connect(self._selected)
        left.addWidget(self.table, 1)
        outer.addLayout(left, 1)

        self.scroll_area = plain_scroll()
        outer.addWidget(self.scroll_area, 1)
        self._rows: list[review.Summary] = []
        self.refresh()

    # -- list ------------------------------------------------------------------------------

    def refresh(self) -> None:
        with self.ctx.factory() as session:
            self._show(review.today_and_pending(session))

    def search(self) -> None:
        with self.ctx.factory() as session:
            self._show(review.find(session, self.query.text()))

    def _show(self, rows: list[review.Summary]) -> None:
        self._rows = rows
        self.table.blockSignals(True)
        self.table.clearSelection()
        self.table.blockSignals(False)
        self.table.setRowCount(len(rows))
        for r, s in enumerate(rows):
            values = (
                s.queue_number,
                s.name,
                s.id_masked,
                service_text(self.texts, s.service),
                status_text(self.texts, s.status),
            )
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self._fit_list()
        self.count.setText(self.texts.tr("review.count", n=len(rows)))
        self._show_detail(None)

    def _fit_list(self) -> None:
        """The list gets the width it needs (no sideways scrolling); the detail takes the rest."""
        self.table.ensurePolished()  # the style sheet's font decides the widths
        self.table.setMinimumWidth(min(natural_width(self.table), LIST_MAX))
        # the nested column caches its minimum: without this the detail would overlap the list
        self.left.invalidate()
        self.outer.invalidate()
        self.outer.activate()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_list()  # built before it joined the styled supervisor area: measure again

    def select_number(self, application_number: str) -> None:
        for r, s in enumerate(self._rows):
            if s.application_number == application_number:
                self.table.selectRow(r)

    def _selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        summary = self._rows[rows[0].row()]
        again = self.current is not None and self.current.summary.id == summary.id
        with self.ctx.factory.begin() as session:
            detail = review.open_detail(session, self.account.actor, summary.id, record=not again)
        cell = self.table.item(rows[0].row(), COLUMNS.index("status"))
        if cell is not None:
            cell.setText(status_text(self.texts, detail.summary.status))
        self._show_detail(detail)

    # -- detail ----------------------------------------------------------------------------

    def _show_detail(self, detail: review.Detail | None, note: str = "") -> None:
        """The card on the right, laid out to fit a narrow column (1366-px screens, English).

        Head, then the photo with the few facts that identify the case beside it (each name
        above its value, so they need little width), then every other field in one grid whose
        values wrap, then the actions, two to a row, as buttons whose words wrap.
        """
        self.current = detail
        card = QFrame()
        card.setProperty("role", "card")
        layout = QVBoxLayout(card)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(12)
        if detail is None:
            empty = QLabel(self.texts.tr("review.none"))
            empty.setWordWrap(True)
            layout.addWidget(empty)
            layout.addStretch(1)
            self._put(card)
            return
        s = detail.summary
        head = QLabel(f"{s.queue_number}\n{s.application_number}")
        head.setProperty("role", "section")
        head.setWordWrap(True)
        layout.addWidget(head)
        app = detail.application

        top = QHBoxLayout()
        top.setSpacing(16)
        self.photo = QLabel(card)
        self.photo.setObjectName("photo")
        self.photo.setFixedSize(*PHOTO)
        self.photo.setStyleSheet("border: 1px solid #9aa5b1; background: #fff;")
        if detail.photo_jpeg:
            pix = QPixmap()
            pix.loadFromData(detail.photo_jpeg)
            self.photo.setPixmap(
                pix.scaled(
                    *PHOTO,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        top.addWidget(self.photo, 0, Qt.AlignmentFlag.AlignTop)
        beside = QVBoxLayout()
        beside.setSpacing(2)
        facts: list[tuple[str, str]] = [
            ("field.status", status_text(self.texts, s.status)),
            ("field.service", service_text(self.texts, s.service)),
        ]
        if app is not None:
            facts.append(("field.applicant", app.applicant.name))
        for key, value in facts:
            name = QLabel(self.texts.tr(key))
            name.setProperty("role", "muted")
            shown = QLabel(value)
            shown.setWordWrap(True)
            shown.setStyleSheet("font-size: 22px; font-weight: 600;")
            beside.addWidget(name)
            beside.addWidget(shown)
            beside.addSpacing(8)
        beside.addStretch(1)
        top.addLayout(beside, 1)
        layout.addLayout(top)

        self.id_label = QLabel(s.id_masked)
        if app is None:
            purged = QLabel(self.texts.tr("review.purged"))
            purged.setWordWrap(True)
            layout.addWidget(purged)
        else:
            grid = QGridLayout()
            grid.setHorizontalSpacing(16)
            grid.setVerticalSpacing(6)
            grid.setColumnStretch(1, 1)
            permit = (
                codes.label("permit_types", app.permit.type).text(self.texts.language())
                if app.permit.type
                else ""
            )
            sex = codes.sex_label(app.applicant.sex).text(self.texts.language())
            materials = self.texts.tr("list.sep").join(
                codes.materials()[m].text(self.texts.language())
                for m in app.materials
                if m in codes.materials()
            )
            fields: list[tuple[str, QLabel | str]] = [
                ("field.id_number", self.id_label),
                ("field.sex_birth", f"{sex} / {app.applicant.birth_date}"),
                ("field.phone", detail.phone_masked),
                ("field.permit", permit),
                ("field.expires", str(app.permit.expires or "")),
                ("field.new_expiry", str(app.new_expiry or "")),
                ("field.condition", condition_text(self.texts, app.condition)),
                ("field.photo_number", app.photo_number),
                ("field.materials", materials),
            ]
            if detail.decision_reason:
                fields.append(("field.decision", detail.decision_reason))
            row = 0
            for key, shown_value in fields:
                name = QLabel(self.texts.tr(key))
                name.setProperty("role", "muted")
                name.setWordWrap(True)
                grid.addWidget(name, row, 0, Qt.AlignmentFlag.AlignTop)
                shown = shown_value if isinstance(shown_value, QLabel) else QLabel(shown_value)
                shown.setWordWrap(True)
                grid.addWidget(shown, row, 1)
                row += 1
                if key == "field.id_number" and detail.id_number:
                    self.reveal = button(
                        self.texts.tr("review.show_id"), self._reveal_id, kind="plain"
                    )
                    grid.addWidget(self.reveal, row, 1)
                    row += 1
            layout.addLayout(grid)
            if detail.signature_png:
                sig_name = QLabel(self.texts.tr("field.signature"))
                sig_name.setProperty("role", "muted")
                layout.addWidget(sig_name)
                sig = QLabel()
                sig.setObjectName("signature")
                pix = QPixmap()
                pix.loadFromData(detail.signature_png)
                sig.setPixmap(pix.scaledToHeight(70, Qt.TransformationMode.SmoothTransformation))
                layout.addWidget(sig)
        self.note = QLabel(note)
        self.note.setProperty("role", "notice")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.action_grid = QGridLayout()
        self.action_grid.setSpacing(8)
        pending = s.status in review.PENDING
        self.approve_btn = WrapButton(
            self.texts.tr("review.approve"), kind="primary", on_click=self.approve
        )
        self.reject_btn = WrapButton(
            self.texts.tr("review.reject"), kind="danger", on_click=lambda: self._panel("reject")
        )
        self.materials_btn = WrapButton(
            self.texts.tr("review.materials"),
            kind="plain",
            on_click=lambda: self._panel("request_materials"),
        )
        for b in (self.approve_btn, self.reject_btn, self.materials_btn):
            b.setEnabled(pending)
        self.receipt_btn = WrapButton(
            self.texts.tr("review.print_receipt"), kind="plain", on_click=self._print_receipt
        )
        self.receipt_btn.setEnabled(s.status == "approved")
        for i, b in enumerate(
            (self.approve_btn, self.reject_btn, self.materials_btn, self.receipt_btn)
        ):
            self.action_grid.addWidget(b, i // 2, i % 2)
        layout.addLayout(self.action_grid)
        layout.addStretch(1)
        self._put(card)

    def _put(self, card: QWidget) -> None:
        # setWidget would delete the old card at once, maybe inside one of its own signals
        old = self.scroll_area.takeWidget()
        if old is not None:
            old.hide()
            old.deleteLater()
        self.scroll_area.setWidget(card)

    def _reveal_id(self) -> None:
        if self.current is None or not self.current.id_number:
            return
        with self.ctx.factory.begin() as session:
            review.record_reveal(
                session, self.account.actor, self.current.summary.application_number
            )
        self.id_label.setText(self.current.id_number)
        self.reveal.setEnabled(False)

    def _panel(self, kind: str) -> None:
        self._close_panel()
        self.panel = DecisionPanel(self.texts, kind, self.current)
        self.panel.confirmed.connect(self._decide)
        self.panel.cancelled.connect(self._close_panel)
        self.views.addWidget(self.panel)
        self.views.setCurrentWidget(self.panel)

    def _close_panel(self) -> None:
        """Back to the list and the detail (after a decision, or on cancel)."""
        self.views.setCurrentWidget(self.browse)
        while self.views.count() > 1:
            old = self.views.widget(1)
            assert old is not None  # count() > 1
            self.views.removeWidget(old)
            old.hide()
            old.deleteLater()  # not at once: this may run inside one of the panel's signals
        self.panel = None

    def approve(self) -> None:
        self._decide("approve", [], "")

    def _decide(self, kind: str, keys: list[str], text: str) -> None:
        if self.current is None:
            return
        app_id = self.current.summary.id
        try:
            with self.ctx.factory.begin() as session:
                outcome = decisions.decide(
                    session,
                    self.account.actor,
                    app_id,
                    kind,  # type: ignore[arg-type]
                    reason_code=keys[0] if kind == "reject" and keys else None,
                    reason_text=text,
                    materials=keys if kind == "request_materials" else None,
                    rules=self.ctx.rules,
                    recipient=sealed_to(self.ctx.enrolled()),
                )
        except decisions.DecisionError as exc:
            for label in (self.note, self.panel.message if self.panel else None):
                if label is not None:
                    label.setProperty("role", "error")
                    label.setText(self.texts.pick(exc.message.zh, exc.message.en))
                    label.style().polish(label)
            return
        self._close_panel()
        if outcome.new_expiry:
            note = self.texts.tr("review.approved_until", date=outcome.new_expiry.isoformat())
        else:
            note = self.texts.tr("review.done", status=status_text(self.texts, outcome.status))
        self.decided.emit(outcome.application_number, outcome.status)
        number, keep = outcome.application_number, self.current
        self.refresh()
        self.current = keep  # so reselecting it is not audited as a new look
        self.select_number(number)
        if self.current is not None:
            self.note.setText(note)

    def _print_receipt(self) -> None:
        if self.current is not None:
            self.note.setText(
                request_print(self.ctx, self.account, self.current.summary, "receipt")
            )
