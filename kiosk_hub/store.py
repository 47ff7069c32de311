"""The hub's home folder, keys and database, and ingest: the one place an item is accepted
(network uploads and sneakernet bundles alike).

Dedupe is by the kiosk-made uuid, held by the primary key: the same uuid with the same content
hash answers the original acknowledgement; a different hash is a 409. Two racing uploads of one
item cannot both insert: the loser's insert fails on the key and it answers the replay.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from kiosk.sync import crypto
from kiosk_hub.models import SCHEMA_VERSION, Base, Counter, Item, Kiosk, Meta, utcnow


def home() -> Path:
    env = os.environ.get("KIOSK_HUB_HOME")
    base = (
        Path(env).expanduser()
        if env
        else Path(platformdirs.user_data_dir("sz-residence-kiosk-hub", appauthor=False))
    )
    base.mkdir(parents=True, exist_ok=True)
    return base


def normalise_url(url: str | None) -> str:
    """A SQLAlchemy URL: a bare path means a SQLite file; ``postgresql://`` uses psycopg 3."""
    if not url:
        return f"sqlite:///{home() / 'hub.sqlite3'}"
    if "://" not in url:
        return f"sqlite:///{Path(url).resolve()}"
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str | None) -> Engine:
    engine = create_engine(normalise_url(url), pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


@dataclass
class Hub:
    factory: sessionmaker[Session]
    private_pem: bytes
    public_pem: bytes

    @property
    def key_id(self) -> str:
        return crypto.DEFAULT_SUITE.key_id(self.public_pem)

    def close(self) -> None:
        self.factory.kw["bind"].dispose()


def open_hub(url: str | None) -> Hub:
    """Open (creating tables and keys on first use) the hub's database and key pair."""
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory.begin() as session:
        if session.get(Meta, "schema") is None:
            session.merge(Meta(key="schema", value=SCHEMA_VERSION))
    private_path, public_path = crypto.write_keypair(home() / "keys")
    return Hub(factory, private_path.read_bytes(), public_path.read_bytes())


def bump(session: Session, name: str) -> None:
    result: Any = session.execute(
        update(Counter).where(Counter.name == name).values(value=Counter.value + 1)
    )
    if result.rowcount == 0:
        session.add(Counter(name=name, value=1))


def counter(session: Session, name: str) -> int:
    row = session.get(Counter, name)
    return row.value if row else 0


@dataclass(frozen=True)
class Outcome:
    status: int  # 201 new, 200 replay, 400 body damaged in transit, 409 conflict, 422 refused
    body: dict[str, Any]


def acknowledgement(item: Item) -> dict[str, Any]:
    """What the hub holds for an item, parts included; the same bytes on every replay."""
    received = (
        item.received_at if item.received_at.tzinfo else item.received_at.replace(tzinfo=dt.UTC)
    )
    return {
        "uuid": item.uuid,
        "kind": item.kind,
        "kiosk_id": item.kiosk_id,
        "content_hash": item.content_hash,
        "parts": item.parts,
        "received_at": received.astimezone(dt.UTC).isoformat(),
        "complete": True,
    }


def _refuse(reason: str) -> Outcome:
    return Outcome(422, {"error": "refused", "reason": reason})


def check_item(
    hub: Hub, item_uuid: str, content_hash: str, blob: bytes
) -> Outcome | crypto.Envelope:
    """Everything that can be checked before touching the database."""
    if crypto.sha256(blob) != content_hash:
        return Outcome(
            400, {"error": "incomplete", "reason": "body does not match its content hash"}
        )
    try:
        env = crypto.open_envelope(blob)
    except crypto.SealError as exc:
        return _refuse(str(exc))
    if env.uuid != item_uuid:
        return _refuse("item uuid does not match the sealed header")
    if env.demo:
        return _refuse("demo item (sealed to the demo key): a hub never accepts these")
    if env.key_id != hub.key_id:
        return _refuse(f"sealed to key {env.key_id}, not this hub's key {hub.key_id}")
    try:
        crypto.unseal(blob, hub.private_pem)
    except crypto.SealError as exc:
        return _refuse(str(exc))
    return env


def _existing(session: Session, item_uuid: str, content_hash: str) -> Outcome | None:
    found = session.get(Item, item_uuid)
    if found is None:
        return None
    if found.content_hash == content_hash:
        bump(session, "duplicates_refused")
        return Outcome(200, acknowledgement(found))
    bump(session, "conflicts")
    return Outcome(
        409,
        {"error": "conflict", "reason": "an item with this uuid and other content is already held"},
    )


def ingest(
    hub: Hub,
    kiosk_id: str,
    item_uuid: str,
    content_hash: str,
    blob: bytes,
    *,
    via: str,
    before_commit: Any = None,
) -> Outcome:
    """Accept one sealed item (idempotent). ``before_commit(session)`` runs inside the insert's
    transaction (the nonce record goes there)."""
    checked = check_item(hub, item_uuid, content_hash, blob)
    if isinstance(checked, Outcome):
        return checked
    for _ in range(3):
        try:
            with hub.factory.begin() as session:
                if before_commit is not None:
                    before_commit(session)
                replay = _existing(session, item_uuid, content_hash)
                if replay is not None:
                    return replay
                item = Item(
                    uuid=item_uuid,
                    kiosk_id=kiosk_id,
                    kind=checked.kind,
                    content_hash=content_hash,
                    sealed=blob,
                    parts=checked.part_hashes(),
                    via=via,
                    received_at=utcnow().replace(microsecond=0),
                )
                session.add(item)
                session.flush()
                ack = acknowledgement(item)
            return Outcome(201, ack)
        except IntegrityError:
            continue  # lost a race with the same uuid (or nonce): look again in a fresh transaction
    return Outcome(409, {"error": "conflict", "reason": "could not settle a concurrent upload"})


def held(session: Session, kiosk_id: str) -> dict[str, str]:
    rows = session.execute(select(Item.uuid, Item.content_hash).where(Item.kiosk_id == kiosk_id))
    return {u: h for u, h in rows}


def active_kiosk(session: Session, kiosk_id: str) -> Kiosk | None:
    kiosk = session.get(Kiosk, kiosk_id)
    return (
        kiosk
        if kiosk is not None and kiosk.secret is not None and kiosk.revoked_at is None
        else None
    )
