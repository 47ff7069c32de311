"""The office's backup key and the encrypted backup file format.

The key is an X25519 pair. The kiosk keeps only the public half (config ``backup.public_key``), so
it can write backups every day but cannot read one back: a stolen kiosk gives nobody its backups.
The private half is a key file kept off the kiosk (the administrator's USB stick or safe); restore
needs it.

File: ``MAGIC``, one JSON header line (format, kiosk id, time, key id, ephemeral public key, nonce),
then the payload encrypted with AES-256-GCM under a key derived with HKDF-SHA256 from an
ephemeral X25519 exchange, then the 16-byte GCM tag. The header is authenticated as associated
data. Encryption streams, so a large database never sits whole in memory.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"SZ-KIOSK-BACKUP\n"
FORMAT = 1
CIPHER = "X25519-HKDF-SHA256-AES-256-GCM"
TAG_BYTES = 16
CHUNK = 1 << 20


class BackupKeyError(ValueError):
    """The key file is missing, not a backup key, or not the key this backup was made for."""


class DamagedBackupError(ValueError):
    """The file is not a kiosk backup, or was altered or cut short."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _raw_public(key: X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public_raw: bytes) -> str:
    """A short fingerprint of the public key: names which key a backup needs."""
    return hashlib.sha256(public_raw).hexdigest()[:16]


def new_key_file(path: Path) -> str:
    """Write a new private key (PEM, 0600) to ``path`` and its public half (base64) to
    ``path.with_suffix(".pub")``, for other kiosks and the setup wizard; the public half."""
    private = X25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
        fh.flush()
        os.fsync(fh.fileno())
    public = _b64(_raw_public(private.public_key()))
    path.with_suffix(".pub").write_text(public + "\n", encoding="ascii")
    return public


def public_from_text(text: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise BackupKeyError("backup.public_key is not a backup key (32 bytes, base64)")
    return raw


def load_private(path: Path) -> X25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise BackupKeyError(f"{path}: no such key file") from None
    except ValueError:
        raise BackupKeyError(f"{path}: not a backup key file") from None
    if not isinstance(key, X25519PrivateKey):
        raise BackupKeyError(f"{path}: not a backup key file")
    return key


def _derive(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient, info=CIPHER.encode()
    ).derive(shared)


@dataclass
class Written:
    sha256: str
    size: int


class EncryptingWriter:
    """A write-only file that encrypts what it is given into ``out``: the payload (a tar stream)
    goes straight through, so no plaintext of it touches the disk. Call :meth:`finish` last."""

    def __init__(self, out: IO[bytes], public_raw: bytes, header: dict[str, Any]):
        ephemeral = X25519PrivateKey.generate()
        ephemeral_raw = _raw_public(ephemeral.public_key())
        shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public_raw))
        nonce = os.urandom(12)
        head = {
            **header,
            "format": FORMAT,
            "cipher": CIPHER,
            "key_id": key_id(public_raw),
            "ephemeral": _b64(ephemeral_raw),
            "nonce": _b64(nonce),
        }
        head_line = json.dumps(head, sort_keys=True).encode("utf-8") + b"\n"
        self._encryptor = Cipher(
            algorithms.AES(_derive(shared, ephemeral_raw, public_raw)), modes.GCM(nonce)
        ).encryptor()
        self._encryptor.authenticate_additional_data(head_line)
        self._out, self._digest, self._size = out, hashlib.sha256(), 0
        self._put(MAGIC + head_line)

    def _put(self, data: bytes) -> None:
        self._out.write(data)
        self._digest.update(data)
        self._size += len(data)

    def write(self, data: bytes) -> int:
        self._put(self._encryptor.update(data))
        return len(data)

    def finish(self) -> Written:
        """The GCM tag goes last; the file's SHA-256 (the checksum) and size."""
        self._put(self._encryptor.finalize() + self._encryptor.tag)
        return Written(self._digest.hexdigest(), self._size)


def read_header(path: Path) -> tuple[dict[str, Any], int]:
    """The header of a backup file and where its ciphertext starts."""
    with path.open("rb") as fh:
        if fh.read(len(MAGIC)) != MAGIC:
            raise DamagedBackupError(f"{path}: not a kiosk backup")
        line = fh.readline(64 * 1024)
    try:
        header = json.loads(line)
    except ValueError:
        raise DamagedBackupError(f"{path}: damaged backup header") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise DamagedBackupError(f"{path}: backup format {header!r:.40} not known to this kiosk")
    return header, len(MAGIC) + len(line)


class DecryptingReader:
    """A read-only file of the decrypted payload. Nothing read from it counts until
    :meth:`finish` has checked the authentication tag over the whole file."""

    def __init__(self, path: Path, private: X25519PrivateKey):
        self.header, start = read_header(path)
        public_raw = _raw_public(private.public_key())
        if self.header.get("key_id") != key_id(public_raw):
            raise BackupKeyError(
                f"this backup was made with backup key {self.header.get('key_id')}, "
                f"the key file holds {key_id(public_raw)}"
            )
        total = path.stat().st_size
        if total < start + TAG_BYTES:
            raise DamagedBackupError(f"{path}: cut short")
        self.path, self._fh = path, path.open("rb")
        self._fh.seek(total - TAG_BYTES)
        tag = self._fh.read(TAG_BYTES)
        head_line = _header_line(self._fh, start)
        ephemeral_raw = base64.b64decode(self.header["ephemeral"])
        shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_raw))
        self._decryptor = Cipher(
            algorithms.AES(_derive(shared, ephemeral_raw, public_raw)),
            modes.GCM(base64.b64decode(self.header["nonce"]), tag),
        ).decryptor()
        self._decryptor.authenticate_additional_data(head_line)
        self._fh.seek(start)
        self._left = total - TAG_BYTES - start

    def read(self, size: int = -1) -> bytes:
        size = self._left if size < 0 else min(size, self._left)
        chunk = self._fh.read(size)
        self._left -= len(chunk)
        if size and not chunk:
            raise DamagedBackupError(f"{self.path}: cut short")
        return self._decryptor.update(chunk)

    def finish(self) -> None:
        """Read what is left and check the tag; raises :class:`DamagedBackupError` if the file
        was altered or cut short anywhere."""
        try:
            while self._left:
                self.read(CHUNK)
            try:
                self._decryptor.finalize()
            except InvalidTag:
                raise DamagedBackupError(
                    f"{self.path}: altered or damaged (authentication failed)"
                ) from None
        finally:
            self._fh.close()

    def close(self) -> None:
        self._fh.close()


def _header_line(fh: IO[bytes], start: int) -> bytes:
    fh.seek(len(MAGIC))
    return fh.read(start - len(MAGIC))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
