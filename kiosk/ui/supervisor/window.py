"""Supervisor mode as one widget the main window shows: first-run admin, PIN pad, then the screens.

The main window plugs it in (see docs/supervisor.md): it calls :meth:`SupervisorArea.start` when
the hidden gesture fires, hides it on ``closed``, and acts on ``leaveRequested`` (exit, restart,
shut down: only reachable from here). Staff are logged out after ``timeouts.supervisor_idle``
quiet seconds; pages are built when shown, so their polling stops when staff move on.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLayout,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.config import Config
from kiosk.services import audit_trail, counter_tools, staff
from kiosk.sync.enrolment import sealed_to
from kiosk.ui.activity import INPUT
from kiosk.ui.kit import button
from kiosk.ui.supervisor.audit_page import AuditPage
from kiosk.ui.supervisor.common import STYLE, SupervisorContext
from kiosk.ui.supervisor.counter_page import CounterPage
from kiosk.ui.supervisor.devices_page import DevicesPage
from kiosk.ui.supervisor.pinpad import FirstRunAdmin, PinPad
from kiosk.ui.supervisor.review_page import ReviewPage
from kiosk.ui.supervisor.settings_page import SettingsPage
from kiosk.ui.supervisor.staff_page import StaffPage
from kiosk.ui.supervisor.sync_page import SyncPage

ACTIVITY = INPUT  # the same inputs that keep an applicant's visit alive keep staff logged in
PAGES: tuple[str, ...] = ("review", "counter", "devices", "sync", "settings", "audit", "staff")
ADMIN_ONLY = {"staff"}
SIDEBAR = 210  # px; leaves 1116 px for the screens on a 1366-px-wide counter display


class SupervisorArea(QWidget):
    closed = Signal()  # back to the applicant screens
    leaveRequested = Signal(str)  # exit | restart | shutdown
    loggedOut = Signal(str)  # button | idle

    def __init__(self, ctx: SupervisorContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.texts = ctx.texts
        self.account: staff.StaffAccount | None = None
        self.setObjectName("supervisor")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(STYLE)
        self.stack = QStackedWidget(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # shown on its own (tests, screenshots) it is a top-level window: do not push size hints to it
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        layout.addWidget(self.stack)
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.timeout.connect(lambda: self.logout("idle"))
        self.page: QWidget | None = None
        self.page_key = ""
        self.notice = ""
        self._applicant_lang: str | None = None  # the language to give back on closing

    def close_area(self) -> None:
        """Back to the applicant screens, in the language they were showing when staff came in."""
        if self._applicant_lang is not None:
            self.texts.set_language(self._applicant_lang)
            self._applicant_lang = None
        self.closed.emit()

    # -- entry -----------------------------------------------------------------------------

    def start(self) -> None:
        """Show the PIN pad, or the first-run administrator form outside demo mode."""
        if self._applicant_lang is None:
            self._applicant_lang = self.texts.language()
        with self.ctx.factory() as session:
            first_run = staff.needs_first_admin(session)
        if first_run and not self.ctx.demo:
            self._set(FirstRunAdmin(self.ctx))
            self.first_run.created.connect(self._logged_in)
        else:
            self.pinpad = PinPad(self.ctx)
            self.pinpad.loggedIn.connect(self._logged_in)
            self.pinpad.cancelled.connect(self.close_area)
            if self.notice:
                self.pinpad.message.setText(self.notice)
                self.notice = ""
            self._set(self.pinpad)

    def _set(self, widget: QWidget) -> None:
        while self.stack.count():
            old = self.stack.widget(0)
            assert old is not None  # count() > 0
            self.stack.removeWidget(old)
            old.hide()
            old.deleteLater()
        if isinstance(widget, FirstRunAdmin):
            self.first_run = widget
        self.stack.addWidget(widget)
        self.stack.setCurrentWidget(widget)

    def _logged_in(self, account: staff.StaffAccount) -> None:
        self.account = account
        self._build_main()
        self.show_page("review")
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.idle.setInterval(
            int(Config.load(self.ctx.config_path)["timeouts.supervisor_idle"]) * 1000
        )
        self.idle.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY and self.account is not None:
            self.idle.start()  # restart the quiet-time count
        return False

    def logout(self, reason: str = "button") -> None:
        if self.account is None:
            return
        with self.ctx.factory.begin() as session:
            staff.logout(session, self.account, reason)
            # the hub learns how long the chain is
            audit_trail.push_head(session, sealed_to(self.ctx.enrolled()), self.account.actor)
        self.account = None
        self.idle.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.page = None
        self.notice = self.texts.tr("idle.logged_out") if reason == "idle" else ""
        self.loggedOut.emit(reason)
        if reason == "idle":
            self.close_area()
        self.start()

    # -- the logged-in frame ------------------------------------------------------------------

    def _build_main(self) -> None:
        assert self.account is not None
        main = QWidget()
        outer = QHBoxLayout(main)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        sidebar = QWidget(main)
        sidebar.setObjectName("sidebar")
        sidebar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        sidebar.setFixedWidth(SIDEBAR)
        side = QVBoxLayout(sidebar)
        side.setContentsMargins(0, 16, 0, 16)
        side.setSpacing(4)
        title = QLabel(self.texts.tr("title"))
        title.setWordWrap(True)
        title.setStyleSheet(
            "color: white; font-size: 24px; font-weight: 600; padding: 8px 20px 16px 24px;"
        )
        side.addWidget(title)
        self.nav = QButtonGroup(main)
        self.nav_buttons: dict[str, QWidget] = {}
        for key in PAGES:
            if key in ADMIN_ONLY and not self.account.is_admin:
                continue
            b = button(
                self.texts.tr(f"nav.{key}"), lambda _=False, k=key: self.show_page(k), kind="nav"
            )
            b.setCheckable(True)
            self.nav.addButton(b)
            self.nav_buttons[key] = b
            side.addWidget(b)
        side.addStretch(1)
        leave = button(self.texts.tr("leave"), lambda: self.show_page("leave"), kind="nav")
        leave.setCheckable(True)
        self.nav.addButton(leave)
        self.nav_buttons["leave"] = leave
        side.addWidget(leave)
        outer.addWidget(sidebar)

        right = QVBoxLayout()
        right.setContentsMargins(20, 16, 20, 16)
        right.setSpacing(12)
        head = QHBoxLayout()
        head.setSpacing(12)
        self.heading = QLabel("")
        self.heading.setProperty("role", "title")
        head.addWidget(self.heading, 1)
        who = QLabel(
            self.texts.tr(
                "logged_in_as",
                name=self.account.display_name,
                role=self.texts.tr(f"role.{self.account.role}"),
            )
        )
        who.setProperty("role", "muted")
        head.addWidget(who)
        head.addWidget(button(self.texts.tr("lang.toggle"), self.toggle_language, kind="plain"))
        head.addWidget(button(self.texts.tr("back"), self.close_area, kind="plain"))
        head.addWidget(
            button(self.texts.tr("logout"), lambda: self.logout("button"), kind="primary")
        )
        right.addLayout(head)
        self.page_holder = QVBoxLayout()
        right.addLayout(self.page_holder, 1)
        outer.addLayout(right, 1)
        self._set(main)

    def _factory(self, key: str) -> Callable[[], QWidget]:
        ctx, account = self.ctx, self.account
        assert account is not None
        return {
            "review": lambda: ReviewPage(ctx, account),
            "counter": lambda: CounterPage(ctx, account),
            "devices": lambda: DevicesPage(ctx),
            "sync": lambda: SyncPage(ctx, account),
            "settings": lambda: SettingsPage(ctx, account),
            "audit": lambda: AuditPage(ctx),
            "staff": lambda: StaffPage(ctx, account),
            "leave": lambda: LeavePage(self),
        }[key]

    def show_page(self, key: str) -> QWidget:
        if self.account is None:
            raise RuntimeError("not logged in")
        if self.page is not None:
            self.page_holder.removeWidget(self.page)
            self.page.hide()
            self.page.deleteLater()
        self.page = self._factory(key)()
        self.page.setObjectName(f"page_{key}")
        self.page_key = key
        self.page_holder.addWidget(self.page)
        self.heading.setText(
            self.texts.tr(f"nav.{key}") if key != "leave" else self.texts.tr("leave")
        )
        self.nav_buttons[key].setChecked(True)  # type: ignore[attr-defined]
        return self.page

    def toggle_language(self) -> None:
        self.texts.set_language("en" if self.texts.language() == "zh" else "zh")
        if self.account is not None:
            key = self.page_key or "review"
            self.page = None
            self._build_main()
            self.show_page(key)

    def leave(self, kind: str) -> None:
        assert self.account is not None
        with self.ctx.factory.begin() as session:
            counter_tools.record_leave(session, self.account.actor, kind)  # type: ignore[arg-type]
        if self.ctx.leave is not None:
            self.ctx.leave(kind)
        self.leaveRequested.emit(kind)


class LeavePage(QWidget):
    """Exit, restart, shut down: one press arms, a second press on the confirmation acts."""

    def __init__(self, area: SupervisorArea):
        super().__init__()
        self.area = area
        self.texts = area.texts
        layout = QVBoxLayout(self)
        layout.setSpacing(20)
        self.confirm_label = QLabel("")
        self.confirm_label.setProperty("role", "error")
        self.buttons = {}
        for kind in ("exit", "restart", "shutdown"):
            b = button(
                self.texts.tr(f"leave.{kind}"), lambda _=False, k=kind: self.arm(k), kind="danger"
            )
            b.setStyleSheet("min-height: 90px;")
            self.buttons[kind] = b
            layout.addWidget(b)
        layout.addWidget(self.confirm_label)
        row = QHBoxLayout()
        self.cancel_btn = button(self.texts.tr("cancel"), self.disarm, kind="plain")
        self.confirm_btn = button(self.texts.tr("yes"), self.confirm, kind="primary")
        row.addWidget(self.cancel_btn)
        row.addWidget(self.confirm_btn)
        layout.addLayout(row)
        layout.addStretch(1)
        self.armed: str | None = None
        self.disarm()

    def arm(self, kind: str) -> None:
        self.armed = kind
        self.confirm_label.setText(
            self.texts.tr("leave.confirm", what=self.texts.tr(f"leave.{kind}"))
        )
        self.confirm_btn.setVisible(True)
        self.cancel_btn.setVisible(True)

    def disarm(self) -> None:
        self.armed = None
        self.confirm_label.setText("")
        self.confirm_btn.setVisible(False)
        self.cancel_btn.setVisible(False)

    def confirm(self) -> None:
        if self.armed is not None:
            kind, self.armed = self.armed, None
            self.area.leave(kind)
