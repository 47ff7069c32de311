"""Staff accounts: scrypt PINs, the first administrator, the five-wrong-PINs lockout."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from supervisor_helpers import ADMIN_PIN, STAFF_PIN

from kiosk.services import staff
from kiosk.storage import audit
from kiosk.storage.models import AuditEvent, StaffUser


def test_pin_hash_is_salted_scrypt_and_checks() -> None:
    one, two = staff.hash_pin("482913"), staff.hash_pin("482913")
    assert one.startswith("scrypt$32768$8$1$") and one != two  # salted
    assert staff.check_pin("482913", one) and staff.check_pin("482913", two)
    assert not staff.check_pin("482914", one)
    assert not staff.check_pin("482913", "bcrypt$junk")


@pytest.mark.parametrize("pin", ["1234", "12345a", "111111", "123456", "987654", "1" * 13])
def test_weak_or_malformed_pins_are_refused(pin: str) -> None:
    with pytest.raises(staff.StaffError) as info:
        staff.validate_pin(pin)
    assert info.value.message.zh and info.value.message.en


def test_first_admin_only_once(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        assert staff.needs_first_admin(session)
        staff.add_first_admin(session, "admin", "Admin", ADMIN_PIN)
    with factory.begin() as session:
        assert not staff.needs_first_admin(session)
        with pytest.raises(staff.StaffError, match="administrator already exists"):
            staff.add_first_admin(session, "other", "Other", ADMIN_PIN)
        with pytest.raises(staff.StaffError, match="last administrator"):
            staff.set_active(session, "staff:admin", "admin", False)


def test_duplicate_and_bad_usernames_refused(
    factory: sessionmaker[Session], accounts: dict
) -> None:
    with factory() as session:
        with pytest.raises(staff.StaffError, match="already exists"):
            staff.add_staff(session, "staff:admin", "wang", "W", "staff", "864209")
        with pytest.raises(staff.StaffError, match="username"):
            staff.add_staff(session, "staff:admin", "王", "W", "staff", "864209")
        with pytest.raises(staff.StaffError, match="role"):
            staff.add_staff(session, "staff:admin", "li", "Li", "boss", "864209")


def test_login_ok_resets_failures(factory: sessionmaker[Session], accounts: dict) -> None:
    with factory.begin() as session:
        assert staff.authenticate(session, "wang", "000001", 15).outcome == "wrong_pin"
        result = staff.authenticate(session, "wang", STAFF_PIN, 15)
        assert result.ok and result.account is not None and result.account.role == "staff"
    with factory() as session:
        user = session.execute(select(StaffUser).where(StaffUser.username == "wang")).scalar_one()
        assert user.failed_attempts == 0


def test_five_wrong_pins_lock_for_the_configured_minutes(
    factory: sessionmaker[Session], accounts: dict
) -> None:
    start = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
    for attempt in range(1, 5):
        with factory.begin() as session:  # each try its own commit: failures survive a restart
            result = staff.authenticate(session, "wang", "999999", 15, now=start)
            assert result.outcome == "wrong_pin" and result.attempts_left == 5 - attempt
            assert "还可再试" in result.message().zh
    with factory.begin() as session:
        fifth = staff.authenticate(session, "wang", "999999", 15, now=start)
    assert fifth.outcome == "locked"
    assert fifth.locked_until == start + dt.timedelta(minutes=15)
    assert "10:15" in fifth.message().zh  # Shenzhen time on the pad
    # even the right PIN is refused while locked, and the refusal does not extend the lock
    with factory.begin() as session:
        during = staff.authenticate(
            session, "wang", STAFF_PIN, 15, now=start + dt.timedelta(minutes=14)
        )
    assert during.outcome == "locked" and during.locked_until == fifth.locked_until
    # other accounts are not affected
    with factory.begin() as session:
        assert staff.authenticate(session, "admin", ADMIN_PIN, 15, now=start).ok
    with factory.begin() as session:
        after = staff.authenticate(
            session, "wang", STAFF_PIN, 15, now=start + dt.timedelta(minutes=15, seconds=1)
        )
    assert after.ok
    with factory() as session:
        actions = [
            e.action for e in session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()
        ]
        assert actions.count("login.failed") == 4
        assert "login.locked" in actions and "login.refused_locked" in actions
        assert audit.verify(session).ok
        details = " ".join(e.detail or "" for e in session.execute(select(AuditEvent)).scalars())
        assert STAFF_PIN not in details and "999999" not in details


def test_admin_unlock_clears_the_lock(factory: sessionmaker[Session], accounts: dict) -> None:
    with factory.begin() as session:
        for _ in range(5):
            staff.authenticate(session, "wang", "999999", 15)
        assert staff.authenticate(session, "wang", STAFF_PIN, 15).outcome == "locked"
        staff.unlock(session, "staff:admin", "wang")
        assert staff.authenticate(session, "wang", STAFF_PIN, 15).ok


def test_unknown_or_disabled_user(factory: sessionmaker[Session], accounts: dict) -> None:
    with factory.begin() as session:
        assert staff.authenticate(session, "nobody", STAFF_PIN, 15).outcome == "unknown"
        staff.set_active(session, "staff:admin", "wang", False)
        assert staff.authenticate(session, "wang", STAFF_PIN, 15).outcome == "unknown"
        assert [a.username for a in staff.list_staff(session)] == ["admin"]
        assert len(staff.list_staff(session, include_inactive=True)) == 2
