"""The hub refuses what it must (issue 16), against real hub processes on 127.0.0.1: bodies
checked before they are read, malformed input answered 4xx never 500, a kiosk that claims to be
another, demo content, forged answers, plain-HTTP enrolment, non-finite timestamps, replays."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from faultproxy import FaultProxy
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker
from sync_parts import (
    HubProcess,
    assert_exactly_once,
    enrol_kiosk,
    hub_items,
    kiosk_cli,
    submit_some,
    until,
)

from kiosk.config import Config
from kiosk.sync import enrolment, outbox
from kiosk.sync.client import HubClient
from kiosk.sync.worker import SyncWorker, status
from kiosk_hub import store
from kiosk_hub.models import Item
from kiosk_protocol import sealing, signing

PUT_OCTETS = {"Content-Type": "application/octet-stream"}


def signed_headers(
    enrolled: enrolment.Enrolment,
    method: str,
    path: str,
    body: bytes,
    *,
    stamp: str | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    stamp = stamp or f"{time.time():.3f}"
    nonce = nonce or secrets.token_hex(16)
    return {
        signing.HEADER_KIOSK: enrolled.kiosk_id,
        signing.HEADER_TIME: stamp,
        signing.HEADER_NONCE: nonce,
        signing.HEADER_SIGNATURE: signing.sign(enrolled.secret, method, path, stamp, nonce, body),
    }


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


class PeakRss:
    """The highest resident size of a process while the block runs, sampled every 20 ms."""

    def __init__(self, pid: int):
        self.pid, self.before, self.peak = pid, rss_mb(pid), rss_mb(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(0.02)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb(self.pid))

    @property
    def growth(self) -> float:
        return self.peak - self.before


def megabytes(count: int) -> Iterator[bytes]:
    block = b"\0" * (1 << 20)
    for _ in range(count):
        yield block


def _put_or_closed(url: str, content: Any, headers: dict[str, str]) -> int | None:
    """The answer's status, or None when the hub closed the connection instead."""
    try:
        return httpx.put(url, content=content, headers=headers, timeout=120).status_code
    except httpx.TransportError:
        return None


@pytest.mark.parametrize("hub_db", ["sqlite"], indirect=True)  # HTTP layer: one backend is enough
def test_body_is_not_read_before_headers_and_size_are_checked(
    hub: HubProcess, enrolled: enrolment.Enrolment
) -> None:
    assert hub.proc is not None
    url = f"{hub.url}/v1/items/00000000-0000-4000-8000-00000000f00d"
    # 200 MB with no signature, streamed (no Content-Length): refused on its headers
    with PeakRss(hub.proc.pid) as unsigned:
        answer = _put_or_closed(url, megabytes(200), PUT_OCTETS)
    assert answer in (401, None)
    assert unsigned.growth < 40, f"hub grew {unsigned.growth:.0f} MB on an unsigned 200 MB body"

    # signed, but declared over the cap: 413 before a byte is read
    big = b"\0" * (store.MAX_ITEM_BYTES + 1)
    path = "/v1/items/00000000-0000-4000-8000-00000000f00e"
    headers = {**signed_headers(enrolled, "PUT", path, big), **PUT_OCTETS}
    refused = httpx.put(hub.url + path, content=big, headers=headers, timeout=60)
    assert refused.status_code == 413 and refused.json()["permanent"] is True

    # signed and streamed without a length: cut off at the cap, memory stays bounded
    headers = {**signed_headers(enrolled, "PUT", path, big), **PUT_OCTETS}
    chunks = (big[i : i + (1 << 20)] for i in range(0, len(big), 1 << 20))
    with PeakRss(hub.proc.pid) as streamed:
        answer = _put_or_closed(hub.url + path, chunks, headers)
    assert answer in (413, None)
    assert streamed.growth < 40 + store.MAX_ITEM_BYTES / (1 << 20)
    assert hub.cli("count")["items"] == 0


def _damaged_envelopes(recipient: sealing.Recipient, item_uuid: str) -> dict[str, bytes]:
    """Envelopes damaged in every way a header can be, each with a correct outer framing."""
    good = sealing.open_envelope(
        sealing.seal(recipient, item_uuid, "application", {"payload": b'{"data":{}}'})
    )
    header, body = good.header, good.body

    def framed(head: Any, tail: bytes = body) -> bytes:
        raw = json.dumps(head).encode()
        return sealing.MAGIC + len(raw).to_bytes(4, "big") + raw + tail

    part, payload = header["parts"]
    assert (part["name"], payload["name"]) == ("meta", "payload")
    return {
        "header is a list": framed([1, 2, 3]),
        "header is not JSON": sealing.MAGIC + (5).to_bytes(4, "big") + b"{{{{{" + body,
        "header length past the end": sealing.MAGIC + (10**6).to_bytes(4, "big") + b"{}",
        "parts is a string": framed({**header, "parts": "many"}),
        "length is text": framed({**header, "parts": [{**part, "length": "12"}]}),
        "offset negative": framed({**header, "parts": [{**part, "offset": -5}]}),
        "offset past the end": framed({**header, "parts": [{**part, "offset": 10**9}]}),
        "part is a number": framed({**header, "parts": [7]}),
        "wrapped holds numbers": framed({**header, "wrapped": {"epk": 1, "nonce": 2, "key": 3}}),
        "wrapped key not base64": framed(
            {**header, "wrapped": {**header["wrapped"], "epk": "!!!"}}
        ),
        "wrapped key wrong size": framed(
            {**header, "wrapped": {**header["wrapped"], "epk": "AAAA"}}
        ),
        "nonce not base64": framed(
            {**header, "parts": [{**p, "nonce": "%%"} for p in header["parts"]]}
        ),
        "uuid is a number": framed({**header, "uuid": 5}),
        "demo is text": framed({**header, "demo": "no"}),
        "a newer format": framed({**header, "v": 99}),
        "no meta part in v2": framed(
            {**header, "parts": [{**payload, "offset": 0}]}, good.chunk(good.parts[1])
        ),
        "not sealed at all": b'{"hello": "hub"}',
    }


@pytest.mark.parametrize("hub_db", ["sqlite"], indirect=True)  # HTTP layer: one backend is enough
def test_malformed_input_is_answered_4xx_never_500(
    hub: HubProcess, enrolled: enrolment.Enrolment
) -> None:
    answers: dict[str, httpx.Response] = {}
    item_uuid = "00000000-0000-4000-8000-0000000000aa"
    for name, blob in _damaged_envelopes(enrolled.recipient(), item_uuid).items():
        path = "/v1/items/00000000-0000-4000-8000-0000000000aa"
        headers = {
            **signed_headers(enrolled, "PUT", path, blob),
            **PUT_OCTETS,
            "X-Content-Hash": hashlib.sha256(blob).hexdigest(),
        }
        answers[f"item: {name}"] = httpx.put(hub.url + path, content=blob, headers=headers)
    path = "/v1/items/" + "x" * 300  # longer than any uuid column
    blob = b"KSEAL1\n"
    answers["item: uuid too long"] = httpx.put(
        hub.url + path,
        content=blob,
        headers={
            **signed_headers(enrolled, "PUT", path, blob),
            "X-Content-Hash": hashlib.sha256(blob).hexdigest(),
        },
    )
    for name, body in {
        "not JSON": b"{items",
        "a list": b"[1, 2]",
        "items a list": b'{"items": ["a", "b"]}',
        "hash a number": b'{"items": {"a": 5}}',
    }.items():
        headers = signed_headers(enrolled, "POST", "/v1/reconcile", body)
        answers[f"reconcile: {name}"] = httpx.post(
            hub.url + "/v1/reconcile", content=body, headers=headers
        )
    for name, body in {
        "not JSON": b"code=ABCD",
        "a list": b'["ABCD"]',
        "code a number": b'{"code": 1234}',
        "code an object": b'{"code": {"x": 1}}',
    }.items():
        answers[f"enrol: {name}"] = httpx.post(hub.url + "/v1/enrol", content=body)

    wrong = {name: r.status_code for name, r in answers.items() if r.status_code != 422}
    assert wrong == {}, f"expected 422 for each, got {wrong}"
    assert all(r.json()["permanent"] is True for r in answers.values())
    assert "newer release" in answers["item: a newer format"].json()["reason"]
    assert hub.cli("count")["items"] == 0


def test_the_kiosk_quarantines_only_what_the_hub_refuses_for_good(
    hub: HubProcess, proxy: FaultProxy, fast_sync: Config, kiosk_db: sessionmaker[Session]
) -> None:
    enrol_kiosk(hub, fast_sync, url=proxy.url)
    enrolled = enrolment.load()
    assert enrolled is not None
    submitted = submit_some(kiosk_db, fast_sync, 2)
    # a damaged item: its wrapped key holds numbers (the 0.1.0 hub crashed on it: a 500)
    with kiosk_db.begin() as session:
        bad = outbox.enqueue(
            session, "print", {"document": "receipt"}, recipient=enrolled.recipient()
        )
        bad_uuid = bad.uuid
        bad.sealed = _damaged_envelopes(enrolled.recipient(), bad_uuid)["wrapped holds numbers"]
        bad.content_hash = sealing.sha256(bad.sealed)
    # a hub error and a refusal forged on the wire: both retried, neither is the hub's word
    proxy.plan("status:500", "forge_refusal", "forge_ack")
    worker = SyncWorker(kiosk_db, fast_sync, enrolled=enrolment.load)
    worker.start()
    try:
        until(lambda: status(kiosk_db, enrolment.load())["pending"] == 0, 60)
    finally:
        worker.stop()
    assert proxy.applied == {"status:500": 1, "forge_refusal": 1, "forge_ack": 1}
    with kiosk_db() as session:
        quarantined = outbox.quarantined(session)
    assert [q["uuid"] for q in quarantined] == [bad_uuid]
    assert "422" in quarantined[0]["reason"] and "damaged" in quarantined[0]["reason"]
    assert status(kiosk_db, enrolment.load())["acknowledged"] == 2
    assert_exactly_once(hub, submitted, kiosk_db)  # the forged acknowledgement was not believed


def test_an_application_claiming_another_kiosk_is_refused_and_logged(
    hub: HubProcess, fast_sync: Config, kiosk_db: sessionmaker[Session]
) -> None:
    enrolled = enrol_kiosk(hub, fast_sync, kiosk_id="K07")
    with kiosk_db.begin() as session:
        entry = outbox.enqueue(
            session,
            "application",
            {"kiosk_id": "K01", "application_number": "made-up"},
            recipient=enrolled.recipient(),
        )
        item_uuid, content_hash, sealed = entry.uuid, entry.content_hash, entry.sealed
    with HubClient(enrolled, fast_sync) as client:
        answer = client.put_item(item_uuid, content_hash, sealed)
    assert answer.outcome == "quarantine" and "not the sending kiosk" in answer.detail
    counts = hub.cli("count")
    assert (counts["items"], counts["refused"]) == (0, 1)
    until(lambda: "kiosk_mismatch" in hub.log.read_text())
    logged = hub.log.read_text()
    assert item_uuid in logged and "K07" in logged


@pytest.mark.parametrize("hub_db", ["sqlite"], indirect=True)
def test_demo_content_only_at_a_hub_that_accepts_it_and_flagged(
    hub: HubProcess, fast_sync: Config, kiosk_db: sessionmaker[Session]
) -> None:
    enrol_kiosk(hub, fast_sync)
    refused = kiosk_cli("demo-data", "--count", "2")
    assert refused.returncode == 1 and "--to-enrolled-hub" in refused.stderr
    assert status(kiosk_db, enrolment.load())["pending"] == 0  # nothing was made
    made = kiosk_cli("demo-data", "--count", "2", "--to-enrolled-hub", "--json")
    assert made.returncode == 0, made.stderr
    SyncWorker(kiosk_db, fast_sync, enrolled=enrolment.load).run_once()
    with kiosk_db() as session:
        quarantined = outbox.quarantined(session)
    assert len(quarantined) == 2 and all("--accept-demo" in q["reason"] for q in quarantined)
    assert hub.cli("count")["applications"] == 0

    hub.stop()  # the training hub: same database, started to hold made-up applications
    training = HubProcess(hub.db_url, hub.home, port=hub.port, extra=["--accept-demo"]).start()
    try:
        with kiosk_db.begin() as session:
            for item in quarantined:
                outbox.requeue(session, item["uuid"])
        real = submit_some(kiosk_db, fast_sync, 1, seed=9)
        SyncWorker(kiosk_db, fast_sync, enrolled=enrolment.load).run_once()
        counts = training.cli("count")
        assert (counts["applications"], counts["demo"]) == (3, 2)
        lines = hub_items(training)
        assert sorted(line["demo"] for line in lines) == [False, True, True]
        assert [line["uuid"] for line in lines if not line["demo"]] == list(real)
    finally:
        training.stop()


def test_export_skips_a_bad_item_and_writes_a_private_file_atomically(
    hub: HubProcess, hub_db: str, fast_sync: Config, kiosk_db: sessionmaker[Session]
) -> None:
    enrol_kiosk(hub, fast_sync)
    submitted = submit_some(kiosk_db, fast_sync, 3)
    SyncWorker(kiosk_db, fast_sync, enrolled=enrolment.load).run_once()
    broken = sorted(submitted)[1]
    hub_store = store.open_hub(hub_db)  # one item damaged in the hub's database
    with hub_store.factory.begin() as session:
        session.execute(update(Item).where(Item.uuid == broken).values(sealed=b"KSEAL1\n\0\0"))
    hub_store.close()

    out = hub.home / "export.jsonl"
    out.write_text("yesterday's export\n")
    os.chmod(out, 0o644)
    old_umask = os.umask(0o022)
    try:
        done = hub.cli_raw("export", "--out", str(out))
    finally:
        os.umask(old_umask)
    assert done.returncode == 1  # something needs a look: said on stderr, the rest exported
    report = json.loads(done.stdout)
    assert report["exported"] == 2 and [s["uuid"] for s in report["skipped"]] == [broken]
    assert broken in done.stderr and "Traceback" not in done.stderr
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(line["uuid"] for line in lines) == sorted(set(submitted) - {broken})
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert not list(hub.home.glob(".export.jsonl*"))  # no half-written file left beside it


@pytest.mark.parametrize("hub_db", ["sqlite"], indirect=True)
def test_enrolment_over_plain_http_needs_both_sides_to_allow_it(
    hub_db: str, hub_home: Path, fast_sync: Config
) -> None:
    strict = HubProcess(hub_db, hub_home, extra=[])
    strict.extra.remove("--allow-plain-http")
    strict.start()
    try:
        code = strict.cli("enrol", "--kiosk-id", "K05")["code"]
        with pytest.raises(enrolment.EnrolmentError) as kiosk_side:
            enrolment.enrol(strict.url, code, fast_sync)  # the kiosk refuses by itself
        assert "https" in kiosk_side.value.message.zh and "https" in kiosk_side.value.message.en
        with pytest.raises(enrolment.EnrolmentError) as hub_side:
            enrolment.enrol(strict.url, code, fast_sync, allow_plain_http=True)
        assert "https" in hub_side.value.message.en  # the hub refused too: the code is unused
        cli = kiosk_cli("sync", "enrol", "--hub", strict.url, "--code", code)
        assert cli.returncode == 1 and "https" in cli.stderr
    finally:
        strict.stop()
    relaxed = HubProcess(hub_db, hub_home, port=strict.port).start()
    try:
        cli = kiosk_cli(
            "sync", "enrol", "--hub", relaxed.url, "--code", code, "--allow-plain-http", "--json"
        )
        assert cli.returncode == 0, cli.stderr
        assert json.loads(cli.stdout)["kiosk_id"] == "K05"
    finally:
        relaxed.stop()


@pytest.mark.parametrize("hub_db", ["sqlite"], indirect=True)
def test_non_finite_timestamps_and_negative_valid_hours_are_refused(
    hub: HubProcess, enrolled: enrolment.Enrolment
) -> None:
    for stamp in ("nan", "NaN", "inf", "-inf", "1e999"):
        headers = signed_headers(enrolled, "GET", "/v1/hello", b"", stamp=stamp)
        answer = httpx.get(hub.url + "/v1/hello", headers=headers)
        assert answer.status_code == 401, (stamp, answer.status_code)
    for hours in ("-5", "0", "nan", "inf", "-inf"):
        done = hub.cli_raw("enrol", "--kiosk-id", "K09", f"--valid-hours={hours}")
        assert done.returncode == 2 and "valid-hours" in done.stderr, (hours, done.stderr)
    assert hub.cli("enrol", "--kiosk-id", "K09", "--valid-hours", "1.5")["code"]


def _copies(count: int, send: Any) -> list[int]:
    barrier = threading.Barrier(count)
    results: list[int] = []
    lock = threading.Lock()

    def one() -> None:
        barrier.wait()
        code = send()
        with lock:
            results.append(code)

    threads = [threading.Thread(target=one) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def test_twenty_copies_of_one_signed_request_one_accepted(
    hub: HubProcess, enrolled: enrolment.Enrolment, kiosk_db: sessionmaker[Session]
) -> None:
    with kiosk_db.begin() as session:
        entry = outbox.enqueue(
            session, "decision", {"decision": "approved"}, recipient=enrolled.recipient()
        )
        path, body = f"/v1/items/{entry.uuid}", entry.sealed
        content_hash = entry.content_hash
    headers = {
        **signed_headers(enrolled, "PUT", path, body),
        **PUT_OCTETS,
        "X-Content-Hash": content_hash,
    }
    with httpx.Client(timeout=120, limits=httpx.Limits(max_connections=40)) as http:
        codes = _copies(
            20, lambda: http.put(hub.url + path, content=body, headers=headers).status_code
        )
        assert sorted(codes) == [201] + [401] * 19, codes
        hello = signed_headers(enrolled, "GET", "/v1/hello", b"")
        codes = _copies(20, lambda: http.get(hub.url + "/v1/hello", headers=hello).status_code)
        assert sorted(codes) == [200] + [401] * 19, codes
    assert hub.cli("count")["items"] == 1
