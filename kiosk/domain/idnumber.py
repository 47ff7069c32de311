"""Citizen ID numbers (GB 11643-1999): validation and what the number itself tells.

The 18th character is an ISO 7064 MOD 11-2 check character. Lower-case ``x`` is accepted on entry
and normalised; the old 15-digit numbers are refused with a reason, since they carry no check digit
and have been replaced by 18-digit ones.

The first two digits must be a province-level code (or 81/82/83 for the Hong Kong, Macao and Taiwan
residents' residence permits, 9 for the 2023 foreigners' permanent residence card). The six-digit
county code is not checked against today's list: old codes are never reissued, so numbers given
under them stay valid for life. The birth date must lie between 1900-01-01 and today.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from kiosk.domain import clock
from kiosk.domain.messages import Message

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")
# GB/T 2260 province-level codes; 81-83: HK, Macao, Taiwan residents' residence permits
PROVINCES: frozenset[str] = frozenset(
    [str(n) for n in (*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47))]
    + [str(n) for n in (*range(50, 55), *range(61, 66), 71, 81, 82, 83)]
)


def known_region(number: str) -> bool:
    """The first two digits name a province (or the number is a 2023 foreigner's card: 9...)."""
    return number[:1] == "9" or number[:2] in PROVINCES


@dataclass(frozen=True)
class IdNumberCheck:
    """The verdict on one ID number; the facts are ``None`` when it is not valid."""

    number: str
    valid: bool
    reason: Message | None = None
    birth_date: dt.date | None = None
    sex: str | None = None  # "male" | "female"
    region_code: str | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "valid": self.valid,
            "reason": None if self.reason is None else self.reason.as_dict(),
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "sex": self.sex,
            "region_code": self.region_code,
        }


def check_character(first17: str) -> str:
    """The MOD 11-2 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def normalise(raw: str) -> str:
    """Strip spaces and upper-case the check character as people type it."""
    return re.sub(r"\s+", "", raw).upper()


def check(raw: str, today: dt.date | None = None) -> IdNumberCheck:
    """Validate an 18-character ID number and extract birth date, sex and region."""
    number = normalise(raw)

    def bad(code: str, zh: str, en: str) -> IdNumberCheck:
        return IdNumberCheck(number=number, valid=False, reason=Message(code, zh, en))

    if re.fullmatch(r"\d{15}", number):
        return bad(
            "old_15_digit",
            "这是旧的15位身份证号码，已停止使用，请使用18位身份证号码。",
            "This is an old 15-digit ID number, which is no longer used; "
            "please use the 18-character number.",
        )
    if len(number) != 18:
        return bad(
            "wrong_length",
            f"身份证号码应为18位，您输入了{len(number)}位。",
            f"An ID number has 18 characters; {len(number)} were entered.",
        )
    if not _SHAPE.match(number):
        return bad(
            "bad_characters",
            "身份证号码前17位必须是数字，最后一位是数字或X。",
            "The first 17 characters must be digits and the last a digit or X.",
        )
    if not known_region(number):
        return bad(
            "bad_region",
            f"身份证号码前两位“{number[:2]}”不是省级行政区代码，请核对。",
            f"The first two digits ({number[:2]}) are not a province code; please check them.",
        )
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return bad(
            "bad_birth_date",
            "身份证号码中的出生日期不存在，请核对。",
            "The birth date inside the ID number does not exist; please check it.",
        )
    if birth.year < 1900:
        return bad(
            "bad_birth_date",
            "身份证号码中的出生日期早于1900年，不合理，请核对。",
            "The birth date inside the ID number is before 1900; please check it.",
        )
    if birth > (today or clock.today()):
        return bad(
            "future_birth_date",
            "身份证号码中的出生日期晚于今天，请核对。",
            "The birth date inside the ID number is in the future; please check it.",
        )
    if check_character(number[:17]) != number[17]:
        return bad(
            "bad_check_digit",
            "身份证号码校验位不正确，可能有一位输错，请核对。",
            "The check character does not match; a character may be mistyped.",
        )
    sex = "male" if int(number[16]) % 2 else "female"
    return IdNumberCheck(
        number=number, valid=True, birth_date=birth, sex=sex, region_code=number[:6]
    )


def make_number(region: str, birth: dt.date, sequence: int) -> str:
    """Build a valid number (for samples and tests); ``sequence`` is 0..999, odd for male."""
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


def mask(number: str, keep_start: int = 4, keep_end: int = 4) -> str:
    """Mask the middle of an ID number for screens and receipts: ``4301**********1528``."""
    if len(number) <= keep_start + keep_end:
        return "*" * len(number)
    return number[:keep_start] + "*" * (len(number) - keep_start - keep_end) + number[-keep_end:]
