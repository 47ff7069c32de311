"""Signed kiosk calls the console adds to the hub API:

``POST /v1/inbox``  ``{"since": ISO|null, "calls": [uuid...], "report": {...}}`` →
``{"now": ISO, "decisions": [...], "calls": {uuid: "open"|"acknowledged"|"cancelled"}}``: the
console's decisions on this kiosk's applications since the kiosk's cursor, the state of the help
calls it still has open, and it leaves what the kiosk reports about itself for the fleet view.

``POST /v1/status``  ``{"numbers": [...]}`` → ``{"applications": {number: {"status",
"updated_at"}}}``: the hub's status of this kiosk's applications (the kiosk's 办理进度 journey);
numbers the hub does not hold from this kiosk are absent.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from kiosk_hub.console import records
from kiosk_hub.models import Case, HubHelpCall, KioskReport, utcnow

REPORTS: Table = KioskReport.__table__  # type: ignore[assignment]
UPDATE_REPORT = (
    update(REPORTS)
    .where(REPORTS.c.kiosk_id == bindparam("kiosk"))
    .values(
        reported_at=bindparam("at", type_=REPORTS.c.reported_at.type),
        report=bindparam("said", type_=REPORTS.c.report.type),
    )
)
ADD_REPORT = insert(REPORTS).values(
    kiosk_id=bindparam("kiosk"),
    reported_at=bindparam("at", type_=REPORTS.c.reported_at.type),
    report=bindparam("said", type_=REPORTS.c.report.type),
)
SMALL_BODY = 64 * 1024
MAX_NUMBERS = 100
REPORT_KEYS = {
    "pending": int,
    "quarantined": int,
    "reader": str,
    "camera": str,
    "printer": str,
    "paper_low": bool,
    "audit_head": str,
    "audit_entries": int,
}


def _report(raw: Any) -> dict[str, Any]:
    """Only known keys of the right type and size: what a kiosk says is shown to staff."""
    if not isinstance(raw, dict):
        return {}
    out: dict[str, Any] = {}
    for key, kind in REPORT_KEYS.items():
        value = raw.get(key)
        if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            out[key] = value[:64] if isinstance(value, str) else value
    return out


def add_routes(
    app: FastAPI,
    signed: Callable[[Request, int], Awaitable[Any]],
    in_claim: Callable[..., Awaitable[Any]],
    signed_answer: Callable[..., JSONResponse],
    bad_request: Callable[[str], Exception],
    hub: Any,
) -> None:
    @app.post("/v1/inbox")
    async def inbox(request: Request) -> JSONResponse:
        caller, body = await signed(request, SMALL_BODY)
        data = _object(body, bad_request)
        since = _since(data.get("since"))
        calls = [c for c in data.get("calls") or [] if isinstance(c, str)][:50]
        report = _report(data.get("report"))

        def work(session: Session) -> dict[str, Any]:
            # every idle kiosk's call every few seconds: statements built once, on the connection
            now = utcnow()
            connection = session.connection()
            report_row = {"kiosk": caller.kiosk_id, "at": now, "said": report}
            if connection.execute(UPDATE_REPORT, report_row).rowcount == 0:
                connection.execute(ADD_REPORT, report_row)
            states = {}
            if calls:  # only while a help call is open on the kiosk
                states = {
                    c.uuid: c.state
                    for c in session.execute(
                        select(HubHelpCall).where(
                            HubHelpCall.kiosk_id == caller.kiosk_id, HubHelpCall.uuid.in_(calls)
                        )
                    ).scalars()
                }
            return {
                "now": now.isoformat(),
                "decisions": records.console_decisions(connection, caller.kiosk_id, since),
                "calls": states,
            }

        return signed_answer(caller, await in_claim(hub, caller, work))

    @app.post("/v1/status")
    async def status(request: Request) -> JSONResponse:
        caller, body = await signed(request, SMALL_BODY)
        numbers = _object(body, bad_request).get("numbers")
        if not isinstance(numbers, list) or not all(isinstance(n, str) for n in numbers):
            raise bad_request("'numbers' must be a list of application numbers")
        if len(numbers) > MAX_NUMBERS:
            raise bad_request(f"at most {MAX_NUMBERS} numbers")

        def work(session: Session) -> dict[str, Any]:
            rows = session.execute(
                select(Case).where(
                    Case.kiosk_id == caller.kiosk_id, Case.application_number.in_(numbers)
                )
            ).scalars()
            return {
                "applications": {
                    c.application_number: {
                        "status": c.status,
                        "updated_at": records.aware(c.updated_at).isoformat(),
                    }
                    for c in rows
                }
            }

        return signed_answer(caller, await in_claim(hub, caller, work))


def _object(body: bytes, bad_request: Callable[[str], Exception]) -> dict[str, Any]:
    try:
        data = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise bad_request("body is not JSON") from None
    if not isinstance(data, dict):
        raise bad_request("body is not a JSON object")
    return data


def _since(value: Any) -> dt.datetime:
    if isinstance(value, str):
        try:
            return records.aware(dt.datetime.fromisoformat(value))
        except ValueError:
            pass
    return utcnow() - dt.timedelta(days=30)  # a kiosk's first call: the last month's decisions
