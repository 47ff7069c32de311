"""One crash path: log every uncaught exception (masked) and let the UI recover.

The UI registers a callback that shows the out-of-service screen and returns to the welcome
screen; the applicant never sees a traceback.
"""

from __future__ import annotations

import faulthandler
import sys
import threading
from collections.abc import Callable
from types import TracebackType

from kiosk import logs, paths

_log = logs.get("kiosk")
_on_crash: list[Callable[[BaseException], None]] = []


def on_crash(callback: Callable[[BaseException], None]) -> Callable[[], None]:
    """Call ``callback(exc)`` after each uncaught exception; returns the function that unhooks it."""
    _on_crash.append(callback)
    return lambda: _on_crash.remove(callback) if callback in _on_crash else None


def _handle(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    _log.critical("uncaught exception", exc_info=(exc_type, exc, tb))
    for callback in list(_on_crash):
        try:
            callback(exc)
        except Exception:  # the recovery itself failed: log and keep going
            _log.exception("crash callback failed")


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None:
        _handle(args.exc_type, args.exc_value, args.exc_traceback)


_fault_file = None


def install() -> None:
    """Install ``sys.excepthook``, ``threading.excepthook`` and faulthandler (to a file)."""
    global _fault_file
    sys.excepthook = _handle
    threading.excepthook = _thread_hook
    if _fault_file is None:
        _fault_file = (paths.logs_dir() / "faults.log").open("a", encoding="utf-8")
        faulthandler.enable(_fault_file)


def uninstall() -> None:
    """Undo :func:`install` (tests, and an app that hands the process back)."""
    global _fault_file
    sys.excepthook = sys.__excepthook__
    threading.excepthook = threading.__excepthook__
    if _fault_file is not None:
        faulthandler.disable()
        _fault_file.close()
        _fault_file = None
