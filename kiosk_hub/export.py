"""Decrypt held applications for the back office: one JSON object a line.

``{"uuid", "kiosk_id", "application": {... as kiosk documents sample-application ...},
"photo_sha256", "photo_bytes"}``; the photo and signature go back inside the application as
base64, exactly as the kiosk's ``Application.as_json()`` has them.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

from sqlalchemy import select

from kiosk.sync import crypto
from kiosk_hub.models import Item
from kiosk_hub.store import Hub


def open_item(hub: Hub, item: Item) -> dict[str, Any]:
    """The decrypted document of one item; attachments checked against the sealed manifest."""
    parts = crypto.unseal(item.sealed, hub.private_pem)
    document: dict[str, Any] = json.loads(parts["payload"])
    for name, digest in document.get("attachments", {}).items():
        if crypto.sha256(parts.get(name, b"")) != digest:
            raise crypto.SealError(f"item {item.uuid}: attachment {name!r} does not match its hash")
    document["_parts"] = {k: v for k, v in parts.items() if k != "payload"}
    return document


def application_line(hub: Hub, item: Item) -> dict[str, Any]:
    document = open_item(hub, item)
    application = dict(document["data"])
    photo = document["_parts"].get("photo")
    signature = document["_parts"].get("signature")
    application["photo_jpeg_b64"] = base64.b64encode(photo).decode("ascii") if photo else None
    application["signature_png_b64"] = (
        base64.b64encode(signature).decode("ascii") if signature else None
    )
    return {
        "uuid": item.uuid,
        "kiosk_id": item.kiosk_id,
        "application": application,
        "photo_sha256": crypto.sha256(photo) if photo else None,
        "photo_bytes": len(photo) if photo else 0,
    }


def export_applications(hub: Hub, out: Path) -> int:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.part")
    count = 0
    with hub.factory() as session, tmp.open("w", encoding="utf-8") as fh:
        rows = session.execute(
            select(Item).where(Item.kind == "application").order_by(Item.received_at, Item.uuid)
        ).scalars()
        for item in rows:
            fh.write(json.dumps(application_line(hub, item), ensure_ascii=False) + "\n")
            count += 1
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(out)
    return count
