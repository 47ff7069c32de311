"""The SAM ID-card reader on a serial line: codec, card parsing, driver, simulator, Qt bridge.

Importing this package registers the ``kiosksim://`` pyserial URL (the simulated reader without a
pseudo-terminal), so every place that opens a reader port accepts it.
"""

from kiosk.devices.idcard.urlhandler import register as _register_url_handlers

_register_url_handlers()
