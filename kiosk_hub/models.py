"""The hub's tables. Their schema is under Alembic (kiosk_hub/migrations, kiosk_hub.schema); a
change here needs a migration, and tests/upgrade/test_hub_migrations.py fails until it has one."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SCHEMA_VERSION = "1"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON}


class Kiosk(Base):
    __tablename__ = "kiosks"

    kiosk_id: Mapped[str] = mapped_column(String(8), primary_key=True)
    secret: Mapped[bytes | None] = mapped_column(LargeBinary)  # None until a code is redeemed
    enrolled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_skew_seconds: Mapped[float | None] = mapped_column()
    version: Mapped[str | None] = mapped_column(String(32))  # the kiosk's release, as it said


class EnrolmentCode(Base):
    __tablename__ = "enrolment_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Item(Base):
    """One sealed item as the kiosk made it; ``uuid`` is the dedupe key (unique constraint)."""

    __tablename__ = "items"

    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(String(8), index=True)
    kind: Mapped[str] = mapped_column(String(24), index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    parts: Mapped[dict[str, Any]] = mapped_column(JSON)
    via: Mapped[str] = mapped_column(String(8))  # network | bundle
    # made-up content (marked inside the sealed item), held only by a hub run with --accept-demo
    demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Nonce(Base):
    """Request nonces seen inside the freshness window: a replayed request is refused."""

    __tablename__ = "nonces"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    kiosk_id: Mapped[str] = mapped_column(String(8))
    nonce: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)

    __table_args__ = (UniqueConstraint("kiosk_id", "nonce", name="uq_nonce"),)


class Counter(Base):
    """Running totals (duplicates refused, conflicts) kept by the hub."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Meta(Base):
    __tablename__ = "hub_meta"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


# -- the counter console (kiosk_hub/console): staff, help calls, applications, the hall queue --


class StaffAccount(Base):
    """A hub staff account (``kiosk-hub staff add``): scrypt hash, failed tries, lockout."""

    __tablename__ = "staff_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))  # counter | supervisor | admin
    point: Mapped[str] = mapped_column(String(8))  # the acceptance point they work at
    password_hash: Mapped[str] = mapped_column(String(255))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ConsoleSession(Base):
    """A signed-in browser; the cookie holds a random token, the table only its hash."""

    __tablename__ = "console_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(Integer, index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class HubHelpCall(Base):
    """An applicant's help call as the kiosk sent it (kiosk, point, screen, time: nothing else)."""

    __tablename__ = "help_calls"

    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(String(8), index=True)
    point: Mapped[str] = mapped_column(String(8), index=True)
    screen: Mapped[str] = mapped_column(String(64))
    raised_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(String(16), default="open")  # open|acknowledged|cancelled
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str | None] = mapped_column(String(64))


class Case(Base):
    """What the console lists of one held application (no personal data: that stays sealed in
    ``items`` and is opened for the detail page only) and the decision taken on it."""

    __tablename__ = "cases"

    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(String(8))
    point: Mapped[str] = mapped_column(String(8), index=True)
    application_number: Mapped[str] = mapped_column(String(40))
    queue_number: Mapped[str] = mapped_column(String(32))
    queue_day: Mapped[dt.date] = mapped_column(Date, index=True)
    service: Mapped[str] = mapped_column(String(16))
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(24))
    progress_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    decision: Mapped[str | None] = mapped_column(String(24))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_via: Mapped[str | None] = mapped_column(String(8))  # console | kiosk
    conflict: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    # every kiosk's inbox call asks for its cases changed since its cursor (h0005)
    __table_args__ = (Index("ix_cases_kiosk_updated", "kiosk_id", "updated_at"),)


class QueueCall(Base):
    """叫号: one call of a queue number to a counter window (the hall display shows the last)."""

    __tablename__ = "queue_calls"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    point: Mapped[str] = mapped_column(String(8), index=True)
    window: Mapped[int] = mapped_column(Integer)
    queue_number: Mapped[str] = mapped_column(String(32))
    case_uuid: Mapped[str] = mapped_column(String(36))
    called_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    called_by: Mapped[str] = mapped_column(String(64))


class ConsoleAudit(Base):
    """Who did what in the console (ids and numbers only, never a name or ID number)."""

    __tablename__ = "console_audit"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(Text)


class KioskReport(Base):
    """What a kiosk last said about itself (outbox depth, devices, audit head) on its inbox call."""

    __tablename__ = "kiosk_reports"

    kiosk_id: Mapped[str] = mapped_column(String(8), primary_key=True)
    reported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    report: Mapped[dict[str, Any]] = mapped_column(JSON)
    audit_head_received: Mapped[str | None] = mapped_column(String(64))  # from sealed items


class RateWindow(Base):
    """Look-ups per client address per minute (the progress page), shared by all workers."""

    __tablename__ = "rate_windows"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    minute: Mapped[int] = mapped_column(BigInteger)
    hits: Mapped[int] = mapped_column(Integer)
