"""Decrypt held applications for the back office: one JSON object a line.

``{"uuid", "kiosk_id", "demo", "application": {... as kiosk documents sample-application ...},
"photo_sha256", "photo_bytes", "status", "progress_token"}``; ``status`` is the hub's (the
console's decision, else ``submitted``), ``progress_token`` the slip's ``/p/<token>`` (or null); the photo and signature go back inside the application as
base64, exactly as the kiosk's ``Application.as_json()`` has them. ``demo`` is true for made-up
content a hub run with ``--accept-demo`` held.

One item that cannot be opened (damaged in the database, sealed to a key since replaced) is
skipped and reported, never the end of the export. The file is written 0600 under a hidden name
and renamed when complete, so a reader never sees half an export.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from kiosk_hub.models import Case, Item
from kiosk_hub.store import Hub
from kiosk_protocol import sealing
from kiosk_protocol.files import sync_folder


def open_item(hub: Hub, item: Item) -> sealing.Contents:
    """The decrypted, checked content of one held item (raises ``SealError``)."""
    return sealing.open_contents(item.sealed, hub.private_pem)


def application_line(hub: Hub, item: Item, case: Case | None = None) -> dict[str, Any]:
    contents = open_item(hub, item)
    application = contents.data
    photo = contents.attachments.get("photo")
    signature = contents.attachments.get("signature")
    application["photo_jpeg_b64"] = base64.b64encode(photo).decode("ascii") if photo else None
    application["signature_png_b64"] = (
        base64.b64encode(signature).decode("ascii") if signature else None
    )
    return {
        "uuid": item.uuid,
        "kiosk_id": item.kiosk_id,
        "demo": contents.demo,
        "application": application,
        "photo_sha256": sealing.sha256(photo) if photo else None,
        "photo_bytes": len(photo) if photo else 0,
        "status": case.status if case is not None else "submitted",
        "progress_token": case.progress_token if case is not None else None,
    }


@dataclass
class ExportResult:
    exported: int = 0
    skipped: list[dict[str, str]] = field(default_factory=list)  # {"uuid", "reason"}


def export_applications(hub: Hub, out: Path) -> ExportResult:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.part")
    result = ExportResult()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    if hasattr(os, "fchmod"):
        os.fchmod(fd, 0o600)  # a leftover .part keeps its old mode otherwise
    try:
        with hub.factory() as session, os.fdopen(fd, "w", encoding="utf-8") as fh:
            rows = session.execute(
                select(Item)
                .where(Item.kind == "application")
                .order_by(Item.received_at, Item.uuid)
                .execution_options(yield_per=200)
            ).scalars()
            for item in rows:
                try:
                    line = application_line(hub, item, session.get(Case, item.uuid))
                except (sealing.SealError, KeyError, TypeError, ValueError) as exc:
                    result.skipped.append({"uuid": item.uuid, "reason": str(exc)[:300]})
                    continue
                fh.write(json.dumps(line, ensure_ascii=False) + "\n")
                result.exported += 1
                session.expunge(item)  # keep memory flat over a large export
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    tmp.replace(out)
    sync_folder(out.parent)
    return result
