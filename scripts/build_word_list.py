"""Build resources/data/words.tsv.gz: the whole-word pinyin lexicon (IME words, spoken Mandarin).

Run by a developer when the sources change (``pip install pypinyin jieba``; the kiosk itself needs
neither): ``python scripts/build_word_list.py``. Sources, both MIT-licensed:

- jieba's ``dict.txt``: the words and how often each occurs (its corpus counts);
- pypinyin (with its phrase dictionary): each word's reading, so 银行 reads yin2 hang2, not xing2.

Rows are ``word<TAB>reading<TAB>count``, the reading as tone-numbered syllables joined by spaces
(ü written v, the neutral tone 5). Only words written wholly in GB 2312 characters are kept (jieba's
dictionary also holds traditional-character words), plus every GB 2312 character under each of its
readings, so any character can still be typed on its own. The header records the sources' versions.
"""

from __future__ import annotations

import gzip
from importlib.metadata import version
from pathlib import Path

import jieba
from pypinyin import Style, lazy_pinyin, pinyin

OUT = Path(__file__).resolve().parent.parent / "resources" / "data" / "words.tsv.gz"
MIN_COUNT = 5  # below this jieba lists mostly made-up runs ("一个十四五岁"), 2x the file


def gb2312_chars() -> list[str]:
    chars = []
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def reading(word: str) -> str | None:
    syllables = lazy_pinyin(word, style=Style.TONE3, neutral_tone_with_five=True)
    if len(syllables) != len(word) or not all(s.isascii() and s[:-1].isalpha() for s in syllables):
        return None
    return " ".join(syllables)


def main() -> None:
    gb = set(gb2312_chars())
    dict_path = Path(jieba.__file__).parent / "dict.txt"
    rows: dict[tuple[str, str], int] = {}
    counts: dict[str, int] = {}
    for line in dict_path.read_text(encoding="utf-8").splitlines():
        word, number, _tag = line.split(" ")
        counts[word] = int(number)
        if len(word) < 2 or int(number) < MIN_COUNT or not set(word) <= gb:
            continue
        read = reading(word)
        if read:
            rows[(word, read)] = int(number)
    for ch in sorted(gb):
        for n, syl in enumerate(
            pinyin(ch, style=Style.TONE3, heteronym=True, neutral_tone_with_five=True)[0]
        ):
            if not (syl.isascii() and syl[:-1].isalpha()):
                continue
            # the usual reading keeps the character's count; other readings rank below it
            usual = counts.get(ch, 1)
            rows[(ch, syl)] = max(1, usual if n == 0 else usual // 20)
    header = (
        f"# whole-word lexicon: word<TAB>tone-numbered reading<TAB>count; built by "
        f"scripts/build_word_list.py\n"
        f"# sources: jieba {version('jieba')} dict.txt (counts, MIT), pypinyin "
        f"{version('pypinyin')} with its phrase data (readings, MIT)\n"
    )
    body = "".join(
        f"{word}\t{read}\t{count}\n"
        for (word, read), count in sorted(rows.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    # mtime=0: the same sources give the same bytes
    OUT.write_bytes(gzip.compress((header + body).encode("utf-8"), mtime=0))
    print(f"{OUT}: {len(rows)} rows, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
