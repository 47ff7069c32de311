"""Whole words on the real on-screen keypad: a full word takes its letters and one tap."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLineEdit, QPushButton

from kiosk.ui import keypad


def _pad(qtbot) -> tuple[keypad.Keypad, QLineEdit]:
    edit = QLineEdit()
    edit.setProperty("keypad", "text")
    pad = keypad.Keypad()
    qtbot.addWidget(edit)
    qtbot.addWidget(pad)
    pad.set_target(edit)
    return pad, edit


def _candidate_keys(pad: keypad.Keypad) -> list[QPushButton]:
    assert pad.inner is not None  # the keys drawn now (older ones are being deleted)
    more = pad.texts.tr("key.more")
    return [b for b in pad.inner.findChildren(QPushButton, "candidate") if b.text() != more]


@pytest.mark.gui
def test_company_name_is_letters_and_one_tap(qtbot) -> None:
    pad, edit = _pad(qtbot)
    for letter in "KEJIYOUXIANGONGSI":
        pad.press(letter)
    first = _candidate_keys(pad)[0]
    assert first.text() == "科技有限公司"
    first.click()
    assert edit.text() == "科技有限公司" and pad.composition == ""


@pytest.mark.gui
def test_a_part_keeps_the_rest_of_the_letters(qtbot) -> None:
    pad, edit = _pad(qtbot)
    for letter in "SHENZHENSHI":
        pad.press(letter)
    pad.choose("深圳")
    assert edit.text() == "深圳" and pad.composition == "shi"
    pad.choose("市")
    assert edit.text() == "深圳市" and pad.composition == ""


def test_candidate_pages_keep_the_bar_narrow() -> None:
    pages = keypad.candidate_pages(keypad.word_candidates("shenzhen"))
    assert pages[0][0].text == "深圳"
    for page in pages:
        assert len(page) == 1 or (len(page) <= keypad.PAGE and sum(len(c.text) for c in page) <= 14)
