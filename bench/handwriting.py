"""Handwriting recognition on finger-like strokes the kiosk's authors did not draw.

    .venv/bin/python bench/handwriting.py [--data DIR] [--count 1000] [--set held-out|tune|all]

Strokes come from the npm package hanzi-writer-data 2.0.1 (per-stroke medians derived from the
Make Me a Hanzi project, Arphic Public License; ``npm pack hanzi-writer-data@2.0.1``, unpacked, is
the --data DIR; without it the package is fetched with npm into a cache folder). Characters are the
most common ones of the kiosk's word list (resources/data/words.tsv.gz, jieba counts). Each is made
finger-like in a 300×300 box: 45–80 % of the box, off-centre, slanted and rotated a little, with
touch-rate points, a hand's wobble and pixel noise. One character in five (the tune set) was used to
choose the preprocessing settings; the other four (held out) are what docs/ui.md reports.
Target (issue 14): held-out top-5 ≥ 80 % (aim 85 %), each character classified in < 50 ms.

``--write-fixture FILE --fixture-count 50`` writes held-out characters (the test's sample) instead.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.ime import handwriting, lexicon
from kiosk.ime import strokes as stroke_prep

PACKAGE = "hanzi-writer-data@2.0.1"
SOURCE = "npm hanzi-writer-data 2.0.1 (Make Me a Hanzi medians, Arphic Public License)"
PAD = 300


def data_dir(given: str | None) -> Path:
    if given:
        return Path(given)
    cache = Path.home() / ".cache" / "sz-residence-kiosk" / "hanzi-writer-data-2.0.1"
    if not (cache / "package" / "package.json").is_file():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=cache, check=True)
        with tarfile.open(next(cache.glob("hanzi-writer-data-*.tgz"))) as tar:
            tar.extractall(cache, filter="data")
    return cache / "package"


def common_characters(count: int, data: Path) -> list[str]:
    """The most common single characters of the word list that the stroke data has."""
    singles = sorted(
        (w for w in lexicon.load().by_text.values() if len(w.text) == 1),
        key=lambda w: -w.count,
    )
    return [w.text for w in singles if (data / f"{w.text}.json").is_file()][:count]


def is_tune(index: int) -> bool:
    return index % 5 == 0


def finger_strokes(medians: list[list[list[int]]], rng: random.Random) -> list[list[list[int]]]:
    """Medians (1024 box, y up, baseline at 900) → a finger's strokes in the 300×300 pad."""
    size = rng.uniform(0.45, 0.8) * PAD / 1024
    slant = math.tan(math.radians(rng.uniform(-12, 12)))
    turn = math.radians(rng.uniform(-5, 5))
    cos_t, sin_t = math.cos(turn), math.sin(turn)
    raw = [[(x - 512.0, (900 - y) - 388.0) for x, y in m] for m in medians]
    placed = []
    for stroke in raw:
        pts = []
        for x, y in stroke:
            x = x + slant * y
            x, y = x * cos_t - y * sin_t, x * sin_t + y * cos_t
            pts.append((x * size, y * size))
        placed.append(pts)
    xs = [x for s in placed for x, _ in s]
    ys = [y for s in placed for _, y in s]
    dx = rng.uniform(-min(xs), PAD - max(xs)) if max(xs) - min(xs) < PAD else -min(xs)
    dy = rng.uniform(-min(ys), PAD - max(ys)) if max(ys) - min(ys) < PAD else -min(ys)
    out = []
    for stroke in placed:
        stroke = [(x + dx, y + dy) for x, y in stroke]
        dense = stroke_prep.resample(stroke, rng.uniform(3.0, 6.0)) if len(stroke) > 1 else stroke
        wobble_x = wobble_y = 0.0
        points = []
        for x, y in dense:
            wobble_x = 0.8 * wobble_x + rng.gauss(0, 1.2)  # the hand drifts...
            wobble_y = 0.8 * wobble_y + rng.gauss(0, 1.2)
            px = x + wobble_x + rng.gauss(0, 1.0)  # ...and the touch panel adds noise
            py = y + wobble_y + rng.gauss(0, 1.0)
            points.append([round(min(max(px, 0), PAD - 1)), round(min(max(py, 0), PAD - 1))])
        out.append(points)
    return out


def sample(chars: list[str], data: Path, seed: int) -> list[tuple[str, list[list[list[int]]]]]:
    rng = random.Random(seed)
    out = []
    for ch in chars:
        medians = json.loads((data / f"{ch}.json").read_text(encoding="utf-8"))["medians"]
        out.append((ch, finger_strokes(medians, rng)))
    return out


def _points(strokes: list[list[list[int]]]) -> list[list[tuple[int, int]]]:
    return [[(x, y) for x, y in stroke] for stroke in strokes]


def measure(items: list[tuple[str, list[list[list[int]]]]], raw: bool = False) -> dict[str, float]:
    top1 = top5 = 0
    times = []
    recognizer = handwriting.recognizer()
    for ch, strokes in items:
        start = time.perf_counter()
        if raw:  # no preprocessing: the pad's coordinates straight to Zinnia
            found = [c for c, _ in recognizer.classify(_points(strokes), PAD, 10)]
        else:
            found = handwriting.candidates(strokes)
        times.append(time.perf_counter() - start)
        top1 += bool(found[:1] == [ch])
        top5 += ch in found[:5]
    n = len(items)
    return {
        "characters": n,
        "top1": top1 / n,
        "top5": top5 / n,
        "ms_mean": statistics.mean(times) * 1000,
        "ms_max": max(times) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="unpacked hanzi-writer-data package folder")
    parser.add_argument("--count", type=int, default=1000, help="most common characters to use")
    parser.add_argument("--set", choices=("held-out", "tune", "all"), default="held-out")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--write-fixture", help="write a held-out sample as JSON to this file")
    parser.add_argument("--fixture-count", type=int, default=50)
    args = parser.parse_args()

    data = data_dir(args.data)
    chars = common_characters(args.count, data)
    chosen = [
        ch for i, ch in enumerate(chars) if args.set == "all" or (args.set == "tune") == is_tune(i)
    ]
    if args.write_fixture:
        held_out = [ch for i, ch in enumerate(chars) if not is_tune(i)]
        picked = random.Random(args.seed).sample(held_out, args.fixture_count)
        fixture = {
            "source": f"{SOURCE}; made finger-like by bench/handwriting.py --seed {args.seed}",
            "characters": [
                {"expected": ch, "width": PAD, "height": PAD, "strokes": s}
                for ch, s in sample(picked, data, args.seed)
            ],
        }
        Path(args.write_fixture).write_text(
            json.dumps(fixture, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
        )
        print(f"wrote {len(picked)} held-out characters to {args.write_fixture}")
        return
    items = sample(chosen, data, args.seed)
    handwriting.recognizer()  # opening the model is not part of a character's time
    print(f"source: {SOURCE}")
    print(
        f"set: {args.set}, {len(items)} of the {len(chars)} most common characters, seed {args.seed}"
    )
    for label, raw in (("strokes as drawn", True), ("smoothed and rescaled (the pad)", False)):
        m = measure(items, raw=raw)
        print(
            f"{label:34s} top-1 {m['top1']:6.1%}  top-5 {m['top5']:6.1%}  "
            f"{m['ms_mean']:5.1f} ms mean, {m['ms_max']:5.1f} ms max per character"
        )


if __name__ == "__main__":
    main()
