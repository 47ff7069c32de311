"""The sneakernet files: a bundle of sealed items carried to the hub, acknowledgements carried back.

A bundle (``<kiosk>-<stamp>.ksb``): ``b"KBUNDLE1\\n"``, 4-byte header length, header JSON (format
version ``v``, kiosk id, hub key id, item list with uuids, hashes and lengths), the sealed blobs,
then an HMAC-SHA256 (the kiosk's enrolment secret) over everything before it. A truncated or
altered bundle fails the MAC and is refused whole. The hub answers with ``<bundle>.acks.json``
(``{"body": {..., "v"}, "mac"}``), MAC'd with the same secret.

Versions: bundles and acknowledgement files are at version 1, which release 0.1.0 also wrote
(its acknowledgement files have no ``v``: read as 1). A newer version is refused by name.
"""

from __future__ import annotations

import datetime as dt
import json
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk_protocol import signing
from kiosk_protocol.files import write_private
from kiosk_protocol.sealing import SealError, b64, check_version, unb64

MAGIC = b"KBUNDLE1\n"
MAC_BYTES = 32
BUNDLE_VERSION = 1
ACKS_VERSION = 1
MAX_HEADER_BYTES = 16 * 1024 * 1024


class BundleError(ValueError):
    """A bundle or acknowledgement file is damaged, truncated, foreign, forged or too new."""


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
    version: int = BUNDLE_VERSION


def write_bundle(
    folder: Path, kiosk_id: str, hub_key_id: str, secret: bytes, items: list[BundleItem]
) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    header = {
        "v": BUNDLE_VERSION,
        "kiosk_id": kiosk_id,
        "hub_key_id": hub_key_id,
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
    path = folder / f"{kiosk_id}-{stamp}.ksb"
    write_private(path, data + signing.mac(secret, data))
    return path


def _version(value: Any, readable: tuple[int, ...], what: str, name: str) -> int:
    try:
        return check_version(value, readable, what)
    except SealError as exc:
        raise BundleError(f"{name}: {exc}") from None


def read_bundle(path: Path, secret_for: Callable[[str], bytes | None]) -> Bundle:
    """Parse and authenticate a bundle; ``secret_for(kiosk_id)`` gives the kiosk's secret."""
    blob = path.read_bytes()
    start = len(MAGIC) + 4
    if not blob.startswith(MAGIC) or len(blob) < start + MAC_BYTES:
        raise BundleError(f"{path.name}: not a kiosk bundle, or cut short")
    (size,) = struct.unpack(">I", blob[len(MAGIC) : start])
    try:
        if size > MAX_HEADER_BYTES or start + size > len(blob) - MAC_BYTES:
            raise ValueError
        header = json.loads(blob[start : start + size])
        kiosk_id = header["kiosk_id"]
        if not isinstance(kiosk_id, str):
            raise TypeError
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise BundleError(f"{path.name}: header is damaged (bundle cut short?)") from None
    version = _version(header.get("v"), (BUNDLE_VERSION,), "bundle", path.name)
    secret = secret_for(kiosk_id)
    if secret is None:
        raise BundleError(f"{path.name}: kiosk {kiosk_id} is not enrolled at this hub (wrong hub?)")
    data, tag = blob[:-MAC_BYTES], blob[-MAC_BYTES:]
    if not signing.mac_matches(secret, data, tag):
        raise BundleError(
            f"{path.name}: signature does not match: the bundle is truncated or altered"
        )
    # authenticated from here on; still checked, so a kiosk's own bug is a message, not a crash
    items: list[BundleItem] = []
    offset = start + size
    entries = header.get("items")
    if not isinstance(entries, list) or not isinstance(header.get("hub_key_id"), str):
        raise BundleError(f"{path.name}: header is damaged")
    for entry in entries:
        fields: list[Any] = [entry.get(k) if isinstance(entry, dict) else None for k in _ITEM_KEYS]
        item_uuid, kind, content_hash, length = fields
        if not all(isinstance(f, str) for f in fields[:3]) or not _length_ok(length):
            raise BundleError(f"{path.name}: an item entry is damaged")
        items.append(BundleItem(item_uuid, kind, content_hash, data[offset : offset + length]))
        offset += length
    if offset != len(data):
        raise BundleError(f"{path.name}: item lengths do not add up")
    return Bundle(path.name, kiosk_id, str(header["hub_key_id"]), items, version)


_ITEM_KEYS = ("uuid", "kind", "content_hash", "length")


def _length_ok(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def acks_path(bundle_path: Path) -> Path:
    return bundle_path.with_name(bundle_path.name + ".acks.json")


def write_acks(
    bundle_path: Path, bundle: Bundle, secret: bytes, hub_key_id: str, results: list[dict[str, Any]]
) -> Path:
    """The hub's answer: one entry per item, ``status`` 200/201 held, 409/422 refused with reason."""
    body = {
        "v": ACKS_VERSION,
        "bundle": bundle.name,
        "kiosk_id": bundle.kiosk_id,
        "hub_key_id": hub_key_id,
        "results": results,
    }
    text = json.dumps(body, sort_keys=True, ensure_ascii=False)
    doc = {"body": body, "mac": b64(signing.mac(secret, text.encode("utf-8")))}
    path = acks_path(bundle_path)
    write_private(path, json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8"))
    return path


def read_acks(path: Path, secret: bytes, kiosk_id: str) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        body = doc["body"]
        tag = unb64(doc["mac"])
        if not isinstance(body, dict):
            raise TypeError
    except (ValueError, KeyError, TypeError):  # SealError (bad base64) is a ValueError
        raise BundleError(f"{path.name}: acknowledgement file is damaged or cut short") from None
    text = json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8")
    if not signing.mac_matches(secret, text, tag):
        raise BundleError(f"{path.name}: not signed by this kiosk's hub")
    _version(body.get("v"), (ACKS_VERSION,), "acknowledgement file", path.name)
    if body.get("kiosk_id") != kiosk_id:
        raise BundleError(
            f"{path.name}: acknowledgements for kiosk {body.get('kiosk_id')}, not this one"
        )
    results = body.get("results")
    if not isinstance(results, list) or not all(
        isinstance(r, dict)
        and isinstance(r.get("uuid"), str)
        and isinstance(r.get("content_hash"), str)
        and isinstance(r.get("status"), int)
        for r in results
    ):
        raise BundleError(f"{path.name}: acknowledgement entries are damaged")
    return dict(body)
