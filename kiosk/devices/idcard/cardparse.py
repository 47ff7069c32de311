"""The card's 256-byte text block (UTF-16LE) and 1024-byte WLT photo to :class:`IdentityCard`.

One layout per card type, told apart by the character at byte 248 (blank resident card, ``J``
Hong Kong/Macau/Taiwan residence permit, ``I`` foreigner card 2017, ``Y`` foreigner card 2023).
Fields are space-padded: only trailing padding is trimmed, so names with inner spaces survive.
:func:`build_text` is the inverse, used by the simulator.

A read whose data do not hold together is refused with :class:`CardDataError` (code
``card_data_invalid`` and a ``reason``): text that is not valid UTF-16, control or bidi-override
characters in a field, an impossible date, a number that fails its check, a birth date that differs
from the one inside the number, a validity that ends before it starts. An expired card is a good
read: the journey decides what to do with it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from kiosk.devices.errors import DeviceError
from kiosk.domain import codes, idnumber
from kiosk.domain.identity import IdentityCard

TEXT_SIZE = 256
PHOTO_SIZE = 1024
LONG_TERM = "长期"
TYPE_OFFSET = 248
TYPE_MARKS = {
    " ": "resident",
    "\x00": "resident",
    "J": "gat",
    "I": "foreign_2017",
    "Y": "foreign_2023",
}
MARK_OF = {"resident": " ", "gat": "J", "foreign_2017": "I", "foreign_2023": "Y"}

# field -> (byte offset, byte size) in the text block
_COMMON = {
    "name": (0, 30), "sex": (30, 2), "nation": (32, 4), "birth_date": (36, 16),
    "address": (52, 70), "id_number": (122, 36), "authority": (158, 30),
    "valid_from": (188, 16), "valid_to": (204, 16),
}  # fmt: skip
LAYOUTS: dict[str, dict[str, tuple[int, int]]] = {
    "resident": _COMMON,
    "gat": _COMMON | {"pass_number": (220, 18), "issue_count": (238, 4)},
    "foreign_2017": {
        "name_en": (0, 120), "sex": (120, 2), "id_number": (122, 30), "nationality": (152, 6),
        "name": (158, 30), "valid_from": (188, 16), "valid_to": (204, 16), "birth_date": (220, 16),
        "version": (236, 4), "authority": (240, 8),
    },
    "foreign_2023": {
        "name": (0, 30), "sex": (30, 2), "renewals": (32, 4), "birth_date": (36, 16),
        "name_en": (52, 70), "id_number": (122, 36), "valid_from": (188, 16),
        "valid_to": (204, 16), "name_en_2": (220, 22), "nationality": (242, 6),
    },
}  # fmt: skip
_FOREIGN_2017_NUMBER = re.compile(r"^[A-Z]{3}\d{12}$")
_FOREIGN_2023_NUMBER = re.compile(r"^9\d{16}[\dX]$")


class CardDataError(DeviceError):
    """The card's text block does not hold what its layout says (damaged, forged or unknown)."""

    default_code = "card_data_invalid"

    def __init__(self, reason: str, zh: str, en: str):
        super().__init__(zh, en)
        self.reason = reason  # a stable word for programs: bad_check_digit, bad_date, ...


def _bad(zh: str, en: str, reason: str = "unreadable") -> CardDataError:
    return CardDataError(
        reason, f"证件信息无法识别：{zh}", f"The card's information is not readable: {en}"
    )


def split_read_reply(data: bytes) -> tuple[bytes, bytes]:
    """The text block and photo from a read-base reply's data (after SW1 SW2 SW3)."""
    if len(data) < 4:
        raise _bad("应答太短", "the reply is too short", "reply_too_short")
    text_len = int.from_bytes(data[0:2], "big")
    photo_len = int.from_bytes(data[2:4], "big")
    if text_len < TEXT_SIZE or len(data) < 4 + text_len + photo_len:
        raise _bad("文字或照片长度不符", "the text or photo length does not match", "bad_length")
    text = data[4 : 4 + text_len]
    return text[:TEXT_SIZE], data[4 + text_len : 4 + text_len + photo_len]


def card_type_of(text: bytes) -> str:
    mark = text[TYPE_OFFSET : TYPE_OFFSET + 2].decode("utf-16-le", errors="replace")
    card_type = TYPE_MARKS.get(mark)
    if card_type is None:
        raise _bad(
            f"未知证件类型标识 {mark!r}", f"unknown card type mark {mark!r}", "unknown_card_type"
        )
    return card_type


def parse(text: bytes, photo: bytes | None) -> IdentityCard:
    """Turn a text block and WLT photo into one record; raises :class:`CardDataError`."""
    if len(text) < TEXT_SIZE:
        raise _bad("文字信息不足256字节", "the text block is shorter than 256 bytes", "short_text")
    card_type = card_type_of(text)
    raw = {
        key: _decode(text[off : off + size], key) for key, (off, size) in LAYOUTS[card_type].items()
    }
    if card_type == "foreign_2023":
        # the English name continues in a second field; join before trimming (a space may end part 1)
        raw["name_en"] += raw.pop("name_en_2")
    f = {key: _trim(value) for key, value in raw.items()}
    for key, value in f.items():
        _check_characters(key, value)
    number = f["id_number"].upper()
    _check_number(card_type, number)
    birth = _date(f["birth_date"], "birth_date")
    if card_type in ("resident", "gat") and number[6:14] != f"{birth:%Y%m%d}":
        raise _bad(
            "出生日期与证件号码中的出生日期不一致",
            "the birth date differs from the one inside the number",
            "birth_date_mismatch",
        )
    valid_from = _date(f["valid_from"], "valid_from")
    valid_to = None if f["valid_to"] == LONG_TERM else _date(f["valid_to"], "valid_to")
    if valid_to is not None and valid_from > valid_to:
        raise _bad(
            "有效期起始日期晚于截止日期",
            "the validity starts after it ends",
            "validity_reversed",
        )
    return IdentityCard(
        card_type=card_type,
        name=f["name"],
        name_en=f.get("name_en") or None,
        sex=codes.sex_from_code(f["sex"]) if f["sex"] else "unknown",
        ethnic_group=codes.ethnic_name(f["nation"]) if card_type == "resident" else None,
        birth_date=birth,
        address=f.get("address") or None,
        id_number=number,
        authority=f.get("authority") or None,
        valid_from=valid_from,
        valid_to=valid_to,
        pass_number=f.get("pass_number") or None,
        issue_count=f.get("issue_count") or None,
        nationality=f.get("nationality") or None,
        photo_wlt=photo or None,
    )


def _decode(data: bytes, key: str) -> str:
    try:
        return data.decode("utf-16-le")
    except UnicodeDecodeError:
        raise _bad(
            f"{key} 不是有效的UTF-16文字", f"{key} is not valid UTF-16", "bad_utf16"
        ) from None


def _trim(value: str) -> str:
    return value.rstrip(" \x00")


def _check_characters(key: str, value: str) -> None:
    """No control characters, no bidi overrides or other invisible format characters (Cc, Cf):
    they would make a printed name or number read differently from what is stored."""
    for ch in value:
        if unicodedata.category(ch) in ("Cc", "Cf"):  # private-use rare name characters pass
            raise _bad(
                f"{key} 含有控制字符 U+{ord(ch):04X}",
                f"{key} holds the control character U+{ord(ch):04X}",
                "control_character",
            )


def _date(value: str, what: str) -> dt.date:
    try:
        if not re.fullmatch(r"\d{8}", value):
            raise ValueError(value)
        return dt.datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        raise _bad(
            f"{what} 日期 {value!r} 不正确", f"{what} {value!r} is not a date", "bad_date"
        ) from None


def _check_number(card_type: str, number: str) -> None:
    reason = "bad_check_digit"
    if card_type == "foreign_2017":
        ok = _FOREIGN_2017_NUMBER.match(number) is not None
        reason = "bad_number"
    elif card_type == "foreign_2023":
        ok = bool(_FOREIGN_2023_NUMBER.match(number)) and (
            idnumber.check_character(number[:17]) == number[17]
        )
    else:
        # the card's own date is not "today" for a reader: an expired card is still a good read
        verdict = idnumber.check(number)
        ok = verdict.valid
        if verdict.reason is not None:
            reason = verdict.reason.code
    if not ok:
        raise _bad("证件号码校验失败", "the card number fails its check", reason)


def build_text(
    card: IdentityCard, sex_code: str | None = None, nation_code: str | None = None
) -> bytes:
    """The 256-byte text block a card of this record holds (for the simulator and tests)."""
    values: dict[str, str] = {
        "name": card.name,
        "name_en": card.name_en or "",
        "sex": sex_code or {"male": "1", "female": "2", "unspecified": "9"}.get(card.sex, "0"),
        "nation": nation_code or _nation_code(card.ethnic_group),
        "birth_date": f"{card.birth_date:%Y%m%d}",
        "address": card.address or "",
        "id_number": card.id_number,
        "authority": card.authority or "",
        "valid_from": f"{card.valid_from:%Y%m%d}" if card.valid_from else "",
        "valid_to": f"{card.valid_to:%Y%m%d}" if card.valid_to else LONG_TERM,
        "pass_number": card.pass_number or "",
        "issue_count": card.issue_count or "",
        "nationality": card.nationality or "",
        "version": "01",
        "renewals": "00",
    }
    layout = LAYOUTS[card.card_type]
    if card.card_type == "foreign_2023":
        first = layout["name_en"][1] // 2
        values["name_en_2"] = values["name_en"][first:]
        values["name_en"] = values["name_en"][:first]
    text = bytearray(" ".encode("utf-16-le") * (TEXT_SIZE // 2))
    for key, (off, size) in layout.items():
        encoded = values[key].encode("utf-16-le")
        if len(encoded) > size:
            raise ValueError(f"{key} is longer than its {size // 2} characters")
        text[off : off + len(encoded)] = encoded
    text[TYPE_OFFSET : TYPE_OFFSET + 2] = MARK_OF[card.card_type].encode("utf-16-le")
    return bytes(text)


def _nation_code(name: str | None) -> str:
    if not name:
        return ""
    for code, value in codes.ethnic_codes().items():
        if value == name:
            return code
    raise ValueError(f"unknown ethnic group {name!r}")


def build_read_reply_data(card: IdentityCard, text: bytes | None = None) -> bytes:
    """Data of a read-base reply: text length, photo length, text, photo. ``text`` replaces the
    card's own text block (the simulator's damaged or forged cards)."""
    photo = (card.photo_wlt or b"").ljust(PHOTO_SIZE, b"\x00")[:PHOTO_SIZE]
    block = build_text(card) if text is None else text
    return TEXT_SIZE.to_bytes(2, "big") + PHOTO_SIZE.to_bytes(2, "big") + block + photo
