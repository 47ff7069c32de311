"""The sync worker: sends the outbox to the hub off the GUI thread (no Qt here).

It sends while the hub answers; when it does not, it waits with capped full-jitter backoff
(honouring Retry-After) and never gives up. An item the hub refuses for good is quarantined with
the reason and the rest keep moving. Items are leased, so two workers never send the same item at
once, and a worker's restart takes back what a dead one held. ``send_now()`` skips every wait.

UI use: ``SyncWorker(factory, config, enrolled=enrolment.load, on_status=callback).start()``;
``enrolled`` is asked for the enrolment each time a hub client is needed (an administrator may
enrol while the kiosk runs). The callback gets ``True`` (hub answering) or ``False`` from the
worker thread, so wrap it for Qt; ``status(factory, enrolled)`` gives the supervisor counts.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from kiosk import logs, paths
from kiosk.config import Config
from kiosk.storage.models import OutboxEntry, utcnow
from kiosk.sync import outbox, retention
from kiosk.sync.client import HubClient, SendResult
from kiosk.sync.enrolment import Enrolment

_log = logs.get("kiosk.sync")
BATCH = 16
_rng = random.Random()
PARALLEL = 4  # uploads in flight at once


def full_jitter(attempt: int, base: float, cap: float, rng: random.Random | None = None) -> float:
    """A random wait in [0, min(cap, base * 2**(attempt-1))] (AWS 'full jitter')."""
    return (rng or _rng).uniform(0.0, min(cap, base * (2 ** max(0, min(attempt - 1, 40)))))


def _status_file() -> Any:
    return paths.sub("sync") / "status.json"


def _read_state() -> dict[str, Any]:
    try:
        return dict(json.loads(_status_file().read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


def _write_state(state: dict[str, Any]) -> None:
    path = _status_file()
    tmp = path.with_name(f".status.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(json.dumps(state, default=str), encoding="utf-8")
    tmp.replace(path)


def status(factory: sessionmaker[Session], enrolled: Enrolment | None) -> dict[str, Any]:
    """``{"pending", "quarantined", "acknowledged", "last_success", "last_error", ...}``."""
    with factory() as session:
        data = outbox.counts(session)
    state = _read_state()
    data["last_error"] = state.get("last_error")
    data["last_error_at"] = state.get("last_error_at")
    data["online"] = state.get("online")
    data["enrolled"] = enrolled is not None
    return data


@dataclass
class DrainResult:
    sent: int = 0
    quarantined: int = 0
    retried: int = 0
    global_error: str | None = None
    retry_after: float | None = None
    errors: list[str] = field(default_factory=list)


class SyncWorker:
    def __init__(
        self,
        factory: sessionmaker[Session],
        config: Config,
        *,
        enrolled: Callable[[], Enrolment | None],
        on_status: Callable[[bool], None] | None = None,
    ):
        self.factory = factory
        self.config = config
        self.enrolled = enrolled
        self.on_status = on_status
        self.owner = outbox.new_owner()
        self.online: bool | None = None
        self._client: HubClient | None = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._force = False
        self._failures = 0
        self._thread: threading.Thread | None = None
        self._last_housekeeping = 0.0
        self._pool = ThreadPoolExecutor(max_workers=PARALLEL, thread_name_prefix="kiosk-sync-send")

    # -- background use ---------------------------------------------------------------------
    def start(self) -> threading.Thread:
        self._thread = threading.Thread(target=self.run_forever, name="kiosk-sync", daemon=True)
        self._thread.start()
        return self._thread

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._close_client()

    def send_now(self) -> None:
        """Supervisor's "send now": forget every wait and drain at once."""
        self._force = True
        self._wake.set()

    def run_forever(self) -> None:
        outbox.reclaim_orphans(self.factory)
        while not self._stop.is_set():
            if self._force:
                self._force = False
                self._clear_item_waits()
                self._failures = 0
            result = self.drain()
            self._housekeeping()
            if result.global_error is not None:
                self._failures += 1
                wait = full_jitter(
                    self._failures,
                    self.config["sync.backoff_base"],
                    self.config["sync.backoff_cap"],
                )
                wait = max(wait, result.retry_after or 0.0)
            else:
                self._failures = 0
                wait = (
                    0.0
                    if result.sent or result.quarantined
                    else float(self.config["sync.idle_poll"])
                )
            if wait:
                self._wake.wait(wait)
                self._wake.clear()
        self._close_client()

    # -- one pass ---------------------------------------------------------------------------
    def run_once(self) -> DrainResult:
        """``kiosk sync run --once``: take back dead workers' items, skip waits, drain, reconcile."""
        outbox.reclaim_orphans(self.factory)
        self._clear_item_waits()
        result = self.drain()
        if result.global_error is None:
            self._housekeeping(force=True)
        self._close_client()
        return result

    def drain(self) -> DrainResult:
        """Send everything claimable now; stop early when the hub is unreachable or busy."""
        result = DrainResult()
        client = self._get_client()
        if client is None:
            return result
        while not self._stop.is_set():
            batch = outbox.claim(
                self.factory,
                self.owner,
                limit=BATCH,
                lease_seconds=self.config["sync.lease_seconds"],
            )
            if not batch:
                if not result.sent and not result.quarantined and not result.retried:
                    self._check_hub(client)  # nothing to send: still keep the on-screen state true
                break
            # a few uploads in flight at once: the hub's commit, not the wire, is the slow part
            sends = list(
                self._pool.map(lambda i: client.put_item(i.uuid, i.content_hash, i.sealed), batch)
            )
            answers = [
                (i, r) for i, r in zip(batch, sends, strict=True) if r.outcome != "retry_all"
            ]
            refused = [
                (i, r) for i, r in zip(batch, sends, strict=True) if r.outcome == "retry_all"
            ]
            self._set_online(all(r.hub_answered for r in sends))
            if refused:  # hub down or busy: record what got through, give the rest back, wait
                detail = refused[0][1].detail
                self._settle(answers, result, release=[i for i, _ in refused], error=detail)
                # uploads go out in parallel: any of them may carry the hub's Retry-After
                waits = [r.retry_after for _, r in refused if r.retry_after is not None]
                result.global_error, result.retry_after = detail, max(waits, default=None)
                self._record_error(detail)
                return result
            self._settle(answers, result)
        if result.sent and not result.errors:
            self._record_error(None)
        return result

    def _settle(
        self,
        answers: list[tuple[outbox.Claimed, SendResult]],
        result: DrainResult,
        release: list[outbox.Claimed] | None = None,
        error: str | None = None,
    ) -> None:
        """Record a batch's answers in one transaction (a crash before it only means a resend the
        hub answers with its original acknowledgement)."""
        with self.factory.begin() as session:
            for item, sent in answers:
                self._settle_one(session, item, sent, result)
            for item in release or []:
                outbox.release(session, item.id, self.owner, error, None)

    def _settle_one(
        self, session: Session, item: outbox.Claimed, sent: SendResult, result: DrainResult
    ) -> None:
        if sent.outcome == "held":
            outbox.acknowledge(session, item.uuid, item.content_hash)
            result.sent += 1
        elif sent.outcome == "quarantine":
            outbox.quarantine(session, item.id, sent.detail)
            result.quarantined += 1
            _log.warning("item %s quarantined: %s", item.uuid, sent.detail)
        else:
            wait = full_jitter(
                item.attempts, self.config["sync.backoff_base"], self.config["sync.backoff_cap"]
            )
            wait = max(wait, sent.retry_after or 0.0)
            outbox.release(
                session, item.id, self.owner, sent.detail, utcnow() + dt.timedelta(seconds=wait)
            )
            result.retried += 1
            result.errors.append(sent.detail)
            self._record_error(sent.detail)

    def _clear_item_waits(self) -> None:
        with self.factory.begin() as session:
            session.execute(
                update(OutboxEntry)
                .where(OutboxEntry.state == "pending")
                .values(next_attempt_at=None)
            )

    # -- housekeeping: reconcile with the hub, purge acknowledged plaintext -----------------
    def _housekeeping(self, force: bool = False) -> None:
        if not force and time.monotonic() - self._last_housekeeping < 3600:
            return
        self._last_housekeeping = time.monotonic()
        retention.purge(self.factory, self.config)
        client = self._get_client()
        if client is not None:
            try:
                reconcile(self.factory, client)
            except Exception as exc:  # the hub may be down again; next round
                _log.info("reconcile skipped: %s", exc)

    def _check_hub(self, client: HubClient) -> None:
        """With an empty queue, ask the hub how it is (once per ``sync.idle_poll``): one small GET.
        Items still waiting out a back-off say enough when they are retried: no extra request."""
        with self.factory() as session:
            if outbox.counts(session)["pending"]:
                return
        try:
            self._ask_inbox(client)
        except Exception as exc:  # any failure means "not reachable now"; the detail is for staff
            if self.online is not False:  # once per outage, not a status-file write every poll
                self._record_error(type(exc).__name__)
            self._set_online(False)
        else:
            self._set_online(True)

    def _ask_inbox(self, client: HubClient) -> None:
        """The counter console's decisions for us, and our state for its fleet view
        (kiosk/sync/inbox.py); a hub from before the console only answers hello."""
        import httpx

        from kiosk.sync import inbox

        try:
            inbox.pull(self.factory, client)
        except httpx.HTTPStatusError as exc:
            if exc.response.status_code != 404:
                raise
            client.hello()

    def _get_client(self) -> HubClient | None:
        if self._client is None:
            enrolled = self.enrolled()
            if enrolled is None:
                return None
            self._client = HubClient(enrolled, self.config)
        return self._client

    def _close_client(self) -> None:
        self._pool.shutdown(wait=True)
        self._pool = ThreadPoolExecutor(max_workers=PARALLEL, thread_name_prefix="kiosk-sync-send")
        if self._client is not None:
            self._client.close()
            self._client = None

    def _set_online(self, online: bool) -> None:
        if online != self.online:
            self.online = online
            state = _read_state()
            state["online"] = online
            _write_state(state)
            if self.on_status is not None:
                self.on_status(online)

    def _record_error(self, error: str | None) -> None:
        state = _read_state()
        if error is None:
            state["last_error"] = None
        else:
            state["last_error"], state["last_error_at"] = error, utcnow().isoformat()
        _write_state(state)


def reconcile(factory: sessionmaker[Session], client: HubClient) -> dict[str, Any]:
    """Compare our acknowledged ids with the hub's; send again what it lost, flag what differs."""
    with factory() as session:
        rows = session.execute(
            select(OutboxEntry.uuid, OutboxEntry.content_hash).where(
                OutboxEntry.state == "acknowledged", OutboxEntry.demo.is_(False)
            )
        ).all()
    answer = client.reconcile({u: h for u, h in rows})
    with factory.begin() as session:
        for item_uuid in answer.get("missing", []):
            outbox.requeue(session, item_uuid)
        for item_uuid in answer.get("mismatched", []):
            entry = session.execute(
                select(OutboxEntry).where(OutboxEntry.uuid == item_uuid)
            ).scalar_one()
            outbox.quarantine(session, entry.id, "hub holds different content under this uuid")
    if answer.get("missing"):
        _log.warning("hub lacks %d acknowledged items; queued again", len(answer["missing"]))
    return answer
