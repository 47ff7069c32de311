"""Nothing cut off with the handwriting pad up, or in the top bar with the voice buttons: both
languages, both text sizes, checked by the UI tests' own layout check."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import (
    QApplication,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui import style
from kiosk.ui.handwriting_pad import BOX, HandwritingPad
from kiosk.ui.keypad import Keypad
from kiosk.ui.texts import Texts

TESTS = Path(__file__).resolve().parent.parent


def _layout_check():
    spec = importlib.util.spec_from_file_location("layout_check", TESTS / "ui" / "layout_check.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def kiosk_style(qapp) -> Iterator[QApplication]:
    """The application with the kiosk's style sheet for the test, and as it was afterwards."""
    sheet, font = qapp.styleSheet(), qapp.font()
    yield qapp
    qapp.setStyleSheet(sheet)
    qapp.setFont(font)


@pytest.mark.gui
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("large", [False, True])
def test_pad_with_candidates_is_not_cut_off(
    qtbot, kiosk_style: QApplication, lang: str, large: bool
) -> None:
    problems = _layout_check().problems
    style.apply(kiosk_style, large)
    holder = QWidget()
    holder.setObjectName("screenRoot")
    lay = QVBoxLayout(holder)
    lay.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)  # offscreen: no size hints
    edit = QLineEdit()
    edit.setProperty("keypad", "text")
    keys = Keypad(texts=Texts(lang))
    lay.addWidget(edit)
    lay.addWidget(keys)
    qtbot.addWidget(holder)
    holder.resize(1280, 860)  # the smallest panel the UI tests use
    holder.show()
    keys.set_target(edit)
    keys.toggle_writing()
    pad = keys.inner.findChild(HandwritingPad)
    sample = json.loads(
        (TESTS / "ime" / "fixtures" / "handwriting-heldout.json").read_text(encoding="utf-8")
    )["characters"][0]
    scale = BOX / sample["width"]
    pad.box.strokes = [[(x * scale, y * scale) for x, y in s] for s in sample["strokes"]]
    pad.recognise()
    qtbot.wait(50)
    shown = [b for b in pad.findChildren(QPushButton) if b.isVisibleTo(holder)]
    assert len([b for b in shown if b.objectName().startswith("candidate")]) == 10
    assert problems(holder, f"pad {lang} large={large}") == []
