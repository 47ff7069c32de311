"""The wire formats carry versions: what release 0.1.0 wrote is still read, a newer version is
refused by name (envelopes at a real hub; bundles and acknowledgement files as files)."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker
from sync_parts import HubProcess, hub_items, submit_some

from kiosk.config import Config
from kiosk.sync import enrolment
from kiosk.sync.client import HubClient
from kiosk_protocol import bundle, sealing, signing


@pytest.mark.parametrize("hub_db", ["sqlite"], indirect=True)
def test_a_version_1_envelope_is_held_and_a_newer_one_refused_by_name(
    hub: HubProcess,
    enrolled: enrolment.Enrolment,
    fast_sync: Config,
    kiosk_db: sessionmaker[Session],
) -> None:
    made = submit_some(kiosk_db, fast_sync, 1)
    [(app_uuid, application)] = made.items()
    payload = {
        "uuid": app_uuid,
        "kind": "application",
        "created_at": "2026-01-05T09:00:00+00:00",
        "data": {k: v for k, v in application.items() if not k.endswith("_b64")},
        "attachments": {},
    }
    old_uuid = "00000000-0000-4000-8000-000000000010"
    payload["uuid"] = old_uuid
    v1 = sealing.seal_v1(
        enrolled.recipient(), old_uuid, "application", {"payload": json.dumps(payload).encode()}
    )
    assert sealing.open_envelope(v1).version == 1  # exactly as 0.1.0 sealed: no meta part
    assert [p.name for p in sealing.open_envelope(v1).parts] == ["payload"]
    with HubClient(enrolled, fast_sync) as client:
        held = client.put_item(old_uuid, sealing.sha256(v1), v1)
        assert held.outcome == "held", held.detail
        newer = _with_version(
            sealing.seal(
                enrolled.recipient(), old_uuid[:-1] + "1", "print", {"payload": b'{"data":{}}'}
            ),
            3,
        )
        refused = client.put_item(old_uuid[:-1] + "1", sealing.sha256(newer), newer)
    assert refused.outcome == "quarantine" and "newer release" in refused.detail
    [line] = [line for line in hub_items(hub) if line["uuid"] == old_uuid]
    assert line["demo"] is False and line["application"]["kiosk_id"] == "K07"


def _with_version(blob: bytes, version: int) -> bytes:
    env = sealing.open_envelope(blob)
    head = json.dumps({**env.header, "v": version}).encode()
    return sealing.MAGIC + struct.pack(">I", len(head)) + head + env.body


def _bundle_with_header(tmp_path: Path, secret: bytes, **changes: object) -> Path:
    """A bundle as written, with its header changed and its MAC made again (as a kiosk of
    another release would write it)."""
    path = bundle.write_bundle(tmp_path, "K07", "kid", secret, [])
    blob = path.read_bytes()[: -bundle.MAC_BYTES]
    start = len(bundle.MAGIC) + 4
    (size,) = struct.unpack(">I", blob[len(bundle.MAGIC) : start])
    header = json.loads(blob[start : start + size])
    for key, value in changes.items():
        if value is None:
            header.pop(key, None)
        else:
            header[key] = value
    head = json.dumps(header).encode()
    data = bundle.MAGIC + struct.pack(">I", len(head)) + head + blob[start + size :]
    path.write_bytes(data + signing.mac(secret, data))
    return path


def test_bundle_and_acknowledgement_versions(tmp_path: Path) -> None:
    secret = b"s" * 32
    assert bundle.read_bundle(_bundle_with_header(tmp_path, secret), lambda _k: secret).version == 1
    unversioned = _bundle_with_header(tmp_path, secret, v=None)  # read as 0.1.0's format
    assert bundle.read_bundle(unversioned, lambda _k: secret).kiosk_id == "K07"
    newer = _bundle_with_header(tmp_path, secret, v=2)
    with pytest.raises(bundle.BundleError, match="newer release"):
        bundle.read_bundle(newer, lambda _k: secret)

    # 0.1.0's acknowledgement file: no "v"
    body = {"bundle": "b.ksb", "kiosk_id": "K07", "hub_key_id": "kid", "results": []}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False).encode()
    old = tmp_path / "old.ksb.acks.json"
    old.write_text(json.dumps({"body": body, "mac": sealing.b64(signing.mac(secret, text))}))
    assert bundle.read_acks(old, secret, "K07")["results"] == []
    body["v"] = 7
    text = json.dumps(body, sort_keys=True, ensure_ascii=False).encode()
    old.write_text(json.dumps({"body": body, "mac": sealing.b64(signing.mac(secret, text))}))
    with pytest.raises(bundle.BundleError, match="newer release"):
        bundle.read_acks(old, secret, "K07")
