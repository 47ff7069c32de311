"""The whole-word lexicon: every word with its reading and how common it is.

Built by scripts/build_word_list.py from jieba's word counts and pypinyin's readings; loaded once
per process (about 137,000 rows: 0.6 s of CPU, ~55 MB) the first time it is asked for.
"""

from __future__ import annotations

import gzip
import math
import threading
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from kiosk import resources

_NOT_TYPED = str.maketrans("", "", "012345 ")


@dataclass(slots=True)
class Word:
    # one small object per word, no per-word tuples: the 137,000 take ~55 MB with the indexes
    text: str
    spoken: str  # tone-numbered syllables, space-separated: "shen1 zhen4"
    count: int

    @property
    def reading(self) -> list[str]:
        return self.spoken.split(" ")

    @property
    def letters(self) -> str:
        """What is typed for it: the syllables without tones, joined (``shenzhen``)."""
        return self.spoken.translate(_NOT_TYPED)


@dataclass
class Lexicon:
    by_letters: dict[str, list[Word]] = field(default_factory=dict)  # most common first
    by_text: dict[str, Word] = field(default_factory=dict)  # the word's most common reading
    total: int = 0
    sources: str = ""

    def __post_init__(self) -> None:
        self._sorted_letters: list[str] = []

    def add(self, word: Word) -> None:
        self.by_letters.setdefault(word.letters, []).append(word)  # the key is stored once
        if word.text not in self.by_text or self.by_text[word.text].count < word.count:
            self.by_text[word.text] = word
        self.total += word.count

    def finish(self) -> None:
        for letters, words in self.by_letters.items():  # sorted copies: no spare list room
            self.by_letters[letters] = sorted(words, key=lambda w: -w.count)
        self._sorted_letters = sorted(self.by_letters)
        self.longest_letters = max(map(len, self._sorted_letters), default=0)
        self.longest_text = max(map(len, self.by_text), default=0)

    def cost(self, word: Word) -> float:
        """How unlikely the word is (minus its log probability): the smaller, the more common."""
        return -math.log(word.count / self.total)

    def starting_with(self, prefix: str) -> list[Word]:
        """Every word whose letters begin with ``prefix`` (the letters themselves included)."""
        found: list[Word] = []
        i = bisect_left(self._sorted_letters, prefix)
        while i < len(self._sorted_letters) and self._sorted_letters[i].startswith(prefix):
            found.extend(self.by_letters[self._sorted_letters[i]])
            i += 1
        return found


def default_path() -> Path:
    return resources.path("data", "words.tsv.gz")


_loading = threading.Lock()


def load(path: Path | None = None) -> Lexicon:
    """The lexicon, read on first use; one thread reads it while any other asking waits."""
    with _loading:
        return _read(path)


def warm_up() -> None:
    """Read the lexicon in the background now, so the first key press does not wait for it."""
    threading.Thread(target=load, name="lexicon", daemon=True).start()


@cache
def _read(path: Path | None) -> Lexicon:
    lexicon = Lexicon()
    with gzip.open(path or default_path(), "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                if "sources:" in line:
                    lexicon.sources = line.split("sources:", 1)[1].strip()
                continue
            text, reading, count = line.rstrip("\n").split("\t")
            lexicon.add(Word(text, reading, int(count)))
    lexicon.finish()
    return lexicon
