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


def district_name(key: str, lang: str = "zh") -> str:
    found = codes.district(key)
    return found.text(lang) if found else key


def street_name(district_key: str, street: str, lang: str = "zh") -> str:
    """The street as the data name it (pinyin in English); as stored when the data do not know it."""
    found = codes.district(district_key)
    known = found.street(street) if found and street else None
    return known.text(lang) if known else street


def community_name(addr: Address, lang: str = "zh") -> str:
    """The community (社区) as the data name it (pinyin in English); as stored when unknown."""
    if not addr.community:
        return ""
    found = codes.district(addr.district)
    street = found.street(addr.street) if found and addr.street else None
    known = street.community(addr.community) if street else None
    return known.text(lang) if known else addr.community


def address(addr: Address, lang: str = "zh") -> str:
    if not (addr.district or addr.street or addr.detail):
        # a renewal's "地址未变": what the applicant said, not an address the kiosk made up
        if addr.unchanged:
            return "Same as registered (unchanged)" if lang == "en" else "与原登记相同（未变）"
        return ""
    community = community_name(addr, lang)
    if lang == "en":
        street = street_name(addr.district, addr.street, "en")
        parts = (addr.detail, community, street, district_name(addr.district, "en"), "Shenzhen")
        return ", ".join(p for p in parts if p)  # an empty part leaves no stray comma
    street = (
        addr.street if not addr.street or addr.street.endswith("街道") else addr.street + "街道"
    )
    return f"深圳市{district_name(addr.district)}{street}{community}{addr.detail}"


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


def point_hours(code: str, lang: str = "zh") -> str:
    point = codes.acceptance_point(code)
    return point.hours_text(lang) if point else ""


def registration_relation(key: str, lang: str = "zh") -> str:
    """The relation to the householder or landlord, as the office's rules name it."""
    zh_en = office_rulebook().registration_relations.get(key)
    if zh_en is None:
        return key
    return zh_en[1] if lang == "en" else zh_en[0]


def point_counter(code: str, lang: str = "zh") -> str:
    point = codes.acceptance_point(code)
    return point.counter_text(lang) if point else ""


KIOSK_PHOTO_LABEL = ("本机采集号", "Kiosk capture no.")
PHOTO_LABEL = ("数码照相图像号", "Photo number")


def photo_number_label(app: Application, lang: str = "zh") -> str:
    """A number the kiosk made is its own capture number, never a 数码照相图像号 (docs/photo.md)."""
    zh, en = KIOSK_PHOTO_LABEL if app.photo_number_source == "kiosk" else PHOTO_LABEL
    return en if lang == "en" else zh


def id_validity(app: Application, lang: str = "zh") -> str:
    card = app.applicant
    if not card.valid_from:
        return ""
    end = date(card.valid_to, lang) if card.valid_to else ("长期" if lang == "zh" else "open-ended")
    return f"{date(card.valid_from, lang)} - {end}"


def materials_for_service(
    service: str, replacement_reason: str | None = None, changed_items: list[str] | None = None
) -> list[str]:
    """The material keys to bring for a service, from the rules: the loss statement only when
    the permit was lost, the damaged permit only when damaged (both while the reason is not
    known yet), and the proof named for each changed item once the items are known."""
    book = office_rulebook()
    keys: list[str] = []
    for key in book.materials_for(service):
        if key == "loss_statement" and replacement_reason == "damaged":
            continue
        if key == "damaged_permit" and replacement_reason == "lost":
            continue
        if key in ("change_proof", "correction_proof"):
            if changed_items is None:  # not chosen yet: the heading, then the proof of every item
                keys.append(key)
            items = changed_items if changed_items is not None else book.proof_items(service)
            for proof in (p for item in items for p in book.proof_for(item, service)):
                if proof not in keys:  # two items may need the same document
                    keys.append(proof)
            continue
        keys.append(key)
    return keys


def materials_to_bring(app: Application) -> list[tuple[str, bool]]:
    """(material key, confirmed in hand by the applicant on screen) for the counter."""
    keys = materials_for_service(app.service, app.replacement_reason, [c.item for c in app.changes])
    return [(k, k in app.materials) for k in keys]


def material_label(key: str, lang: str = "zh") -> str:
    label = codes.materials().get(key)
    return label.text(lang) if label else key
