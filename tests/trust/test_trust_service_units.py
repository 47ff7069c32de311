"""kiosk.service stops restarting after a start loop and hands over to the out-of-service page;
the units load the sealed database key. Checked with ``systemd-analyze verify`` (no systemd runs
as PID 1 in CI, so the restart counting itself is systemd's, not re-tested here)."""

from __future__ import annotations

import configparser
import subprocess
from pathlib import Path

import pytest

LINUX = Path(__file__).resolve().parents[2] / "installer" / "linux"
PAIRS = [
    ("kiosk.service", "kiosk-out-of-service.service"),
    ("kiosk-x11.service", "kiosk-x11-out-of-service.service"),
]


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((LINUX / name).read_text(encoding="utf-8"))
    return parser


@pytest.mark.parametrize(("unit", "fallback"), PAIRS)
def test_start_limit_then_the_out_of_service_unit(unit: str, fallback: str, tmp_path: Path) -> None:
    main, page = _unit(unit), _unit(fallback)
    assert int(main["Unit"]["StartLimitBurst"]) == 5
    assert int(main["Unit"]["StartLimitIntervalSec"]) == 300
    assert int(main["Service"]["RestartSec"]) * 5 < 300  # five failures do fit in the window
    assert main["Unit"]["OnFailure"] == fallback
    assert "/usr/lib/kiosk/session --out-of-service start_failures" in page["Service"]["ExecStart"]
    assert main["Service"]["LoadCredentialEncrypted"] == "kiosk-db-key:/var/lib/kiosk/db-key.cred"
    # the page must come up even when the key is what stops the kiosk from starting
    assert "LoadCredentialEncrypted" not in page["Service"]
    for name in (unit, fallback):  # both load, with the session script where install.sh puts it
        staged = tmp_path / "usr/lib/kiosk"
        staged.mkdir(parents=True, exist_ok=True)
        (staged / "session").write_text("#!/bin/sh\n", encoding="utf-8")
        (staged / "session").chmod(0o755)
        (staged / "after-exit").write_text("#!/bin/sh\n", encoding="utf-8")
        (staged / "after-exit").chmod(0o755)
        text = (LINUX / name).read_text(encoding="utf-8").replace("/usr/lib/kiosk/", f"{staged}/")
        copy = tmp_path / name
        copy.write_text(text, encoding="utf-8")
        done = subprocess.run(
            ["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr


def test_install_script_lays_out_the_fallback_and_seals_the_key(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "kiosk").write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    (bundle / "kiosk").chmod(0o755)
    root = tmp_path / "root"
    done = subprocess.run(
        [str(LINUX / "install.sh"), "--bundle", str(bundle), "--root", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (root / "etc/systemd/system/kiosk-out-of-service.service").is_file()
    script = (LINUX / "install.sh").read_text(encoding="utf-8")
    assert '"$APP/kiosk" db seal-key' in script  # before the unit that needs it is enabled
    assert script.index("db seal-key") < script.index('systemctl enable "$unit"')
