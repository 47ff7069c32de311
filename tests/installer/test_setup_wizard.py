"""The first-run setup wizard, driven offscreen like an administrator would (pytest-qt)."""

from __future__ import annotations

import socket
import tomllib
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk import first_run, paths
from kiosk.config import Config, ConfigError
from kiosk.ui.setup_wizard import SetupWizard, needs_setup


def _wizard(qtbot: QtBot) -> SetupWizard:
    wizard = SetupWizard(Config.load())
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def _walk_to_summary(
    qtbot: QtBot, wizard: SetupWizard, *, hub_url: str = "", code: str = ""
) -> None:
    page = wizard.point_page
    page.point.setCurrentIndex(page.point.findData("NS02"))
    page.kiosk_id.setText("k07")
    wizard.next()
    wizard.hub_page.url.setText(hub_url)
    wizard.hub_page.code.setText(code)
    wizard.next()
    admin = wizard.admin_page
    admin.username.setText("lin.admin")
    admin.display_name.setText("林主任")
    admin.pin.setText("482913")
    admin.pin_again.setText("482913")
    wizard.next()
    assert wizard.currentPage() is wizard.device_page
    qtbot.waitUntil(lambda: wizard.device_page.rescan.isEnabled(), timeout=15000)  # detection done
    wizard.next()
    assert wizard.currentPage() is wizard.summary_page


def test_first_start_needs_setup_until_the_wizard_saved() -> None:
    assert needs_setup(Config.load())


def test_full_walk_saves_config_and_creates_the_administrator(qtbot: QtBot) -> None:
    paths.config_file().write_text('[kiosk]\nlanguage = "en"\n', encoding="utf-8")  # kept
    wizard = _wizard(qtbot)
    _walk_to_summary(qtbot, wizard)
    assert "NS02" in wizard.summary_page.summary.text()
    with qtbot.waitSignal(wizard.saved, timeout=20000):
        wizard.accept()
    config = Config.load()
    assert (config["point.code"], config["kiosk.id"], config["kiosk.language"]) == (
        "NS02",
        "K07",
        "en",
    )
    assert config["reader.port"] == "" and config["printer.form"] == "folder"
    assert not needs_setup(config)
    assert not first_run.needs_admin()
    from kiosk.services import staff
    from kiosk.storage.db import open_database

    with open_database()() as session:
        result = staff.authenticate(session, "lin.admin", "482913", lockout_minutes=15)
        assert result.ok and result.account is not None and result.account.is_admin


def test_pin_mismatch_and_trivial_pin_keep_the_page(qtbot: QtBot) -> None:
    wizard = _wizard(qtbot)
    wizard.next()
    wizard.next()
    admin = wizard.admin_page
    admin.display_name.setText("林主任")
    admin.pin.setText("482913")
    admin.pin_again.setText("482914")
    wizard.next()
    assert wizard.currentPage() is admin and "differ" in admin.error.text()
    admin.pin.setText("123456")
    admin.pin_again.setText("123456")
    wizard.next()
    assert (
        wizard.currentPage() is admin
        and "PIN" in admin.error.text()
        and "太简单" in admin.error.text()
    )


def test_bad_kiosk_id_is_refused_in_both_languages(qtbot: QtBot) -> None:
    wizard = _wizard(qtbot)
    wizard.point_page.kiosk_id.setText("K-07!")
    wizard.next()
    assert wizard.currentPage() is wizard.point_page
    assert (
        "终端编号" in wizard.point_page.error.text()
        and "kiosk.id" in wizard.point_page.error.text()
    )


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_hub_saves_nothing_and_keeps_every_field(qtbot: QtBot) -> None:
    wizard = _wizard(qtbot)
    url = f"https://127.0.0.1:{_closed_port()}"  # enrolment is over TLS only
    _walk_to_summary(qtbot, wizard, hub_url=url, code="ABCD-1234")
    wizard.accept()
    error = wizard.summary_page.error
    qtbot.waitUntil(lambda: "not saved" in error.text(), timeout=20000)
    assert "连不上后台" in error.text()
    assert not paths.config_file().exists()
    assert first_run.needs_admin()  # enrolment comes first: no account was made either
    assert wizard.isVisible() and wizard.hub_page.code.text() == "ABCD-1234"
    assert wizard.button(wizard.WizardButton.FinishButton).isEnabled()


def test_pages_render_offscreen(qtbot: QtBot, tmp_path: Path) -> None:
    wizard = _wizard(qtbot)
    for index in range(3):
        image = wizard.grab().toImage()
        assert image.width() >= 900 and not image.isNull()
        # not a blank page: some pixels differ from the background
        colours = {
            image.pixel(x, y)
            for x in range(0, image.width(), 23)
            for y in range(0, image.height(), 19)
        }
        assert len(colours) > 5, index
        if index == 1:
            wizard.admin_page.display_name.setText("x")
        wizard.next()


def test_answers_round_trip_through_the_config_schema(tmp_path: Path) -> None:
    answers = first_run.SetupAnswers(
        point_code="ft01",
        kiosk_id="k2",
        reader_port="/dev/ttyUSB0",
        printer_receipt="escpos:/dev/ttyUSB1",
    )
    first_run.check_settings(answers)
    saved = first_run.save_answers(answers, tmp_path / "config.toml")
    data = tomllib.loads(saved.read_text(encoding="utf-8"))
    assert data["point"]["code"] == "FT01" and data["printer"]["receipt"] == "escpos:/dev/ttyUSB1"
    assert data["setup"]["completed"]
    with pytest.raises(ConfigError, match=r"kiosk\.id"):
        first_run.check_settings(
            first_run.SetupAnswers(point_code="FT01", kiosk_id="way-too-long-id")
        )
