"""``kiosk self-check`` against real parts: a real SQLite file, the shipped fonts, a real
pseudo-terminal, a closed port on 127.0.0.1, the real CLI."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
from pathlib import Path

import pytest

from kiosk import paths
from kiosk.cli import main
from kiosk.config import Config
from kiosk.selfcheck import devices, files, hub, storage
from kiosk.selfcheck.base import Context


def _ctx(demo: bool = False, **values: object) -> Context:
    return Context(Config.load().with_values(**values), demo)


def test_cli_json_shape_and_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["self-check", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert set(report) >= {"ok", "checks"}
    assert all(set(c) >= {"name", "ok", "detail"} for c in report["checks"])
    names = [c["name"] for c in report["checks"]]
    for wanted in (
        "database",
        "fonts.pdf",
        "fonts.qt",
        "translations",
        "reader",
        "camera",
        "printer.form",
        "printer.receipt",
        "print_queue",
        "hub.enrolment",
        "hub.reachable",
        "disk",
    ):
        assert wanted in names
    # outside demo mode an unenrolled kiosk is not ready: exit 1, and the report says why
    enrol = next(c for c in report["checks"] if c["name"] == "hub.enrolment")
    assert not enrol["ok"] and "not enrolled" in enrol["detail"]
    assert report["ok"] is False and code == 1


def test_database_check_migrates_and_reads_the_file() -> None:
    result = storage.check_database(_ctx())
    assert result.ok, result.detail
    assert paths.database_file().exists()


def test_database_check_fails_on_a_damaged_file() -> None:
    paths.database_file().write_bytes(b"this is not a database" * 100)
    result = storage.check_database(_ctx())
    assert not result.ok


def _job(state: str, age_minutes: int) -> None:
    from kiosk.storage.db import open_database
    from kiosk.storage.models import PrintJob

    created = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=age_minutes)
    with open_database()() as session, session.begin():
        session.add(
            PrintJob(
                document="slip", printer="folder", path="x.pdf", state=state, created_at=created
            )
        )


def test_print_queue_reports_held_and_old_jobs_only() -> None:
    storage.check_database(_ctx())
    _job("queued", 1)  # fresh: printing normally
    _job("printed", 60)
    assert storage.check_print_queue(_ctx()).ok
    _job("waiting", 30)
    _job("held", 1)
    result = storage.check_print_queue(_ctx())
    assert not result.ok
    assert "1 held" in result.detail and "1 waiting" in result.detail


def test_fonts_load_in_reportlab_and_qt(qapp: object) -> None:
    from kiosk.ui import qt_selfcheck

    assert files.check_fonts_pdf(_ctx()).ok
    _name, ok, detail = qt_selfcheck.font_check(files.cjk_fonts())
    assert ok, detail


def test_font_check_fails_for_a_font_without_cjk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reportlab import rl_config

    latin = (
        next(Path(d) for d in rl_config.TTFSearchPath if (Path(d) / "Vera.ttf").exists())
        / "Vera.ttf"
    )
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "Vera.ttf").write_bytes(latin.read_bytes())
    monkeypatch.setattr("kiosk.resources.root", lambda: tmp_path)
    result = files.check_fonts_pdf(_ctx())
    assert not result.ok and "no font has glyphs" in result.detail


def test_translations_missing_or_broken_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kiosk.resources.root", lambda: tmp_path)
    assert not files.check_translations(_ctx()).ok
    (tmp_path / "translations").mkdir()
    (tmp_path / "translations" / "kiosk_en.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "translations" / "kiosk_xx.qm").write_bytes(b"garbage")
    result = files.check_translations(_ctx())
    assert not result.ok and "kiosk_en.json" in result.detail and "kiosk_xx.qm" in result.detail
    (tmp_path / "translations" / "kiosk_en.json").write_text(
        '{"welcome": "Welcome"}', encoding="utf-8"
    )
    (tmp_path / "translations" / "kiosk_xx.qm").unlink()
    assert files.check_translations(_ctx()).ok
    (tmp_path / "translations" / "ui.toml").write_text(
        '[start]\nzh = "开始"\n[help]\nzh = "帮助"\n', encoding="utf-8"
    )
    result = files.check_translations(_ctx())
    assert not result.ok and "lack zh or en" in result.detail


def test_escpos_printer_on_a_pseudo_terminal_without_answer_is_offline() -> None:
    master, slave = os.openpty()
    try:
        result = devices.check_printers(_ctx(printer__receipt=f"escpos:{os.ttyname(slave)}"))[1]
    finally:
        os.close(master)
        os.close(slave)
    assert result.name == "printer.receipt" and not result.ok
    assert "DLE EOT" in result.detail  # the port opened; the (absent) printer did not answer


def test_bad_printer_spec_and_missing_port_fail() -> None:
    form, receipt = devices.check_printers(
        _ctx(printer__form="cups:", printer__receipt="escpos:/dev/nonexistent-tty")
    )
    assert not form.ok and not receipt.ok
    assert "/dev/nonexistent-tty" in receipt.detail


def test_demo_printers_are_the_folder() -> None:
    results = devices.check_printers(_ctx(demo=True, printer__form="cups:nowhere"))
    assert all(r.ok for r in results), results


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_hub_is_reported_but_not_needed() -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    result = hub.check_reachable(_ctx(hub__url=url))
    assert not result.ok and not result.needed
    assert url in result.detail


def test_demo_accepts_an_unenrolled_kiosk() -> None:
    assert hub.check_enrolment(_ctx(demo=True)).ok
    assert not hub.check_enrolment(_ctx(demo=False)).ok


@pytest.mark.expected_errors("self-check boom raised")  # logged with its traceback, on purpose
def test_a_check_that_raises_becomes_a_failure_not_a_crash() -> None:
    from kiosk import selfcheck

    def check_boom(ctx: Context) -> None:
        raise RuntimeError("boom")

    report = selfcheck.run(Config.load(), checks=[check_boom, storage.check_disk])  # type: ignore[list-item]
    assert report["ok"] is False
    assert report["checks"][0] == {
        "name": "boom",
        "ok": False,
        "detail": "检查出错 / check failed: RuntimeError: boom",
        "needed": True,
    }
    assert report["checks"][1]["ok"]


def test_demo_reader_check_reads_the_simulator() -> None:
    result = devices.check_reader(_ctx(demo=True))
    assert result.ok, result.detail


def test_real_reader_answering_without_a_card_is_ok_and_a_silent_port_is_not() -> None:
    from kiosk.devices.idcard.simulator import SimulatedReader

    with SimulatedReader() as sim:  # a reader with nothing on it
        result = devices.check_reader(_ctx(reader__port=sim.port))
    assert result.ok and "no card" in result.detail
    master, slave = os.openpty()  # a port where nothing answers
    try:
        silent = devices.check_reader(_ctx(reader__port=os.ttyname(slave)))
    finally:
        os.close(master)
        os.close(slave)
    assert not silent.ok
    assert not devices.check_reader(_ctx()).ok  # reader.port empty outside demo
