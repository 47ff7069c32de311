"""Config from defaults, file and environment; bad values named; logs never leak personal data."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk import config, logs, paths


def test_defaults_file_and_environment(kiosk_home: Path) -> None:
    (kiosk_home / "config.toml").write_text(
        '[point]\ncode = "NS02"\n[reader]\nbaud = 9600\n', encoding="utf-8"
    )
    cfg = config.Config.load(environ={"KIOSK_READER_BAUD": "57600"})
    assert cfg["point.code"] == "NS02"
    assert cfg["reader.baud"] == 57600  # the environment wins over the file
    assert cfg["kiosk.language"] == "zh"


@pytest.mark.parametrize(
    ("toml", "env", "message"),
    [
        ('[reader]\nbaud = "fast"\n', {}, "reader.baud"),
        ('[kiosk]\nlanguage = "fr"\n', {}, "kiosk.language"),
        ("[nonsense]\nkey = 1\n", {}, "nonsense.key: unknown setting"),
        ("", {"KIOSK_TIMEOUTS_IDLE_SECONDS": "-5"}, "timeouts.idle_seconds"),
        ("", {"KIOSK_POINT_CODE": "ft 01"}, "point.code"),
        ("[reader\n", {}, "not valid TOML"),
    ],
)
def test_bad_values_are_refused_naming_the_key(
    kiosk_home: Path, toml: str, env: dict[str, str], message: str
) -> None:
    (kiosk_home / "config.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(config.ConfigError, match=message.replace(".", r"\.")):
        config.Config.load(environ=env)


def test_save_round_trips(kiosk_home: Path) -> None:
    config.save(
        {
            "point.code": "BA03",
            "kiosk.id": "K07",
            "kiosk.large_text": True,
            "hub.url": 'https://hub/"x"',
        }
    )
    cfg = config.Config.load(environ={})
    assert (cfg["point.code"], cfg["kiosk.id"], cfg["kiosk.large_text"]) == ("BA03", "K07", True)
    assert cfg["hub.url"] == 'https://hub/"x"'


def test_everything_lives_under_kiosk_home(kiosk_home: Path) -> None:
    for folder in (paths.logs_dir(), paths.print_jobs_dir(), paths.photos_dir()):
        assert kiosk_home in folder.parents
    assert paths.database_file().parent == kiosk_home


@pytest.mark.expected_errors("parse failed")  # logged on purpose: its line must be masked too
def test_log_lines_mask_id_numbers_phones_and_names(kiosk_home: Path) -> None:
    log_file = logs.setup()
    logs.register_sensitive("张三丰")
    try:
        log = logs.get("devices")
        log.info("card read for %s id %s phone %s", "张三丰", "11010519491231002X", "13812345678")
        try:
            raise ValueError("bad card 440308199901101512")
        except ValueError:
            log.exception("parse failed")
    finally:
        logs.forget_sensitive()
        logs.teardown()
    written = log_file.read_text(encoding="utf-8")
    assert "11010519491231002X" not in written and "1101**********002X" in written
    assert "440308199901101512" not in written
    assert "13812345678" not in written and "138****5678" in written
    assert "张三丰" not in written and "张**" in written
