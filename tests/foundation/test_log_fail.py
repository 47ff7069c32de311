"""The suite's own rules (tests/conftest.py), run on a small suite in a real pytest process: a
logged ERROR fails the test that logged it, from any thread, unless the test declared it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

SUITE = """
import logging
import threading

import pytest


def test_logs_an_error():
    logging.getLogger("kiosk.x").error("the printer caught fire")


def test_a_worker_thread_logs_an_error():
    worker = threading.Thread(target=lambda: logging.getLogger("kiosk.y").error("lost"))
    worker.start()
    worker.join()


@pytest.mark.expected_errors("caught fire")
def test_declares_the_error_it_provokes():
    logging.getLogger("kiosk.x").error("the printer caught fire")


@pytest.mark.expected_errors("caught fire")
def test_declared_one_error_but_logged_another():
    logging.getLogger("kiosk.x").error("the disk is full")


def test_warnings_are_not_failures():
    logging.getLogger("kiosk.x").warning("the paper is low")
"""


def test_a_logged_error_fails_the_test_unless_it_was_expected(tmp_path: Path) -> None:
    shutil.copy(Path(__file__).resolve().parents[1] / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_suite.py").write_text(SUITE, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    summary = run.stdout
    assert run.returncode == 1, summary
    for name in (
        "test_logs_an_error",
        "test_a_worker_thread_logs_an_error",
        "test_declared_one_error_but_logged_another",
    ):
        assert f"ERROR test_suite.py::{name}" in summary, summary
    for name in ("test_declares_the_error_it_provokes", "test_warnings_are_not_failures"):
        assert f"PASSED test_suite.py::{name}" in summary, summary
    assert "the disk is full" in summary  # the failure says what was logged
