"""The hub's key pair on a new home: several hub processes starting at once agree on one pair."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from kiosk_protocol import sealing


def _make_keys(folder: str, start: object) -> bytes:
    start.wait()  # type: ignore[attr-defined]
    private_path, _public = sealing.write_keypair(Path(folder))
    return private_path.read_bytes()


def test_processes_starting_together_end_with_one_matching_key_pair(tmp_path: Path) -> None:
    for attempt in range(5):
        folder = tmp_path / f"keys-{attempt}"
        context = multiprocessing.get_context("spawn")
        with context.Manager() as manager:
            start = manager.Barrier(6)
            with context.Pool(6) as pool:
                seen = pool.starmap(_make_keys, [(str(folder), start)] * 6)
        private_pem = (folder / "hub-x25519-private.pem").read_bytes()
        assert set(seen) == {private_pem}, "processes read different private keys"
        public_pem = (folder / "hub-x25519-public.pem").read_bytes()
        assert public_pem == sealing.public_pem_of(private_pem)
        sealed = sealing.seal(
            sealing.Recipient(public_pem, demo=False), "u1", "application", {"payload": b"{}"}
        )
        assert sealing.open_envelope(sealed).uuid == "u1"
        assert sorted(p.name for p in folder.iterdir()) == [
            "hub-x25519-private.pem",
            "hub-x25519-public.pem",
        ]
