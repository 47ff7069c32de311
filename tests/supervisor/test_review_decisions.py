"""Review: listing, search, details, and decisions through the outbox and the audit log."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from supervisor_helpers import SubmitMany

from kiosk.domain import clock
from kiosk.domain.rules import RuleBook
from kiosk.services import decisions, review
from kiosk.storage import audit
from kiosk.storage.models import ApplicationRow, AuditEvent, OutboxEntry
from kiosk.sync.crypto import demo_recipient

ACTOR = "staff:wang"
# the services are handed their rules and whom decisions are sealed to (here: not enrolled)
DEPS = {"rules": RuleBook.load(), "recipient": demo_recipient()}


def test_list_search_and_masking(factory: sessionmaker[Session], submit_many: SubmitMany) -> None:
    apps = submit_many(3)
    second = apps[1]
    with factory() as session:
        listed = review.today_and_pending(session)
        assert {s.application_number for s in listed} == {a.application_number for a in apps}
        for s in listed:
            assert "*" in s.id_masked and s.id_masked[-4:] == next(
                a.applicant.id_number[-4:]
                for a in apps
                if a.application_number == s.application_number
            )
        by = lambda q: [s.application_number for s in review.find(session, q)]  # noqa: E731
        assert by(second.application_number) == [second.application_number]
        assert by(second.application_number.lower()) == [second.application_number]
        assert by(second.application_number[-4:]) == [
            second.application_number
        ] or second.application_number in by(second.application_number[-4:])
        assert second.application_number in by(second.queue_number)
        assert second.application_number in by("2")  # queue 002 today
        assert by(second.photo_number) == [second.application_number]
        assert second.application_number in by(second.applicant.id_number[-4:])
        assert by("ZZZZZZZZ") == []


def test_old_pending_stays_listed_old_decided_does_not(
    factory: sessionmaker[Session], submit_many: SubmitMany
) -> None:
    apps = submit_many(2)
    with factory.begin() as session:
        for row in session.execute(select(ApplicationRow)).scalars():
            row.queue_day = clock.today() - dt.timedelta(days=3)
            if row.application_number == apps[0].application_number:
                row.status = "rejected"
    with factory() as session:
        assert [s.application_number for s in review.today_and_pending(session)] == [
            apps[1].application_number
        ]


def test_open_detail_marks_under_review_and_audits(
    factory: sessionmaker[Session], submit_many: SubmitMany
) -> None:
    (app,) = submit_many(1)
    with factory.begin() as session:
        row_id = session.execute(select(ApplicationRow.id)).scalar_one()
        detail = review.open_detail(session, ACTOR, row_id)
    assert detail.summary.status == "under_review"
    assert (
        detail.application is not None and detail.application.applicant.name == app.applicant.name
    )
    assert detail.photo_jpeg and detail.photo_jpeg[:2] == b"\xff\xd8"
    assert "****" in detail.phone_masked
    with factory() as session:
        last = session.execute(select(AuditEvent).order_by(AuditEvent.id.desc())).scalars().first()
        assert last is not None and (last.action, last.subject) == (
            "review.open",
            app.application_number,
        )


def _row_id(session: Session, number: str) -> int:
    return session.execute(
        select(ApplicationRow.id).where(ApplicationRow.application_number == number)
    ).scalar_one()


def test_approve_renewal_computes_expiry_outbox_and_audit(
    factory: sessionmaker[Session], submit_many: SubmitMany
) -> None:
    (app,) = submit_many(1)
    assert app.permit.expires is not None
    with factory.begin() as session:
        outcome = decisions.decide(
            session, ACTOR, _row_id(session, app.application_number), "approve", **DEPS
        )
    assert outcome.status == "approved"
    assert outcome.new_expiry == clock.add_years(app.permit.expires, 10)
    with factory() as session:
        row = session.execute(select(ApplicationRow)).scalar_one()
        assert row.status == "approved" and row.decided_by == ACTOR
        assert row.form is not None and row.form["new_expiry"] == outcome.new_expiry.isoformat()
        kinds = [
            o.kind for o in session.execute(select(OutboxEntry).order_by(OutboxEntry.id)).scalars()
        ]
        assert kinds == ["application", "decision"]
        entry = session.get(AuditEvent, outcome.audit_id)
        assert entry is not None and entry.action == "review.approve"
        assert entry.subject == app.application_number
        assert audit.verify(session).ok
        # approving twice is refused
        with pytest.raises(decisions.DecisionError, match="cannot become"):
            decisions.decide(session, ACTOR, row.id, "approve", **DEPS)


def test_renewal_outside_window_cannot_be_approved(
    factory: sessionmaker[Session], submit_many: SubmitMany
) -> None:
    submit_many(1)
    with factory.begin() as session:
        row = session.execute(select(ApplicationRow)).scalar_one()
        row.form = {**row.form, "permit": {**row.form["permit"], "expires": "2001-01-01"}}  # type: ignore[dict-item]
    with factory() as session, pytest.raises(decisions.DecisionError) as info:
        decisions.decide(session, ACTOR, row.id, "approve", **DEPS)
    assert "不能批准延期" in info.value.message.zh and "expired" in info.value.message.en


def test_reject_needs_reason_and_keeps_typed_text_out_of_audit(
    factory: sessionmaker[Session], submit_many: SubmitMany
) -> None:
    (app,) = submit_many(1)
    typed = f"申请人{app.applicant.name}的材料与证件不符"
    with factory.begin() as session:
        row_id = _row_id(session, app.application_number)
        with pytest.raises(decisions.DecisionError, match="reason"):
            decisions.decide(session, ACTOR, row_id, "reject", **DEPS)
        with pytest.raises(decisions.DecisionError, match="Type the reason"):
            decisions.decide(session, ACTOR, row_id, "reject", reason_code="other", **DEPS)
        decisions.decide(
            session, ACTOR, row_id, "reject", reason_code="other", reason_text=typed, **DEPS
        )
    with factory() as session:
        row = session.get(ApplicationRow, row_id)
        assert row is not None and row.status == "rejected" and row.decision_reason == typed
        texts = [f"{e.subject} {e.detail}" for e in session.execute(select(AuditEvent)).scalars()]
        assert not any(app.applicant.name in t or app.applicant.id_number in t for t in texts)
        assert any("reason=other typed_text=yes" in t for t in texts)


def test_request_materials_then_approve(
    factory: sessionmaker[Session], submit_many: SubmitMany
) -> None:
    (app,) = submit_many(1)
    with factory.begin() as session:
        row_id = _row_id(session, app.application_number)
        with pytest.raises(decisions.DecisionError, match="missing materials"):
            decisions.decide(session, ACTOR, row_id, "request_materials", **DEPS)
        with pytest.raises(decisions.DecisionError, match="Unknown material"):
            decisions.decide(
                session, ACTOR, row_id, "request_materials", materials=["passport_of_cat"], **DEPS
            )
        decisions.decide(
            session,
            ACTOR,
            row_id,
            "request_materials",
            materials=["permit", "tenancy_proof"],
            **DEPS,
        )
    with factory.begin() as session:
        row = session.get(ApplicationRow, row_id)
        assert row is not None and row.status == "materials_requested"
        assert row.decision_reason == "居住证原件、租赁合同或住所证明"
        decisions.decide(session, ACTOR, row_id, "approve", **DEPS)
    with factory() as session:
        assert session.get(ApplicationRow, row_id).status == "approved"  # type: ignore[union-attr]


def test_decision_is_all_or_nothing(
    factory: sessionmaker[Session], submit_many: SubmitMany, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the outbox write fails, neither the status nor the audit entry is kept."""
    (app,) = submit_many(1)
    from kiosk.sync import outbox

    def broken(*_args: object, **_kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(outbox, "enqueue", broken)
    with factory() as session:
        before = audit.head(session)
    with pytest.raises(OSError), factory.begin() as session:
        decisions.decide(
            session, ACTOR, _row_id(session, app.application_number), "approve", **DEPS
        )
    with factory() as session:
        assert session.execute(select(ApplicationRow.status)).scalar_one() == "submitted"
        assert audit.head(session) == before


def test_reason_lists_are_bilingual() -> None:
    reasons = decisions.reject_reasons()
    assert reasons[-1].key == "other" and all(r.zh and r.en for r in reasons)
    assert {"permit", "photo_receipt"} <= {m.key for m in decisions.material_items()}
