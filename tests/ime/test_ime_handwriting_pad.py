"""The handwriting pad on real widgets: finger strokes in, candidates (biggest first) out, one
tap enters the character into the field through the keypad."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton

from kiosk.ime import handwriting
from kiosk.ui import keypad
from kiosk.ui.handwriting_pad import BOX, HandwritingPad

FIXTURE = Path(__file__).parent / "fixtures" / "handwriting-heldout.json"


def _write(pad: HandwritingPad, strokes: list[list[list[int]]], scale: float) -> None:
    """Send the strokes as a finger would: press, moves, release (touch arrives as mouse)."""
    box = pad.box
    for stroke in strokes:
        points = [QPointF(x * scale, y * scale) for x, y in stroke]
        kinds = [QEvent.Type.MouseButtonPress]
        kinds += [QEvent.Type.MouseMove] * (len(points) - 2) + [QEvent.Type.MouseButtonRelease]
        for kind, point in zip(kinds, points if len(points) > 1 else points * 2, strict=False):
            buttons = (
                Qt.MouseButton.NoButton
                if kind == QEvent.Type.MouseButtonRelease
                else Qt.MouseButton.LeftButton
            )
            event = QMouseEvent(
                kind,
                point,
                box.mapToGlobal(point),
                Qt.MouseButton.LeftButton,
                buttons,
                Qt.KeyboardModifier.NoModifier,
            )
            QApplication.sendEvent(box, event)


def _sample() -> dict:
    """A held-out character Zinnia gets right first (the pad must show what the engine says)."""
    characters = json.loads(FIXTURE.read_text(encoding="utf-8"))["characters"]
    return next(
        c for c in characters if handwriting.candidates(c["strokes"])[:1] == [c["expected"]]
    )


@pytest.mark.gui
def test_strokes_give_ten_candidates_biggest_first_and_one_tap_enters(qtbot) -> None:
    edit = QLineEdit()
    edit.setProperty("keypad", "text")
    pad_keys = keypad.Keypad()
    qtbot.addWidget(edit)
    qtbot.addWidget(pad_keys)
    pad_keys.set_target(edit)
    write = next(b for b in pad_keys.inner.findChildren(QPushButton, "toHandwriting"))
    write.click()
    pads = pad_keys.inner.findChildren(HandwritingPad)
    assert len(pads) == 1
    pad = pads[0]
    sample = _sample()
    _write(pad, sample["strokes"], BOX / sample["width"])
    assert len(pad.box.strokes) == len(sample["strokes"])
    shown = [
        b
        for b in pad.findChildren(QPushButton)
        if b.objectName() in ("candidateBest", "candidate") and not b.isHidden()
    ]
    assert len(shown) >= 8
    best = next(b for b in shown if b.objectName() == "candidateBest")
    assert best.text() == sample["expected"]
    assert all(best.width() > b.width() for b in shown if b is not best)
    best.click()
    assert edit.text() == sample["expected"] and pad.box.strokes == [] and pad.candidates == []
