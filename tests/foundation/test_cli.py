"""The ``kiosk`` command line as operators call it: JSON answers and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


def kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=60,
    )


def test_id_number_answers_in_json() -> None:
    run = kiosk("rules", "id-number", "11010519491231002x", "--json")
    assert run.returncode == 0
    assert json.loads(run.stdout) == {
        "valid": True,
        "reason": None,
        "birth_date": "1949-12-31",
        "sex": "female",
        "region_code": "110105",
    }


def test_invalid_id_number_is_an_answer_not_an_error() -> None:
    run = kiosk("rules", "id-number", "110105491231002", "--json")
    assert run.returncode == 0
    data = json.loads(run.stdout)
    assert data["valid"] is False and "15" in data["reason"]["zh"]


def test_renewal_and_eligibility() -> None:
    run = kiosk(
        "rules",
        "renewal",
        "--permit",
        "standard",
        "--expires",
        "2026-12-20",
        "--today",
        "2026-12-05",
        "--json",
    )
    data = json.loads(run.stdout)
    assert (data["decision"], data["window_opens"], data["new_expiry"]) == (
        "renew",
        "2026-12-05",
        "2036-12-20",
    )
    run = kiosk(
        "rules",
        "eligibility",
        "--birth-date",
        "1960-01-01",
        "--condition",
        "none",
        "--today",
        "2026-11-26",
        "--json",
    )
    assert json.loads(run.stdout)["eligible"] is True


@pytest.mark.parametrize(
    "args",
    [
        ("rules", "renewal", "--permit", "gold", "--expires", "2026-12-20"),
        ("rules", "renewal", "--permit", "standard", "--expires", "2026-02-30"),
        ("rules", "eligibility", "--birth-date", "1990-01-01"),
        ("no-such-command",),
    ],
)
def test_bad_arguments_exit_2_with_one_line(args: tuple[str, ...]) -> None:
    run = kiosk(*args)
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "error:" in lines[0]


def test_db_upgrade_and_check() -> None:
    assert json.loads(kiosk("db", "check", "--json").stdout)["state"] == "behind"
    assert kiosk("db", "check").returncode == 1
    assert json.loads(kiosk("db", "upgrade", "--json").stdout)["ok"] is True
    assert kiosk("db", "check", "--json").returncode == 0
