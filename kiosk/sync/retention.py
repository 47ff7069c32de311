"""Retention: once the hub has acknowledged an application, the counter keeps its readable copy
only ``sync.retention_days`` more days; then names, ID number, phone, form and blobs are wiped.

The sealed outbox copy stays (only the hub can open it), and so do the numbers staff search by
(application and queue number, the ID number's last 4 digits, status).

Stored print documents (full ID number, phone) are deleted by the print queue once printed; a job
that never printed loses its file after the same number of days (at least one), and so does any
file in ``print-jobs/`` that no job row names (a crash between writing it and committing the row).
Photos live only inside the (encrypted) database and go with the plaintext above.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from kiosk import logs, paths
from kiosk.config import Config
from kiosk.storage.models import ApplicationRow, OutboxEntry, PrintJob, utcnow

_log = logs.get("sync")
EXPIRED = "expired: the stored document was deleted by retention"


def purge(factory: sessionmaker[Session], config: Config, now: dt.datetime | None = None) -> int:
    """Wipe local plaintext of applications acknowledged before the retention window; count them."""
    now = now or utcnow()
    purge_print_files(factory, config, now)
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


def _remove(path: Path) -> bool:
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def purge_print_files(
    factory: sessionmaker[Session],
    config: Config,
    now: dt.datetime | None = None,
    folder: Path | None = None,
) -> int:
    """Delete stored print documents past retention (and orphans); count the files deleted."""
    now = now or utcnow()
    folder = folder or paths.print_jobs_dir()
    cutoff = now - dt.timedelta(days=max(int(config["sync.retention_days"]), 1))
    deleted = 0
    with factory.begin() as session:
        known = set(session.scalars(select(PrintJob.path)))
        for job in session.scalars(select(PrintJob).where(PrintJob.created_at <= cutoff)):
            if _remove(Path(job.path)):
                deleted += 1
                if job.state != "printed":  # it can no longer print: say why in the queue
                    job.state, job.last_error = "cancelled", EXPIRED
    for path in folder.iterdir():
        stamp = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
        if path.is_file() and str(path) not in known and stamp <= cutoff and _remove(path):
            deleted += 1
    if deleted:
        _log.info("retention: %s stored print document(s) deleted", deleted)
    return deleted
