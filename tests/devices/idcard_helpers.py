"""Shared helpers for the ID-card reader tests: a real pty simulator and event waiting."""

from __future__ import annotations

import queue
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from kiosk.devices.idcard.driver import DriverConfig, ReaderDriver
from kiosk.devices.idcard.events import ReaderEvent
from kiosk.devices.idcard.simmodel import Timing
from kiosk.devices.idcard.simulator import SimulatedReader

E = TypeVar("E")

# quick card work so tests stay fast; the wire itself is still paced at the baud rate
FAST = Timing(command=0.001, find=0.002, select=0.002, read=0.02)
QUICK = DriverConfig(find_timeout=1.0, read_timeout=3.0, poll_interval=0.05, reconnect_interval=0.1)


def wait_for(
    driver: ReaderDriver, kind: type[E], timeout: float = 5.0, seen: list[Any] | None = None
) -> E:
    """The next event of ``kind``; every event on the way is kept in ``seen``."""
    deadline = time.monotonic() + timeout
    while (remaining := deadline - time.monotonic()) > 0:
        try:
            event: ReaderEvent = driver.events.get(timeout=remaining)
        except queue.Empty:
            break
        if seen is not None:
            seen.append(event)
        if isinstance(event, kind):
            return event
    raise AssertionError(f"no {kind.__name__} within {timeout}s; saw {seen}")


def drain(driver: ReaderDriver, seconds: float) -> list[ReaderEvent]:
    time.sleep(seconds)
    out: list[ReaderEvent] = []
    while True:
        try:
            out.append(driver.events.get_nowait())
        except queue.Empty:
            return out


@contextmanager
def reader(
    card: str | None = None,
    faults: set[str] | None = None,
    timing: Timing = FAST,
    config: DriverConfig = QUICK,
    sim_baud: int = 115200,
    driver_baud: int = 115200,
) -> Iterator[tuple[SimulatedReader, ReaderDriver]]:
    sim = SimulatedReader(card=card, faults=faults or set(), timing=timing, baud=sim_baud, seed=7)
    with sim, ReaderDriver(sim.port, driver_baud, config) as driver:
        yield sim, driver
