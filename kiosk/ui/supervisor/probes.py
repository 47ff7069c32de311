"""Device probes for the devices screen.

``simulated_probes`` are part of the product: demo and training mode show them, and so do tests.
The main window passes real probes built on the reader, camera and printer parts instead.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from kiosk.ui.supervisor.common import DeviceProbe, ProbeResult

KEYS: tuple[str, ...] = ("reader", "camera", "printer_form", "printer_receipt")

_TEST_TEXT = {
    "reader": ("读卡正常(模拟证件)", "Card read OK (simulated card)"),
    "camera": ("画面正常(模拟画面)", "Preview OK (simulated picture)"),
    "printer_form": ("测试页已生成", "Test page produced"),
    "printer_receipt": ("测试凭条已生成", "Test slip produced"),
}


@dataclass
class SimulatedProbe:
    key: str
    delay: float = 0.05  # a test takes a moment, like the real device

    def status(self) -> ProbeResult:
        return ProbeResult("simulated", "演示模式:模拟设备", "Demo mode: simulated device")

    def test(self) -> ProbeResult:
        time.sleep(self.delay)
        zh, en = _TEST_TEXT[self.key]
        return ProbeResult("ok", zh, en)


def simulated_probes() -> list[DeviceProbe]:
    return [SimulatedProbe(key) for key in KEYS]
