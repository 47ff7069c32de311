"""What the hub has for this kiosk, fetched on every idle poll and while a help call is open:
the counter console's decisions on our applications, and the state of our open help calls. The
call also tells the hub how we are (outbox depth, quarantined items, audit-chain head, devices
as last noted) for its fleet view. Hub side: kiosk_hub/console/kiosk_api.py.

A console decision is applied here as staff at the kiosk would have taken it (status, who,
reason, audited), so supervisor mode shows it. When both sides decided, the first one stands:
the kiosk's own earlier decision is kept (the hub keeps it too once it arrives, and shows the
conflict); a console decision taken before ours replaces ours.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk import logs, paths
from kiosk.domain.application import can_move
from kiosk.storage import audit
from kiosk.storage.models import ApplicationRow, PrintJob, utcnow
from kiosk.sync import outbox
from kiosk.sync.client import HubAnswerError, HubClient

_log = logs.get("kiosk.sync")
DECIDED = ("approved", "rejected", "materials_requested")
DEVICE_KEYS = ("reader", "camera", "printer", "paper_low")


@dataclass
class Inbox:
    calls: dict[str, str] = field(default_factory=dict)  # help-call uuid -> open|acknowledged|...
    applied: list[str] = field(default_factory=list)  # application numbers decided on the hub


def _state_file() -> Any:
    return paths.sub("sync") / "inbox.json"


def _read(path: Any) -> dict[str, Any]:
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


def _write(path: Any, data: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    tmp.replace(path)


# devices.json -> what this process last wrote there: a state that has not changed (the reader
# is "ok" at every card read) costs no file I/O on the GUI thread
_noted: dict[str, dict[str, Any]] = {}


def note_devices(**states: Any) -> None:
    """The UI notes its devices' states (reader/camera/printer text, paper_low) for the hub."""
    path = paths.sub("sync") / "devices.json"
    noted = _noted.setdefault(str(path), {})
    fresh = {k: v for k, v in states.items() if k in DEVICE_KEYS and (k, v) not in noted.items()}
    if not fresh:
        return
    data = _read(path)
    data.update(fresh)
    _write(path, data)
    noted.update(fresh)


def report(factory: sessionmaker[Session]) -> dict[str, Any]:
    with factory() as session:
        counts = outbox.counts(session)
        entries, head = audit.head(session)
        printer = _printer_state(session)
    devices = {**printer, **_read(paths.sub("sync") / "devices.json")}
    return {
        "pending": int(counts["pending"]),
        "quarantined": int(counts["quarantined"]),
        "audit_head": head,
        "audit_entries": entries,
        **{k: devices[k] for k in DEVICE_KEYS if k in devices},
    }


def _printer_state(session: Session) -> dict[str, Any]:
    """What the print queue last saw: ``ok`` after a printed job, else the problem code of the
    newest unprinted one (``out_of_paper`` also sets ``paper_low``); nothing before any job."""
    last = session.execute(
        select(PrintJob.state, PrintJob.last_error).order_by(PrintJob.id.desc()).limit(1)
    ).first()
    if last is None:
        return {}
    state, error = last
    if state == "printed" or not error:
        return {"printer": "ok" if state == "printed" else state, "paper_low": False}
    code = error.split(":", 1)[0].strip()[:32]
    return {"printer": code, "paper_low": code == "out_of_paper"}


def pull(
    factory: sessionmaker[Session], client: HubClient, calls: list[str] | None = None
) -> Inbox:
    """One inbox call; raises ``httpx.HTTPError`` or :class:`HubAnswerError` when the hub cannot
    be asked (the caller treats that as offline)."""
    path = _state_file()
    state = _read(path)
    body = {"since": state.get("since"), "calls": calls or [], "report": report(factory)}
    response = client.request(
        "POST",
        "/v1/inbox",
        json.dumps(body).encode("utf-8"),
        {"Content-Type": "application/json"},
    )
    response.raise_for_status()
    if not client.signed_by_hub(response):
        raise HubAnswerError("the answer is not signed by the hub")
    answer = response.json()
    if not isinstance(answer, dict):
        raise HubAnswerError("the hub's inbox answer is not a JSON object")
    result = Inbox(calls={str(k): str(v) for k, v in (answer.get("calls") or {}).items()})
    decisions = [d for d in answer.get("decisions") or [] if isinstance(d, dict)]
    if decisions:
        with factory.begin() as session:
            for decision in decisions:
                number = apply_decision(session, decision)
                if number:
                    result.applied.append(number)
    if isinstance(answer.get("now"), str):
        state["since"] = answer["now"]
        _write(path, state)
    return result


def _when(text: Any) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def apply_decision(session: Session, decision: dict[str, Any]) -> str | None:
    """Record one console decision on our row; the application number when it changed it."""
    row = session.execute(
        select(ApplicationRow).where(ApplicationRow.uuid == str(decision.get("application_uuid")))
    ).scalar_one_or_none()
    status = str(decision.get("status") or "")
    if row is None or status not in DECIDED or row.status == status:
        return None
    by = f"hub:{str(decision.get('decided_by') or '')[:40]}"
    taken = _when(decision.get("decided_at")) or utcnow()
    if row.status in DECIDED:  # decided here too: the first one stands
        ours = row.updated_at if row.updated_at.tzinfo else row.updated_at.replace(tzinfo=dt.UTC)
        if ours <= taken:
            audit.append(
                session, by, "review.conflict", subject=row.application_number, detail="kept=kiosk"
            )
            return None
        audit.append(
            session, by, "review.conflict", subject=row.application_number, detail="kept=hub"
        )
    elif not can_move(row.status, status):
        return None
    row.status = status
    row.decided_by = by
    row.decision_reason = (
        (str(decision.get("reason") or "") or None) if status != "approved" else None
    )
    audit.append(
        session,
        by,
        f"review.{decision.get('decision')}",
        subject=row.application_number,
        detail="via=console",
    )
    _log.info("decision from the counter console applied to %s", row.application_number)
    return row.application_number
