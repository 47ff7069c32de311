"""Sneakernet: carry sealed items to the hub on a removable drive, and the acknowledgements back.

A bundle (``<kiosk>-<stamp>.ksb``) holds only sealed items: ``b"KBUNDLE1\\n"``, 4-byte header
length, header JSON (kiosk id, hub key id, item list with uuids, hashes and lengths), the sealed
blobs, then an HMAC-SHA256 (the kiosk's enrolment secret) over everything before it. A truncated
or altered bundle fails the MAC and is refused whole. The hub answers with
``<bundle>.acks.json``, MAC'd with the same secret, which the kiosk applies idempotently.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.storage.models import OutboxEntry
from kiosk.sync import crypto, outbox, signing
from kiosk.sync.enrolment import Enrolment

MAGIC = b"KBUNDLE1\n"
MAC_BYTES = 32


class BundleError(ValueError):
    """A bundle or acknowledgement file is damaged, truncated, foreign or forged."""


@dataclass(frozen=True)
class BundleItem:
    uuid: str
    kind: str
    content_hash: str
    sealed: bytes


@dataclass(frozen=True)
class Bundle:
    name: str
    kiosk_id: str
    hub_key_id: str
    items: list[BundleItem]


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.part")
    with tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def write_bundle(folder: Path, enrolment: Enrolment, items: list[BundleItem]) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    header = {
        "v": 1,
        "kiosk_id": enrolment.kiosk_id,
        "hub_key_id": enrolment.key_id,
        "created_at": stamp,
        "items": [
            {
                "uuid": i.uuid,
                "kind": i.kind,
                "content_hash": i.content_hash,
                "length": len(i.sealed),
            }
            for i in items
        ],
    }
    head = json.dumps(header, sort_keys=True).encode("utf-8")
    data = MAGIC + struct.pack(">I", len(head)) + head + b"".join(i.sealed for i in items)
    path = folder / f"{enrolment.kiosk_id}-{stamp}.ksb"
    _write_atomically(path, data + signing.mac(enrolment.secret, data))
    return path


def read_bundle(path: Path, secret_for: Callable[[str], bytes | None]) -> Bundle:
    """Parse and authenticate a bundle; ``secret_for(kiosk_id)`` gives the kiosk's secret."""
    blob = path.read_bytes()
    start = len(MAGIC) + 4
    if not blob.startswith(MAGIC) or len(blob) < start + MAC_BYTES:
        raise BundleError(f"{path.name}: not a kiosk bundle, or cut short")
    (size,) = struct.unpack(">I", blob[len(MAGIC) : start])
    try:
        header = json.loads(blob[start : start + size])
        kiosk_id = str(header["kiosk_id"])
    except (ValueError, KeyError, TypeError):
        raise BundleError(f"{path.name}: header is damaged (bundle cut short?)") from None
    secret = secret_for(kiosk_id)
    if secret is None:
        raise BundleError(f"{path.name}: kiosk {kiosk_id} is not enrolled at this hub (wrong hub?)")
    data, tag = blob[:-MAC_BYTES], blob[-MAC_BYTES:]
    if not signing.hmac.compare_digest(signing.mac(secret, data), tag):
        raise BundleError(
            f"{path.name}: signature does not match: the bundle is truncated or altered"
        )
    items: list[BundleItem] = []
    offset = start + size
    for entry in header["items"]:
        sealed = data[offset : offset + int(entry["length"])]
        offset += int(entry["length"])
        items.append(BundleItem(entry["uuid"], entry["kind"], entry["content_hash"], sealed))
    if offset != len(data):
        raise BundleError(f"{path.name}: item lengths do not add up")
    return Bundle(path.name, kiosk_id, str(header["hub_key_id"]), items)


def acks_path(bundle_path: Path) -> Path:
    return bundle_path.with_name(bundle_path.name + ".acks.json")


def write_acks(
    bundle_path: Path, bundle: Bundle, secret: bytes, hub_key_id: str, results: list[dict[str, Any]]
) -> Path:
    """The hub's answer: one entry per item, ``status`` 200/201 held, 409/422 refused with reason."""
    body = {
        "bundle": bundle.name,
        "kiosk_id": bundle.kiosk_id,
        "hub_key_id": hub_key_id,
        "results": results,
    }
    text = json.dumps(body, sort_keys=True, ensure_ascii=False)
    doc = {"body": body, "mac": crypto.b64(signing.mac(secret, text.encode("utf-8")))}
    path = acks_path(bundle_path)
    _write_atomically(path, json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8"))
    return path


def read_acks(path: Path, secret: bytes, kiosk_id: str) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        body = doc["body"]
        tag = crypto.unb64(doc["mac"])
    except (ValueError, KeyError, TypeError):
        raise BundleError(f"{path.name}: acknowledgement file is damaged or cut short") from None
    text = json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8")
    if not signing.hmac.compare_digest(signing.mac(secret, text), tag):
        raise BundleError(f"{path.name}: not signed by this kiosk's hub")
    if body.get("kiosk_id") != kiosk_id:
        raise BundleError(
            f"{path.name}: acknowledgements for kiosk {body.get('kiosk_id')}, not this one"
        )
    return dict(body)


def export(
    factory: sessionmaker[Session], enrolment: Enrolment, folder: Path
) -> tuple[Path | None, int]:
    """Write every unacknowledged sealed item (not demo, not quarantined) as one bundle."""
    folder.mkdir(parents=True, exist_ok=True)
    with factory() as session:
        rows = session.execute(
            select(OutboxEntry)
            .where(OutboxEntry.demo.is_(False), OutboxEntry.state.in_(("pending", "sending")))
            .order_by(OutboxEntry.id)
        ).scalars()
        items = [BundleItem(r.uuid, r.kind, r.content_hash, r.sealed) for r in rows]
    if not items:
        return None, 0
    return write_bundle(folder, enrolment, items), len(items)


def import_acks(
    factory: sessionmaker[Session], enrolment: Enrolment, folder: Path
) -> dict[str, Any]:
    """Apply every acknowledgement file in ``folder``; applying one twice changes nothing."""
    summary: dict[str, Any] = {
        "files": 0,
        "acknowledged": 0,
        "already": 0,
        "quarantined": 0,
        "errors": [],
    }
    for path in sorted(folder.glob("*.ksb.acks.json")):
        try:
            body = read_acks(path, enrolment.secret, enrolment.kiosk_id)
        except BundleError as exc:
            summary["errors"].append(str(exc))
            continue
        summary["files"] += 1
        with factory.begin() as session:
            for result in body["results"]:
                status = int(result["status"])
                if status in (200, 201):
                    if outbox.acknowledge(session, result["uuid"], result["content_hash"]):
                        summary["acknowledged"] += 1
                    else:
                        summary["already"] += 1
                elif status in (409, 422):
                    entry = session.execute(
                        select(OutboxEntry).where(OutboxEntry.uuid == result["uuid"])
                    ).scalar_one_or_none()
                    if entry is not None and entry.state != "acknowledged":
                        outbox.quarantine(
                            session, entry.id, f"hub refused (bundle): {result.get('reason')}"
                        )
                        summary["quarantined"] += 1
    return summary
