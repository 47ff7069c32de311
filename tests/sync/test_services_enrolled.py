"""The services on an enrolled kiosk, against a real hub process: staff enrol through the
sending service (audited), an application submitted and decided through the services reaches the
hub, and the progress service then says the hub has it."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from sync_parts import HubProcess, hub_items

from kiosk.config import Config
from kiosk.domain.rules import RuleBook
from kiosk.services import decisions, progress, sending
from kiosk.services.submit import submit_application
from kiosk.storage.models import AuditEvent, OutboxEntry
from kiosk.sync import enrolment
from kiosk.sync.demo_applications import made_up_application
from kiosk.sync.worker import SyncWorker


@pytest.mark.parametrize("hub_db", ["sqlite"], indirect=True)
def test_enrol_submit_decide_and_progress_through_the_services(
    hub: HubProcess, fast_sync: Config, kiosk_db: sessionmaker[Session]
) -> None:
    code = hub.cli("enrol", "--kiosk-id", "K31")["code"]
    with pytest.raises(enrolment.EnrolmentError):  # the secret never travels in clear by default
        sending.enrol(kiosk_db, "staff:admin", hub.url, code, fast_sync)
    done = sending.enrol(kiosk_db, "staff:admin", hub.url, code, fast_sync, allow_plain_http=True)
    assert done.kiosk_id == "K31" and enrolment.load() == done

    rules = RuleBook.load()
    submitted = submit_application(
        kiosk_db,
        made_up_application(random.Random(4)),
        fast_sync,
        rules=rules,
        enrolled=enrolment.load(),
    )
    assert submitted.application_number.split("-")[1] == "K31"  # the id the hub issued
    with kiosk_db.begin() as session:
        decisions.decide(
            session,
            "staff:wang",
            submitted.application_id,
            "approve",
            rules=rules,
            recipient=enrolment.sealed_to(enrolment.load()),
        )
    before = progress.look_up(kiosk_db, submitted.application_number)
    assert before is not None and (before.status, before.at_hub) == ("approved", False)

    result = SyncWorker(kiosk_db, fast_sync, enrolled=enrolment.load).run_once()
    assert (result.sent, result.quarantined, result.global_error) == (2, 0, None)
    assert [item["uuid"] for item in hub_items(hub)] == [submitted.application.uuid]
    after = progress.look_up(kiosk_db, submitted.application_number)
    assert after is not None and (after.status, after.at_hub) == ("approved", True)

    with kiosk_db() as session:
        kinds = session.execute(select(OutboxEntry.kind, OutboxEntry.demo)).all()
        assert sorted(kinds) == [("application", False), ("decision", False)]
        enrolled_events = session.execute(
            select(AuditEvent.actor, AuditEvent.subject).where(AuditEvent.action == "sync.enrolled")
        ).all()
    assert enrolled_events == [("staff:admin", "K31")]
