"""The photo number (数码照相图像号) field: the kiosk's own capture number and typed numbers.

本机采集号 (kiosk capture number), issued when the kiosk itself takes the photo::

    KC-FT01-K01-20261126-0007-R
    |  |    |   |        |    check character (Luhn mod 36 over the characters before it)
    |  |    |   |        per-day sequence at this kiosk (4+ digits), kept in the database
    |  |    |   Shenzhen date
    |  |    kiosk id (config kiosk.id, unique within the point)
    |  acceptance point code (config point.code)
    "KC" = kiosk capture: never a provincial 图像号 (those have no hyphens)

Point + kiosk + date + sequence make it unique across kiosks with no network between them; the
sequence lives in the ``counters`` table (name ``photo_capture``), bumped in its own committed
transaction so it survives restarts and is never reused.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from kiosk.domain import clock
from kiosk.domain.messages import Message
from kiosk.storage import numbering

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
COUNTER_NAME = "photo_capture"
PREFIX = "KC"
CAPTURE_NUMBER = re.compile(
    r"^KC-(?P<point>[A-Z0-9]{2,8})-(?P<kiosk>[A-Z0-9]{1,8})-(?P<date>\d{8})-(?P<seq>\d{4,})-(?P<check>[0-9A-Z])$"
)

# photo_number_source values (kiosk.domain.application.Application.photo_number_source)
SOURCE_SCANNED, SOURCE_TYPED, SOURCE_KIOSK = "scanned", "typed", "kiosk"


def check_char(body: str) -> str:
    """Luhn mod 36: catches every single wrong character and most swapped neighbours."""
    factor, total, n = 2, 0, len(ALPHABET)
    for ch in reversed(body):
        if ch == "-":
            continue
        addend = factor * ALPHABET.index(ch)
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return ALPHABET[(n - total % n) % n]


def format_capture_number(point: str, kiosk: str, day: dt.date, seq: int) -> str:
    body = f"{PREFIX}-{point}-{kiosk}-{day:%Y%m%d}-{seq:04d}"
    return f"{body}-{check_char(body)}"


def is_capture_number(text: str) -> bool:
    """A well-formed 本机采集号 with a right check character."""
    m = CAPTURE_NUMBER.match(text)
    if m is None:
        return False
    return check_char(text[:-2]) == m.group("check")


class CaptureNumbers:
    """Issues 本机采集号 from the kiosk database (one short transaction per number)."""

    def __init__(self, sessions: sessionmaker[Session], point: str, kiosk: str):
        self._sessions, self.point, self.kiosk = sessions, point, kiosk

    def issue(self, day: dt.date | None = None) -> str:
        day = day or clock.today()
        with self._sessions.begin() as session:
            seq = numbering.next_value(session, COUNTER_NAME, day)
        return format_capture_number(self.point, self.kiosk, day, seq)


@dataclass(frozen=True)
class TypedNumber:
    ok: bool
    number: str
    source: str
    error: Message | None = None


NUMBER_EMPTY = Message(
    "photo_number_empty", "请输入数码照相图像号", "Please enter the photo number"
)
NUMBER_BAD = Message(
    "photo_number_invalid",
    "图像号格式不对，请对照回执上的号码重新输入",
    "That photo number does not look right: please check it against your receipt",
)
NUMBER_BAD_CHECK = Message(
    "photo_number_check",
    "本机采集号校验位不对，请重新输入",
    "The kiosk capture number's check character is wrong",
)


def normalise(text: str) -> str:
    """Full-width to half-width, drop spaces, upper case: what people type on a touch keyboard."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", text).upper()


def validate_typed(text: str, pattern: str) -> TypedNumber:
    """A typed 数码照相图像号 against ``photo.number_pattern`` (or a kiosk capture number)."""
    number = normalise(text)
    if not number:
        return TypedNumber(False, number, SOURCE_TYPED, NUMBER_EMPTY)
    if number.startswith(PREFIX + "-"):
        if is_capture_number(number):
            return TypedNumber(True, number, SOURCE_KIOSK)
        return TypedNumber(False, number, SOURCE_KIOSK, NUMBER_BAD_CHECK)
    if re.fullmatch(pattern, number) is None:
        return TypedNumber(False, number, SOURCE_TYPED, NUMBER_BAD)
    return TypedNumber(True, number, SOURCE_TYPED)
