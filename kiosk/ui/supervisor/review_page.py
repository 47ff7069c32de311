"""Review: the list of today's and pending applications, search, and the detail with decisions."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain import codes
from kiosk.ui.supervisor.common import SupervisorContext, button, touch_table
from kiosk.ui.supervisor.texts import language, pick, tr
from kiosk.workflows import decisions, review
from kiosk.workflows.staff import StaffAccount

COLUMNS = ("queue", "name", "id", "service", "status")


def status_text(status: str) -> str:
    return tr(f"status.{status}") if f"status.{status}" in _known_statuses() else status


def _known_statuses() -> set[str]:
    from kiosk.ui.supervisor.texts import TEXTS

    return {k for k in TEXTS if k.startswith("status.")}


def service_text(service: str) -> str:
    try:
        return codes.service(service).text(language())
    except StopIteration:
        return service


def condition_text(key: str) -> str:
    try:
        return codes.condition(key).text(language())
    except StopIteration:
        return key


class DecisionPanel(QFrame):
    """Reasons to reject (pick one) or materials to ask for (pick several), plus a typed note."""

    confirmed = Signal(str, list, str)  # kind, chosen keys, typed text
    cancelled = Signal()

    def __init__(self, kind: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.kind = kind
        self.setProperty("role", "card")
        layout = QVBoxLayout(self)
        title = QLabel(tr("review.reject_title" if kind == "reject" else "review.materials_title"))
        title.setProperty("role", "section")
        layout.addWidget(title)
        items = decisions.reject_reasons() if kind == "reject" else decisions.material_items()
        self.group = QButtonGroup(self)
        self.group.setExclusive(kind == "reject")
        grid = QGridLayout()
        for i, item in enumerate(items):
            b = button(item.text(language()), "tile")
            b.setCheckable(True)
            b.setProperty("key", item.key)
            self.group.addButton(b)
            grid.addWidget(b, i // 2, i % 2)
        layout.addLayout(grid)
        layout.addWidget(QLabel(tr("review.typed")))
        self.text = QPlainTextEdit(self)
        self.text.setFixedHeight(90)
        layout.addWidget(self.text)
        row = QHBoxLayout()
        row.addWidget(button(tr("cancel"), slot=self.cancelled.emit))
        row.addWidget(button(tr("yes"), "primary", slot=self._confirm))
        layout.addLayout(row)

    def choose(self, *keys: str) -> None:
        for b in self.group.buttons():
            if b.property("key") in keys:
                b.setChecked(True)

    def _confirm(self) -> None:
        keys = [str(b.property("key")) for b in self.group.buttons() if b.isChecked()]
        self.confirmed.emit(self.kind, keys, self.text.toPlainText())


class ReviewPage(QWidget):
    decided = Signal(str, str)  # application number, new status

    def __init__(
        self, ctx: SupervisorContext, account: StaffAccount, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.ctx, self.account = ctx, account
        self.current: review.Detail | None = None
        outer = QHBoxLayout(self)
        outer.setSpacing(16)

        left = QVBoxLayout()
        search = QHBoxLayout()
        self.query = QLineEdit()
        self.query.setPlaceholderText(tr("review.search"))
        self.query.returnPressed.connect(self.search)
        search.addWidget(self.query, 1)
        search.addWidget(button(tr("review.find"), "primary", slot=self.search))
        left.addLayout(search)
        self.count = QLabel("")
        self.count.setProperty("role", "muted")
        left.addWidget(self.count)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([tr(f"review.col.{c}") for c in COLUMNS])
        touch_table(self.table)
        self.table.itemSelectionChanged.connect(self._selected)
        left.addWidget(self.table, 1)
        outer.addLayout(left, 1)

        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(self.scroll, 1)
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
                service_text(s.service),
                status_text(s.status),
            )
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        self.count.setText(tr("review.count", n=len(rows)))
        self._show_detail(None)

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
        self.table.item(rows[0].row(), COLUMNS.index("status")).setText(
            status_text(detail.summary.status)
        )
        self._show_detail(detail)

    # -- detail ----------------------------------------------------------------------------

    def _show_detail(self, detail: review.Detail | None, note: str = "") -> None:
        self.current = detail
        card = QFrame()
        card.setProperty("role", "card")
        layout = QVBoxLayout(card)
        layout.setContentsMargins(20, 16, 20, 16)
        if detail is None:
            layout.addWidget(QLabel(tr("review.none")))
            layout.addStretch(1)
            self._put(card)
            return
        s = detail.summary
        head = QLabel(f"{s.queue_number}\n{s.application_number}")
        head.setProperty("role", "section")
        layout.addWidget(head)
        top = QHBoxLayout()
        self.photo = QLabel(card)
        self.photo.setObjectName("photo")
        self.photo.setFixedSize(179, 221)
        self.photo.setStyleSheet("border: 1px solid #9aa5b1; background: #fff;")
        if detail.photo_jpeg:
            pix = QPixmap()
            pix.loadFromData(detail.photo_jpeg)
            self.photo.setPixmap(
                pix.scaled(
                    179,
                    221,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        top.addWidget(self.photo)
        grid = QGridLayout()
        grid.setVerticalSpacing(4)
        self.id_label = QLabel(s.id_masked)
        app = detail.application
        rows: list[tuple[str, QWidget | str]] = [
            ("field.status", status_text(s.status)),
            ("field.service", service_text(s.service)),
        ]
        if app is not None:
            rows += [
                ("field.applicant", app.applicant.name),
                ("field.id_number", self.id_label),
                (
                    "field.sex_birth",
                    f"{codes.sex_label(app.applicant.sex).text(language())} / {app.applicant.birth_date}",
                ),
                ("field.phone", detail.phone_masked),
            ]
        for i, (key, value) in enumerate(rows):
            name = QLabel(tr(key))
            name.setProperty("role", "muted")
            grid.addWidget(name, i, 0)
            shown = value if isinstance(value, QWidget) else QLabel(value)
            shown.setWordWrap(True)
            grid.addWidget(shown, i, 1)
        top.addLayout(grid, 1)
        layout.addLayout(top)
        if app is None:
            layout.addWidget(QLabel(tr("review.purged")))
        else:
            if detail.id_number:
                self.reveal = button(tr("review.show_id"), slot=self._reveal_id)
                layout.addWidget(self.reveal)
            more = QGridLayout()
            permit = (
                codes.label("permit_types", app.permit.type).text(language())
                if app.permit.type
                else ""
            )
            extra = [
                ("field.permit", permit),
                ("field.expires", str(app.permit.expires or "")),
                ("field.new_expiry", str(app.new_expiry or "")),
                ("field.condition", condition_text(app.condition)),
                ("field.photo_number", app.photo_number),
                (
                    "field.materials",
                    "、".join(
                        codes.materials()[m].text(language())
                        for m in app.materials
                        if m in codes.materials()
                    ),
                ),
            ]
            if detail.decision_reason:
                extra.append(("field.decision", detail.decision_reason))
            for i, (key, value) in enumerate(extra):
                name = QLabel(tr(key))
                name.setProperty("role", "muted")
                more.addWidget(name, i, 0, Qt.AlignmentFlag.AlignTop)
                label = QLabel(value)
                label.setWordWrap(True)
                more.addWidget(label, i, 1)
            layout.addLayout(more)
            if detail.signature_png:
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
        self.actions = QHBoxLayout()
        pending = s.status in review.PENDING
        self.approve_btn = button(tr("review.approve"), "primary", slot=self.approve)
        self.reject_btn = button(tr("review.reject"), "danger", slot=lambda: self._panel("reject"))
        self.materials_btn = button(
            tr("review.materials"), slot=lambda: self._panel("request_materials")
        )
        for b in (self.approve_btn, self.reject_btn, self.materials_btn):
            b.setEnabled(pending)
            self.actions.addWidget(b)
        layout.addLayout(self.actions)
        self.receipt_btn = button(tr("review.print_receipt"), slot=self._print_receipt)
        self.receipt_btn.setEnabled(s.status == "approved")
        layout.addWidget(self.receipt_btn)
        self.panel_holder = QVBoxLayout()
        layout.addLayout(self.panel_holder)
        layout.addStretch(1)
        self._put(card)

    def _put(self, card: QWidget) -> None:
        # setWidget would delete the old card at once, maybe inside one of its own signals
        old = self.scroll.takeWidget()
        if old is not None:
            old.hide()
            old.deleteLater()
        self.scroll.setWidget(card)

    def _reveal_id(self) -> None:
        if self.current is None or not self.current.id_number:
            return
        from kiosk.storage import audit

        with self.ctx.factory.begin() as session:
            audit.append(
                session,
                self.account.actor,
                "review.reveal_id",
                subject=self.current.summary.application_number,
            )
        self.id_label.setText(self.current.id_number)
        self.reveal.setEnabled(False)

    def _panel(self, kind: str) -> None:
        while self.panel_holder.count():
            item = self.panel_holder.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.panel = DecisionPanel(kind)
        self.panel.confirmed.connect(self._decide)
        self.panel.cancelled.connect(self.panel.deleteLater)
        self.panel_holder.addWidget(self.panel)
        QTimer.singleShot(0, lambda: self.scroll.ensureWidgetVisible(self.panel))

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
                )
        except decisions.DecisionError as exc:
            self.note.setProperty("role", "error")
            self.note.setText(pick(exc.message.zh, exc.message.en))
            self.note.style().polish(self.note)
            return
        if outcome.new_expiry:
            note = tr("review.approved_until", date=outcome.new_expiry.isoformat())
        else:
            note = tr("review.done", status=status_text(outcome.status))
        self.decided.emit(outcome.application_number, outcome.status)
        number, keep = outcome.application_number, self.current
        self.refresh()
        self.current = keep  # so reselecting it is not audited as a new look
        self.select_number(number)
        if self.current is not None:
            self.note.setText(note)

    def _print_receipt(self) -> None:
        from kiosk.ui.supervisor.counter_page import request_print

        if self.current is not None:
            self.note.setText(
                request_print(self.ctx, self.account, self.current.summary, "receipt")
            )
