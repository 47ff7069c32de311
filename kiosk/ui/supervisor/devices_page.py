"""Devices: live status of reader, camera and printers, a test for each, and the print-job queue.

Status and tests run through :class:`DeviceProbe` objects in worker threads, so a hung serial
port or printer never freezes the screen. Status is polled every few seconds while visible.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.kit import button, touch_table
from kiosk.ui.supervisor.common import DeviceProbe, ProbeResult, SupervisorContext, local_time

_COLOURS = {
    "ok": "#1e7b34",
    "simulated": "#0b5394",
    "warning": "#b26a00",
    "error": "#b00020",
    "unknown": "#52606d",
}
TEST_RESULT_SECONDS = 60.0
PICTURE_HEIGHT = 150  # px: the camera test's picture, big enough to judge framing and light
JOB_COLUMNS = ("id", "document", "printer", "state", "attempts", "created", "error")


class DeviceRow:
    """One line of the devices grid: name, coloured state word (never colour alone), detail, test."""

    def __init__(self, page: DevicesPage, probe: DeviceProbe, grid: QGridLayout, row: int):
        self.page, self.probe = page, probe
        self.texts = page.texts
        self.name = QLabel(self.texts.tr(f"dev.{probe.key}"))
        self.name.setProperty("role", "section")
        self.name.setStyleSheet("margin-top: 0;")  # on one line with the state and the detail
        self.state = QLabel(self.texts.tr("dev.state.unknown"))
        self.detail = QLabel("")
        self.detail.setWordWrap(True)
        self.test_btn = button(self.texts.tr("dev.test"), self.test, kind="plain")
        self.picture = QLabel()
        self.picture.hide()
        grid.addWidget(self.name, row, 0)
        grid.addWidget(self.state, row, 1)
        grid.addWidget(self.detail, row, 2)
        grid.addWidget(self.picture, row, 3)
        grid.addWidget(self.test_btn, row, 4)
        self._busy = False
        self._tested_at = -TEST_RESULT_SECONDS

    def show(self, result: object) -> None:
        if isinstance(result, Exception):
            result = ProbeResult("error", str(result), str(result))
        assert isinstance(result, ProbeResult)
        self.state.setText(self.texts.tr(f"dev.state.{result.state}"))
        self.state.setStyleSheet(
            f"color: {_COLOURS.get(result.state, '#52606d')}; font-weight: 600;"
        )
        self.detail.setText(self.texts.pick(result.detail_zh, result.detail_en))
        if result.image_png:
            pixmap = QPixmap()
            pixmap.loadFromData(result.image_png)
            self.picture.setPixmap(pixmap.scaledToHeight(PICTURE_HEIGHT))
            self.picture.show()

    def poll(self) -> None:
        # a fresh test result stays up a while: the status poll would hide it at once
        if not self._busy and time.monotonic() - self._tested_at > TEST_RESULT_SECONDS:
            self.page.ctx.runner.run(self.page, self.probe.status, self.show)

    def test(self) -> None:
        self._busy = True
        self.test_btn.setEnabled(False)
        self.state.setText(self.texts.tr("dev.testing"))

        def done(result: object) -> None:
            self._busy = False
            self._tested_at = time.monotonic()
            self.test_btn.setEnabled(True)
            self.show(result)
            self.page.refresh_jobs()

        self.page.ctx.runner.run(self.page, self.probe.test, done)


class DevicesPage(QWidget):
    def __init__(self, ctx: SupervisorContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.texts = ctx.texts
        layout = QVBoxLayout(self)
        card = QFrame()
        card.setProperty("role", "card")
        grid = QGridLayout(card)
        grid.setContentsMargins(20, 12, 20, 12)
        grid.setHorizontalSpacing(24)
        grid.setColumnStretch(2, 1)
        self.rows = [DeviceRow(self, probe, grid, i) for i, probe in enumerate(ctx.probes)]
        layout.addWidget(card)
        title = QLabel(self.texts.tr("dev.jobs"))
        title.setProperty("role", "section")
        layout.addWidget(title)
        self.jobs = QTableWidget(0, len(JOB_COLUMNS))
        self.jobs.setHorizontalHeaderLabels([self.texts.tr(f"dev.col.{c}") for c in JOB_COLUMNS])
        touch_table(self.jobs)
        layout.addWidget(self.jobs, 1)
        layout.addWidget(button(self.texts.tr("refresh"), self.refresh, kind="plain"))
        self.timer = QTimer(self)
        self.timer.setInterval(3000)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self.refresh()

    def refresh(self) -> None:
        for row in self.rows:
            row.poll()
        self.refresh_jobs()

    def refresh_jobs(self) -> None:
        from kiosk.services.printing import recent_jobs  # late: rendering libraries are heavy

        jobs = recent_jobs(self.ctx.factory)
        self.jobs.setRowCount(len(jobs))
        for r, job in enumerate(jobs):
            values = (
                str(job.id),
                self.texts.tr_or(f"job.doc.{job.document}", job.document),
                job.printer,
                self.texts.tr_or(f"job.state.{job.state}", job.state),
                str(job.attempts),
                local_time(job.created_at),
                job.last_error or "",
            )
            for c, value in enumerate(values):
                self.jobs.setItem(r, c, QTableWidgetItem(value))
