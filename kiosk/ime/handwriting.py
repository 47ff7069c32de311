"""Handwritten characters → candidate characters, best first.

A character is ``{"width": W, "height": H, "strokes": [[[x, y], ...], ...]}`` in screen
coordinates (y down), as the pad or ``kiosk ime handwriting`` gives it. The strokes are smoothed
and rescaled to fill the box (``kiosk.ime.strokes``), then Zinnia classifies them.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any

from kiosk.ime import strokes as _strokes
from kiosk.ime.zinnia import Recognizer, ZinniaMissing

__all__ = ["BadCharacter", "ZinniaMissing", "candidates", "parse_character", "recognizer"]

CANDIDATES = 10

_recognizer: Recognizer | None = None
_lock = threading.Lock()


class BadCharacter(ValueError):
    """The input is not a character as documented; the message says what is wrong."""


def recognizer() -> Recognizer:
    """The one recogniser of this process (opening the model takes a few milliseconds)."""
    global _recognizer
    with _lock:
        if _recognizer is None:
            _recognizer = Recognizer()
        return _recognizer


def parse_character(data: Any) -> list[list[tuple[float, float]]]:
    """Check one character's shape; its strokes as float pairs."""
    if not isinstance(data, Mapping):
        raise BadCharacter("a character is an object with width, height and strokes")
    for key in ("width", "height"):
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise BadCharacter(f"{key} must be a positive number")
    raw = data.get("strokes")
    if not isinstance(raw, list):
        raise BadCharacter("strokes must be a list of strokes")
    strokes = []
    for n, stroke in enumerate(raw):
        if not isinstance(stroke, list):
            raise BadCharacter(f"stroke {n} must be a list of [x, y] points")
        points = []
        for point in stroke:
            if (
                not isinstance(point, list | tuple)
                or len(point) != 2
                or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in point)
            ):
                raise BadCharacter(f"stroke {n} has a point that is not [x, y]: {point!r}")
            points.append((float(point[0]), float(point[1])))
        strokes.append(points)
    return strokes


def candidates(strokes: Sequence[Sequence[Sequence[float]]], limit: int = CANDIDATES) -> list[str]:
    """Single characters, best first; none for an empty pad."""
    normalised = _strokes.normalise(strokes)
    if not normalised:
        return []
    return [ch for ch, _score in recognizer().classify(normalised, _strokes.BOX, limit)]
