"""The frozen one-folder app: built by installer/build (or reused when nothing that goes into it
changed) and self-checked offscreen against the simulators."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _bundle_module():  # installer/ is not a package: load it by path
    spec = importlib.util.spec_from_file_location(
        "kiosk_installer_bundle", REPO / "installer" / "bundle.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bundle() -> Path:
    executable, _built = _bundle_module().ensure_bundle()
    return executable


def _run(executable: Path, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(KIOSK_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONPATH", None)  # the frozen app must not lean on the checkout
    return subprocess.run(
        [str(executable), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        cwd=home,
        check=False,
    )


@pytest.mark.slow
def test_frozen_self_check_demo_is_green(bundle: Path, tmp_path: Path) -> None:
    done = _run(bundle, "self-check", "--demo", "--json", home=tmp_path)
    report = json.loads(done.stdout)
    failing = [c for c in report["checks"] if not c["ok"] and c.get("needed", True)]
    assert report["ok"], json.dumps(failing, ensure_ascii=False, indent=1)
    assert done.returncode == 0
    names = {c["name"] for c in report["checks"]}
    assert {"database", "fonts.pdf", "fonts.qt", "qt.platforms", "ui", "reader", "camera"} <= names


@pytest.mark.slow
def test_frozen_kiosk_shows_its_welcome_screen(bundle: Path, tmp_path: Path) -> None:
    """The UI itself starts from the bundle (offscreen, demo) and reaches the welcome screen."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(KIOSK_HOME=str(tmp_path), QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONPATH", None)
    log = tmp_path / "logs" / "kiosk.log"
    proc = subprocess.Popen(
        [str(bundle), "--demo"], env=env, cwd=tmp_path, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if log.exists() and "screen welcome" in log.read_text(encoding="utf-8"):
                break
            time.sleep(0.05)
        running = proc.poll() is None
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    assert running, err
    text = log.read_text(encoding="utf-8")
    assert "screen welcome" in text
    assert proc.returncode == 0 and "kiosk stopping (status 0)" in text  # SIGTERM: a clean stop


@pytest.mark.slow
def test_frozen_cli_finds_every_subcommand(bundle: Path, tmp_path: Path) -> None:
    """kiosk/cli/* are found with pkgutil at run time: the frozen app must list them all."""
    done = _run(bundle, "--help", home=tmp_path)
    assert done.returncode == 0, done.stderr
    wanted = sorted(
        p.stem.replace("_", "-")
        for p in (REPO / "kiosk" / "cli").glob("[!_]*.py")
        if "def register" in p.read_text(encoding="utf-8")
    )
    for name in wanted:
        assert name in done.stdout, f"{name} missing from the frozen app's --help"


@pytest.mark.slow
def test_frozen_app_migrates_from_its_own_migration_files(bundle: Path, tmp_path: Path) -> None:
    done = _run(bundle, "db", "upgrade", "--json", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["state"] == "up_to_date"
    assert (tmp_path / "kiosk.sqlite3").exists()
