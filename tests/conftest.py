"""Suite-wide fixtures: every test gets its own data folder; no test may skip."""

from __future__ import annotations

import os
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
