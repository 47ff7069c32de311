"""Sealing: what goes to the hub is encrypted so only the hub's private key opens it.

Each item gets a fresh 256-bit data key; every part (the JSON payload, the photo...) is encrypted
with it under AES-256-GCM, and the data key is wrapped for the hub's public key. The item's uuid,
kind and the ciphertext hashes stay in clear so the hub can dedupe and check completeness without
decrypting. The key-wrapping scheme is a :class:`Suite`; a national-standard suite (SM2 wrapping
+ SM4-GCM) is one more entry in :data:`SUITES`.

Envelope layout: ``b"KSEAL1\\n"``, 4-byte big-endian header length, header JSON, then the parts'
ciphertexts back to back (offsets in the header).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kiosk import resources

MAGIC = b"KSEAL1\n"
DEMO_PUBLIC_KEY = ("keys", "demo-hub-x25519-public.pem")
DEMO_PRIVATE_KEY = ("keys", "demo-hub-x25519-private.pem")


class SealError(ValueError):
    """An envelope is malformed, truncated, tampered with, or sealed to another key."""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Suite(Protocol):
    """Wraps and unwraps a data key, and encrypts the parts with it."""

    name: str

    def key_id(self, public_pem: bytes) -> str: ...
    def wrap(self, data_key: bytes, public_pem: bytes, aad: bytes) -> dict[str, str]: ...
    def unwrap(self, wrapped: dict[str, str], private_pem: bytes, aad: bytes) -> bytes: ...
    def encrypt(self, data_key: bytes, plaintext: bytes, aad: bytes) -> tuple[bytes, bytes]: ...
    def decrypt(self, data_key: bytes, nonce: bytes, ciphertext: bytes, aad: bytes) -> bytes: ...


class X25519AesGcm:
    """ECIES-style: ephemeral X25519 + HKDF-SHA256 gives a key-encryption key; AES-256-GCM."""

    name = "x25519-hkdf-sha256/aes-256-gcm"

    def key_id(self, public_pem: bytes) -> str:
        raw = _public(public_pem).public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return sha256(raw)[:16]

    def _kek(self, shared: bytes, epk: bytes, aad: bytes) -> bytes:
        return HKDF(hashes.SHA256(), 32, salt=epk, info=b"kiosk-seal-kek|" + aad).derive(shared)

    def wrap(self, data_key: bytes, public_pem: bytes, aad: bytes) -> dict[str, str]:
        ephemeral = X25519PrivateKey.generate()
        epk = ephemeral.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        kek = self._kek(ephemeral.exchange(_public(public_pem)), epk, aad)
        nonce, ct = self.encrypt(kek, data_key, aad)
        return {"epk": b64(epk), "nonce": b64(nonce), "key": b64(ct)}

    def unwrap(self, wrapped: dict[str, str], private_pem: bytes, aad: bytes) -> bytes:
        private = serialization.load_pem_private_key(private_pem, password=None)
        if not isinstance(private, X25519PrivateKey):
            raise SealError("not an X25519 private key")
        epk = unb64(wrapped["epk"])
        kek = self._kek(private.exchange(X25519PublicKey.from_public_bytes(epk)), epk, aad)
        return self.decrypt(kek, unb64(wrapped["nonce"]), unb64(wrapped["key"]), aad)

    def encrypt(self, data_key: bytes, plaintext: bytes, aad: bytes) -> tuple[bytes, bytes]:
        nonce = os.urandom(12)
        return nonce, AESGCM(data_key).encrypt(nonce, plaintext, aad)

    def decrypt(self, data_key: bytes, nonce: bytes, ciphertext: bytes, aad: bytes) -> bytes:
        try:
            return AESGCM(data_key).decrypt(nonce, ciphertext, aad)
        except Exception as exc:  # InvalidTag: wrong key or tampered bytes
            raise SealError("decryption failed: wrong key or tampered data") from exc


def _public(pem: bytes) -> X25519PublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, X25519PublicKey):
        raise SealError("not an X25519 public key")
    return key


DEFAULT_SUITE = X25519AesGcm()
SUITES: dict[str, Suite] = {DEFAULT_SUITE.name: DEFAULT_SUITE}


@dataclass(frozen=True)
class Recipient:
    """Whom items are sealed to: the hub's public key, or the shipped demo key."""

    public_pem: bytes
    demo: bool
    suite: Suite = DEFAULT_SUITE

    @property
    def key_id(self) -> str:
        return self.suite.key_id(self.public_pem)


def demo_recipient() -> Recipient:
    return Recipient(resources.path(*DEMO_PUBLIC_KEY).read_bytes(), demo=True)


def demo_private_pem() -> bytes:
    """Published on purpose: demo items hold made-up or walkthrough data only."""
    return resources.path(*DEMO_PRIVATE_KEY).read_bytes()


def generate_keypair() -> tuple[bytes, bytes]:
    """(private PEM, public PEM) for a new hub."""
    private = X25519PrivateKey.generate()
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private_pem, public_pem


def _aad(uuid: str, kind: str, part: str) -> bytes:
    return f"{uuid}|{kind}|{part}".encode()


def seal(recipient: Recipient, uuid: str, kind: str, parts: dict[str, bytes]) -> bytes:
    """One envelope holding every part, each encrypted under one fresh data key."""
    data_key = AESGCM.generate_key(bit_length=256)
    suite = recipient.suite
    header: dict[str, Any] = {
        "v": 1,
        "suite": suite.name,
        "kid": recipient.key_id,
        "demo": recipient.demo,
        "uuid": uuid,
        "kind": kind,
        "wrapped": suite.wrap(data_key, recipient.public_pem, _aad(uuid, kind, "")),
        "parts": [],
    }
    body = bytearray()
    for name, plaintext in parts.items():
        nonce, ct = suite.encrypt(data_key, plaintext, _aad(uuid, kind, name))
        header["parts"].append(
            {
                "name": name,
                "nonce": b64(nonce),
                "offset": len(body),
                "length": len(ct),
                "sha256": sha256(ct),
            }
        )
        body += ct
    head = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    return MAGIC + struct.pack(">I", len(head)) + head + bytes(body)


@dataclass(frozen=True)
class Envelope:
    header: dict[str, Any]
    body: bytes

    @property
    def uuid(self) -> str:
        return str(self.header["uuid"])

    @property
    def kind(self) -> str:
        return str(self.header["kind"])

    @property
    def key_id(self) -> str:
        return str(self.header["kid"])

    @property
    def demo(self) -> bool:
        return bool(self.header["demo"])

    def part_hashes(self) -> dict[str, dict[str, Any]]:
        return {
            p["name"]: {"sha256": p["sha256"], "bytes": p["length"]} for p in self.header["parts"]
        }


def open_envelope(blob: bytes) -> Envelope:
    """Parse and check the structure and every part's ciphertext hash (no key needed)."""
    if not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + 4:
        raise SealError("not a sealed item")
    (size,) = struct.unpack(">I", blob[len(MAGIC) : len(MAGIC) + 4])
    start = len(MAGIC) + 4
    try:
        header = json.loads(blob[start : start + size])
        body = blob[start + size :]
        parts = header["parts"]
        for key in ("uuid", "kind", "kid", "suite", "wrapped"):
            header[key]
    except (ValueError, KeyError, TypeError) as exc:
        raise SealError("sealed item header is damaged") from exc
    expected = sum(int(p["length"]) for p in parts)
    if len(body) != expected:
        raise SealError(f"sealed item is truncated or padded ({len(body)} of {expected} bytes)")
    for p in parts:
        chunk = body[p["offset"] : p["offset"] + p["length"]]
        if sha256(chunk) != p["sha256"]:
            raise SealError(f"part {p['name']!r} does not match its hash")
    if header["suite"] not in SUITES:
        raise SealError(f"unknown sealing suite {header['suite']!r}")
    return Envelope(header, body)


def unseal(blob: bytes, private_pem: bytes) -> dict[str, bytes]:
    """Every part's plaintext; raises SealError on any damage or a wrong key."""
    env = open_envelope(blob)
    suite = SUITES[env.header["suite"]]
    data_key = suite.unwrap(env.header["wrapped"], private_pem, _aad(env.uuid, env.kind, ""))
    out: dict[str, bytes] = {}
    for p in env.header["parts"]:
        chunk = env.body[p["offset"] : p["offset"] + p["length"]]
        out[p["name"]] = suite.decrypt(
            data_key, unb64(p["nonce"]), chunk, _aad(env.uuid, env.kind, p["name"])
        )
    return out


def write_keypair(folder: Path) -> tuple[Path, Path]:
    """Create the hub's key files once (private key 0600); return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    private_path, public_path = folder / "hub-x25519-private.pem", folder / "hub-x25519-public.pem"
    if not private_path.exists():
        private_pem, public_pem = generate_keypair()
        tmp = private_path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(private_pem)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(private_path)
        public_path.write_bytes(public_pem)
    return private_path, public_path
