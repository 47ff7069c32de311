"""The first-run setup wizard, for the field office's administrator (not for applicants).

Pages: acceptance point and kiosk id → hub URL and enrolment code → administrator account →
devices (serial ports, cameras and CUPS queues detected in a worker thread) → summary. Finish
creates the administrator, enrols with the hub when a code was given (in a worker thread: the
GUI never waits on the network), then saves ``config.toml``. Nothing is saved until every step
succeeded, and a refusal is shown in Chinese and English with every field kept.

The app shows it on first start outside demo mode::

    from kiosk.ui.setup_wizard import SetupWizard, needs_setup
    if not args.demo and needs_setup(config):
        if SetupWizard(config).exec() != QDialog.Accepted:
            return 1
        config = Config.load()
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from kiosk import first_run
from kiosk.config import Config, ConfigError
from kiosk.domain import codes
from kiosk.first_run import Device, SetupAnswers, needs_setup
from kiosk.ui.kit import Runner

__all__ = ["SetupWizard", "needs_setup"]

SIMULATOR_LABEL = "模拟器（演示/培训）/ simulator (demo, training)"
FOLDER_LABEL = "存为文件（打印文件夹）/ save to the print-jobs folder"


class _Worker(QObject):
    """Runs one blocking call in the UI kit's runner and reports back on the GUI thread."""

    done = Signal(object)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.runner = Runner(self)

    def start(self, call: Callable[[], Any]) -> None:
        self.runner.run(self, call, self._answer)

    def _answer(self, result: object) -> None:
        if isinstance(result, Exception):  # shown to the administrator, nothing is lost
            self.failed.emit(str(result))
        else:
            self.done.emit(result)


def _line(text: str = "", placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setPlaceholderText(placeholder)
    edit.setMinimumHeight(44)  # touch-sized, the wizard may run on the kiosk's own screen
    return edit


def _error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("error")
    label.setWordWrap(True)
    label.setStyleSheet("color: #b00020; font-weight: bold;")
    return label


class PointPage(QWizardPage):
    def __init__(self, config: Config):
        super().__init__()
        self.setTitle("受理点与终端编号 / Acceptance point and kiosk id")
        self.setSubTitle(
            "本终端所在的受理点，以及它在受理点内的编号。/ Where this kiosk stands, and its number there."
        )
        self.point = QComboBox()
        for p in codes.acceptance_points():
            self.point.addItem(f"{p.code} — {p.zh} / {p.en}", p.code)
        self.point.setCurrentIndex(max(0, self.point.findData(config["point.code"])))
        self.kiosk_id = _line(str(config["kiosk.id"]), "K01")
        self.error = _error_label()
        form = QFormLayout(self)
        form.addRow("受理点 / Point", self.point)
        form.addRow("终端编号 / Kiosk id", self.kiosk_id)
        form.addRow(self.error)

    def validatePage(self) -> bool:
        try:
            Config({}).with_values(
                point__code=self.point.currentData(), kiosk__id=self.kiosk_id.text().strip().upper()
            )
        except ConfigError as exc:
            self.error.setText(f"终端编号须为 1 至 8 位大写字母或数字 / {exc}")
            return False
        return True


class HubPage(QWizardPage):
    def __init__(self, config: Config):
        super().__init__()
        self.setTitle("后台登记 / Enrol with the hub")
        self.setSubTitle(
            "填写后台地址和后台发放的一次性登记码；暂时没有网络可留空，以后再登记。/ "
            "The hub's URL and the one-time code it issued; leave empty to enrol later (offline install)."
        )
        self.url = _line(str(config["hub.url"]), "https://hub.example.gov.cn")
        self.code = _line("", "ABCD-EFGH")
        form = QFormLayout(self)
        form.addRow("后台地址 / Hub URL", self.url)
        form.addRow("登记码 / Enrolment code", self.code)
        # the daily backup (docs/operations.md): the office's public key, or its .pub file
        self.backup_key = _line("", "/media/keydrive/office-backup.pub")
        self.backup_folder = _line(str(config["backup.folder"]), "/media/kiosk-backup")
        form.addRow("备份公钥 / Office backup key (.pub)", self.backup_key)
        form.addRow("每日备份位置 / Daily backup folder", self.backup_folder)
        self.error = _error_label()
        form.addRow(self.error)

    def validatePage(self) -> bool:
        from kiosk.services.backup import BackupKeyError, public_key_from

        if self.backup_key.text().strip():
            try:
                public_key_from(self.backup_key.text())
            except BackupKeyError:
                self.error.setText(
                    "备份公钥无效：请选U盘上的 .pub 文件 / not a backup key: give the .pub file "
                    "from `kiosk backup key new`"
                )
                return False
        url, code = self.url.text().strip(), self.code.text().strip()
        if code and not url.startswith(("http://", "https://")):
            self.error.setText(
                "请填写以 https:// 开头的后台地址 / enter the hub URL, starting with https://"
            )
            return False
        return True


class AdminPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("管理员账号 / Administrator account")
        self.setSubTitle(
            "用于进入管理模式（审核、设备、退出终端模式）。/ For supervisor mode (review, devices, leaving kiosk mode)."
        )
        self.username = _line("admin")
        self.display_name = _line("", "张主任 / Director Zhang")
        self.pin = _line("", "6–12 位数字 / 6-12 digits")
        self.pin_again = _line()
        for edit in (self.pin, self.pin_again):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = _error_label()
        form = QFormLayout(self)
        form.addRow("用户名 / Username", self.username)
        form.addRow("显示名称 / Display name", self.display_name)
        form.addRow("PIN", self.pin)
        form.addRow("再次输入 PIN / PIN again", self.pin_again)
        form.addRow(self.error)

    def validatePage(self) -> bool:
        from kiosk.services import staff

        if self.pin.text() != self.pin_again.text():
            self.error.setText("两次输入的 PIN 不一致 / the two PINs differ")
            return False
        if not self.display_name.text().strip():
            self.error.setText("请填写显示名称 / enter a display name")
            return False
        try:
            staff.validate_pin(self.pin.text())
        except staff.StaffError as exc:
            self.error.setText(f"{exc.message.zh} / {exc.message.en}")
            return False
        return True


class DevicePage(QWizardPage):
    """Reader port, camera and printers, from what the machine has (detected off the GUI thread)."""

    def __init__(self, config: Config):
        super().__init__()
        self.setTitle("设备 / Devices")
        self.setSubTitle(
            "已检测到的设备列在下面；也可以手动填写。/ Detected devices are listed; you may also type one."
        )
        self.config = config
        self.reader = self._combo()
        self.camera = self._combo()
        self.form_printer = self._combo()
        self.receipt_printer = self._combo()
        self.status = QLabel("正在检测设备… / detecting devices…")
        self.rescan = QPushButton("重新检测 / Detect again")
        self.rescan.setMinimumHeight(44)
        self.rescan.clicked.connect(self.detect)
        form = QFormLayout()
        form.addRow("身份证阅读器 / ID-card reader", self.reader)
        form.addRow("摄像头 / Camera", self.camera)
        form.addRow("表格打印机 / Form printer", self.form_printer)
        form.addRow("凭条打印机 / Receipt printer", self.receipt_printer)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.status)
        box.addWidget(self.rescan, alignment=Qt.AlignmentFlag.AlignLeft)
        self._worker = _Worker()
        self._worker.done.connect(self._on_detected)
        self._worker.failed.connect(
            lambda why: self.status.setText(f"检测失败 / detection failed: {why}")
        )
        self._fill({"ports": [], "cameras": [], "queues": []})

    @staticmethod
    def _combo() -> QComboBox:
        combo = QComboBox()
        combo.setEditable(True)  # a port or queue the detection missed can be typed in
        combo.setMinimumHeight(44)
        return combo

    def initializePage(self) -> None:
        self.detect()

    def detect(self) -> None:
        self.status.setText("正在检测设备… / detecting devices…")
        self.rescan.setEnabled(False)
        self._worker.start(
            lambda: {
                "ports": first_run.serial_ports(),
                "cameras": first_run.cameras(),
                "queues": first_run.cups_queues(),
            }
        )

    def _on_detected(self, found: dict[str, list[Device]]) -> None:
        self._fill(found)
        self.rescan.setEnabled(True)
        self.status.setText(
            f"找到串口 {len(found['ports'])} 个、摄像头 {len(found['cameras'])} 个、打印队列 {len(found['queues'])} 个 / "
            f"found {len(found['ports'])} serial port(s), {len(found['cameras'])} camera(s), {len(found['queues'])} CUPS queue(s)"
        )

    def _fill(self, found: dict[str, list[Device]]) -> None:
        ports = found["ports"]
        self._set(
            self.reader,
            [Device(first_run.SIMULATOR, SIMULATOR_LABEL), *ports],
            self.config["reader.port"],
        )
        self._set(
            self.camera,
            [Device(first_run.SIMULATOR, SIMULATOR_LABEL), *found["cameras"]],
            self.config["camera.source"],
        )
        printers = [Device("folder", FOLDER_LABEL), *found["queues"]]
        self._set(self.form_printer, printers, self.config["printer.form"])
        escpos = [Device(f"escpos:{p.value}", f"ESC/POS: {p.label}") for p in ports]
        self._set(self.receipt_printer, printers + escpos, self.config["printer.receipt"])

    @staticmethod
    def _set(combo: QComboBox, devices: list[Device], current: str) -> None:
        chosen = combo.currentData() if combo.count() else current
        combo.clear()
        for device in devices:
            combo.addItem(device.label, device.value)
        index = combo.findData(chosen)
        if index < 0 and chosen:
            combo.addItem(str(chosen), chosen)
            index = combo.count() - 1
        combo.setCurrentIndex(max(index, 0))

    @staticmethod
    def value(combo: QComboBox) -> str:
        """The chosen device, or what the administrator typed."""
        if combo.currentIndex() >= 0 and combo.currentText() == combo.itemText(
            combo.currentIndex()
        ):
            return str(combo.currentData())
        return combo.currentText().strip()


class SummaryPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("确认并保存 / Check and save")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = _error_label()
        box = QVBoxLayout(self)
        box.addWidget(self.summary)
        box.addWidget(self.error)
        box.addStretch()
        self._busy = False

    def initializePage(self) -> None:
        wizard = self.wizard()
        assert isinstance(wizard, SetupWizard)
        a = wizard.answers()
        hub = (
            f"{a.hub_url}（登记码已填 / code given）"
            if a.enrolment_code
            else (a.hub_url or "以后再登记 / enrol later")
        )
        rows = [
            ("受理点 / Point", a.point_code),
            ("终端编号 / Kiosk id", a.kiosk_id),
            ("后台 / Hub", hub),
            ("管理员 / Administrator", a.admin_username or "已有 / exists"),
            ("阅读器 / Reader", a.reader_port or SIMULATOR_LABEL),
            ("摄像头 / Camera", a.camera_source or SIMULATOR_LABEL),
            ("表格打印机 / Form printer", a.printer_form),
            ("凭条打印机 / Receipt printer", a.printer_receipt),
        ]
        self.summary.setText("<br>".join(f"<b>{k}</b>: {v}" for k, v in rows))
        self.error.clear()


class SetupWizard(QWizard):
    """Finish applies everything off the GUI thread; ``saved`` fires once config.toml is written."""

    saved = Signal(str)

    def __init__(
        self,
        config: Config | None = None,
        parent: QWidget | None = None,
        ask_admin: bool | None = None,
    ):
        super().__init__(parent)
        self.config = config or Config.load()
        self.setWindowTitle("自助终端首次设置 / Kiosk first-run setup")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setMinimumSize(900, 640)
        self.ask_admin = first_run.needs_admin() if ask_admin is None else ask_admin
        self.point_page, self.hub_page = PointPage(self.config), HubPage(self.config)
        self.admin_page, self.device_page = AdminPage(), DevicePage(self.config)
        self.summary_page = SummaryPage()
        pages: list[QWizardPage] = [self.point_page, self.hub_page]
        if self.ask_admin:
            pages.append(self.admin_page)
        for page in [*pages, self.device_page, self.summary_page]:
            self.addPage(page)
        self._worker = _Worker()
        self._worker.done.connect(self._on_applied)
        self._worker.failed.connect(self._on_failed)
        self._applying = False

    def answers(self) -> SetupAnswers:
        admin = self.admin_page if self.ask_admin else None
        return SetupAnswers(
            point_code=str(self.point_page.point.currentData()),
            kiosk_id=self.point_page.kiosk_id.text().strip().upper(),
            hub_url=self.hub_page.url.text().strip(),
            enrolment_code=self.hub_page.code.text().strip(),
            admin_username=admin.username.text().strip() if admin else "",
            admin_name=admin.display_name.text().strip() if admin else "",
            admin_pin=admin.pin.text() if admin else "",
            reader_port=DevicePage.value(self.device_page.reader),
            camera_source=DevicePage.value(self.device_page.camera),
            printer_form=DevicePage.value(self.device_page.form_printer),
            printer_receipt=DevicePage.value(self.device_page.receipt_printer),
            backup_key=self.hub_page.backup_key.text().strip(),
            backup_folder=self.hub_page.backup_folder.text().strip(),
        )

    def accept(self) -> None:
        """Finish: apply in a worker; the dialog closes only when everything took."""
        if self._applying:
            return
        self._applying = True
        self.button(QWizard.WizardButton.FinishButton).setEnabled(False)
        self.summary_page.error.setText("正在保存… / saving…")
        answers, config = self.answers(), self.config
        self._worker.start(lambda: apply(answers, config, self.ask_admin))

    def _on_applied(self, path: object) -> None:
        self._applying = False
        self.saved.emit(str(path))
        super().accept()

    def _on_failed(self, why: str) -> None:
        self._applying = False
        self.button(QWizard.WizardButton.FinishButton).setEnabled(True)
        self.summary_page.error.setText(
            f"未保存，请修改后重试 / not saved, correct and try again: {why}"
        )


def apply(answers: SetupAnswers, config: Config, create_admin: bool) -> str:
    """Check, enrol, create the administrator, save config.toml last (until then the wizard
    comes back). Each step is skipped when a previous Finish already did it."""
    first_run.check_settings(answers)
    if answers.enrolment_code and not first_run.enrolled_with(answers.hub_url):
        first_run.enrol(answers, config.with_values(hub__url=answers.hub_url.rstrip("/")))
    if create_admin and first_run.needs_admin():
        first_run.create_admin(answers)
    return str(first_run.save_answers(answers))
