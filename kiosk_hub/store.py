"""The hub's home folder, keys and database, and ingest: the one place an item is accepted
(network uploads and sneakernet bundles alike).

Dedupe is by the kiosk-made uuid, held by the primary key: the same uuid with the same content
hash answers the original acknowledgement; a different hash is a 409. The insert comes first, so
two racing uploads of one item cannot both get in: the loser's insert fails on the key and it
answers the replay.

What the hub refuses for good (422, ``"permanent": true``): a damaged envelope, an item sealed to
another key or to the demo key, made-up content (unless the hub runs with ``--accept-demo``), an
application whose sealed kiosk id is not the kiosk that sent it. Each refusal is counted and
logged with the uuid and kiosk id only.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    String,
    Table,
    bindparam,
    create_engine,
    delete,
    event,
    exists,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from kiosk_hub import schema
from kiosk_hub.models import SCHEMA_VERSION, Counter, Item, Kiosk, Meta, Nonce, utcnow
from kiosk_protocol import sealing, signing
from kiosk_protocol.files import data_folder

HOME_ENV = "KIOSK_HUB_HOME"
APP_NAME = "sz-residence-kiosk-hub"
SEEN_EVERY = 30.0  # seconds between writes of a kiosk's last_seen (the fleet view's precision)
MAX_ITEM_BYTES = 16 * 1024 * 1024  # a form, a ~30 KB photo and a signature: far below this
_UUID = re.compile(r"[0-9A-Za-z][0-9A-Za-z-]{0,35}")
_log = logging.getLogger("kiosk_hub")
NONCES: Table = Nonce.__table__  # type: ignore[assignment]
ITEMS: Table = Item.__table__  # type: ignore[assignment]
KIOSKS: Table = Kiosk.__table__  # type: ignore[assignment]

# Statements on every request, built once: building a statement and its cache key costs more
# CPU than PostgreSQL spends running it. Values come as parameters.
# The nonce, taken only for an enrolled kiosk that is not revoked; RETURNING because the rowcount
# of INSERT ... SELECT is not reliable (psycopg).
TAKE_NONCE = (
    insert(NONCES)
    .from_select(
        ["kiosk_id", "nonce"],
        select(bindparam("kiosk_id", type_=String), bindparam("nonce", type_=String)).where(
            exists().where(
                KIOSKS.c.kiosk_id == bindparam("kiosk_id", type_=String),
                KIOSKS.c.secret.is_not(None),
                KIOSKS.c.revoked_at.is_(None),
            )
        ),
    )
    .returning(NONCES.c.id)
)
HOLD_ITEM = insert(ITEMS)


def home() -> Path:
    """``KIOSK_HUB_HOME`` when set, else the platform's user data folder for the hub."""
    return data_folder(HOME_ENV, APP_NAME)


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


# Connections each hub process keeps open to PostgreSQL, and threads it runs database work in
# (kiosk-hub serve --db-connections). Requests beyond it wait their turn, which is cheap: opening
# and closing overflow connections (a backend start each) was most of the hub's CPU under a
# fleet's load, and forty threads contending for one GIL tripled its slowest answers. On
# loopback PostgreSQL a transaction waits little, so a few per process keep the cores busy;
# docs/sync-and-hub.md says how to size it (bench/hub_fleet.py measured 2, 4, 12 and 40).
DB_CONNECTIONS = 4


def make_engine(url: str | None, connections: int = DB_CONNECTIONS) -> Engine:
    # no pre-ping (a round trip per request): a connection that died with a PostgreSQL restart
    # fails one request (500, the kiosk retries it) and the pool drops it
    normalised = normalise_url(url)
    if normalised.startswith("sqlite"):
        engine = create_engine(normalised)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # the overflow is for a session opened inside another (never on the request path): it must
    # not wait for a connection its own thread holds
    return create_engine(
        normalised, pool_size=connections, max_overflow=connections, pool_timeout=30
    )


@dataclass
class Hub:
    factory: sessionmaker[Session]
    private_pem: bytes
    public_pem: bytes
    accept_demo: bool = False  # kiosk-hub serve --accept-demo: hold made-up items, flagged
    max_item_bytes: int = MAX_ITEM_BYTES
    # kiosk id -> signing secret, read once per process; a changed secret (re-enrolment) is
    # read again when a signature fails; revocation is checked in every request's transaction
    secrets: dict[str, bytes] = field(default_factory=dict)
    connections: int = DB_CONNECTIONS  # threads for database work (the pool's size)
    # kiosk id -> (monotonic time, version) this process last wrote its last_seen: written at most
    # every SEEN_EVERY seconds, so an idle kiosk's hello is one INSERT
    seen_written: dict[str, tuple[float, str | None]] = field(default_factory=dict)

    def seen_due(self, kiosk_id: str, version: str | None) -> bool:
        now = time.monotonic()
        last = self.seen_written.get(kiosk_id)
        if last is not None and now - last[0] < SEEN_EVERY and last[1] == version:
            return False
        self.seen_written[kiosk_id] = (now, version)
        return True

    @property
    def key_id(self) -> str:
        return sealing.DEFAULT_SUITE.key_id(self.public_pem)

    @property
    def engine(self) -> Engine:
        return self.factory.kw["bind"]

    def close(self) -> None:
        self.engine.dispose()


def open_hub(url: str | None, connections: int = DB_CONNECTIONS) -> Hub:
    """Open the hub's database and key pair (both made on first use). A database at another
    schema revision raises :class:`kiosk_hub.schema.SchemaMismatchError` (kiosk_hub/schema.py)."""
    engine = make_engine(url, connections)
    try:
        schema.ensure_current(engine)  # an empty database gets the newest schema; see schema.py
    except schema.SchemaMismatchError:
        engine.dispose()
        raise
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory.begin() as session:
        if session.get(Meta, "schema") is None:
            session.merge(Meta(key="schema", value=SCHEMA_VERSION))
    private_path, public_path = sealing.write_keypair(home() / "keys")
    return Hub(
        factory, private_path.read_bytes(), public_path.read_bytes(), connections=connections
    )


def bump(session: Session, name: str) -> None:
    result: Any = session.execute(
        update(Counter).where(Counter.name == name).values(value=Counter.value + 1)
    )
    if result.rowcount == 0:
        session.add(Counter(name=name, value=1))


def bump_now(hub: Hub, name: str) -> None:
    """Count in a transaction of its own (a write first: no read-then-write lock upgrade)."""
    for _ in range(3):
        try:
            with hub.factory.begin() as session:
                bump(session, name)
            return
        except IntegrityError:
            continue  # two first-ever bumps raced on the counter's row: the update wins now


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


def refusal(error: str, reason: str, *, permanent: bool) -> dict[str, Any]:
    """An error answer; ``permanent`` tells the kiosk whether sending again could ever help."""
    return {"error": error, "reason": reason, "permanent": permanent}


def _refuse(reason: str, error: str = "refused") -> Outcome:
    return Outcome(422, refusal(error, reason, permanent=True))


@dataclass(frozen=True)
class Checked:
    contents: sealing.Contents

    @property
    def kind(self) -> str:
        return self.contents.envelope.kind


def check_item(
    hub: Hub, kiosk_id: str, item_uuid: str, content_hash: str, blob: bytes
) -> Outcome | Checked:
    """Everything that can be checked before touching the database."""
    if not _UUID.fullmatch(item_uuid):
        return _refuse("item id is not a uuid")
    if sealing.sha256(blob) != content_hash:
        return Outcome(
            400,
            refusal("incomplete", "body does not match its content hash", permanent=False),
        )
    try:
        env = sealing.open_envelope(blob)
    except sealing.SealError as exc:
        return _refuse(str(exc), "damaged")
    if env.uuid != item_uuid:
        return _refuse("item uuid does not match the sealed header")
    if env.demo:
        return _refuse("demo item (sealed to the demo key): a hub never accepts these", "demo")
    if env.key_id != hub.key_id:
        return _refuse(f"sealed to key {env.key_id}, not this hub's key {hub.key_id}")
    try:
        contents = sealing.open_contents(blob, hub.private_pem)
    except sealing.SealError as exc:
        return _refuse(str(exc), "damaged")
    claimed = contents.document["data"].get("kiosk_id")
    if (env.kind == "application" or claimed is not None) and claimed != kiosk_id:
        return _refuse(
            f"the sealed content names kiosk {str(claimed)[:16]!r}, not the sending kiosk",
            "kiosk_mismatch",
        )
    if contents.demo and not hub.accept_demo:
        return _refuse(
            "made-up (demo) content: this hub holds it only when started with --accept-demo",
            "demo",
        )
    return Checked(contents)


def _existing(hub: Hub, item_uuid: str, content_hash: str) -> Outcome | None:
    with hub.factory() as session:
        found = session.get(Item, item_uuid)
        held = None if found is None else (found.content_hash, acknowledgement(found))
    if held is None:
        return None
    if held[0] == content_hash:
        bump_now(hub, "duplicates_refused")
        return Outcome(200, held[1])
    bump_now(hub, "conflicts")
    return Outcome(
        409,
        refusal(
            "conflict",
            "an item with this uuid and other content is already held",
            permanent=True,
        ),
    )


class Refusal(Exception):
    """A signed request refused inside its transaction (replayed nonce, revoked kiosk)."""

    def __init__(self, status: int, error: str, reason: str):
        super().__init__(reason)
        self.status, self.error, self.reason = status, error, reason


@dataclass(frozen=True)
class Claim:
    """One signed request's nonce and what the hub records about its kiosk."""

    kiosk_id: str
    nonce: str
    seen: dict[str, Any] | None  # last_seen, last_skew_seconds, version; None: not due yet

    def record(self, connection: Connection) -> None:
        """First in the request's transaction: one INSERT takes the nonce, and only for an
        enrolled kiosk that is not revoked. The unique nonce decides, so of twenty concurrent
        copies of one request exactly one gets through. A statement built once, on the
        connection (no ORM): this runs for every request the hub answers."""
        kiosks = KIOSKS.c
        try:
            taken = connection.execute(
                TAKE_NONCE, {"kiosk_id": self.kiosk_id, "nonce": self.nonce}
            ).first()
        except IntegrityError:
            raise Refusal(401, "replayed", "this request was already received") from None
        if taken is None:
            revoked = connection.execute(
                select(kiosks.revoked_at).where(kiosks.kiosk_id == self.kiosk_id)
            ).first()
            if revoked is not None and revoked[0] is not None:
                raise Refusal(403, "revoked", "this kiosk has been revoked")
            raise Refusal(401, "unknown_kiosk", "this kiosk is not enrolled here")
        if self.seen is not None:
            connection.execute(
                update(KIOSKS).where(kiosks.kiosk_id == self.kiosk_id).values(**self.seen)
            )


def in_claim(hub: Hub, claim: Claim, work: Callable[[Session], Any] | None = None) -> Any:
    """Run ``work`` in the transaction that records the request's nonce (``Refusal`` if not).
    With no work (a hello) the claim is its own statement, committed as it runs: no BEGIN and
    COMMIT round trips for the call every idle kiosk makes every few seconds."""
    if work is None:
        with hub.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            claim.record(connection)
        result = None
    else:
        with hub.factory.begin() as session:
            claim.record(session.connection())
            result = work(session)
    _purge_now_and_then(hub)
    return result


def _purge_now_and_then(hub: Hub) -> None:
    """One request in a hundred keeps the nonce table to the freshness window."""
    if random.random() < 0.01:
        cutoff = utcnow() - dt.timedelta(seconds=4 * signing.MAX_SKEW_SECONDS)
        with hub.engine.begin() as connection:
            connection.execute(delete(NONCES).where(NONCES.c.at < cutoff))


def kiosk_secret(hub: Hub, kiosk_id: str, *, fresh: bool = False) -> bytes | None:
    """The kiosk's signing secret (None: not enrolled here), from this process's cache."""
    if not fresh and kiosk_id in hub.secrets:
        return hub.secrets[kiosk_id]
    with hub.factory() as session:
        secret = session.execute(
            select(Kiosk.secret).where(Kiosk.kiosk_id == kiosk_id)
        ).scalar_one_or_none()
    if secret is None:
        hub.secrets.pop(kiosk_id, None)
        return None
    hub.secrets[kiosk_id] = bytes(secret)
    return hub.secrets[kiosk_id]


def ingest(
    hub: Hub,
    kiosk_id: str,
    item_uuid: str,
    content_hash: str,
    blob: bytes,
    *,
    via: str,
    claim: Claim | None = None,
) -> Outcome:
    """Accept one sealed item (idempotent); refusals are counted and logged. ``claim``: the
    signed request's nonce, recorded in the same transaction as the item (raises ``Refusal``)."""
    checked = check_item(hub, kiosk_id, item_uuid, content_hash, blob)
    if isinstance(checked, Outcome):
        if claim is not None:
            in_claim(hub, claim)
        if checked.status == 422:
            bump_now(hub, "refused")
            _log.warning(
                "refused item %s from kiosk %s (%s): %s",
                item_uuid[:36],
                kiosk_id,
                checked.body["error"],
                checked.body["reason"],
            )
        return checked
    received = utcnow().replace(microsecond=0)
    row = {
        "uuid": item_uuid,
        "kiosk_id": kiosk_id,
        "kind": checked.kind,
        "content_hash": content_hash,
        "sealed": blob,
        "parts": checked.contents.envelope.part_hashes(),
        "via": via,
        "demo": checked.contents.demo,
        "received_at": received,
    }

    from kiosk_hub.console import records

    try:
        # one transaction on a Core connection (no ORM session: the hub's hottest path): the
        # nonce, the item, whose primary key decides who holds the uuid, and the console's case
        # or help call (kiosk_hub/console)
        with hub.engine.begin() as connection:
            if claim is not None:
                claim.record(connection)
            connection.execute(HOLD_ITEM, row)
            records.on_ingest(connection, item_uuid, checked.kind, kiosk_id, checked.contents.data)
        _purge_now_and_then(hub)
        return Outcome(201, acknowledgement(Item(**row)))
    except IntegrityError:
        pass  # this uuid is held already (a resend, or a racing copy): answer as a replay
    if claim is not None:
        in_claim(hub, claim)  # the rolled-back transaction took the nonce with it
    for _ in range(3):  # the racing insert has committed: our insert waited for it
        replay = _existing(hub, item_uuid, content_hash)
        if replay is not None:
            return replay
    return Outcome(
        409,
        refusal("conflict", "could not settle a concurrent upload", permanent=False),
    )


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
