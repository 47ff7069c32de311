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

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


def conditions() -> list[Condition]:
    return [
        Condition(k, v["zh"], v["en"], tuple(v["details"]))
        for k, v in _load("codes")["conditions"].items()
    ]


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
class District:
    code: str
    zh: str
    en: str
    streets: tuple[str, ...]


def districts() -> list[District]:
    data = _load("districts")
    return [District(d["code"], d["zh"], d["en"], tuple(d["streets"])) for d in data["district"]]


def districts_verified() -> bool:
    return bool(_load("districts").get("verified", False))


@dataclass(frozen=True)
class AcceptancePoint:
    code: str
    zh: str
    en: str
    district: str
    street: str
    address: str
    hours: str

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


def acceptance_points() -> list[AcceptancePoint]:
    return [AcceptancePoint(**p) for p in _load("acceptance_points")["point"]]


def acceptance_point(code: str) -> AcceptancePoint | None:
    return next((p for p in acceptance_points() if p.code == code), None)


def nearest_acceptance_point(district_code: str, street: str | None = None) -> AcceptancePoint:
    """The default 受理点 for an address: same street, else same district, else the first."""
    points = acceptance_points()
    for p in points:
        if p.district == district_code and street and p.street == street:
            return p
    for p in points:
        if p.district == district_code:
            return p
    return points[0]
