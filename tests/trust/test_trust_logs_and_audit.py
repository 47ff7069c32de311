"""Log masking covers the shapes personal data takes in practice, and the values read or typed for
the visit (through the real kiosk window); ``kiosk audit verify`` reports an entry it cannot even
parse as the first bad one instead of crashing."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk import logs
from kiosk.domain import clock
from kiosk.storage import audit
from kiosk.storage.db import connect_raw, open_database

# made-up values in every shape the issue lists: (written in a log line, must not survive)
SHAPES = [
    ("11010519491231002X", "1101**********002X"),  # ID number, ASCII
    ("１１０１０５１９４９１２３１００２Ｘ", "１１０１**********００２Ｘ"),  # full-width digits
    ("ID11010519491231002Xok", "ID1101**********002Xok"),  # glued to letters
    ("+86 138 1234 5678", "+86 138 **** 5678"),
    ("+86-13812345678", "+86-138****5678"),
    ("138-1234-5678", "138-****-5678"),
    ("００８６１３８１２３４５６７８", "００８６１３８****５６７８"),  # full-width 0086 mobile
    ("permit 44030012345678 ok", "permit 4403******5678 ok"),  # 14-digit permit number
    ("0755-8888 1234", "0755-**** **34"),  # a landline
]


@pytest.mark.parametrize(("raw", "masked"), SHAPES)
def test_log_lines_mask_every_shape(raw: str, masked: str, kiosk_home: Path) -> None:
    log_file = logs.setup()
    try:
        logs.get("devices").warning("value %s end", raw)
    finally:
        logs.teardown()
    written = log_file.read_text(encoding="utf-8")
    assert f"value {masked} end" in written
    digits = [c for c in raw if c.isdigit()]
    assert raw not in written and "".join(digits) not in "".join(c for c in written if c.isdigit())


def test_numbers_that_are_not_personal_stay_readable() -> None:
    line = "app FT01-K01-20261126-0001 at 2026-11-26 12:00:00, job 17, 1732700000000 ms"
    assert logs.redact(line) == line


def test_the_kiosk_registers_what_the_card_and_the_applicant_give_and_forgets_it_at_the_wipe(
    qtbot: QtBot, kiosk_home: Path
) -> None:
    from kiosk.config import Config
    from kiosk.ui.app import build
    from kiosk.ui.applicant import Applicant, pump
    from kiosk.ui.card_source import DirectCardSource
    from kiosk.ui.walkthrough import address, phone

    kiosk = build(Config.load(), demo=True, cards=DirectCardSource())
    qtbot.addWidget(kiosk.window)
    log_file = logs.setup()
    try:
        a = Applicant(kiosk.window)
        a.wait_state("welcome")
        a.tap(text_key="welcome.start")
        a.tap(choice="renewal")
        a.next()
        a.wait_state("renewal.card")
        a.ctx.cards.place("resident")
        pump()
        a.wait_state("renewal.permit")
        card = a.ctx.visit.card
        assert card is not None and card.address
        a.pick_date(clock.today() + dt.timedelta(days=10))
        a.next()
        a.next()  # the decision
        address(a, detail=None)
        phone(a)  # types 13800138000
        log = logs.get("workflow")
        log.info(
            "careless: %s | %s | %s | %s", card.name, card.address, card.id_number, "13800138000"
        )
        kiosk.window.wipe()
        assert logs.redact(card.name) == card.name  # forgotten: the next visit starts clean
        log.info("after the wipe: %s", card.name)
    finally:
        logs.teardown()
        kiosk.stop()
    written = log_file.read_text(encoding="utf-8")
    careless = next(line for line in written.splitlines() if "careless" in line)
    for value in (card.name, card.address, card.id_number, "13800138000"):
        assert value not in careless
    assert logs.mask_value(card.name) in careless and logs.mask_value(card.address) in careless
    assert f"after the wipe: {card.name}" in written


def _entries(path: Path, n: int) -> None:
    sessions = open_database(path)
    with sessions.begin() as session:
        for i in range(n):
            audit.append(
                session, "staff:wang", "review.approve", subject=f"FT01-K01-20261126-{i:04d}"
            )


def _verify(path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "audit", *extra, "--db", str(path), "--json"],
        capture_output=True,
        text=True,
        env={**os.environ},
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("row", "garbage"),
    [(3, "not a time"), (1, "2026-13-45 99:99:99"), (5, "")],
    ids=["middle", "first", "empty"],
)
def test_audit_verify_reports_an_unparsable_row_as_the_first_bad_entry(
    row: int, garbage: str, tmp_path: Path
) -> None:
    path = tmp_path / "k.sqlite3"
    _entries(path, 6)
    conn = connect_raw(path)
    with conn:
        conn.execute("UPDATE audit_events SET at = ? WHERE id = ?", (garbage, row))
    conn.close()
    done = _verify(path, "verify")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert json.loads(done.stdout) == {"ok": False, "entries": row, "first_bad": row}
    head = _verify(path, "head")  # the head the hub receives is still readable
    assert head.returncode == 0 and json.loads(head.stdout)["entries"] == 6


def test_audit_verify_with_a_non_text_field(tmp_path: Path) -> None:
    path = tmp_path / "k.sqlite3"
    _entries(path, 4)
    conn = connect_raw(path)
    with conn:
        conn.execute("UPDATE audit_events SET detail = ? WHERE id = 2", (b"\xff\x00binary",))
    conn.close()
    done = _verify(path, "verify")
    assert done.returncode == 1 and json.loads(done.stdout)["first_bad"] == 2
