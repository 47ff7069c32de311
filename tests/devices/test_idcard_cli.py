"""``kiosk idcard simulate`` and ``kiosk idcard read`` as an operator runs them (subprocesses)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kiosk.cli.idcard import FAULT_NAMES
from kiosk.devices.idcard import samples
from kiosk.devices.idcard.simmodel import FAULTS

KIOSK = [sys.executable, "-m", "kiosk"]
JSON_KEYS = {
    "card_type", "name", "name_en", "sex", "ethnic_group", "birth_date", "address", "id_number",
    "authority", "valid_from", "valid_to", "pass_number", "issue_count", "nationality", "photo_wlt_sha256",
}  # fmt: skip


@contextmanager
def simulator(*args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    proc = subprocess.Popen(
        [*KIOSK, "idcard", "simulate", "--card-time", "0.02", *args],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        port = proc.stdout.readline().strip()
        assert port, proc.stderr.read() if proc.stderr else ""
        yield proc, port
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=10)
    assert proc.returncode == 0


def read(port: str, *extra: str, timeout: str = "5") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*KIOSK, "idcard", "read", "--port", port, "--timeout", timeout, "--json", *extra],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_the_cli_knows_the_same_faults_as_the_simulator() -> None:
    assert set(FAULT_NAMES) == set(FAULTS)


@pytest.mark.parametrize("name", samples.sample_names())
def test_read_prints_each_card_type_as_json(name: str) -> None:
    with simulator("--card", name) as (_proc, port):
        assert port.startswith("/dev/pts/")
        done = read(port)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) == JSON_KEYS
    assert data == samples.load(name).as_json()


def test_exit_3_when_no_card_comes_in_time() -> None:
    with simulator() as (_proc, port):
        done = read(port, timeout="1")
    assert done.returncode == 3
    assert "没有放置证件" in done.stderr and "No card" in done.stderr
    error = json.loads(done.stdout)  # one JSON object, nothing else
    assert error["error"] == "no_card_in_time" and "No card" in error["message"]["en"]


def test_exit_4_on_a_sam_fault_with_the_message_in_both_languages() -> None:
    with simulator("--card", "resident", "--faults", "sam_fault") as (_proc, port):
        done = read(port)
    assert done.returncode == 4
    assert "安全模块" in done.stderr and "security module" in done.stderr
    assert json.loads(done.stdout)["error"] == "sam_self_test"


def test_exit_4_when_the_port_does_not_exist(tmp_path: Path) -> None:
    done = read(str(tmp_path / "no-such-tty"))
    assert done.returncode == 4
    assert "找不到读卡器" in done.stderr and "not found" in done.stderr
    assert json.loads(done.stdout)["error"] == "reader_not_found"


def test_a_card_removed_mid_read_is_retried_until_read() -> None:
    with simulator("--card", "gat_hk", "--faults", "removed_mid_read,garbage,split") as (
        _proc,
        port,
    ):
        done = read(port)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["pass_number"] == "H12345678"


def test_link_survives_unplug_and_replug_by_signal_and_by_command(tmp_path: Path) -> None:
    link = tmp_path / "reader"
    with simulator("--card", "resident", "--link", str(link)) as (proc, port):
        assert port == str(link) and os.path.islink(link)
        assert read(port).returncode == 0
        proc.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + 5
        while link.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not os.path.lexists(link)
        assert read(port, timeout="1").returncode == 4
        proc.send_signal(signal.SIGUSR2)
        while not link.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert read(port).returncode == 0
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write("place foreign_2017\n")
        proc.stdin.flush()
        assert proc.stdout.readline().strip() == "ok place"
        done = read(port)
        assert json.loads(done.stdout)["name_en"] == "GARCIA LOPEZ MARIA ELENA"
        proc.stdin.write("place nobody\n")
        proc.stdin.flush()
        assert proc.stdout.readline().startswith("error:")


@pytest.mark.parametrize(
    "args",
    [
        ["idcard", "simulate", "--faults", "gremlins"],
        ["idcard", "simulate", "--baud", "1234"],
        ["idcard", "read"],
        ["idcard", "read", "--port", "x", "--timeout", "-1"],
    ],
)
def test_bad_arguments_exit_2_with_one_line(args: list[str]) -> None:
    done = subprocess.run([*KIOSK, *args], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) <= 2


def test_an_unknown_sample_card_is_a_usage_error() -> None:
    done = subprocess.run(
        [*KIOSK, "idcard", "simulate", "--card", "nobody"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert "样例" in done.stderr and "resident" in done.stderr
