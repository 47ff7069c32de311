"""The identity record read from a card (or typed at the counter), one shape for all card types.

Its JSON form is what ``kiosk idcard read --json`` prints and what an application carries under
``"applicant"``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field, fields
from typing import Any, Literal

CardType = Literal["resident", "gat", "foreign_2017", "foreign_2023"]
CARD_TYPES: tuple[str, ...] = ("resident", "gat", "foreign_2017", "foreign_2023")
SEXES: tuple[str, ...] = ("male", "female", "unknown", "unspecified")


@dataclass(frozen=True)
class IdentityCard:
    card_type: str
    name: str
    sex: str
    birth_date: dt.date
    id_number: str
    name_en: str | None = None
    ethnic_group: str | None = None
    address: str | None = None
    authority: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None  # None: 长期 (open-ended)
    pass_number: str | None = None
    issue_count: str | None = None
    nationality: str | None = None
    photo_wlt: bytes | None = field(default=None, repr=False)

    @property
    def photo_wlt_sha256(self) -> str | None:
        return hashlib.sha256(self.photo_wlt).hexdigest() if self.photo_wlt else None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name == "photo_wlt":
                continue
            value = getattr(self, f.name)
            out[f.name] = value.isoformat() if isinstance(value, dt.date) else value
        out["photo_wlt_sha256"] = self.photo_wlt_sha256
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any], photo_wlt: bytes | None = None) -> IdentityCard:
        def date(key: str) -> dt.date | None:
            value = data.get(key)
            return dt.date.fromisoformat(value) if value else None

        birth = date("birth_date")
        if birth is None:
            raise ValueError("birth_date is required")
        return cls(
            card_type=data["card_type"],
            name=data["name"],
            sex=data["sex"],
            birth_date=birth,
            id_number=data["id_number"],
            name_en=data.get("name_en"),
            ethnic_group=data.get("ethnic_group"),
            address=data.get("address"),
            authority=data.get("authority"),
            valid_from=date("valid_from"),
            valid_to=date("valid_to"),
            pass_number=data.get("pass_number"),
            issue_count=data.get("issue_count"),
            nationality=data.get("nationality"),
            photo_wlt=photo_wlt,
        )
