"""One applicant's visit: what the screens have collected so far, and how to forget it.

Plain Python so the branching rules, the review screen and the tests share one object. The UI
holds exactly one :class:`Visit`; :meth:`Visit.wipe` (cancel, idle, done) replaces every field
with a fresh default, so nothing of the previous applicant survives in it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from dataclasses import dataclass, field

from kiosk.domain import clock
from kiosk.domain.application import Address, Application, ChangeItem, Permit, Relative
from kiosk.domain.identity import IdentityCard


@dataclass
class Visit:
    service: str = ""
    lang: str = "zh"
    large_text: bool = False
    card: IdentityCard | None = None
    typed_name: str = ""  # eligibility query without a card
    typed_id_number: str = ""
    residence: Address = field(default_factory=Address)
    phone: str = ""
    # legal answers start unanswered: the kiosk never chooses one for the applicant
    condition: str = ""
    condition_details: dict[str, str] = field(default_factory=dict)
    student: bool | None = None
    relatives: list[Relative] = field(default_factory=list)
    changes: list[ChangeItem] = field(default_factory=list)
    replacement_reason: str = ""
    # the permit type is a fact printed on the permit: 《深圳市居住证》 shown plainly, changeable
    permit: Permit = field(default_factory=Permit)
    materials: list[str] = field(default_factory=list)  # those the applicant said they have
    collection_point: str = ""  # 申领: where the permit will be collected (a 受理点 code)
    lived_since: dt.date | None = None  # 居住登记: since when they live at the address
    householder_relation: str = ""  # 居住登记: rules.toml [registration.relations] key
    new_expiry: dt.date | None = None
    photo_number: str = ""
    photo_number_source: str = ""
    photo_jpeg: bytes | None = None
    signature_png: bytes | None = None
    uuid: str = field(default_factory=lambda: str(uuid.uuid4()))
    started: dt.datetime = field(default_factory=clock.now)
    submitted: Application | None = None
    submitted_id: int | None = None  # the stored row: its print jobs are linked to it
    # choices made on a screen for an entry not yet added (the relation of a relative being
    # typed, the item of a change): kept while the screen redraws, forgotten with the visit
    draft: dict[str, str] = field(default_factory=dict)

    def wipe(self, *, keep_preferences: bool = False) -> None:
        """Forget the applicant: every field back to its default (language kept if asked)."""
        lang, large = self.lang, self.large_text
        fresh = Visit()
        for f in dataclasses.fields(self):
            setattr(self, f.name, getattr(fresh, f.name))
        if keep_preferences:
            self.lang, self.large_text = lang, large

    def is_empty(self) -> bool:
        fresh = Visit()
        skip = {"uuid", "started", "lang", "large_text"}
        return all(
            getattr(self, f.name) == getattr(fresh, f.name)
            for f in dataclasses.fields(self)
            if f.name not in skip
        )

    @property
    def birth_date(self) -> dt.date | None:
        if self.card is not None:
            return self.card.birth_date
        return _birth_from_number(self.typed_id_number)

    def to_application(self, point: str, kiosk: str) -> Application:
        if self.card is None:
            raise ValueError("no identity card read for this visit")
        return Application(
            service=self.service,
            applicant=self.card,
            acceptance_point=point,
            kiosk_id=kiosk,
            uuid=self.uuid,
            residence=dataclasses.replace(self.residence),
            phone=self.phone,
            condition=self.condition,
            condition_details=dict(self.condition_details),
            student=self.student,
            relatives=list(self.relatives),
            changes=list(self.changes),
            replacement_reason=(self.replacement_reason or None)
            if self.service == "replacement"
            else None,
            permit=dataclasses.replace(self.permit),
            new_expiry=self.new_expiry,
            photo_number=self.photo_number,
            photo_number_source=self.photo_number_source,
            photo_jpeg=self.photo_jpeg,
            signature_png=self.signature_png,
            materials=list(self.materials),
            created_at=self.started,
            collection_point=self.collection_point if self.service == "application" else "",
            lived_since=self.lived_since if self.service == "registration" else None,
            householder_relation=(
                self.householder_relation if self.service == "registration" else ""
            ),
        )


def _birth_from_number(number: str) -> dt.date | None:
    if len(number) != 18:
        return None
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
