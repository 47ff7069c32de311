"""Eligibility, renewal window and the other residence-permit rules, read from ``rules.toml``.

Each evaluation returns a decision plus reasons in Chinese and English, so the kiosk, the CLI and
the printed documents say the same thing. The numbers live in data (an office can edit the file in
its data folder); only the shape of the rules is code.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from kiosk import resources
from kiosk.domain import clock
from kiosk.domain.messages import Message

Condition = Literal["employment", "property", "talent", "entrepreneur", "other", "none"]
CONDITIONS: tuple[str, ...] = ("employment", "property", "talent", "entrepreneur", "other", "none")
PermitType = Literal["standard", "temporary"]
PERMIT_TYPES: tuple[str, ...] = ("standard", "temporary")
SERVICES: tuple[str, ...] = ("renewal", "replacement", "exchange", "change", "correction")
# first application (申领) and residence registration (居住登记): their own paper, not the
# 补办/换领/变更更正 form
FIRST_SERVICES: tuple[str, ...] = ("application", "registration")
ALL_SERVICES: tuple[str, ...] = SERVICES + FIRST_SERVICES


class RulesError(ValueError):
    """The rules file is malformed; the message names the key."""


@dataclass(frozen=True)
class Decision:
    """What a rule decided, and why, in both languages."""

    outcome: str
    reasons: tuple[Message, ...]
    facts: dict[str, Any] = field(default_factory=dict)

    def reasons_json(self) -> list[dict[str, str]]:
        return [r.as_dict() for r in self.reasons]


@dataclass(frozen=True)
class OfficeRule:
    """A rule that is the office's own, not the source guide's (``source = "office"`` in the data)."""

    path: str  # the table in rules.toml, e.g. "collection"
    zh: str
    en: str

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


def _office_rules(node: Any, prefix: str = "") -> list[OfficeRule]:
    out: list[OfficeRule] = []
    if isinstance(node, dict):
        if node.get("source") == "office":
            out.append(OfficeRule(prefix, str(node.get("zh", "")), str(node.get("en", ""))))
        for key, value in node.items():
            out += _office_rules(value, f"{prefix}.{key}" if prefix else key)
    return out


@dataclass(frozen=True)
class RuleBook:
    min_age: int
    senior_age: int
    qualifying_conditions: tuple[str, ...]
    direct_application: tuple[str, ...]
    renewal_window_days: int
    extensions: dict[str, dict[str, int]]
    expired_where: Message
    employer_note: Message
    regulation_effective: dt.date
    grace_months: int
    free_exchange_until: dt.date
    materials: dict[str, tuple[str, ...]]
    # the office's own (see OfficeRule); defaults keep a short rules file of an office loadable
    proofs: dict[str, tuple[str, ...]] = field(default_factory=dict)  # per changed item
    correction_proofs: dict[str, tuple[str, ...]] = field(default_factory=dict)  # per corrected
    collection_working_days: dict[str, int] = field(default_factory=dict)
    card_fees: dict[str, int | str] = field(default_factory=dict)
    first_application_card_fee: int = 0
    office_rules: tuple[OfficeRule, ...] = ()
    # residence registration: relation to the householder or landlord (key → zh, en), in order
    registration_relations: dict[str, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> RuleBook:
        """Read the rules: ``path`` if given, else the shipped ``resources/data/rules.toml``."""
        path = path or resources.path("data", "rules.toml")
        with path.open("rb") as fh:
            raw = tomllib.load(fh)

        def need(dotted: str) -> Any:
            node: Any = raw
            for part in dotted.split("."):
                if not isinstance(node, dict) or part not in node:
                    raise RulesError(f"{path}: missing key {dotted!r}")
                node = node[part]
            return node

        min_age, senior_age = int(need("eligibility.min_age")), int(need("eligibility.senior_age"))
        extensions = {k: dict(need(f"renewal.extension.{k}")) for k in PERMIT_TYPES}
        for kind, ext in extensions.items():
            if set(ext) - {"years", "months"} or not ext:
                raise RulesError(f"renewal.extension.{kind}: give years or months")
        book = cls(
            min_age=min_age,
            senior_age=senior_age,
            qualifying_conditions=tuple(need("eligibility.qualifying_conditions")),
            direct_application=tuple(need("eligibility.direct_application")),
            renewal_window_days=int(need("renewal.window_days")),
            extensions=extensions,
            expired_where=Message(
                "apply_anew",
                need("renewal.expired.first_application_where_zh"),
                need("renewal.expired.first_application_where_en"),
            ),
            employer_note=Message(
                "employer_renewal",
                need("renewal.employer.note_zh"),
                need("renewal.employer.note_en"),
            ),
            regulation_effective=need("transitional.regulation_effective"),
            grace_months=int(need("transitional.grace_months")),
            free_exchange_until=need("transitional.free_exchange_until"),
            materials={
                **{k: tuple(need(f"materials.{k}")) for k in SERVICES},
                # an office's older rules file may not list them yet: nothing listed then
                **{k: tuple(raw.get("materials", {}).get(k, ())) for k in FIRST_SERVICES},
            },
            proofs={
                k: tuple(v)
                for k, v in raw.get("materials", {}).get("proof", {}).items()
                if isinstance(v, list)
            },
            correction_proofs={
                k: tuple(v)
                for k, v in raw.get("materials", {}).get("correction_proof", {}).items()
                if isinstance(v, list)
            },
            collection_working_days={
                k: int(v) for k, v in raw.get("collection", {}).get("working_days", {}).items()
            },
            card_fees={
                k: v
                for k, v in raw.get("fees", {}).get("card_fee", {}).items()
                if k in SERVICES and (v == "ask" or isinstance(v, int))
            },
            first_application_card_fee=int(
                raw.get("fees", {}).get("first_application_card_fee", 0)
            ),
            office_rules=tuple(_office_rules(raw)),
            registration_relations={
                k: (str(v["zh"]), str(v["en"]))
                for k, v in raw.get("registration", {}).get("relations", {}).items()
                if isinstance(v, dict)
            },
        )
        unknown = set(book.qualifying_conditions) - set(CONDITIONS)
        if unknown:
            raise RulesError(f"eligibility.qualifying_conditions: unknown {sorted(unknown)}")
        return book

    # -- eligibility (办证资格查询) ----------------------------------------------------------

    def eligibility(
        self,
        birth_date: dt.date,
        condition: str,
        *,
        student: bool = False,
        today: dt.date | None = None,
    ) -> Decision:
        """Whether a 《深圳市居住证》 can be issued, from age, the 办理条件 and student status."""
        if condition not in CONDITIONS:
            raise ValueError(f"unknown condition {condition!r}")
        today = today or clock.today()
        age = clock.age_on(birth_date, today)
        facts = {"age": age}
        if age < self.min_age:
            return Decision(
                "not_eligible",
                (
                    Message(
                        "under_min_age",
                        f"申请人未满{self.min_age}周岁（现{age}周岁），须由监护人到柜台办理。",
                        f"The applicant is under {self.min_age} (now {age}); "
                        "a guardian must apply at the counter.",
                    ),
                ),
                facts,
            )
        if age >= self.senior_age:
            return Decision(
                "eligible",
                (
                    Message(
                        "senior",
                        f"已满{self.senior_age}周岁，无需其他办理条件即可申领居住证。",
                        f"Aged {self.senior_age} or over: the permit is issued without a further condition.",
                    ),
                ),
                facts,
            )
        if student and "student" in self.direct_application:
            return Decision(
                "eligible",
                (
                    Message(
                        "student",
                        "在深圳全日制学校就读的学生，可直接申领居住证。",
                        "A full-time student of a Shenzhen school may apply directly.",
                    ),
                ),
                facts,
            )
        if condition in self.qualifying_conditions:
            return Decision(
                "eligible",
                (
                    Message(
                        f"condition_{condition}",
                        f"已满{self.min_age}周岁并符合所选办理条件。请确保所选条件真实，否则审核不能通过。",
                        f"Aged {self.min_age} or over and meets the chosen condition. "
                        "The condition must be true, or the review will fail.",
                    ),
                ),
                facts,
            )
        return Decision(
            "not_eligible",
            (
                Message(
                    "no_condition",
                    "未满60周岁且不是在读全日制学生的，须符合至少一项办理条件（就业、房产、人才、创业或其他规定情形）。",
                    "Under 60 and not a full-time student: at least one condition is needed "
                    "(work, property, talent, business, or another set circumstance).",
                ),
            ),
            facts,
        )

    # -- renewal (延期) ----------------------------------------------------------------------

    def renewal_window_opens(self, expires: dt.date) -> dt.date:
        return expires - dt.timedelta(days=self.renewal_window_days)

    def extended_expiry(self, permit: str, expires: dt.date) -> dt.date:
        """The new expiry, counted from the old expiry date."""
        ext = self.extensions[permit]
        return clock.add_months(expires, 12 * ext.get("years", 0) + ext.get("months", 0))

    def renewal(self, permit: str, expires: dt.date, *, today: dt.date | None = None) -> Decision:
        """Renew now, too early, or expired (then apply anew)."""
        if permit not in PERMIT_TYPES:
            raise ValueError(f"unknown permit type {permit!r}")
        today = today or clock.today()
        opens = self.renewal_window_opens(expires)
        facts: dict[str, Any] = {"window_opens": opens, "new_expiry": None}
        if today < opens:
            days = (opens - today).days
            return Decision(
                "too_early",
                (
                    Message(
                        "too_early",
                        f"还未到延期时间。有效期满前{self.renewal_window_days}日内才能申请延期，"
                        f"请于{opens:%Y年%m月%d日}起（还有{days}天）再来办理。",
                        f"Too early to renew. Renewal opens {self.renewal_window_days} days before "
                        f"expiry: please come back from {opens.isoformat()} "
                        f"(in {days} {'day' if days == 1 else 'days'}).",
                    ),
                    self.employer_note,
                ),
                facts,
            )
        if today > expires:
            return Decision(
                "expired",
                (
                    Message(
                        "expired",
                        f"您的居住证已于{expires:%Y年%m月%d日}到期，过期未延期的居住证已自动终止使用，不能再延期，须重新申领。",
                        f"Your permit expired on {expires.isoformat()}. A permit not renewed by its "
                        "expiry stops working and cannot be renewed; you must apply anew.",
                    ),
                    self.expired_where,
                ),
                facts,
            )
        new_expiry = self.extended_expiry(permit, expires)
        facts["new_expiry"] = new_expiry
        ext = self.extensions[permit]
        length_zh = f"{ext['years']}年" if "years" in ext else f"{ext['months']}个月"
        length_en = f"{ext['years']} years" if "years" in ext else f"{ext['months']} months"
        return Decision(
            "renew",
            (
                Message(
                    "renew",
                    f"可以办理延期。每次延期{length_zh}，审核通过后新的有效期至{new_expiry:%Y年%m月%d日}。",
                    f"You can renew now. Each renewal adds {length_en}; once approved the permit "
                    f"is valid until {new_expiry.isoformat()}.",
                ),
            ),
            facts,
        )

    # -- transitional rule and materials ---------------------------------------------------

    def transitional_exchange(
        self, old_valid_until: dt.date, *, today: dt.date | None = None
    ) -> Decision:
        """An old-style permit: was it covered by the 2015 grace period, and is that over?"""
        today = today or clock.today()
        covered = old_valid_until >= self.regulation_effective
        if covered and today <= self.free_exchange_until:
            return Decision(
                "free_exchange",
                (
                    Message(
                        "transitional_free",
                        f"旧证在{self.regulation_effective:%Y年%m月%d日}仍有效，可继续使用{self.grace_months}个月，期间可免费换领新证。",
                        f"An old permit valid on {self.regulation_effective.isoformat()} stays usable for "
                        f"{self.grace_months} months and may be exchanged free of charge.",
                    ),
                ),
            )
        return Decision(
            "grace_over",
            (
                Message(
                    "transitional_over",
                    f"旧证过渡期已于{self.free_exchange_until:%Y年%m月%d日}结束，旧证已不能使用。",
                    f"The old-permit grace period ended on {self.free_exchange_until.isoformat()}; "
                    "old permits are no longer usable.",
                ),
            ),
        )

    def materials_for(self, service: str) -> tuple[str, ...]:
        return self.materials[service]

    def proof_items(self, service: str = "change") -> tuple[str, ...]:
        """The items with a proof listed for ``change`` or ``correction``."""
        table = self.correction_proofs if service == "correction" else self.proofs
        return tuple(table or self.proofs)

    def proof_for(self, item: str, service: str = "change") -> tuple[str, ...]:
        """What proves a changed (or, for ``correction``, corrected) item: codes.toml material
        keys; () for none. An office file without a correction table uses the change one."""
        table = (self.correction_proofs if service == "correction" else None) or self.proofs
        return table.get(item, ("proof_other",))

    def collection_days(self, service: str) -> int | None:
        """Working days from approval to collection of the new permit; None: no new permit to
        collect (renewal is done once approved) or the office has not set it."""
        return None if service == "renewal" else self.collection_working_days.get(service)

    def card_fee(self, service: str) -> int | None:
        """The card fee (工本费) in yuan, or None when the office has not set it (the counter says)."""
        if service == "application":  # 首次申领不收工本费 (the guide)
            return self.first_application_card_fee
        fee = self.card_fees.get(service, "ask")
        return fee if isinstance(fee, int) else None


def office_rulebook() -> RuleBook:
    """The rules in force: the office's ``rules.toml`` in the data folder if present, else shipped."""
    from kiosk import paths

    own = paths.home() / "rules.toml"
    return RuleBook.load(own if own.exists() else None)
