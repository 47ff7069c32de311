"""Speech: how long a prompt takes to render, from the cache, and the word list to load.

    .venv/bin/python bench/voice.py [--lang zh|en|yue] [--count 40]

Renders the first ``count`` applicant-screen texts of resources/translations/ui.toml with the
kiosk's own path (Mandarin through pinyin, espeak-ng, the prompt cache in a temporary folder), then
asks for them again (cache hits). Issue 14 measured espeak-ng at ~15 ms a prompt; a prompt is
rendered off the GUI thread, so what matters is that it is well under the time a screen takes
to appear (~100 ms) and that a repeat costs nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk import resources
from kiosk.ime import lexicon
from kiosk.voice import espeak
from kiosk.voice.cache import PromptCache


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=("zh", "en", "yue"), default="zh")
    parser.add_argument("--count", type=int, default=40)
    args = parser.parse_args()

    started = time.process_time()
    lexicon.load()
    print(f"word list: {time.process_time() - started:.2f} s CPU to load")
    catalogue = tomllib.loads(resources.path("translations", "ui.toml").read_text("utf-8"))
    column = "en" if args.lang == "en" else "zh"
    texts = [v[column] for k, v in catalogue.items() if k.endswith((".title", ".subtitle"))]
    texts = texts[: args.count]
    engine = espeak.find()
    with tempfile.TemporaryDirectory() as folder:
        cache = PromptCache(engine, Path(folder))
        for label in ("rendered", "from the cache"):
            times = []
            for text in texts:
                start = time.perf_counter()
                cache.render(text, args.lang)
                times.append((time.perf_counter() - start) * 1000)
            print(
                f"{len(texts)} prompts {label:15s} {statistics.mean(times):6.1f} ms mean, "
                f"{max(times):6.1f} ms max (espeak-ng {engine.version}, {args.lang})"
            )


if __name__ == "__main__":
    main()
