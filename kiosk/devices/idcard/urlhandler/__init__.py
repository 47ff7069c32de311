"""pyserial URL handlers that ship with the kiosk: ``kiosksim://`` is the simulated ID-card reader.

pyserial's ``serial_for_url`` picks a handler by the URL's scheme: it imports
``<package>.protocol_<scheme>`` from each package in ``serial.protocol_handler_packages``. Importing
:mod:`kiosk.devices.idcard` calls :func:`register`, so any reader port setting
(``reader.port = "kiosksim://resident"``, ``kiosk idcard read --port kiosksim://gat_hk``) reaches
the simulator with no pseudo-terminal: on Windows, and in tests.
"""

from __future__ import annotations

import serial


def register() -> None:
    """Add this package to pyserial's handler search path (once)."""
    if __name__ not in serial.protocol_handler_packages:
        serial.protocol_handler_packages.append(__name__)
