"""Blocking work off the GUI thread: one runner per kiosk, answers delivered on the GUI thread.

Screens never start threads of their own. They hand a blocking call (save, print, check a PIN,
test a device) to :meth:`Runner.run`; it runs in the runner's thread pool and ``on_done`` gets the
result — or the exception it raised — back on the GUI thread, through a queued signal. When the
widget that asked is gone by then, the answer is dropped. :meth:`Runner.wait` lets tests, the
bench and shutdown wait for what is still running.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from kiosk import logs

_log = logs.get("kiosk.ui")


class _Answer(QObject):
    """Carries one result to the GUI thread (it lives there, as a child of the asking widget)."""

    done = Signal(object)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], answer: _Answer):
        super().__init__()
        self.fn, self.answer = fn, answer

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # the asking screen decides what to tell the applicant
            _log.warning("background task failed: %s", type(exc).__name__)
            result = exc
        with contextlib.suppress(RuntimeError):  # the widget that asked was deleted meanwhile
            self.answer.done.emit(result)


class Runner(QObject):
    """A thread pool of the kiosk's own (device tests may hang: they must not starve Qt's global
    pool) with answers on the GUI thread."""

    def __init__(self, parent: QObject | None = None, threads: int = 4):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads)
        self.pool.setExpiryTimeout(-1)  # threads stay: no new thread (and malloc arena) per task

    def run(
        self,
        owner: QObject,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
    ) -> None:
        """Run ``fn`` in the pool; ``on_done(result or exception)`` runs on the GUI thread, unless
        ``owner`` (the widget that asked) has been deleted by then."""
        answer = _Answer(owner)
        if on_done is not None:
            answer.done.connect(on_done)
        answer.done.connect(answer.deleteLater)
        self.pool.start(_Task(fn, answer))

    def wait(self, timeout_ms: int = -1) -> bool:
        """Wait until every task has finished (True) or ``timeout_ms`` passed (False)."""
        return self.pool.waitForDone(timeout_ms)
