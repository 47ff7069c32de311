"""The PIN pad: choose an account tile, type the PIN on big keys; and the first-run administrator.

PIN checks (scrypt, ~0.1 s) run off the GUI thread; failures, lockouts and logins are counted and
audited by :mod:`kiosk.services.staff`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kiosk.config import Config
from kiosk.services import staff
from kiosk.ui.kit import button, form_label
from kiosk.ui.supervisor.common import SupervisorContext


class PinPad(QWidget):
    loggedIn = Signal(object)  # staff.StaffAccount
    cancelled = Signal()

    def __init__(self, ctx: SupervisorContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.texts = ctx.texts
        self.setObjectName("pinpad")
        self._pin = ""
        self._busy = False
        outer = QHBoxLayout(self)
        outer.setContentsMargins(48, 24, 48, 24)
        outer.setSpacing(48)

        # nested layouts inherit the 48-px gap: set their own, or the keys run out of height
        left = QVBoxLayout()
        left.setSpacing(16)
        title = QLabel(self.texts.tr("pin.choose"))
        title.setProperty("role", "title")
        left.addWidget(title)
        self.tiles = QVBoxLayout()
        self.tiles.setSpacing(12)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        left.addLayout(self.tiles)
        left.addStretch(1)
        left.addWidget(button(self.texts.tr("back"), self.cancelled.emit, kind="plain"))
        outer.addLayout(left, 1)

        right = QVBoxLayout()
        right.setSpacing(12)
        prompt = QLabel(self.texts.tr("pin.enter"))
        prompt.setProperty("role", "title")
        right.addWidget(prompt)
        self.dots = QLabel("")
        self.dots.setObjectName("pindots")
        self.dots.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.dots.setStyleSheet(
            "min-height: 72px; font-size: 44px; letter-spacing: 12px; background: white; border: 2px solid #9aa5b1; border-radius: 8px;"
        )
        right.addWidget(self.dots)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setProperty("role", "error")
        self.message.setStyleSheet("min-height: 48px;")
        right.addWidget(self.message)
        right.addStretch(1)  # spare height goes here: both titles stay at the top
        grid = QGridLayout()
        grid.setSpacing(12)
        self.keys: dict[str, object] = {}
        labels = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "back"]
        for i, key in enumerate(labels):
            text = (
                self.texts.tr("pin.clear")
                if key == "clear"
                else self.texts.tr("pin.back")
                if key == "back"
                else key
            )
            b = button(text, lambda _=False, k=key: self.press(k), kind="key")
            grid.addWidget(b, i // 3, i % 3)
            self.keys[key] = b
        right.addLayout(grid)
        self.ok = button(self.texts.tr("pin.ok"), self.submit, kind="primary")
        self.ok.setStyleSheet("min-height: 76px;")
        right.addWidget(self.ok)
        outer.addLayout(right, 1)
        self.reload()

    def reload(self) -> None:
        """(Re)list active accounts as tiles."""
        while self.tiles.count():
            item = self.tiles.takeAt(0)
            tile = item.widget() if item is not None else None
            if tile is not None:
                tile.deleteLater()
        for b in self.group.buttons():
            self.group.removeButton(b)
        with self.ctx.factory() as session:
            accounts = staff.list_staff(session)
        if not accounts:
            self.tiles.addWidget(QLabel(self.texts.tr("pin.no_accounts")))
        for account in accounts:
            role = self.texts.tr(f"role.{account.role}")
            tile = button(f"{account.display_name}  ·  {role}", kind="tile")
            tile.setCheckable(True)
            tile.setProperty("username", account.username)
            self.group.addButton(tile)
            self.tiles.addWidget(tile)
        if len(accounts) == 1:
            self.group.buttons()[0].setChecked(True)
        self.press("clear")

    def selected_username(self) -> str | None:
        checked = self.group.checkedButton()
        return str(checked.property("username")) if checked else None

    def select(self, username: str) -> None:
        for b in self.group.buttons():
            if b.property("username") == username:
                b.setChecked(True)

    def press(self, key: str) -> None:
        if key == "clear":
            self._pin = ""
        elif key == "back":
            self._pin = self._pin[:-1]
        elif len(self._pin) < 12:
            self._pin += key
        self.dots.setText("●" * len(self._pin))

    def submit(self) -> None:
        username = self.selected_username()
        if username is None:
            self.message.setText(self.texts.tr("pin.choose"))
            return
        if self._busy or not self._pin:
            return
        self._busy = True
        self.ok.setEnabled(False)
        pin, self._pin = self._pin, ""
        self.dots.setText("")
        minutes = int(Config.load(self.ctx.config_path)["supervisor.lockout_minutes"])
        factory = self.ctx.factory

        def check() -> staff.LoginResult:
            with factory.begin() as session:
                return staff.authenticate(session, username, pin, minutes)

        self.ctx.runner.run(self, check, self._checked)

    def _checked(self, result: object) -> None:
        self._busy = False
        self.ok.setEnabled(True)
        if isinstance(result, Exception):
            self.message.setText(str(result))
            return
        assert isinstance(result, staff.LoginResult)
        if result.ok:
            self.message.setText("")
            self.loggedIn.emit(result.account)
        else:
            msg = result.message()
            self.message.setText(self.texts.pick(msg.zh, msg.en))


class FirstRunAdmin(QWidget):
    """The first start outside demo mode: create the administrator before anything else."""

    created = Signal(object)  # staff.StaffAccount

    def __init__(self, ctx: SupervisorContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.texts = ctx.texts
        layout = QVBoxLayout(self)
        layout.setContentsMargins(120, 48, 120, 48)
        title = QLabel(self.texts.tr("first.title"))
        title.setProperty("role", "title")
        layout.addWidget(title)
        hint = QLabel(self.texts.tr("first.hint"))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        form = QFormLayout()
        form.setVerticalSpacing(16)
        self.username = QLineEdit("admin")
        self.name = QLineEdit()
        self.pin = QLineEdit()
        self.pin2 = QLineEdit()
        for field in (self.pin, self.pin2):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        form.setHorizontalSpacing(16)
        form.addRow(form_label(self.texts.tr("first.username")), self.username)
        form.addRow(form_label(self.texts.tr("first.name")), self.name)
        form.addRow(form_label(self.texts.tr("first.pin")), self.pin)
        form.addRow(form_label(self.texts.tr("first.pin2")), self.pin2)
        layout.addLayout(form)
        self.message = QLabel("")
        self.message.setProperty("role", "error")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.save = button(self.texts.tr("first.save"), self.submit, kind="primary")
        layout.addWidget(self.save)
        layout.addStretch(1)

    def submit(self) -> None:
        if self.pin.text() != self.pin2.text():
            self.message.setText(self.texts.tr("first.mismatch"))
            return
        try:
            with self.ctx.factory.begin() as session:
                account = staff.add_first_admin(
                    session,
                    self.username.text(),
                    self.name.text() or self.username.text(),
                    self.pin.text(),
                )
        except staff.StaffError as exc:
            self.message.setText(self.texts.pick(exc.message.zh, exc.message.en))
            return
        self.pin.clear()
        self.pin2.clear()
        self.created.emit(account)
