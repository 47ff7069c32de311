"""Whole-word pinyin against the shipped word list (resources/data/words.tsv.gz)."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys

import pytest

from kiosk import resources
from kiosk.ime import lexicon, pinyin, reading


@pytest.mark.parametrize(
    ("letters", "word"),
    [
        ("shenzhen", "深圳"),
        ("kejiyouxiangongsi", "科技有限公司"),  # no such entry: the likeliest run of two words
        ("futianqu", "福田区"),
        ("lvse", "绿色"),  # ü typed as v
        ("Shen'Zhen", "深圳"),  # capitals and the syllable mark are ignored
    ],
)
def test_whole_words_come_first(letters: str, word: str) -> None:
    assert pinyin.words(letters)[0] == word


@pytest.mark.parametrize(("letters", "word"), [("nanshan", "南山"), ("xianggang", "香港")])
def test_place_names_among_the_first_three(letters: str, word: str) -> None:
    assert word in pinyin.words(letters)[:3]


def test_whole_words_are_ordered_by_how_common_they_are() -> None:
    lex = lexicon.load()
    exact = [c.text for c in pinyin.candidates("shishi") if c.used == len("shishi")]
    counts = [lex.by_text[w].count for w in exact if w in lex.by_text and len(w) == 2][:5]
    assert len(counts) == 5 and counts == sorted(counts, reverse=True)


def test_unfinished_letters_are_completed_and_parts_say_what_they_use() -> None:
    assert "深圳" in pinyin.words("shenzh")[:5]
    found = pinyin.candidates("kejiyouxiangongsi")
    part = next(c for c in found if c.text == "科技")
    assert part.used == len("keji")  # the keypad keeps "youxiangongsi" to type on
    assert pinyin.candidates("") == [] and pinyin.candidates("123") == []


def test_mandarin_reading_for_speech() -> None:
    assert reading.to_pinyin("请到银行办理") == "qing3 dao4 yin2 hang2 ban4 li3"
    assert reading.to_pinyin("手机号码应为11位，您输入了10位").endswith(
        "shi2 yi1 wei4 , nin2 shu1 ru4 le5 shi2 wei4"
    )
    assert reading.number_words("180") == "一百八十"
    assert reading.number_words("105") == "一百零五"
    assert reading.number_words("13800138000") == "一三八零零一三八零零零"


def test_word_list_records_its_sources() -> None:
    with gzip.open(resources.path("data", "words.tsv.gz"), "rt", encoding="utf-8") as fh:
        header = fh.readline() + fh.readline()
    assert "jieba 0.42.1" in header and "pypinyin 0.55.0" in header
    assert "jieba" in lexicon.load().sources


def test_cli_pinyin_json() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "ime", "pinyin", "kejiyouxiangongsi", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert list(answer) == ["candidates"]
    assert answer["candidates"][0] == "科技有限公司"
    assert all(isinstance(c, str) and c for c in answer["candidates"])


def test_cli_pinyin_without_letters_exits_2() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "ime", "pinyin", "123", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "no pinyin letters" in done.stderr and done.stdout == ""
