"""Fixtures for the console tests (helpers in console_parts.py: a module name of its own, as
``conftest`` is taken by whichever test folder is collected first)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from console_parts import FAST, Hub

from kiosk.config import Config
from kiosk.sync import enrolment


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Hub]:
    home = tmp_path / "hub-home"
    home.mkdir()
    monkeypatch.setenv("KIOSK_HUB_HOME", str(home))
    process = Hub(home)
    process.cli("count")  # the schema and keys, made before the server starts
    process.start()
    process.add_staff("lin")
    yield process
    process.stop()


@pytest.fixture
def config(monkeypatch: pytest.MonkeyPatch) -> Config:
    for key, value in FAST.items():
        monkeypatch.setenv(key, value)
    return Config.load()


@pytest.fixture
def enrolled(hub: Hub, config: Config) -> enrolment.Enrolment:
    code = hub.cli("enrol", "--kiosk-id", "K07")["code"]
    return enrolment.enrol(hub.url, code, config, allow_plain_http=True)
