"""Finger strokes made fit for a recogniser: smoothed, evenly spaced, and scaled to fill the box.

Recognisers are trained on characters written across the whole box with a steady pen. A finger
on a kiosk screen writes small, off-centre, slanted and shaky, and unprocessed that more than
halves Zinnia's accuracy (docs/ui.md, Handwriting). So each stroke is resampled to even steps
(a fast swipe and a slow one look alike), smoothed with a short moving average (the shake), and
the character as a whole is scaled — keeping its proportions — and centred to fill the box.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise

Point = tuple[float, float]
Stroke = list[Point]

BOX = 1000  # the recogniser's box: integer coordinates 0..BOX
MARGIN = 0.12  # of the box on each side (chosen on the bench's tune set, docs/ui.md)
STEPS_PER_BOX = 20  # resampling: a stroke across the whole character has this many points
SMOOTHING = 2  # moving-average half-width, in resampled points


def clean(strokes: Sequence[Sequence[Sequence[float]]]) -> list[Stroke]:
    """Points as float pairs, repeated points dropped; empty strokes dropped."""
    out: list[Stroke] = []
    for stroke in strokes:
        points: Stroke = []
        for point in stroke:
            x, y = float(point[0]), float(point[1])
            if not points or points[-1] != (x, y):
                points.append((x, y))
        if points:
            out.append(points)
    return out


def bounds(strokes: Sequence[Stroke]) -> tuple[float, float, float, float]:
    xs = [x for s in strokes for x, _ in s]
    ys = [y for s in strokes for _, y in s]
    return min(xs), min(ys), max(xs), max(ys)


def resample(stroke: Stroke, step: float) -> Stroke:
    """Points every ``step`` along the stroke, its first and last point kept."""
    if len(stroke) < 2 or step <= 0:
        return list(stroke)
    out: Stroke = [stroke[0]]
    carried = 0.0
    for (x0, y0), (x1, y1) in pairwise(stroke):
        length = math.hypot(x1 - x0, y1 - y0)
        at = step - carried
        while at <= length:
            t = at / length
            out.append((x0 + (x1 - x0) * t, y0 + (y1 - y0) * t))
            at += step
        carried = (carried + length) % step if length else carried
    if out[-1] != stroke[-1]:
        out.append(stroke[-1])
    return out


def smooth(stroke: Stroke, half: int | None = None) -> Stroke:
    """A moving average; the ends stay where the finger put them."""
    half = SMOOTHING if half is None else half
    if len(stroke) <= 2 or half <= 0:
        return list(stroke)
    out: Stroke = [stroke[0]]
    for i in range(1, len(stroke) - 1):
        k = min(half, i, len(stroke) - 1 - i)
        window = stroke[i - k : i + k + 1]
        out.append(
            (sum(p[0] for p in window) / len(window), sum(p[1] for p in window) / len(window))
        )
    out.append(stroke[-1])
    return out


def normalise(
    strokes: Sequence[Sequence[Sequence[float]]], box: int = BOX, margin: float | None = None
) -> list[list[tuple[int, int]]]:
    """The strokes smoothed, scaled to fill ``box`` (proportions kept) and centred, as integers."""
    margin = MARGIN if margin is None else margin
    cleaned = clean(strokes)
    if not cleaned:
        return []
    left, top, right, bottom = bounds(cleaned)
    extent = max(right - left, bottom - top)
    if extent <= 0:  # a single dot: put it in the middle
        return [[(box // 2, box // 2)] for _ in cleaned]
    step = extent / STEPS_PER_BOX
    scale = box * (1 - 2 * margin) / extent
    x_off = (box - (right - left) * scale) / 2
    y_off = (box - (bottom - top) * scale) / 2
    out = []
    for stroke in cleaned:
        points = smooth(resample(stroke, step))
        out.append(
            [
                (round((x - left) * scale + x_off), round((y - top) * scale + y_off))
                for x, y in points
            ]
        )
    return out
