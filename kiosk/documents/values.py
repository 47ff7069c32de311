"""The printable text of an application's fields, shared by the form, the slip and the receipt.

Codes become their labels here (district 440305 → 南山区, relation spouse → 配偶), so every document
prints the same words for the same data.
"""

from __future__ import annotations

import datetime as dt

from kiosk.domain import codes
from kiosk.domain.application import Address, Application
from kiosk.domain.rules import office_rulebook


def date_zh(day: dt.date | None) -> str:
    return f"{day.year}年{day.month:02d}月{day.day:02d}日" if day else ""


def date_en(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def date(day: dt.date | None, lang: str = "zh") -> str:
    return date_en(day) if lang == "en" else date_zh(day)


def stamp(moment: dt.datetime | None, lang: str = "zh") -> str:
    if moment is None:
        return ""
    return f"{date(moment.date(), lang)} {moment:%H:%M}"


def district_name(code: str, lang: str = "zh") -> str:
    for d in codes.districts():
        if d.code == code:
            return d.en if lang == "en" else d.zh
    return code


def address(addr: Address, lang: str = "zh") -> str:
    if not (addr.district or addr.street or addr.detail):
        return ""
    if lang == "en":
        parts = (addr.detail, addr.street, district_name(addr.district, "en"), "Shenzhen")
        return ", ".join(p for p in parts if p)  # an empty part leaves no stray comma
    street = (
        addr.street if not addr.street or addr.street.endswith("街道") else addr.street + "街道"
    )
    return f"深圳市{district_name(addr.district)}{street}{addr.detail}"


def ethnic(value: str | None) -> str:
    if not value:
        return ""
    if value.strip().isdigit():
        return codes.ethnic_name(value) or value
    return value


def sex(key: str, lang: str = "zh") -> str:
    return codes.sex_label(key).text(lang)


def labelled(table: str, key: str | None, lang: str = "zh") -> str:
    if not key:
        return ""
    try:
        return codes.label(table, key).text(lang)
    except KeyError:
        return key


def service(key: str, lang: str = "zh") -> str:
    return codes.service(key).text(lang)


def point_name(code: str, lang: str = "zh") -> str:
    point = codes.acceptance_point(code)
    return point.text(lang) if point else code


def point_address(code: str) -> str:
    point = codes.acceptance_point(code)
    return point.address if point else ""


def point_hours(code: str) -> str:
    point = codes.acceptance_point(code)
    return point.hours if point else ""


def id_validity(app: Application, lang: str = "zh") -> str:
    card = app.applicant
    if not card.valid_from:
        return ""
    end = date(card.valid_to, lang) if card.valid_to else ("长期" if lang == "zh" else "open-ended")
    return f"{date(card.valid_from, lang)} - {end}"


def materials_to_bring(app: Application) -> list[tuple[str, bool]]:
    """(material label key, already declared in hand) for the counter, from the rules.

    The loss statement is only asked for when the permit was lost.
    """
    keys = list(office_rulebook().materials_for(app.service))
    if app.service == "replacement" and app.replacement_reason != "lost":
        keys = [k for k in keys if k != "loss_statement"]
    # the form is printed by the kiosk itself, so it is always in hand
    return [(k, k in app.materials or k == "form") for k in keys]


def material_label(key: str, lang: str = "zh") -> str:
    label = codes.materials().get(key)
    return label.text(lang) if label else key
