"""PIN lockout holds under parallel tries: threads on the service, real PIN pads, and real
``kiosk staff unlock/add --admin`` processes reading the administrator's PIN from stdin.

Five wrong PINs lock an account. However many tries arrive at once, at most five PINs are ever
checked, the account ends locked, the audit chain stays intact, and nothing crashes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.services import staff
from kiosk.storage import audit
from kiosk.storage.db import open_database
from kiosk.storage.models import AuditEvent, StaffUser

ADMIN_PIN = "246810"
WRONG_PIN = "975318"
PARALLEL = 16


@pytest.fixture
def factory() -> sessionmaker[Session]:
    sessions = open_database()
    with sessions.begin() as session:
        admin = staff.add_first_admin(session, "boss", "Boss", ADMIN_PIN)
        staff.add_staff(session, admin.actor, "wang", "Wang", "staff", "135792")
    return sessions


def _checked_pins(factory: sessionmaker[Session], username: str) -> int:
    """How many PINs were actually compared: every failure and the try that locked."""
    with factory() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.subject == username)
        ).all()
    return sum(a in ("login.failed", "login.locked", "login.ok") for a in actions)


def _state(factory: sessionmaker[Session], username: str) -> tuple[int, bool]:
    with factory() as session:
        user = session.scalars(select(StaffUser).where(StaffUser.username == username)).one()
        return user.failed_attempts, user.locked_until is not None


def _chain_ok(factory: sessionmaker[Session]) -> bool:
    with factory() as session:
        return audit.verify(session).ok


def test_parallel_wrong_pins_on_the_service_lock_after_exactly_five(
    factory: sessionmaker[Session],
) -> None:
    start = threading.Barrier(PARALLEL)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def attempt() -> None:
        start.wait()
        try:
            with factory.begin() as session:
                outcomes.append(staff.authenticate(session, "wang", WRONG_PIN, 15).outcome)
        except BaseException as exc:  # collected: the assertion below names it
            errors.append(exc)

    threads = [threading.Thread(target=attempt) for _ in range(PARALLEL)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(outcomes).count("wrong_pin") == staff.MAX_FAILED - 1
    assert outcomes.count("locked") == PARALLEL - (staff.MAX_FAILED - 1)
    assert _checked_pins(factory, "wang") == staff.MAX_FAILED
    assert _state(factory, "wang") == (staff.MAX_FAILED, True)
    with factory.begin() as session:  # the right PIN is refused now too
        assert staff.authenticate(session, "wang", "135792", 15).outcome == "locked"
    assert _chain_ok(factory)


def test_parallel_tries_on_real_pin_pads(qtbot: QtBot, factory: sessionmaker[Session]) -> None:
    from kiosk.ui.supervisor.common import SupervisorContext
    from kiosk.ui.supervisor.pinpad import PinPad

    pads = []
    for _ in range(8):  # eight pads, each with its own worker pool: the tries really overlap
        pad = PinPad(SupervisorContext(factory=factory, demo=True))
        qtbot.addWidget(pad)
        pad.select("wang")
        for digit in WRONG_PIN:
            pad.press(digit)
        pads.append(pad)
    for pad in pads:
        pad.submit()
    qtbot.waitUntil(lambda: not any(p._busy for p in pads), timeout=30_000)
    messages = [p.message.text() for p in pads]
    assert all(m for m in messages), messages
    assert sum("锁定" in m for m in messages) == 8 - (staff.MAX_FAILED - 1), messages
    assert _checked_pins(factory, "wang") == staff.MAX_FAILED
    assert _state(factory, "wang") == (staff.MAX_FAILED, True)
    assert _chain_ok(factory)


def _waiting_on_stdin(pid: int) -> bool:
    """The process sits in read(0, ...): it has opened the database and asks for the PIN."""
    try:
        fields = Path(f"/proc/{pid}/syscall").read_text().split()
    except OSError:
        return False
    return len(fields) > 1 and fields[0] == "0" and int(fields[1], 16) == 0


def test_parallel_cli_tries_with_a_wrong_admin_pin(
    factory: sessionmaker[Session], kiosk_home: Path
) -> None:
    env = {**os.environ, "KIOSK_HOME": str(kiosk_home)}
    commands = []
    for i in range(10):
        if i % 2:
            commands.append(["staff", "unlock", "wang", "--admin", "boss", "--json"])
        else:
            commands.append(
                ["staff", "add", f"new{i}", "--name", "New", "--admin", "boss", "--json"]
            )
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "kiosk", *cmd],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        for cmd in commands
    ]
    deadline = time.monotonic() + 180
    while not all(_waiting_on_stdin(p.pid) for p in procs) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert all(_waiting_on_stdin(p.pid) for p in procs), "every process waits for its PIN"
    for p in procs:  # all at once: the wrong administrator PIN, then a new PIN for `add`
        assert p.stdin is not None
        p.stdin.write(f"{WRONG_PIN}\n135799\n".encode())
        p.stdin.flush()
    results = []
    for p in procs:
        out, err = p.communicate(timeout=90)
        assert p.returncode == 1, err.decode()
        assert b"Traceback" not in err, err.decode()
        results.append(json.loads(out))
    errors = [r["error"] for r in results]
    assert sum("tries left" in e for e in errors) == staff.MAX_FAILED - 1, errors
    assert sum("locked" in e for e in errors) == 10 - (staff.MAX_FAILED - 1), errors
    assert _checked_pins(factory, "boss") == staff.MAX_FAILED
    assert _state(factory, "boss") == (staff.MAX_FAILED, True)
    with factory() as session:  # none of the refused commands changed anything
        assert session.scalars(select(StaffUser.username).order_by(StaffUser.username)).all() == [
            "boss",
            "wang",
        ]
    assert _chain_ok(factory)
