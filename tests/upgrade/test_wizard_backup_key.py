"""The first-run wizard takes the office's backup key (its .pub file from the key drive) and the
daily backup folder; a file that is not a backup key keeps the page, in both languages."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from kiosk.config import Config
from kiosk.services import backup
from kiosk.ui.setup_wizard import SetupWizard, apply


def test_wizard_sets_the_backup_key_and_folder(qtbot: QtBot, tmp_path: Path) -> None:
    keydrive = tmp_path / "keydrive"
    key = backup.set_backup_key(keydrive / "office-backup.key", tmp_path / "elsewhere.toml")
    wizard = SetupWizard(Config.load(), ask_admin=False)
    qtbot.addWidget(wizard)
    page = wizard.hub_page

    page.backup_key.setText(str(keydrive / "office-backup.key"))  # the private half: refused
    assert page.validatePage() is False
    assert "备份公钥无效" in page.error.text() and "not a backup key" in page.error.text()

    page.backup_key.setText(key["public_file"])
    page.backup_folder.setText(str(tmp_path / "usb"))
    assert page.validatePage() is True
    apply(wizard.answers(), wizard.config, create_admin=False)
    config = Config.load()
    assert config["backup.folder"] == str(tmp_path / "usb")
    public = Path(key["public_file"]).read_text().strip()
    assert config["backup.public_key"] == public

    (tmp_path / "usb").mkdir()
    made = backup.create_backup(tmp_path / "usb", config)  # the kiosk can now back itself up
    assert made.key_file is None and made.path.exists()


def test_another_kiosk_takes_the_office_key_from_its_pub_file(tmp_path: Path) -> None:
    import json
    import os
    import subprocess
    import sys

    key = backup.set_backup_key(tmp_path / "keydrive" / "office-backup.key", tmp_path / "k1.toml")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env["KIOSK_HOME"] = str(tmp_path / "second-kiosk")

    def key_set(value: str) -> tuple[int, dict[str, object]]:
        out = subprocess.run(
            [sys.executable, "-m", "kiosk", "backup", "key", "set", value, "--json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        return out.returncode, json.loads(out.stdout)

    code, answer = key_set(str(tmp_path / "keydrive" / "office-backup.key"))  # the private half
    assert code == 1 and answer["ok"] is False
    code, answer = key_set(key["public_file"])
    assert (code, answer) == (0, {"ok": True, "key_id": key["key_id"]})
    second = Config.load(path=tmp_path / "second-kiosk" / "config.toml", environ={})
    assert second["backup.public_key"] == Path(key["public_file"]).read_text().strip()
