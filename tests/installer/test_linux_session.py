"""The Linux kiosk session files: the install script lays everything out, the units verify,
the shell scripts are clean, and the session script turns exit 10 into the leave-kiosk marker."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LINUX = REPO / "installer" / "linux"
SCRIPTS = [
    LINUX / "install.sh",
    LINUX / "session",
    LINUX / "after-exit",
    REPO / "installer" / "build",
]


def _fake_bundle(tmp_path: Path, exit_status: int = 0) -> Path:
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    app = bundle / "kiosk"
    app.write_text(f"#!/bin/sh\nexit {exit_status}\n", encoding="utf-8")
    app.chmod(0o755)
    return bundle


@pytest.fixture
def staged(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    done = subprocess.run(
        [str(LINUX / "install.sh"), "--bundle", str(_fake_bundle(tmp_path)), "--root", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return root


def test_install_lays_out_every_file(staged: Path) -> None:
    for path in (
        "opt/kiosk/kiosk",
        "usr/lib/kiosk/session",
        "usr/lib/kiosk/after-exit",
        "etc/systemd/system/kiosk.service",
        "etc/pam.d/kiosk",
        "etc/udev/rules.d/60-kiosk.rules",
        "etc/systemd/logind.conf.d/kiosk.conf",
        "etc/sysctl.d/90-kiosk.conf",
        "etc/polkit-1/rules.d/50-kiosk-power.rules",
        "var/lib/kiosk/run",
    ):
        assert (staged / path).exists(), path
    assert os.access(staged / "usr/lib/kiosk/session", os.X_OK)
    assert (staged / "var/lib/kiosk").stat().st_mode & 0o777 == 0o700


def test_install_refuses_without_a_bundle(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(LINUX / "install.sh"), "--bundle", str(tmp_path / "none"), "--root", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1 and "installer/build" in done.stderr


@pytest.mark.parametrize("unit", ["kiosk.service", "kiosk-x11.service"])
def test_units_verify(unit: str, staged: Path, tmp_path: Path) -> None:
    # systemd-analyze checks the commands exist: point them at the staged layout
    text = (
        (LINUX / unit)
        .read_text(encoding="utf-8")
        .replace("/usr/lib/kiosk/", f"{staged}/usr/lib/kiosk/")
    )
    copy = tmp_path / unit
    copy.write_text(text, encoding="utf-8")
    done = subprocess.run(
        ["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "Restart=always" in text and "RestartPreventExitStatus=10" in text


def test_scripts_pass_bash_n_and_shellcheck() -> None:
    shellcheck = shutil.which("shellcheck")
    assert shellcheck, "shellcheck is installed by scripts/setup"
    for script in SCRIPTS:
        assert subprocess.run(["bash", "-n", str(script)], check=False).returncode == 0, script
    done = subprocess.run(
        [shellcheck, *map(str, SCRIPTS)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout


@pytest.mark.parametrize(("status", "marked"), [(10, True), (0, False), (1, False)])
def test_session_marks_only_leave_kiosk_mode(status: int, marked: bool, tmp_path: Path) -> None:
    text = (
        (LINUX / "session")
        .read_text(encoding="utf-8")
        .replace("/opt/kiosk/kiosk", str(_fake_bundle(tmp_path, status) / "kiosk"))
    )
    session = tmp_path / "session"
    session.write_text(text, encoding="utf-8")
    home = tmp_path / "home"
    done = subprocess.run(
        ["sh", str(session)], env={**os.environ, "KIOSK_HOME": str(home)}, check=False
    )
    assert done.returncode == status
    assert (home / "run" / "left-kiosk-mode").exists() is marked
