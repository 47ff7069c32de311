"""Handwriting through Zinnia on strokes nobody here drew.

tests/ime/fixtures/handwriting-heldout.json: 50 characters from the npm package hanzi-writer-data
2.0.1 (stroke medians of the Make Me a Hanzi project, Arphic Public License), made finger-like
(small, off-centre, slanted, shaky, in a 300×300 box) by ``bench/handwriting.py --write-fixture``,
all from the held-out four fifths that were not used to choose the preprocessing settings.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.ime import handwriting, strokes

FIXTURE = Path(__file__).parent / "fixtures" / "handwriting-heldout.json"


@pytest.fixture(scope="module")
def sample() -> list[dict]:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert "hanzi-writer-data 2.0.1" in data["source"]
    return data["characters"]


def test_held_out_characters_top5_at_least_80_percent(sample: list[dict]) -> None:
    hits = sum(c["expected"] in handwriting.candidates(c["strokes"])[:5] for c in sample)
    assert len(sample) == 50
    assert hits >= 40, f"top-5 {hits}/50"


def test_preprocessing_is_what_makes_it_work(sample: list[dict]) -> None:
    """The same strokes sent as drawn (no smoothing, no rescaling) are recognised far less."""
    raw = sum(
        c["expected"]
        in [ch for ch, _ in handwriting.recognizer().classify(c["strokes"], 300, 10)][:5]
        for c in sample
    )
    processed = sum(c["expected"] in handwriting.candidates(c["strokes"])[:5] for c in sample)
    assert processed >= raw + 5


def test_normalise_fills_the_box_and_keeps_proportions() -> None:
    tall = [[(100, 100), (100, 140)], [(90, 120), (110, 120)]]  # a small cross, 20 wide, 40 tall
    out = strokes.normalise(tall)
    xs = [x for s in out for x, _ in s]
    ys = [y for s in out for _, y in s]
    margin = strokes.BOX * strokes.MARGIN
    assert min(ys) == pytest.approx(margin, abs=2) and max(ys) == pytest.approx(
        strokes.BOX - margin, abs=2
    )
    assert (max(xs) - min(xs)) == pytest.approx((max(ys) - min(ys)) / 2, abs=3)
    assert (min(xs) + max(xs)) / 2 == pytest.approx(strokes.BOX / 2, abs=2)  # centred
    assert strokes.normalise([]) == [] and strokes.normalise([[]]) == []
    assert strokes.normalise([[(5, 5)]]) == [[(500, 500)]]  # a dot


def test_smoothing_takes_out_the_shake() -> None:
    shaky = [(float(x), 100.0 + (3.0 if x % 2 else -3.0)) for x in range(0, 60)]
    smoothed = strokes.smooth(shaky, 2)
    inner = [y for _, y in smoothed[2:-2]]
    assert max(inner) - min(inner) < 2.5 and smoothed[0] == shaky[0] and smoothed[-1] == shaky[-1]


def test_bad_characters_are_refused_with_what_is_wrong() -> None:
    for bad, says in (
        ([], "object"),
        ({"width": 0, "height": 10, "strokes": []}, "width"),
        ({"width": 10, "height": 10, "strokes": [[[1, "a"]]]}, r"not \[x, y\]"),
        ({"width": 10, "height": 10}, "strokes"),
    ):
        with pytest.raises(handwriting.BadCharacter, match=says):
            handwriting.parse_character(bad)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "ime", "handwriting", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_cli_one_character_and_a_list(sample: list[dict], tmp_path: Path) -> None:
    chars = [{k: c[k] for k in ("width", "height", "strokes")} for c in sample[:3]]
    one = tmp_path / "one.json"
    one.write_text(json.dumps(chars[0]), encoding="utf-8")
    done = _cli(str(one), "--json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert list(answer) == ["candidates"]
    assert answer["candidates"] == handwriting.candidates(sample[0]["strokes"])
    assert all(len(c) == 1 for c in answer["candidates"]) and len(answer["candidates"]) >= 8

    many = tmp_path / "many.json"
    many.write_text(json.dumps(chars), encoding="utf-8")
    done = _cli(str(many), "--json")
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)["results"]
    assert [r["candidates"] for r in results] == [
        handwriting.candidates(c["strokes"]) for c in sample[:3]
    ]


def test_cli_bad_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"width": 300, "height": 300, "strokes": "no"}', encoding="utf-8")
    done = _cli(str(bad), "--json")
    assert done.returncode == 2 and "strokes must be a list" in done.stderr
    done = _cli(str(tmp_path / "missing.json"), "--json")
    assert done.returncode == 2 and "cannot read" in done.stderr
