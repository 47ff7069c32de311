"""The crash path: an uncaught exception is logged (masked) and recovery callbacks run."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path


def test_uncaught_exceptions_in_threads_are_logged_masked_and_recovered(kiosk_home: Path) -> None:
    script = textwrap.dedent(
        """
        import threading, sys
        from kiosk import crash, logs
        logs.setup()
        crash.install()
        recovered = []
        crash.on_crash(lambda exc: recovered.append(type(exc).__name__))
        def boom():
            raise RuntimeError("reader died on card 11010519491231002X")
        t = threading.Thread(target=boom); t.start(); t.join()
        print("recovered", recovered)
        raise KeyError("main thread too")
        """
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert "recovered ['RuntimeError']" in run.stdout
    assert "Traceback" not in run.stderr  # nothing on the screen; the log has it
    log = (kiosk_home / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "RuntimeError: reader died on card 1101**********002X" in log
    assert "11010519491231002X" not in log
    assert "KeyError" in log
