"""Sealing: what goes to the hub is encrypted so only the hub's private key opens it.

Each item gets a fresh 256-bit data key; every part (the JSON payload, the photo...) is encrypted
with it under AES-256-GCM, and the data key is wrapped for the hub's public key. The item's uuid,
kind and the ciphertext hashes stay in clear so the hub can dedupe and check completeness without
decrypting. The key-wrapping scheme is a :class:`Suite`; a national-standard suite (SM2 wrapping
+ SM4-GCM) is one more entry in :data:`SUITES`.

Envelope layout: ``b"KSEAL1\\n"``, 4-byte big-endian header length, header JSON, then the parts'
ciphertexts back to back (offsets in the header). The header's ``"v"`` is the format version:

- 1 (release 0.1.0): the parts the kiosk gave; ``demo`` in the clear header only.
- 2: adds the sealed part ``meta`` (``{"demo": bool}``), so whether the content is made up is
  part of the encrypted, authenticated content, not a flag anyone on the way could strip.

:func:`open_envelope` checks every field's type and every offset before anything uses them: a
damaged envelope is a :class:`SealError` (the hub answers 422), never a crash.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kiosk_protocol.files import write_private

MAGIC = b"KSEAL1\n"
ENVELOPE_VERSION = 2
READABLE_VERSIONS = (1, 2)
META_PART = "meta"
MAX_HEADER_BYTES = 64 * 1024
MAX_PARTS = 16
_PART_NAME = re.compile(r"[a-z][a-z0-9_-]{0,31}")
_HEX64 = re.compile(r"[0-9a-f]{64}")


class SealError(ValueError):
    """An envelope is malformed, truncated, tampered with, or sealed to another key."""


class UnknownVersionError(SealError):
    """An envelope (or bundle) written by a newer release than this one."""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise SealError("expected base64 text")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise SealError("bad base64") from exc


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
        epk = unb64(wrapped.get("epk"))
        try:
            shared = private.exchange(X25519PublicKey.from_public_bytes(epk))
        except ValueError as exc:  # wrong length, or a low-order point
            raise SealError("wrapped key is damaged") from exc
        kek = self._kek(shared, epk, aad)
        return self.decrypt(kek, unb64(wrapped.get("nonce")), unb64(wrapped.get("key")), aad)

    def encrypt(self, data_key: bytes, plaintext: bytes, aad: bytes) -> tuple[bytes, bytes]:
        nonce = os.urandom(12)
        return nonce, AESGCM(data_key).encrypt(nonce, plaintext, aad)

    def decrypt(self, data_key: bytes, nonce: bytes, ciphertext: bytes, aad: bytes) -> bytes:
        try:
            return AESGCM(data_key).decrypt(nonce, ciphertext, aad)
        except Exception as exc:  # InvalidTag, or a nonce of the wrong size: damaged either way
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
    """Whom items are sealed to. ``demo``: the shipped demo key (the item never leaves the
    kiosk). ``made_up``: sealed to a real hub but the content is demo or training data (marked
    inside the sealed content; a hub refuses it unless started with ``--accept-demo``)."""

    public_pem: bytes
    demo: bool
    suite: Suite = DEFAULT_SUITE
    made_up: bool = False

    @property
    def key_id(self) -> str:
        return self.suite.key_id(self.public_pem)


def generate_keypair() -> tuple[bytes, bytes]:
    """(private PEM, public PEM) for a new hub."""
    private = X25519PrivateKey.generate()
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = _public_pem(private)
    return private_pem, public_pem


def _aad(uuid: str, kind: str, part: str) -> bytes:
    return f"{uuid}|{kind}|{part}".encode()


def seal(recipient: Recipient, uuid: str, kind: str, parts: dict[str, bytes]) -> bytes:
    """One envelope (current version) holding every part, each under one fresh data key."""
    if META_PART in parts:
        raise ValueError(f"part name {META_PART!r} is the envelope's own")
    meta = {"demo": recipient.demo or recipient.made_up}
    return _seal(
        recipient,
        uuid,
        kind,
        {META_PART: json.dumps(meta, sort_keys=True).encode("utf-8"), **parts},
        ENVELOPE_VERSION,
    )


def seal_v1(recipient: Recipient, uuid: str, kind: str, parts: dict[str, bytes]) -> bytes:
    """An envelope exactly as release 0.1.0 wrote it (kept for upgrade tests and tools)."""
    return _seal(recipient, uuid, kind, parts, 1)


def _seal(
    recipient: Recipient, uuid: str, kind: str, parts: dict[str, bytes], version: int
) -> bytes:
    data_key = AESGCM.generate_key(bit_length=256)
    suite = recipient.suite
    header: dict[str, Any] = {
        "v": version,
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
class Part:
    name: str
    nonce: str
    offset: int
    length: int
    sha256: str


@dataclass(frozen=True)
class Envelope:
    header: dict[str, Any]
    body: bytes
    parts: tuple[Part, ...]

    @property
    def version(self) -> int:
        return int(self.header.get("v", 1))

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
        """Sealed to the demo key (clear header). Made-up content: see :class:`Contents`."""
        return bool(self.header["demo"])

    def part_hashes(self) -> dict[str, dict[str, Any]]:
        return {p.name: {"sha256": p.sha256, "bytes": p.length} for p in self.parts}

    def chunk(self, part: Part) -> bytes:
        return self.body[part.offset : part.offset + part.length]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_version(value: Any, readable: tuple[int, ...], what: str) -> int:
    """The format version in a header: absent means release 0.1.0's (1)."""
    version = 1 if value is None else value
    if not _is_int(version) or version not in readable:
        raise UnknownVersionError(
            f"{what} format version {value!r} is not one this release reads "
            f"({', '.join(map(str, readable))}): it was written by a newer release, upgrade"
        )
    return int(version)


def _str_field(header: dict[str, Any], key: str, limit: int = 200) -> str:
    value = header.get(key)
    if not isinstance(value, str) or not value or len(value) > limit:
        raise SealError(f"sealed item header is damaged: {key!r}")
    return value


def _parts(raw: Any) -> tuple[Part, ...]:
    if not isinstance(raw, list) or not raw or len(raw) > MAX_PARTS:
        raise SealError("sealed item header is damaged: 'parts'")
    parts: list[Part] = []
    for entry in raw:
        if not isinstance(entry, dict):
            raise SealError("sealed item header is damaged: a part is not an object")
        name: Any = entry.get("name")
        nonce: Any = entry.get("nonce")
        offset: Any = entry.get("offset")
        length: Any = entry.get("length")
        digest: Any = entry.get("sha256")
        if not (isinstance(name, str) and _PART_NAME.fullmatch(name)):
            raise SealError("sealed item header is damaged: a part's name")
        if not (isinstance(nonce, str) and len(nonce) <= 64):
            raise SealError(f"sealed item header is damaged: part {name!r} nonce")
        if not (_is_int(offset) and _is_int(length) and offset >= 0 and length >= 0):
            raise SealError(f"sealed item header is damaged: part {name!r} offset or length")
        if not (isinstance(digest, str) and _HEX64.fullmatch(digest)):
            raise SealError(f"sealed item header is damaged: part {name!r} hash")
        parts.append(Part(name, nonce, offset, length, digest))
    if len({p.name for p in parts}) != len(parts):
        raise SealError("sealed item header is damaged: two parts with one name")
    return tuple(parts)


def open_envelope(blob: bytes) -> Envelope:
    """Parse and check the structure and every part's ciphertext hash (no key needed)."""
    start = len(MAGIC) + 4
    if not blob.startswith(MAGIC) or len(blob) < start:
        raise SealError("not a sealed item")
    (size,) = struct.unpack(">I", blob[len(MAGIC) : start])
    if size > MAX_HEADER_BYTES or start + size > len(blob):
        raise SealError("sealed item header is damaged or cut short")
    try:
        header = json.loads(blob[start : start + size])
    except (ValueError, UnicodeDecodeError) as exc:
        raise SealError("sealed item header is damaged") from exc
    if not isinstance(header, dict):
        raise SealError("sealed item header is damaged")
    check_version(header.get("v"), READABLE_VERSIONS, "sealed item")
    for key in ("uuid", "kind", "kid", "suite"):
        _str_field(header, key)
    if not isinstance(header.get("demo"), bool):
        raise SealError("sealed item header is damaged: 'demo'")
    wrapped = header.get("wrapped")
    if not isinstance(wrapped, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in wrapped.items()
    ):
        raise SealError("sealed item header is damaged: 'wrapped'")
    body = blob[start + size :]
    parts = _parts(header.get("parts"))
    expected = sum(p.length for p in parts)
    if len(body) != expected:
        raise SealError(f"sealed item is truncated or padded ({len(body)} of {expected} bytes)")
    for p in parts:
        if p.offset + p.length > len(body):
            raise SealError(f"part {p.name!r} lies outside the sealed item")
    envelope = Envelope(header, body, parts)
    for p in parts:
        if sha256(envelope.chunk(p)) != p.sha256:
            raise SealError(f"part {p.name!r} does not match its hash")
    if header["suite"] not in SUITES:
        raise SealError(f"unknown sealing suite {header['suite']!r}")
    if envelope.version >= 2 and META_PART not in {p.name for p in parts}:
        raise SealError("sealed item has no 'meta' part")
    return envelope


def unseal(blob: bytes, private_pem: bytes) -> dict[str, bytes]:
    """Every part's plaintext; raises SealError on any damage or a wrong key."""
    env = open_envelope(blob)
    suite = SUITES[env.header["suite"]]
    data_key = suite.unwrap(env.header["wrapped"], private_pem, _aad(env.uuid, env.kind, ""))
    out: dict[str, bytes] = {}
    for p in env.parts:
        out[p.name] = suite.decrypt(
            data_key, unb64(p.nonce), env.chunk(p), _aad(env.uuid, env.kind, p.name)
        )
    return out


@dataclass(frozen=True)
class Contents:
    """An item opened and checked: the payload document (``uuid``, ``kind``, ``created_at``,
    ``data``, ``attachments`` manifest), the attachments, and whether it is demo content."""

    envelope: Envelope
    document: dict[str, Any]
    attachments: dict[str, bytes]
    demo: bool

    @property
    def data(self) -> dict[str, Any]:
        return dict(self.document["data"])


def open_contents(blob: bytes, private_pem: bytes) -> Contents:
    """Unseal and check the payload document against the sealed header and its manifest."""
    env = open_envelope(blob)
    parts = unseal(blob, private_pem)
    demo = env.demo
    meta_raw = parts.pop(META_PART, None)
    if meta_raw is not None:
        meta = _json_object(meta_raw, "meta part")
        if not isinstance(meta.get("demo"), bool):
            raise SealError("meta part is damaged: 'demo'")
        demo = demo or meta["demo"]
    if "payload" not in parts:
        raise SealError("sealed item has no payload")
    document = _json_object(parts.pop("payload"), "payload")
    if not isinstance(document.get("data"), dict):
        raise SealError("payload is damaged: 'data' is not an object")
    manifest = document.get("attachments", {})
    if not isinstance(manifest, dict):
        raise SealError("payload is damaged: 'attachments' is not an object")
    if document.get("uuid", env.uuid) != env.uuid or document.get("kind", env.kind) != env.kind:
        raise SealError("payload names another item than its envelope")
    if set(manifest) != set(parts):
        raise SealError("attachments do not match the payload's list")
    for name, digest in manifest.items():
        if sha256(parts[name]) != digest:
            raise SealError(f"attachment {name!r} does not match its hash")
    return Contents(env, document, parts, demo)


def _json_object(raw: bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SealError(f"{what} is not JSON") from exc
    if not isinstance(value, dict):
        raise SealError(f"{what} is not a JSON object")
    return value


def write_keypair(folder: Path) -> tuple[Path, Path]:
    """Create the hub's key files once (private key 0600); return their paths.

    Several hub processes may start at once on a new home: each may make a key, but only the
    first one linked into place becomes the hub's, and the public key file is always derived from
    the private key that won, so the two can never belong to different pairs."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    private_path, public_path = folder / "hub-x25519-private.pem", folder / "hub-x25519-public.pem"
    if not private_path.exists():
        candidate = folder / f".{private_path.name}.{os.getpid()}.{os.urandom(4).hex()}"
        write_private(candidate, generate_keypair()[0])
        try:
            os.link(candidate, private_path)  # fails if another process got there first
        except FileExistsError:
            pass
        finally:
            candidate.unlink(missing_ok=True)
    public_pem = public_pem_of(private_path.read_bytes())
    if not public_path.exists() or public_path.read_bytes() != public_pem:
        write_private(public_path, public_pem)
        os.chmod(public_path, 0o644)  # the public half is for anyone
    return private_path, public_path


def public_pem_of(private_pem: bytes) -> bytes:
    key = serialization.load_pem_private_key(private_pem, password=None)
    if not isinstance(key, X25519PrivateKey):
        raise SealError("not an X25519 private key")
    return _public_pem(key)


def _public_pem(private: X25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
