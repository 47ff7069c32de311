"""A kiosk that fails loudly: a bad config.toml, a damaged or newer database, an unwritable or full
data folder show the out-of-service page with the reason and a support code (the real app,
offscreen, in its own process, kept running); every subcommand says it in one line and exits 3;
``kiosk self-check`` puts it in its JSON; ``kiosk-hub`` does the same for its database.

The unwritable and full folders are real mounts (a read-only tmpfs, a 512 KB tmpfs filled up) in a
private user and mount namespace (``unshare -rm``, no root needed), so nothing outside sees them.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.storage.db import connect_raw, open_database

BAD_CONFIG = '[point]\ncode = "not a code"\n'


def _newer_schema(home: Path) -> None:
    open_database(home / "kiosk.sqlite3")
    conn = connect_raw(home / "kiosk.sqlite3")
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.close()


def _damaged(home: Path) -> None:
    open_database(home / "kiosk.sqlite3")
    with (home / "kiosk.sqlite3").open("r+b") as fh:  # a power cut scribbled over the first pages
        fh.write(os.urandom(8192))


def _bad_config(home: Path) -> None:
    (home / "config.toml").write_text(BAD_CONFIG, encoding="utf-8")


def _mounted(home: Path, how: str, command: list[str]) -> list[str]:
    """``command`` run with ``home`` a private tmpfs: read-only, or full."""
    quoted = " ".join(shlex.quote(c) for c in command)
    h = shlex.quote(str(home))
    if how == "unwritable":
        setup = f"mount -t tmpfs -o size=4m tmpfs {h} && mount -o remount,ro {h}"
    else:
        setup = (
            f"mount -t tmpfs -o size=512k tmpfs {h} && "
            f"(dd if=/dev/zero of={h}/filler bs=4k 2>/dev/null || true)"
        )
    # a user namespace as well: mounting needs no root, only the kernel's (default) userns support
    namespace = ["unshare", "--user", "--map-root-user", "--mount", "--propagation", "private"]
    return [*namespace, "sh", "-c", f"{setup} && exec {quoted}"]


def _start_app(home: Path, mount: str | None = None, *extra: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "kiosk", "--demo", "--windowed", *extra]
    if mount:
        command = _mounted(home, mount, command)
    env = {**os.environ, "KIOSK_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)


CASES = {
    "bad_config": (_bad_config, None, "配置文件有误", "CFG-"),
    "newer_schema": (_newer_schema, None, "数据库来自更新的版本", "NEW-"),
    "damaged_database": (_damaged, None, "数据库文件损坏或无法打开", "DB-"),
    "unwritable_folder": (None, "unwritable", "数据文件夹无法写入", "DIR-"),
    "full_folder": (None, "full", "数据盘已满", "FULL-"),
    # kiosk-out-of-service.service, after kiosk.service hit its start limit
    "start_loop": (None, None, "程序多次启动失败", "LOOP-"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_app_shows_out_of_service_with_the_reason_and_keeps_running(
    case: str, kiosk_home: Path
) -> None:
    prepare, mount, reason, code_prefix = CASES[case]
    if prepare is not None:
        prepare(kiosk_home)
    extra = ["--out-of-service", "start_failures"] if case == "start_loop" else []
    proc = _start_app(kiosk_home, mount, *extra)
    assert proc.stderr is not None
    lines: list[str] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not any("the screen shows:" in ln for ln in lines):
        line = proc.stderr.readline()
        if not line:
            break
        lines.append(line)
    shown = next((ln for ln in lines if "the screen shows:" in ln), "")
    try:
        assert shown, "".join(lines)
        assert (
            "本机暂停服务" in shown and "请到人工窗口办理" in shown
        )  # the applicant: go to the counter
        assert reason in shown and f"支持代码 {code_prefix}" in shown  # staff: why, and the code
        assert any("out of service:" in ln and code_prefix in ln for ln in lines)  # the journal
        assert "Traceback" not in "".join(lines)
        time.sleep(3)
        assert proc.poll() is None, "the kiosk keeps running (no exit 1, no restart loop)"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    assert proc.returncode == 0  # systemctl stop: a clean end


SUBCOMMANDS = [
    ["db", "check"],
    ["db", "upgrade"],
    ["db", "key", "--json"],
    ["sync", "status", "--json"],
    ["audit", "verify", "--json"],
    ["staff", "list"],
    ["documents", "jobs"],
    ["demo-data", "--count", "1"],
    ["rules", "id-number", "11010519491231002X", "--json"],
    ["photo", "scan-receipt", "/nonexistent.png"],
]


def _kiosk(*args: str, home: Path, mount: str | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "kiosk", *args]
    if mount:
        command = _mounted(home, mount, command)
    env = {**os.environ, "KIOSK_HOME": str(home)}
    return subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _one_line(done: subprocess.CompletedProcess[str], words: str) -> None:
    assert done.returncode == 3, (done.returncode, done.stderr)
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert words in done.stderr and "support code" in done.stderr, done.stderr


@pytest.mark.parametrize("args", SUBCOMMANDS, ids=lambda a: " ".join(a[:2]))
def test_every_subcommand_refuses_a_bad_config_in_one_line(
    args: list[str], kiosk_home: Path
) -> None:
    _bad_config(kiosk_home)
    _one_line(_kiosk(*args, home=kiosk_home), "point.code")


def test_debug_shows_the_traceback(kiosk_home: Path) -> None:
    _bad_config(kiosk_home)
    done = _kiosk("--debug", "sync", "status", home=kiosk_home)
    assert done.returncode == 3 and "Traceback" in done.stderr and "ConfigError" in done.stderr


@pytest.mark.parametrize(
    ("prepare", "mount", "words"),
    [
        (_newer_schema, None, "newer release"),
        (_damaged, None, "damaged"),
        (None, "unwritable", "cannot be written"),
        (None, "full", "disk is full"),
    ],
    ids=["newer", "damaged", "unwritable", "full"],
)
def test_database_and_folder_problems_are_one_line_too(
    prepare: Callable[[Path], None] | None, mount: str | None, words: str, kiosk_home: Path
) -> None:
    if prepare is not None:
        prepare(kiosk_home)
    for args in (["sync", "status", "--json"], ["audit", "verify"], ["staff", "list"]):
        _one_line(_kiosk(*args, home=kiosk_home, mount=mount), words)


def test_self_check_reports_them_in_its_json(kiosk_home: Path) -> None:
    _damaged(kiosk_home)
    done = _kiosk("self-check", "--demo", "--json", home=kiosk_home)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    checks = {c["name"]: c for c in json.loads(done.stdout)["checks"]}
    assert not checks["database"]["ok"] and "DB-" in checks["database"]["detail"]
    assert checks["data_folder"]["ok"]
    full = _kiosk("self-check", "--demo", "--json", home=kiosk_home, mount="full")
    checks = {c["name"]: c for c in json.loads(full.stdout)["checks"]}
    assert not checks["data_folder"]["ok"] and "FULL-" in checks["data_folder"]["detail"]
    _bad_config(kiosk_home)
    report = json.loads(_kiosk("self-check", "--json", home=kiosk_home).stdout)
    assert report["checks"][0]["name"] == "config" and not report["checks"][0]["ok"]


def test_kiosk_hub_says_it_in_one_line(tmp_path: Path) -> None:
    hub_home = tmp_path / "hub"
    hub_home.mkdir()
    (hub_home / "hub.sqlite3").write_bytes(os.urandom(16384))
    env = {**os.environ, "KIOSK_HUB_HOME": str(hub_home)}
    for args in (
        ["count"],
        ["export", "--out", str(tmp_path / "x")],
        ["count", "--db", "nosuch://x"],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "kiosk_hub", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 1, done.stderr
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    debug = subprocess.run(
        [sys.executable, "-m", "kiosk_hub", "--debug", "count"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert debug.returncode == 1 and "Traceback" in debug.stderr


def test_a_stop_during_start_up_is_a_clean_end(tmp_path: Path) -> None:
    """``systemctl stop`` right after ``start``: the SIGTERM lands while the kiosk is still being
    built (its log just opened, no event loop yet). It must end cleanly, not die of the signal and
    not hang with a quit that had no loop to leave."""
    home = tmp_path / "home"
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--demo", "--windowed"],
        env={**os.environ, "KIOSK_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    log = home / "logs" / "kiosk.log"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not log.exists() and proc.poll() is None:
            time.sleep(0.01)
        assert log.exists(), "the kiosk opened its log"
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err.decode(errors="replace")[-2000:]
