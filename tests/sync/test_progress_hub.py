"""办理进度 against a real hub on 127.0.0.1: the kiosk asks ``POST /v1/status`` (signed), shows
the hub's status once the hub holds the application (a decision taken at the counter console
included), and its own, marked local, otherwise."""

from __future__ import annotations

import json

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from sync_parts import HubProcess, kiosk_cli, submit_some

from kiosk.services import progress
from kiosk.sync import enrolment
from kiosk_hub.console import records
from kiosk_hub.models import Case


def test_progress_asks_the_hub_and_falls_back_to_the_local_status(
    hub: HubProcess, enrolled: enrolment.Enrolment, fast_sync, kiosk_db
) -> None:
    submitted = submit_some(kiosk_db, fast_sync, 1)
    number = next(iter(submitted.values()))["application_number"]
    # not sent yet: the hub does not know it, so the answer is this kiosk's own
    before = progress.check(kiosk_db, fast_sync, enrolled, number=number)
    assert [(p.status, p.source) for p in before] == [("submitted", "local")]
    assert kiosk_cli("sync", "run", "--once").returncode == 0
    after = progress.check(kiosk_db, fast_sync, enrolled, number=number)
    assert [(p.status, p.source) for p in after] == [("submitted", "hub")]
    done = kiosk_cli("progress", "--application", number, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "number": number,
        "service": after[0].service,
        "status": "submitted",
        "source": "hub",
    }
    # staff approve it at the counter console: the kiosk's lookup shows the hub's decision
    engine = create_engine(hub.db_url)
    with Session(engine) as session, session.begin():
        case = session.execute(select(Case).where(Case.application_number == number)).scalar_one()
        records.decide_on_console(session, case, "approve", "", "S01")
    engine.dispose()
    decided = progress.check(kiosk_db, fast_sync, enrolled, number=number)
    assert [(p.status, p.source) for p in decided] == [("approved", "hub")]
    hub.stop()  # the hub gone: the local status again, never an error
    offline = progress.check(kiosk_db, fast_sync, enrolled, number=number)
    assert [(p.status, p.source) for p in offline] == [("submitted", "local")]
