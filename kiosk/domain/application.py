"""An application as the kiosk collects it: the one shape the UI fills, the database stores, the
documents print and the hub receives.

Its JSON form is what ``kiosk documents sample-application`` prints. Photo and signature travel as
base64 (JPEG and PNG) inside it, so one JSON file is a complete application.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

from kiosk.domain.identity import IdentityCard

STATUSES: tuple[str, ...] = (
    "draft",
    "submitted",
    "printed",
    "under_review",
    "materials_requested",
    "approved",
    "rejected",
)
# Allowed status moves; anything else is a bug and is refused.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("submitted",),
    "submitted": ("printed", "under_review", "approved", "rejected", "materials_requested"),
    "printed": ("under_review", "approved", "rejected", "materials_requested"),
    "under_review": ("approved", "rejected", "materials_requested"),
    "materials_requested": ("under_review", "approved", "rejected"),
    "approved": (),
    "rejected": (),
}


def can_move(current: str, new: str) -> bool:
    return new in TRANSITIONS.get(current, ())


@dataclass
class Address:
    district: str = ""  # district code, e.g. 440305
    street: str = ""
    community: str = ""  # 社区, as districts.toml names it ("" where the journey does not ask)
    detail: str = ""  # road, building, room
    # a renewal's "地址未变": the applicant said it is the address already registered (the
    # kiosk does not know that address, so nothing else is filled in)
    unchanged: bool = False

    def is_complete(self) -> bool:
        return self.unchanged or bool(self.district and self.street and self.detail.strip())


@dataclass
class Relative:
    name: str
    relation: str  # key of codes.relationships
    id_number: str


@dataclass
class ChangeItem:
    item: str  # key of codes.change_items
    old: str
    new: str
    reason: str


@dataclass
class Permit:
    type: str = "standard"  # standard | temporary
    number: str = ""
    expires: dt.date | None = None


@dataclass
class Application:
    service: str
    applicant: IdentityCard
    acceptance_point: str
    kiosk_id: str
    uuid: str = ""
    application_number: str = ""
    queue_number: str = ""
    status: str = "draft"
    residence: Address = field(default_factory=Address)
    phone: str = ""
    condition: str = "none"  # "": not asked (renewal, change, correction) or not answered
    condition_details: dict[str, str] = field(default_factory=dict)
    student: bool | None = None  # None: the question was not asked or not answered
    relatives: list[Relative] = field(default_factory=list)
    changes: list[ChangeItem] = field(default_factory=list)
    replacement_reason: str | None = None  # lost | damaged
    permit: Permit = field(default_factory=Permit)
    new_expiry: dt.date | None = None
    photo_number: str = ""
    photo_number_source: str = ""  # scanned | typed | kiosk
    photo_jpeg: bytes | None = None
    signature_png: bytes | None = None
    materials: list[str] = field(default_factory=list)  # those the applicant confirmed in hand
    created_at: dt.datetime | None = None
    submitted_at: dt.datetime | None = None
    # first application (申领): the 受理点 where the permit will be collected (its code)
    collection_point: str = ""
    # residence registration (居住登记): since when, and the relation to the householder or
    # landlord (a key of rules.toml [registration.relations])
    lived_since: dt.date | None = None
    householder_relation: str = ""
    # the slip's /p/<token> on the hub's progress page (random, made when submitted)
    progress_token: str = ""

    @property
    def photo_sha256(self) -> str | None:
        return hashlib.sha256(self.photo_jpeg).hexdigest() if self.photo_jpeg else None

    def as_json(self) -> dict[str, Any]:
        def enc(value: Any) -> Any:
            if isinstance(value, dt.datetime | dt.date):
                return value.isoformat()
            return value

        out: dict[str, Any] = {
            "uuid": self.uuid,
            "application_number": self.application_number,
            "queue_number": self.queue_number,
            "service": self.service,
            "status": self.status,
            "acceptance_point": self.acceptance_point,
            "kiosk_id": self.kiosk_id,
            "applicant": self.applicant.as_json(),
            "residence": asdict(self.residence),
            "phone": self.phone,
            "condition": self.condition,
            "condition_details": dict(self.condition_details),
            "student": self.student,
            "relatives": [asdict(r) for r in self.relatives],
            "changes": [asdict(c) for c in self.changes],
            "replacement_reason": self.replacement_reason,
            "permit": {
                "type": self.permit.type,
                "number": self.permit.number,
                "expires": enc(self.permit.expires),
            },
            "new_expiry": enc(self.new_expiry),
            "photo_number": self.photo_number,
            "photo_number_source": self.photo_number_source,
            "photo_sha256": self.photo_sha256,
            "photo_jpeg_b64": _b64(self.photo_jpeg),
            "signature_png_b64": _b64(self.signature_png),
            "materials": list(self.materials),
            "created_at": enc(self.created_at),
            "submitted_at": enc(self.submitted_at),
            "collection_point": self.collection_point,
            "lived_since": enc(self.lived_since),
            "householder_relation": self.householder_relation,
            "progress_token": self.progress_token,
        }
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Application:
        def date(value: str | None) -> dt.date | None:
            return dt.date.fromisoformat(value) if value else None

        def stamp(value: str | None) -> dt.datetime | None:
            return dt.datetime.fromisoformat(value) if value else None

        permit = data.get("permit") or {}
        return cls(
            uuid=data.get("uuid", ""),
            application_number=data.get("application_number", ""),
            queue_number=data.get("queue_number", ""),
            service=data["service"],
            status=data.get("status", "draft"),
            acceptance_point=data["acceptance_point"],
            kiosk_id=data["kiosk_id"],
            applicant=IdentityCard.from_json(data["applicant"]),
            residence=Address(**(data.get("residence") or {})),
            phone=data.get("phone", ""),
            condition=data.get("condition", "none"),
            condition_details=dict(data.get("condition_details") or {}),
            student=None if data.get("student") is None else bool(data["student"]),
            relatives=[Relative(**r) for r in data.get("relatives") or []],
            changes=[ChangeItem(**c) for c in data.get("changes") or []],
            replacement_reason=data.get("replacement_reason"),
            permit=Permit(
                type=permit.get("type", "standard"),
                number=permit.get("number", ""),
                expires=date(permit.get("expires")),
            ),
            new_expiry=date(data.get("new_expiry")),
            photo_number=data.get("photo_number", ""),
            photo_number_source=data.get("photo_number_source", ""),
            photo_jpeg=_unb64(data.get("photo_jpeg_b64")),
            signature_png=_unb64(data.get("signature_png_b64")),
            materials=list(data.get("materials") or []),
            created_at=stamp(data.get("created_at")),
            submitted_at=stamp(data.get("submitted_at")),
            collection_point=data.get("collection_point", ""),
            lived_since=date(data.get("lived_since")),
            householder_relation=data.get("householder_relation", ""),
            progress_token=data.get("progress_token", ""),
        )


def _b64(data: bytes | None) -> str | None:
    return base64.b64encode(data).decode("ascii") if data else None


def _unb64(text: str | None) -> bytes | None:
    return base64.b64decode(text) if text else None
