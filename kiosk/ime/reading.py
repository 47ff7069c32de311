"""Chinese text → tone-numbered pinyin, for a speech engine that reads pinyin (espeak-ng's
``cmn-latn-pinyin`` voice).

The text is split into the likeliest run of known words (so 银行 reads yin2 hang2 and 重庆 chong2
qing4), numbers become the words a person says (11 位 → 十一位; a phone number digit by digit),
and punctuation becomes the pause it marks. Characters the lexicon does not know are left out.
"""

from __future__ import annotations

import re

from kiosk.ime import lexicon as _lexicon

DIGITS = "零一二三四五六七八九"
PAUSES = {"，": ",", "、": ",", "；": ",", "：": ",", "。": ".", "！": ".", "？": "?", "…": "."}


def number_words(digits: str) -> str:
    """How a number is said: up to four digits as a count (180 → 一百八十), longer ones, ones with
    a leading zero and years digit by digit (13800138000 → 一三八…)."""
    if len(digits) > 4 or (len(digits) > 1 and digits.startswith("0")):
        return "".join(DIGITS[int(d)] for d in digits)
    value = int(digits)
    if value == 0:
        return DIGITS[0]
    out = ""
    zero_pending = False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, value = divmod(value, unit)
        if d:
            if zero_pending:
                out += DIGITS[0]
            out += ("" if (unit == 10 and d == 1 and not out) else DIGITS[d]) + name
            zero_pending = False
        elif out:
            zero_pending = True
    # 二 reads 两 before 百/千 in speech; 二千 is understood too, keep it simple and regular
    return out


def spoken_numbers(text: str) -> str:
    def say(m: re.Match[str]) -> str:
        digits = m.group(0)
        if m.end() < len(text) and text[m.end()] == "年":
            return "".join(DIGITS[int(d)] for d in digits)
        return number_words(digits)

    return re.sub(r"\d+", say, text)


def to_pinyin(text: str) -> str:
    """``深圳市，11位`` → ``shen1 zhen4 shi4 , shi2 yi1 wei4``."""
    lex = _lexicon.load()
    out: list[str] = []
    for run in re.findall(
        r"[\u4e00-\u9fff]+|[A-Za-z]+|[^\u4e00-\u9fffA-Za-z\s]", spoken_numbers(text)
    ):
        if "\u4e00" <= run[0] <= "\u9fff":
            out.extend(_read_run(run, lex))
        elif run.isascii() and run.isalpha():
            out.append(run)  # a code or an abbreviation: the voice spells what it cannot read
        elif run in PAUSES or run in ",.?!;:":
            out.append(PAUSES.get(run, run))
    return " ".join(out)


def _read_run(run: str, lex: _lexicon.Lexicon) -> list[str]:
    """The likeliest split of a run of characters into known words, read word by word."""
    n = len(run)
    inf = float("inf")
    best: list[tuple[float, int, _lexicon.Word | None]] = [(inf, 0, None)] * (n + 1)
    best[0] = (0.0, 0, None)
    for start in range(n):
        base = best[start][0]
        if base == inf:
            continue
        # an unknown character: step over it, at a price
        if run[start] not in lex.by_text and base + 30.0 < best[start + 1][0]:
            best[start + 1] = (base + 30.0, start, None)
        for end in range(start + 1, min(n, start + lex.longest_text) + 1):
            word = lex.by_text.get(run[start:end])
            if word is not None and base + lex.cost(word) < best[end][0]:
                best[end] = (base + lex.cost(word), start, word)
    syllables: list[str] = []
    at = n
    while at > 0:
        _cost, start, word = best[at]
        if word is not None:
            syllables[:0] = word.reading
        at = start
    return syllables
