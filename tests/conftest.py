"""Suite-wide fixtures: every test gets its own data folder; no test may skip; a logged ERROR
fails the test that logged it (unless it says it expects it); Qt tests are marked ``gui``."""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TZ", "UTC")  # rules must use Shenzhen dates whatever the machine's zone


@pytest.fixture(autouse=True)
def kiosk_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh ``KIOSK_HOME`` so no test touches a real user's files or another test's."""
    home = tmp_path / "kiosk-home"
    home.mkdir()
    monkeypatch.setenv("KIOSK_HOME", str(home))
    for name in list(os.environ):
        if (
            name.startswith("KIOSK_")
            and name not in ("KIOSK_HOME",)
            and not name.startswith("KIOSK_TEST_")
        ):
            monkeypatch.delenv(name)
    return home


class LogFailHandler(logging.Handler):
    """Collects every ERROR (or worse) logged anywhere, from any thread, during a test.

    As qutebrowser's ``tests/helpers/logfail.py``, but the test fails at its end rather than inside
    ``emit``: an error logged by a worker thread must fail the test too, not that thread.
    """

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []
        self._lock_records = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        with self._lock_records:
            self.records.append(record)

    def take(self) -> list[logging.LogRecord]:
        with self._lock_records:
            records, self.records = self.records, []
        return records


_log_fail = LogFailHandler()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "expected_errors(*patterns): ERROR log lines this test provokes on purpose (regular "
        "expressions searched in the message); any other logged ERROR fails the test",
    )
    logging.getLogger().addHandler(_log_fail)


def pytest_unconfigure(config: pytest.Config) -> None:
    logging.getLogger().removeHandler(_log_fail)


@pytest.fixture(autouse=True)
def fail_on_logged_errors(request: pytest.FixtureRequest) -> Iterator[None]:
    """A logged ERROR is a failure, unless the test declared it with ``expected_errors``."""
    _log_fail.take()  # what an earlier test's stray thread logged after it ended is not ours
    yield
    patterns = [
        re.compile(p) for mark in request.node.iter_markers("expected_errors") for p in mark.args
    ]
    unexpected = [
        f"{r.name} {r.levelname}: {r.getMessage()}"
        for r in _log_fail.take()
        if not any(p.search(r.getMessage()) for p in patterns)
    ]
    if unexpected:
        pytest.fail("logged error(s) the test did not expect:\n" + "\n".join(unexpected))


_QT_FIXTURES = {"qtbot", "qapp", "make_kiosk"}


def _uses_qt(item: pytest.Item) -> bool:
    if _QT_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    module = getattr(item, "module", None)
    if module is None:
        return False
    for value in vars(module).values():  # the test module imports PySide6 or the Qt UI itself
        name = getattr(value, "__module__", None) or getattr(value, "__name__", "")
        if isinstance(name, str) and (name.startswith("PySide6") or name.startswith("kiosk.ui")):
            return True
    return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every Qt test ``gui`` (``-m "not gui"`` runs the logic alone), as qutebrowser does."""
    for item in items:
        if _uses_qt(item):
            item.add_marker(pytest.mark.gui)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A skipped test is a test that did not run: fail the run (the README's command sets up every part)."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    skipped = reporter.stats.get("skipped", [])
    if skipped and exitstatus == 0:
        reporter.write_line(
            f"FAILED: {len(skipped)} test(s) skipped; every real part must be set up", red=True
        )
        session.exitstatus = 1
