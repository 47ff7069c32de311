"""The settings page lists the rules that are the office's own (``source = "office"`` in rules.toml)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker
from supervisor_helpers import ADMIN_PIN
from test_supervisor_ui import login, make_area

from kiosk.domain.rules import RuleBook

pytestmark = pytest.mark.gui

OWN_RULES = {  # the statements the guide does not make, each marked in the data
    "eligibility.under_min_age",  # under 16: a guardian at the counter
    "renewal.expired",  # where to apply anew after expiry
    "collection",  # collection days
    "materials.office",  # materials for replacement, change, correction
    "materials.proof",  # the proof per change item
    "materials.correction_proof",  # and per corrected item
    "detail_fields",  # the detail fields of each condition
    "fees.card_fee",
}


def test_every_own_rule_is_marked_in_the_data() -> None:
    rules = RuleBook.load()
    assert {r.path for r in rules.office_rules} >= OWN_RULES
    for rule in rules.office_rules:
        assert rule.zh and rule.en and "," not in rule.zh  # full-width punctuation in Chinese


def test_the_settings_page_lists_them(
    qtbot: QtBot, factory: sessionmaker[Session], accounts: dict
) -> None:
    area = make_area(qtbot, factory)
    login(qtbot, area, "admin", ADMIN_PIN)
    page = area.show_page("settings")
    shown = {
        w.objectName().removeprefix("office_rule."): w.text()
        for w in page.findChildren(QLabel)
        if w.objectName().startswith("office_rule.")
    }
    assert set(shown) == {r.path for r in RuleBook.load().office_rules} >= OWN_RULES
    zh = {r.path: r.zh for r in RuleBook.load().office_rules}
    for path, text in shown.items():
        assert zh[path] in text
    assert "kiosk.queue_letter" in page.editors  # each kiosk's own letter for its queue numbers
    QThreadPool.globalInstance().waitForDone(5000)
