"""Helpers more than one test folder uses (``tests/`` is on the path: the suite's conftest.py is
here). Each folder's own helpers are in its ``*_parts.py``."""

from __future__ import annotations

import time
from typing import Any

# Fast retries for sync tests: the product defaults are seconds to minutes.
FAST_SYNC = {
    "KIOSK_SYNC_BACKOFF_BASE": "0.05",
    "KIOSK_SYNC_BACKOFF_CAP": "0.3",
    "KIOSK_SYNC_IDLE_POLL": "0.1",
    "KIOSK_SYNC_LEASE_SECONDS": "30",
    "KIOSK_SYNC_TIMEOUT": "5",
}


def until(predicate: Any, timeout: float = 30.0, interval: float = 0.05) -> None:
    """Wait for ``predicate()`` to be true; ``TimeoutError`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not reached in time")
        time.sleep(interval)
