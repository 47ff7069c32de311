"""Fault matrix against a real hub process (SQLite file and PostgreSQL): after every fault, each
application is at the hub exactly once and decrypts to what was submitted."""

from __future__ import annotations

import random
import signal
import time
from typing import Any

import pytest
from faultproxy import FaultProxy
from sqlalchemy.orm import Session, sessionmaker
from sync_parts import (
    HubProcess,
    assert_exactly_once,
    enrol_kiosk,
    kiosk_cli,
    kiosk_worker,
    submit_some,
    until,
)

from kiosk.config import Config
from kiosk.sync import enrolment
from kiosk.sync.worker import SyncWorker, status


def _drain_in_thread(
    factory: sessionmaker[Session], config: Config, timeout: float = 60
) -> list[bool]:
    seen: list[bool] = []
    worker = SyncWorker(factory, config, enrolled=enrolment.load, on_status=seen.append)
    worker.start()
    try:
        until(lambda: status(factory, enrolment.load())["pending"] == 0, timeout)
    finally:
        worker.stop()
    return seen


def test_hub_down_then_up(
    hub: HubProcess, fast_sync: Config, kiosk_db: sessionmaker[Session]
) -> None:
    enrol_kiosk(hub, fast_sync)
    hub.stop()
    submitted = submit_some(kiosk_db, fast_sync, 12)
    seen: list[bool] = []
    worker = SyncWorker(kiosk_db, fast_sync, enrolled=enrolment.load, on_status=seen.append)
    worker.start()
    try:
        until(lambda: status(kiosk_db, enrolment.load())["last_error"] is not None)
        time.sleep(0.5)  # several backoff rounds against a closed port
        assert status(kiosk_db, enrolment.load())["pending"] == 12
        assert seen == [False]
        hub.start()
        until(lambda: status(kiosk_db, enrolment.load())["pending"] == 0, 30)
    finally:
        worker.stop()
    assert seen == [False, True]  # the on-screen indicator went offline, then online
    assert_exactly_once(hub, submitted, kiosk_db)


def test_error_answers_and_captive_portal(
    hub: HubProcess, proxy: FaultProxy, fast_sync: Config, kiosk_db: sessionmaker[Session]
) -> None:
    enrol_kiosk(hub, fast_sync, url=proxy.url)
    submitted = submit_some(kiosk_db, fast_sync, 10)
    proxy.plan(
        "status:503",
        "status:429:0.2",
        "status:500",
        "status:500",
        "portal",
        "status:503",
        "status:500",
    )
    started = time.monotonic()
    _drain_in_thread(kiosk_db, fast_sync)
    assert proxy.pending() == 0
    assert time.monotonic() - started >= 0.2  # Retry-After honoured
    assert_exactly_once(hub, submitted, kiosk_db)
    assert hub.cli("count")["duplicates_refused"] == 0  # none of those reached the hub


def test_connection_reset_mid_upload(
    hub: HubProcess, proxy: FaultProxy, fast_sync: Config, kiosk_db: sessionmaker[Session]
) -> None:
    enrol_kiosk(hub, fast_sync, url=proxy.url)
    submitted = submit_some(kiosk_db, fast_sync, 8)
    proxy.plan("pass", "reset", "reset", "pass", "reset")
    _drain_in_thread(kiosk_db, fast_sync)
    assert proxy.applied["reset"] == 3
    assert_exactly_once(hub, submitted, kiosk_db)


def test_ack_lost_after_commit(
    hub: HubProcess, proxy: FaultProxy, fast_sync: Config, kiosk_db: sessionmaker[Session]
) -> None:
    enrol_kiosk(hub, fast_sync, url=proxy.url)
    submitted = submit_some(kiosk_db, fast_sync, 8)
    proxy.plan("drop_ack", "drop_ack", "pass", "drop_ack", "drop_ack")
    _drain_in_thread(kiosk_db, fast_sync)
    assert proxy.applied["drop_ack"] == 4
    assert_exactly_once(hub, submitted, kiosk_db)
    # each lost acknowledgement led to a resend that the hub answered with the original receipt
    assert hub.cli("count")["duplicates_refused"] == 4


@pytest.mark.slow
def test_sync_worker_sigkilled_many_times(
    hub: HubProcess, fast_sync: Config, kiosk_db: sessionmaker[Session]
) -> None:
    enrol_kiosk(hub, fast_sync)
    rng = random.Random(7)
    submitted: dict[str, dict[str, Any]] = {}
    kills = 0
    for round_ in range(12):
        submitted |= submit_some(kiosk_db, fast_sync, 6, seed=round_)
        worker = kiosk_worker()
        time.sleep(
            rng.uniform(0.3, 1.2)
        )  # start-up takes ~0.4 s: kills land before, during, after sends
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        kills += 1
    assert kills == 12
    done = kiosk_cli(
        "sync", "run", "--once", "--json"
    )  # send now: takes back what dead workers held
    assert done.returncode == 0, done.stderr
    assert_exactly_once(hub, submitted, kiosk_db)


@pytest.mark.slow
def test_hub_sigkilled_mid_request(
    hub: HubProcess, fast_sync: Config, kiosk_db: sessionmaker[Session]
) -> None:
    enrol_kiosk(hub, fast_sync)
    submitted = submit_some(kiosk_db, fast_sync, 90)
    worker = SyncWorker(kiosk_db, fast_sync, enrolled=enrolment.load)
    worker.start()
    try:
        rng = random.Random(3)
        for _ in range(3):
            acked = status(kiosk_db, enrolment.load())["acknowledged"]
            until(
                lambda a=acked: status(kiosk_db, enrolment.load())["acknowledged"] > a + 3,
                30,
                0.005,
            )
            time.sleep(rng.uniform(0.0, 0.05))
            hub.kill()  # while the worker is streaming uploads: some die mid-request
            time.sleep(0.2)
            hub.start()
        until(lambda: status(kiosk_db, enrolment.load())["pending"] == 0, 60)
    finally:
        worker.stop()
    assert_exactly_once(hub, submitted, kiosk_db)


@pytest.mark.slow
def test_two_workers_at_once(
    hub: HubProcess, fast_sync: Config, kiosk_db: sessionmaker[Session]
) -> None:
    enrol_kiosk(hub, fast_sync)
    submitted = submit_some(kiosk_db, fast_sync, 60)
    workers = [kiosk_worker(), kiosk_worker()]
    try:
        until(lambda: status(kiosk_db, enrolment.load())["pending"] == 0, 60)
    finally:
        for w in workers:
            w.terminate()
            w.wait(10)
    assert [w.returncode for w in workers] == [0, 0]
    assert_exactly_once(hub, submitted, kiosk_db)
    # leases kept the two apart: no item was sent twice
    assert hub.cli("count")["duplicates_refused"] == 0
