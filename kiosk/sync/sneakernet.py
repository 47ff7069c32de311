"""Sneakernet, the kiosk's side: write every unsent sealed item into one signed bundle on a
removable drive, and apply the hub's acknowledgement files from it.

The file formats (and their versions) are :mod:`kiosk_protocol.bundle`; this module only knows
the outbox.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.storage.models import OutboxEntry
from kiosk.sync import outbox
from kiosk.sync.enrolment import Enrolment
from kiosk_protocol.bundle import (
    Bundle,
    BundleError,
    BundleItem,
    acks_path,
    read_acks,
    read_bundle,
    write_acks,
    write_bundle,
)

__all__ = [
    "Bundle",
    "BundleError",
    "BundleItem",
    "acks_path",
    "export",
    "import_acks",
    "read_acks",
    "read_bundle",
    "write_acks",
    "write_bundle",
]


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
    path = write_bundle(folder, enrolment.kiosk_id, enrolment.key_id, enrolment.secret, items)
    return path, len(items)


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
                elif status in (409, 413, 422) and result.get("permanent", True):
                    # 0.1.0 hubs wrote no "permanent": their 409/422 were final
                    entry = session.execute(
                        select(OutboxEntry).where(OutboxEntry.uuid == result["uuid"])
                    ).scalar_one_or_none()
                    if entry is not None and entry.state != "acknowledged":
                        outbox.quarantine(
                            session, entry.id, f"hub refused (bundle): {result.get('reason')}"
                        )
                        summary["quarantined"] += 1
    return summary
