"""`kiosk staff ...` and `kiosk audit list`, and audited settings changes written to config.toml."""

from __future__ import annotations

import io
import json
import tomllib

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from supervisor_helpers import ADMIN_PIN

from kiosk import paths
from kiosk.cli import main
from kiosk.config import Config, ConfigError
from kiosk.services import settings
from kiosk.storage.models import AuditEvent


def _run(
    argv: list[str], stdin: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, dict]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(argv)
    return code, json.loads(capsys.readouterr().out)


def test_staff_cli_first_admin_then_authorised_adds(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out = _run(
        ["staff", "add", "admin", "--name", "管理员", "--role", "administrator", "--json"],
        f"{ADMIN_PIN}\n",
        capsys,
        monkeypatch,
    )
    assert code == 0 and out["role"] == "administrator"
    # now a second add needs an administrator
    code, out = _run(
        ["staff", "add", "li", "--name", "李", "--json"], "864209\n", capsys, monkeypatch
    )
    assert code == 1 and "--admin" in out["error"]
    code, out = _run(
        ["staff", "add", "li", "--name", "李", "--admin", "admin", "--json"],
        "000000\n864209\n",
        capsys,
        monkeypatch,
    )
    assert code == 1 and "Wrong PIN" in out["error"]
    code, out = _run(
        ["staff", "add", "li", "--name", "李", "--admin", "admin", "--json"],
        f"{ADMIN_PIN}\n1111\n",
        capsys,
        monkeypatch,
    )
    assert code == 1 and out["error"]["code"] == "pin_shape"
    code, out = _run(
        ["staff", "add", "li", "--name", "李", "--admin", "admin", "--json"],
        f"{ADMIN_PIN}\n864209\n",
        capsys,
        monkeypatch,
    )
    assert code == 0 and out["username"] == "li"
    code, out = _run(["staff", "list", "--json"], "", capsys, monkeypatch)
    assert [s["username"] for s in out["staff"]] == ["admin", "li"]
    assert all("pin" not in key for s in out["staff"] for key in s)
    code, out = _run(["audit", "list", "--json", "--action", "staff."], "", capsys, monkeypatch)
    assert [(e["action"], e["subject"], e["actor"]) for e in out["entries"]] == [
        ("staff.add", "li", "staff:admin"),
        ("staff.add", "admin", "system:first-run"),
    ]


def test_staff_cli_bad_role_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["staff", "add", "x1", "--name", "X", "--role", "boss"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_settings_change_is_checked_audited_and_saved(
    factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "KIOSK_READER_BAUD", "9600"
    )  # an env override must not be frozen into the file
    with factory.begin() as session:
        changed = settings.apply(
            session,
            "staff:admin",
            {"point.code": "NS02", "timeouts.supervisor_idle": "120", "kiosk.language": "zh"},
        )
    assert changed == {"point.code": ("FT01", "NS02"), "timeouts.supervisor_idle": (180, 120)}
    saved = tomllib.loads(paths.config_file().read_text(encoding="utf-8"))
    assert saved == {"point": {"code": "NS02"}, "timeouts": {"supervisor_idle": 120}}
    assert Config.load()["point.code"] == "NS02"
    with factory() as session:
        entries = [
            (e.action, e.subject, e.detail) for e in session.execute(select(AuditEvent)).scalars()
        ]
    assert entries == [
        ("settings.change", "point.code", "'FT01' -> 'NS02'"),
        ("settings.change", "timeouts.supervisor_idle", "180 -> 120"),
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"point.code": "ft 01"}, "point.code"),
        ({"timeouts.supervisor_idle": "-5"}, "supervisor_idle"),
        ({"sync.backoff_cap": "10"}, "not changeable"),
    ],
)
def test_bad_settings_change_writes_nothing(
    factory: sessionmaker[Session], changes: dict, message: str
) -> None:
    with factory() as session:
        with pytest.raises(ConfigError, match=message):
            settings.apply(session, "staff:admin", {"kiosk.id": "K02", **changes})
        session.rollback()
        assert session.execute(select(AuditEvent)).first() is None
    assert not paths.config_file().exists()
