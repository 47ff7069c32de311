"""Device probes for the devices screen.

``simulated_probes`` are part of the product: demo and training mode show them, and so do tests.
The main window passes real probes built on the reader, camera and printer parts instead.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from kiosk.ui.supervisor.common import DeviceProbe, ProbeResult
from kiosk.ui.texts import both

KEYS: tuple[str, ...] = ("reader", "camera", "printer_form", "printer_receipt")


@dataclass
class SimulatedProbe:
    key: str
    delay: float = 0.05  # a test takes a moment, like the real device

    def status(self) -> ProbeResult:
        return ProbeResult("simulated", *both("probe.simulated"))

    def test(self) -> ProbeResult:
        time.sleep(self.delay)
        return ProbeResult("ok", *both(f"probe.test.{self.key}"))


def simulated_probes() -> list[DeviceProbe]:
    return [SimulatedProbe(key) for key in KEYS]
