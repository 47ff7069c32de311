"""Build resources/data/pinyin.tsv: the on-screen keyboard's pinyin → hanzi candidate table.

Run once by a developer (needs ``pip install pypinyin``, MIT licence; the kiosk itself does not):
``python scripts/build_pinyin_table.py``. Rows are ``syllable<TAB>characters``; characters are the
6,763 of GB 2312 (plus the ones in the rarely-used-name list below), ordered by how often they occur
in pypinyin's phrase dictionary, so 张 comes before 章 for "zhang". Polyphonic characters are
listed under every reading.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from pypinyin import Style, pinyin
from pypinyin.phrases_dict import phrases_dict

OUT = Path(__file__).resolve().parent.parent / "resources" / "data" / "pinyin.tsv"


def gb2312_chars() -> list[str]:
    chars = []
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def main() -> None:
    freq: Counter[str] = Counter()
    for phrase in phrases_dict:
        freq.update(phrase)
    table: dict[str, list[str]] = defaultdict(list)
    secondary: set[tuple[str, str]] = set()  # (syllable, char) for a char's less usual readings
    for ch in gb2312_chars():
        for n, reading in enumerate(pinyin(ch, style=Style.NORMAL, heteronym=True)[0]):
            syllable = reading.replace("ü", "v")
            if syllable.isascii() and syllable.isalpha() and ch not in table[syllable]:
                table[syllable].append(ch)
                if n:
                    secondary.add((syllable, ch))
    lines = ["# syllable\tcandidates (most frequent first); built by scripts/build_pinyin_table.py"]
    for syllable in sorted(table):
        ordered = sorted(table[syllable], key=lambda c, s=syllable: ((s, c) in secondary, -freq[c]))
        lines.append(f"{syllable}\t{''.join(ordered)}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(table)} syllables")


if __name__ == "__main__":
    main()
