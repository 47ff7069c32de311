"""The hub's contract with kiosks, against a real hub process: enrolment, signing, clock drift,
replays, revocation, dedupe and conflicts, refusals quarantined, reconciliation, TLS."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker
from sync_parts import HubProcess, assert_exactly_once, enrol_kiosk, submit_some, until

from kiosk.config import Config
from kiosk.storage.models import OutboxEntry
from kiosk.sync import crypto, enrolment, outbox
from kiosk.sync.client import HubClient
from kiosk.sync.worker import SyncWorker, reconcile, status
from kiosk_hub import store
from kiosk_hub.models import Item
from kiosk_protocol import signing


@pytest.mark.parametrize("hub_db", ["sqlite"], indirect=True)  # auth logic: one backend is enough
def test_code_binds_once_and_kiosk_adopts_hub_id(hub: HubProcess, fast_sync: Config) -> None:
    code = hub.cli("enrol", "--kiosk-id", "K42")["code"]
    done = enrolment.enrol(hub.url, code, fast_sync, allow_plain_http=True)
    assert done.kiosk_id == "K42" and enrolment.kiosk_id(fast_sync, enrolment.load()) == "K42"
    assert json.loads(enrolment.state_file().read_text())["kiosk_id"] == "K42"
    with pytest.raises(enrolment.EnrolmentError) as refused:
        enrolment.enrol(hub.url, code, fast_sync, allow_plain_http=True)  # binds one kiosk only
    assert "登记码" in refused.value.message.zh and "code" in refused.value.message.en


@pytest.mark.parametrize("hub_db", ["sqlite"], indirect=True)  # auth logic: one backend is enough
def test_signed_requests_replay_drift_unknown_and_revoked(
    hub: HubProcess, fast_sync: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    enrolled = enrol_kiosk(hub, fast_sync)
    with HubClient(enrolled, fast_sync) as client:
        assert client.hello()["kiosk_id"] == "K07"
        # replay the exact same signed request: refused
        sent = client.http.build_request("GET", hub.url + "/v1/hello")
        stamp, nonce = f"{time.time():.3f}", "n" * 32
        headers = {
            signing.HEADER_KIOSK: "K07",
            signing.HEADER_TIME: stamp,
            signing.HEADER_NONCE: nonce,
            signing.HEADER_SIGNATURE: signing.sign(
                enrolled.secret, "GET", "/v1/hello", stamp, nonce, b""
            ),
        }
        first = httpx.get(sent.url, headers=headers)
        again = httpx.get(sent.url, headers=headers)
        assert (first.status_code, again.status_code) == (200, 401)
        assert again.json()["error"] == "replayed"
        forged = httpx.get(sent.url, headers={**headers, signing.HEADER_NONCE: "m" * 32})
        assert forged.json()["error"] == "bad_signature"

    # a kiosk whose clock drifted three weeks while offline still gets through: the hub tells its time
    class Drifted:
        @staticmethod
        def time() -> float:
            return time.time() - 21 * 86400

    monkeypatch.setattr("kiosk.sync.client.time", Drifted)
    with HubClient(enrolled, fast_sync) as client:
        assert client.hello()["kiosk_id"] == "K07"
        assert abs(client.offset - 21 * 86400) < 5

    stranger = enrolment.Enrolment(**{**enrolled.__dict__, "kiosk_id": "K99"})
    with HubClient(stranger, fast_sync) as client:
        assert client.request("GET", "/v1/hello").json()["error"] == "unknown_kiosk"

    hub.cli("revoke", "--kiosk-id", "K07")
    with HubClient(enrolled, fast_sync) as client:
        answer = client.request("GET", "/v1/hello")
        assert (answer.status_code, answer.json()["error"]) == (403, "revoked")


@pytest.mark.parametrize("hub_db", ["sqlite"], indirect=True)  # auth logic: one backend is enough
def test_revoked_kiosk_keeps_its_items_pending(
    hub: HubProcess, fast_sync: Config, kiosk_db: sessionmaker[Session]
) -> None:
    enrol_kiosk(hub, fast_sync)
    hub.cli("revoke", "--kiosk-id", "K07")
    submit_some(kiosk_db, fast_sync, 3)
    result = SyncWorker(kiosk_db, fast_sync, enrolled=enrolment.load).run_once()
    assert result.global_error is not None and "revoked" in result.global_error
    counts = status(kiosk_db, enrolment.load())
    assert (counts["pending"], counts["quarantined"]) == (3, 0)  # paused, not thrown away
    assert "revoked" in counts["last_error"]


def test_poison_item_quarantined_others_flow(
    hub: HubProcess, fast_sync: Config, kiosk_db: sessionmaker[Session]
) -> None:
    enrol_kiosk(hub, fast_sync)
    submitted = submit_some(kiosk_db, fast_sync, 3)
    _, other_public = crypto.generate_keypair()  # sealed to some other hub's key: 422
    with kiosk_db.begin() as session:
        outbox.enqueue(
            session,
            "print",
            {"document": "receipt"},
            recipient=crypto.Recipient(other_public, demo=False),
        )
    submitted |= submit_some(kiosk_db, fast_sync, 3, seed=2)
    result = SyncWorker(kiosk_db, fast_sync, enrolled=enrolment.load).run_once()
    assert (result.sent, result.quarantined) == (6, 1)
    with kiosk_db() as session:
        [poison] = outbox.quarantined(session)
    assert poison["kind"] == "print" and "not this hub's key" in poison["reason"]
    assert_exactly_once(hub, submitted, kiosk_db)


def test_same_uuid_other_content_is_a_conflict(
    hub: HubProcess, fast_sync: Config, kiosk_db: sessionmaker[Session]
) -> None:
    enrolled = enrol_kiosk(hub, fast_sync)
    with kiosk_db.begin() as session:
        first = outbox.enqueue(
            session,
            "decision",
            {"decision": "approved"},
            item_uuid="00000000-0000-4000-8000-000000000001",
            recipient=enrolment.sealed_to(enrolment.load()),
        )
    SyncWorker(kiosk_db, fast_sync, enrolled=enrolment.load).run_once()
    again = crypto.seal(
        enrolled.recipient(),
        first.uuid,
        "decision",
        {"payload": b'{"data":{"decision":"rejected"}}'},
    )
    with HubClient(enrolled, fast_sync) as client:
        replay = client.put_item(first.uuid, first.content_hash, first.sealed)
        conflict = client.put_item(first.uuid, crypto.sha256(again), again)
    assert replay.outcome == "held" and replay.detail == "HTTP 200"
    assert conflict.outcome == "quarantine" and "409" in conflict.detail
    counts = hub.cli("count")
    assert (counts["duplicates_refused"], counts["conflicts"]) == (1, 1)


@pytest.mark.parametrize("hub_db", ["sqlite"], indirect=True)  # auth logic: one backend is enough
def test_demo_items_never_leave_and_hub_refuses_them(
    hub: HubProcess, fast_sync: Config, kiosk_db: sessionmaker[Session]
) -> None:
    demo_mode = fast_sync.with_values(**{"sync.demo": True})
    demo = submit_some(kiosk_db, demo_mode, 2)  # before enrolment, in demo mode: demo key
    enrolled = enrol_kiosk(hub, fast_sync)
    real = submit_some(kiosk_db, fast_sync, 2, seed=5)
    SyncWorker(kiosk_db, fast_sync, enrolled=enrolment.load).run_once()
    counts = status(kiosk_db, enrolment.load())
    assert (counts["demo"], counts["acknowledged"], counts["pending"]) == (2, 2, 0)
    assert_exactly_once(hub, real, kiosk_db)
    with kiosk_db() as session:
        row = session.execute(
            select(OutboxEntry).where(OutboxEntry.uuid == next(iter(demo)))
        ).scalar_one()
    with HubClient(enrolled, fast_sync) as client:
        refused = client.put_item(row.uuid, row.content_hash, row.sealed)
    assert refused.outcome == "quarantine" and "demo" in refused.detail


def test_reconcile_resends_what_the_hub_lost(
    hub: HubProcess, hub_db: str, fast_sync: Config, kiosk_db: sessionmaker[Session]
) -> None:
    enrolled = enrol_kiosk(hub, fast_sync)
    submitted = submit_some(kiosk_db, fast_sync, 5)
    SyncWorker(kiosk_db, fast_sync, enrolled=enrolment.load).run_once()
    lost = sorted(submitted)[:2]
    hub_store = store.open_hub(hub_db)  # the hub restored from an old backup: two items gone
    with hub_store.factory.begin() as session:
        session.execute(delete(Item).where(Item.uuid.in_(lost)))
    hub_store.close()
    with HubClient(enrolled, fast_sync) as client:
        answer = reconcile(kiosk_db, client)
    assert answer["missing"] == lost and answer["mismatched"] == []
    assert status(kiosk_db, enrolment.load())["pending"] == 2
    SyncWorker(kiosk_db, fast_sync, enrolled=enrolment.load).run_once()
    assert_exactly_once(hub, submitted, kiosk_db)


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    import ipaddress

    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "hub.crt", folder / "hub.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.mark.parametrize("hub_db", ["sqlite"], indirect=True)
def test_tls_when_given_a_certificate(
    hub_db: str,
    hub_home: Path,
    tmp_path: Path,
    fast_sync: Config,
    kiosk_db: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cert, key = _self_signed(tmp_path)
    tls_hub = HubProcess(
        hub_db, hub_home, extra=["--tls-cert", str(cert), "--tls-key", str(key)]
    ).start()
    try:
        code = tls_hub.cli("enrol", "--kiosk-id", "K08")["code"]
        with pytest.raises(enrolment.EnrolmentError):  # unknown CA: refused
            enrolment.enrol(tls_hub.url, code, fast_sync)
        monkeypatch.setenv("KIOSK_SYNC_CA_FILE", str(cert))
        config = Config.load()
        enrolment.enrol(tls_hub.url, code, config)
        submitted = submit_some(kiosk_db, config, 2)
        worker = SyncWorker(kiosk_db, config, enrolled=enrolment.load)
        worker.start()
        until(lambda: status(kiosk_db, enrolment.load())["pending"] == 0)
        worker.stop()
        assert_exactly_once(tls_hub, submitted, kiosk_db)
    finally:
        tls_hub.stop()


@pytest.mark.parametrize("hub_db", ["postgres"], indirect=True)
def test_one_database_connection_per_worker_still_answers_a_burst(
    hub_db: str, hub_home: Path, fast_sync: Config, kiosk_db: sessionmaker[Session]
) -> None:
    """``--db-connections`` sizes each worker's pool and its database threads: with one each, a
    burst of hellos and uploads waits its turn (no deadlock, no connection opened per request)
    and everything lands once. A size below one is a usage error."""
    refused = HubProcess(hub_db, hub_home).cli_raw("serve", "--db-connections", "0")
    assert refused.returncode == 2 and "--db-connections" in refused.stderr
    hub = HubProcess(hub_db, hub_home, extra=["--workers", "2", "--db-connections", "1"]).start()
    try:
        enrolled = enrol_kiosk(hub, fast_sync)
        submitted = submit_some(kiosk_db, fast_sync, 8)
        from concurrent.futures import ThreadPoolExecutor

        with HubClient(enrolled, fast_sync) as client, ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(lambda _: client.hello()["kiosk_id"], range(40)))
        assert answers == ["K07"] * 40
        SyncWorker(kiosk_db, fast_sync, enrolled=enrolment.load).run_once()
        assert_exactly_once(hub, submitted, kiosk_db)
        engine = store.make_engine(hub_db)
        try:
            with engine.connect() as look:
                held = look.exec_driver_sql(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND backend_type = 'client backend'"
                ).scalar_one()
        finally:
            engine.dispose()
        assert held <= 2 + 1, held  # two workers' one connection each, and this look
    finally:
        hub.stop()
