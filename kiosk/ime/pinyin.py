"""Pinyin letters → whole words and phrases, the most common first.

``candidates("shenzhen")`` offers 深圳 first; letters that are no one word are split into the most
likely run of words (``kejiyouxiangongsi`` → 科技有限公司, the product of the words' frequencies);
unfinished letters are completed (``shenzh`` → 深圳); then words for the first part of the letters,
so the applicant can take a long entry piece by piece. Each candidate says how many letters it
uses, so an input method keeps the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kiosk.ime import lexicon as _lexicon

COMPLETIONS = 12  # words that finish unfinished letters


@dataclass(frozen=True)
class Candidate:
    text: str
    used: int  # how many of the letters it stands for (the rest stay to be typed)


def normalise(letters: str) -> str:
    """Lower case a-z only; ü may be typed as v (as on every pinyin keyboard)."""
    return re.sub(r"[^a-z]", "", letters.lower().replace("ü", "v"))


def candidates(letters: str, limit: int = 60) -> list[Candidate]:
    text = normalise(letters)
    if not text:
        return []
    lex = _lexicon.load()
    found: dict[str, Candidate] = {}

    def offer(word: str, used: int) -> None:
        if word not in found and len(found) < limit:
            found[word] = Candidate(word, used)

    whole = [(lex.cost(w), w.text) for w in lex.by_letters.get(text, [])]
    phrase = best_phrase(text)
    if phrase is not None and len(phrase[1]) > 1:
        whole.append((phrase[0], "".join(w.text for w in phrase[1])))
    for _cost, word in sorted(whole):
        offer(word, len(text))
    completions = [w for w in lex.starting_with(text) if len(w.letters) > len(text)]
    completions.sort(key=lambda w: -w.count)
    for w in completions[:COMPLETIONS]:
        offer(w.text, len(text))
    for end in range(len(text) - 1, 0, -1):
        for w in lex.by_letters.get(text[:end], []):
            offer(w.text, end)
    return list(found.values())


def words(letters: str, limit: int = 60) -> list[str]:
    return [c.text for c in candidates(letters, limit)]


def best_phrase(text: str) -> tuple[float, list[_lexicon.Word]] | None:
    """The likeliest run of words whose letters make ``text`` exactly, or None."""
    lex = _lexicon.load()
    n = len(text)
    # best[end]: the cheapest way to the end-th letter (cost, where its last word starts, word)
    best: list[tuple[float, int, _lexicon.Word | None]] = [(float("inf"), 0, None)] * (n + 1)
    best[0] = (0.0, 0, None)
    for start in range(n):
        if best[start][0] == float("inf"):
            continue
        for end in range(start + 1, min(n, start + lex.longest_letters) + 1):
            words = lex.by_letters.get(text[start:end])
            if not words:
                continue
            cost = best[start][0] + lex.cost(words[0])
            if cost < best[end][0]:
                best[end] = (cost, start, words[0])
    if best[n][0] == float("inf"):
        return None
    pieces: list[_lexicon.Word] = []
    at = n
    while at > 0:
        _cost, start, word = best[at]
        assert word is not None
        pieces.append(word)
        at = start
    return best[n][0], pieces[::-1]
