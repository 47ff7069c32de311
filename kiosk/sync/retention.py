"""Retention: once the hub has acknowledged an application, the counter keeps its readable copy
only ``sync.retention_days`` more days; then names, ID number, phone, form and blobs are wiped.

The sealed outbox copy stays (only the hub can open it), and so do the numbers staff search by
(application and queue number, the ID number's last 4 digits, status).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from kiosk.config import Config
from kiosk.storage.models import ApplicationRow, OutboxEntry, utcnow


def purge(factory: sessionmaker[Session], config: Config, now: dt.datetime | None = None) -> int:
    """Wipe local plaintext of applications acknowledged before the retention window; count them."""
    now = now or utcnow()
    cutoff = now - dt.timedelta(days=int(config["sync.retention_days"]))
    acknowledged = (
        select(OutboxEntry.application_id)
        .where(
            OutboxEntry.kind == "application",
            OutboxEntry.state == "acknowledged",
            OutboxEntry.acknowledged_at <= cutoff,
            OutboxEntry.application_id.is_not(None),
        )
        .scalar_subquery()
    )
    with factory.begin() as session:
        result = session.execute(
            update(ApplicationRow)
            .where(
                ApplicationRow.id.in_(acknowledged), ApplicationRow.plaintext_purged_at.is_(None)
            )
            .values(
                applicant_name=None,
                id_number=None,
                phone=None,
                form=None,
                photo=None,
                signature=None,
                plaintext_purged_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
