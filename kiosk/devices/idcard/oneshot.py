"""Read one card and stop: what ``kiosk idcard read`` and staff tools use.

The driver runs as usual; this waits for its first card. A card lifted mid-read is retried
from find by the driver until the deadline.
"""

from __future__ import annotations

import queue
import time

from kiosk.devices.errors import DeviceError, DeviceNotFoundError, DeviceTimeoutError
from kiosk.devices.idcard import cardparse, status
from kiosk.devices.idcard.driver import DriverConfig, ReaderDriver
from kiosk.devices.idcard.events import CardRead, ReaderError, ReaderFound, ReaderLost
from kiosk.domain.identity import IdentityCard


class NoCardError(DeviceTimeoutError):
    """The reader answered but no card was placed before the deadline."""

    default_code = status.NO_CARD_IN_TIME.name


def read_one_card(
    port: str, baud: int, timeout: float, config: DriverConfig | None = None
) -> IdentityCard:
    """The first card read within ``timeout`` seconds; raises :class:`NoCardError` or
    another :class:`DeviceError` (reader missing, silent or failing)."""
    deadline = time.monotonic() + timeout
    found = False
    with ReaderDriver(port, baud, config) as driver:
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                event = driver.events.get(timeout=remaining)
            except queue.Empty:
                break
            if isinstance(event, CardRead):
                return event.card
            if isinstance(event, ReaderFound):
                found = True
            elif isinstance(event, ReaderLost):
                raise DeviceNotFoundError(
                    event.message.zh, event.message.en, code=event.message.code
                )
            elif isinstance(event, ReaderError) and event.reason is not None:
                raise cardparse.CardDataError(event.reason, event.message.zh, event.message.en)
            elif isinstance(event, ReaderError):
                raise DeviceError(event.message.zh, event.message.en, code=event.code)
    if not found:
        raise DeviceTimeoutError(status.TIMEOUT.zh, status.TIMEOUT.en, code=status.TIMEOUT.name)
    st = status.NO_CARD_IN_TIME
    raise NoCardError(st.zh, st.en)
