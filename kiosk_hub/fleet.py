"""The fleet view: every kiosk the hub knows, the release it last said it runs, and its counts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from kiosk_hub.models import Item, Kiosk
from kiosk_hub.store import Hub

VERSION_HEADER = "X-Kiosk-Version"


def clean_version(value: str | None) -> str | None:
    """A version header as stored: short printable text, or None (0.1.0 kiosks send none)."""
    if not value:
        return None
    value = value.strip()[:32]
    return value if value.isprintable() and value else None


def fleet(hub: Hub) -> list[dict[str, Any]]:
    with hub.factory() as session:
        rows = session.execute(
            select(Item.kiosk_id, func.count())
            .where(Item.kind == "application")
            .group_by(Item.kiosk_id)
        )
        counts = {kiosk_id: n for kiosk_id, n in rows}
        kiosks = session.execute(select(Kiosk).order_by(Kiosk.kiosk_id)).scalars().all()
        return [
            {
                "kiosk_id": k.kiosk_id,
                "version": k.version,
                "enrolled_at": k.enrolled_at.isoformat() if k.enrolled_at else None,
                "last_seen": k.last_seen.isoformat() if k.last_seen else None,
                "revoked": k.revoked_at is not None,
                "applications": counts.get(k.kiosk_id, 0),
            }
            for k in kiosks
        ]
