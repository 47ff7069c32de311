"""Code tables (sex, ethnic groups, conditions, relationships, districts, acceptance points).

They are data in ``resources/data/*.toml`` so an office can correct them without a release.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from typing import Any

from kiosk import resources


@cache
def _load(name: str) -> dict[str, Any]:
    with resources.path("data", f"{name}.toml").open("rb") as fh:
        return tomllib.load(fh)


@dataclass(frozen=True)
class Label:
    key: str
    zh: str
    en: str

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


def _labels(table: dict[str, Any]) -> list[Label]:
    return [Label(key, v["zh"], v["en"]) for key, v in table.items()]


def sex_from_code(code: str) -> str:
    """GB/T 2261.1 code ('0', '1', '2', '9') to ``unknown|male|female|unspecified``."""
    entry = _load("codes")["sex"].get(code.strip())
    return entry["key"] if entry else "unknown"


def sex_label(key: str) -> Label:
    for entry in _load("codes")["sex"].values():
        if entry["key"] == key:
            return Label(key, entry["zh"], entry["en"])
    return Label(key, "未知", "Unknown")


def ethnic_name(code: str) -> str | None:
    """The Chinese name of a GB 3304 two-digit code (``'01'`` → ``'汉'``)."""
    return _load("codes")["ethnic"].get(code.strip().zfill(2))


def ethnic_codes() -> dict[str, str]:
    return dict(_load("codes")["ethnic"])


def services() -> list[Label]:
    return _labels(_load("codes")["services"])


def service(key: str) -> Label:
    return next(s for s in services() if s.key == key)


@dataclass(frozen=True)
class Condition:
    key: str
    zh: str
    en: str
    details: tuple[str, ...]
    first_details: tuple[str, ...] = ()  # asked as well on a first application (申领)

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


def conditions() -> list[Condition]:
    return [
        Condition(k, v["zh"], v["en"], tuple(v["details"]), tuple(v.get("first_details", ())))
        for k, v in _load("codes")["conditions"].items()
    ]


def student_details() -> tuple[str, ...]:
    """What a full-time student applying directly gives (school, student number)."""
    return tuple(_load("codes").get("student", {}).get("details", ()))


def condition(key: str) -> Condition:
    return next(c for c in conditions() if c.key == key)


def detail_field(key: str) -> Label:
    v = _load("codes")["detail_fields"][key]
    return Label(key, v["zh"], v["en"])


def relationships() -> list[Label]:
    return _labels(_load("codes")["relationships"])


def replacement_reasons() -> list[Label]:
    return _labels(_load("codes")["replacement_reasons"])


def change_items() -> list[Label]:
    return _labels(_load("codes")["change_items"])


def materials() -> dict[str, Label]:
    return {lab.key: lab for lab in _labels(_load("codes")["materials"])}


def permit_types() -> list[Label]:
    return _labels(_load("codes")["permit_types"])


def label(table: str, key: str) -> Label:
    """Any labelled entry by table name (``relationships``, ``change_items`` ...)."""
    v = _load("codes")[table][key]
    return Label(key, v["zh"], v["en"])


@dataclass(frozen=True)
class Community:
    code: str  # national statistical code (village level), 12 digits
    zh: str  # as people say it: 大塘龙社区
    en: str  # pinyin: Datanglong Community

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class Street:
    code: str  # national statistical code, 9 digits
    zh: str  # without the 街道 suffix, as people say it
    en: str  # pinyin
    communities: tuple[Community, ...] = ()

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    def community(self, name: str) -> Community | None:
        return next((c for c in self.communities if c.zh == name), None)


@dataclass(frozen=True)
class District:
    key: str  # what an address stores: the national code, or "dapeng" for 大鹏新区
    code: str  # national statistical code (大鹏新区: 龙岗区's, where the national data list it)
    zh: str
    en: str
    streets: tuple[Street, ...]

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    def street(self, name: str) -> Street | None:
        return next((s for s in self.streets if s.zh == name.removesuffix("街道")), None)


@cache
def districts() -> list[District]:
    """Shenzhen's districts in picker order (generated from the national data, see
    scripts/build_districts.py). Built once: callers must not change the list."""
    return [
        District(
            d["key"],
            d["code"],
            d["zh"],
            d["en"],
            tuple(
                Street(
                    s["code"],
                    s["zh"],
                    s["en"],
                    tuple(Community(c["code"], c["zh"], c["en"]) for c in s.get("community", [])),
                )
                for s in d.get("street", [])
            ),
        )
        for d in _load("districts")["district"]
    ]


def district(key: str) -> District | None:
    return next((d for d in districts() if d.key == key), None)


def districts_verified() -> bool:
    return bool(_load("districts").get("verified", False))


def districts_source() -> dict[str, str]:
    return dict(_load("districts").get("source", {}))


@dataclass(frozen=True)
class AcceptancePoint:
    code: str
    zh: str
    en: str
    district: str
    street: str
    address: str
    hours: str
    hours_en: str = ""
    counter: str = ""  # the window the slip sends the applicant to
    counter_en: str = ""
    streets: tuple[str, ...] = ()  # the 9-digit codes of the streets it serves
    demo: bool = False  # a made-up point (demo and training data)

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    def hours_text(self, lang: str) -> str:
        return (self.hours_en or self.hours) if lang == "en" else self.hours

    def counter_text(self, lang: str) -> str:
        return (self.counter_en or self.counter) if lang == "en" else self.counter


def acceptance_points() -> list[AcceptancePoint]:
    return [
        AcceptancePoint(**{**p, "streets": tuple(p.get("streets", ()))})
        for p in _load("acceptance_points")["point"]
    ]


def street_code(district_key: str, street: str) -> str:
    """The 9-digit code of a street named in an address ("" when the data do not know it)."""
    found = district(district_key)
    known = found.street(street) if found and street else None
    return known.code if known else ""


def points_serving(code: str) -> list[AcceptancePoint]:
    """The acceptance points that serve the street with this 9-digit code."""
    return [p for p in acceptance_points() if code and code in p.streets]


def acceptance_point(code: str) -> AcceptancePoint | None:
    return next((p for p in acceptance_points() if p.code == code), None)


def default_collection_point(district_code: str, street: str) -> tuple[AcceptancePoint | None, str]:
    """The 受理点 a first application proposes for collecting the permit, and why: ``"street"``
    (it serves the applicant's street), ``"district"`` (none does, this one is in their district),
    or ``(None, "")``: nothing to propose, the applicant chooses."""
    serving = points_serving(street_code(district_code, street))
    if serving:
        return serving[0], "street"
    same = [p for p in acceptance_points() if p.district == district_code]
    return (same[0], "district") if same else (None, "")


def nearest_acceptance_point(district_code: str, street: str | None = None) -> AcceptancePoint:
    """The default 受理点 for an address: the point that serves the street, else one in the same
    street or district, else the first."""
    points = acceptance_points()
    bare = (street or "").removesuffix("街道")
    serving = points_serving(street_code(district_code, bare))
    if serving:
        return serving[0]
    for p in points:
        if p.district == district_code and bare and p.street.removesuffix("街道") == bare:
            return p
    for p in points:
        if p.district == district_code:
            return p
    return points[0]
