"""The database key: 32 random bytes that SQLCipher encrypts ``kiosk.sqlite3`` with.

Where the key is kept decides what a stolen disk gives away, so the places are tried in order:

1. ``$CREDENTIALS_DIRECTORY/kiosk-db-key`` — an installed Linux kiosk. ``kiosk.service`` loads the
   sealed credential with ``LoadCredentialEncrypted=``; systemd decrypts it (TPM2 where the machine
   has one, else the host key) into memory only this service can read.
2. ``KIOSK_HOME/db-key.cred`` — the same sealed credential, decrypted with ``systemd-creds`` (root:
   the administrator's ``kiosk db key``, ``kiosk db seal-key``).
3. ``KIOSK_HOME/db-key.dpapi`` — Windows: protected with DPAPI for the kiosk's user account.
4. ``KIOSK_HOME/db.key`` — demo, tests and development: a plain key file (0600). A kiosk in service
   that still has one is reported by ``kiosk self-check`` until ``kiosk db seal-key`` seals it.

``KIOSK_DB_KEY`` (hex, as ``kiosk db key`` prints it) comes before all of these: support opening a
copied database elsewhere (``kiosk audit verify --db COPY``).

A database that is already encrypted is never given a new key: a missing key is
:class:`KeyMissingError` (docs/security.md says what staff do then).
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from kiosk import paths

CREDENTIAL_NAME = "kiosk-db-key"
KEY_BYTES = 32
KEY_FILE = "db.key"
SEALED_FILE = "db-key.cred"
DPAPI_FILE = "db-key.dpapi"
SYSTEMD_CREDS = "systemd-creds"

# where the key came from (``kiosk db key --json`` reports it as "store")
SYSTEMD_CREDENTIAL = "systemd-credential"
SYSTEMD_SEALED_FILE = "systemd-creds"
WINDOWS_DPAPI = "dpapi"
PLAIN_FILE = "key-file"
GIVEN = "environment"
KEY_ENV = "KIOSK_DB_KEY"
SEALED_STORES = (SYSTEMD_CREDENTIAL, SYSTEMD_SEALED_FILE, WINDOWS_DPAPI)


class DatabaseKeyError(RuntimeError):
    """Base: the database key cannot be had."""


class KeyMissingError(DatabaseKeyError):
    """The database is encrypted but no key for it is here (lost, or a disk moved to another PC)."""


class KeySealError(DatabaseKeyError):
    """Sealing or unsealing through the platform failed (systemd-creds, DPAPI)."""


@dataclass(frozen=True)
class DatabaseKey:
    key: bytes
    store: str  # one of SYSTEMD_CREDENTIAL, SYSTEMD_SEALED_FILE, WINDOWS_DPAPI, PLAIN_FILE
    location: str

    @property
    def hex(self) -> str:
        return self.key.hex()

    @property
    def pragma(self) -> str:
        """SQLCipher's raw-key form: no passphrase derivation, so opening costs nothing."""
        return f"PRAGMA key = \"x'{self.key.hex()}'\""

    @property
    def sealed(self) -> bool:
        return self.store in SEALED_STORES


def _decode(text: bytes, origin: str) -> bytes:
    try:
        key = bytes.fromhex(text.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        raise KeySealError(f"{origin}: not a hex database key") from None
    if len(key) != KEY_BYTES:
        raise KeySealError(f"{origin}: the key is {len(key)} bytes, not {KEY_BYTES}")
    return key


def _write_private(path: Path, data: bytes) -> None:
    """Write ``data`` as a 0600 file atomically (write, fsync, rename), whatever the umask."""
    tmp = path.with_name(f".{path.name}.tmp")
    paths.write_private(tmp, data)
    tmp.replace(path)


def _shred(path: Path) -> None:
    """Overwrite, then remove a small secret file (best effort on journaling/SSD storage)."""
    try:
        size = path.stat().st_size
        with path.open("r+b") as fh:
            fh.write(secrets.token_bytes(max(size, 64)))
            fh.flush()
            os.fsync(fh.fileno())
    except OSError:
        pass
    path.unlink(missing_ok=True)


# -- systemd-creds ----------------------------------------------------------------------------


def systemd_creds_available() -> bool:
    return sys.platform.startswith("linux") and shutil.which(SYSTEMD_CREDS) is not None


def has_tpm2() -> bool:
    """``systemd-creds has-tpm2`` exits 0 only when firmware, driver and system all have a TPM2."""
    if not systemd_creds_available():
        return False
    done = subprocess.run(
        [SYSTEMD_CREDS, "has-tpm2", "--quiet"], capture_output=True, check=False, timeout=30
    )
    return done.returncode == 0


def seal_with_systemd_creds(key: bytes, target: Path, with_key: str = "auto") -> str:
    """Seal ``key`` into ``target`` (``auto``: TPM2 plus host key where a TPM2 exists, else the
    host key). Returns what it was sealed with. Needs root (the host key is root's)."""
    if not systemd_creds_available():
        raise KeySealError("systemd-creds is not installed on this machine")
    sealed_with = with_key
    if with_key == "auto":  # name what "auto" picks, so the report says what protects the key
        sealed_with = "tpm2+host" if has_tpm2() else "host"
    tmp = target.with_name(f".{target.name}.tmp")
    done = subprocess.run(
        [
            SYSTEMD_CREDS,
            "encrypt",
            f"--name={CREDENTIAL_NAME}",
            f"--with-key={sealed_with}",
            "-",
            str(tmp),
        ],
        input=key.hex().encode("ascii"),
        capture_output=True,
        check=False,
        timeout=60,
    )
    if done.returncode != 0:
        tmp.unlink(missing_ok=True)
        raise KeySealError(
            f"systemd-creds encrypt failed: {done.stderr.decode(errors='replace').strip()}"
        )
    os.chmod(tmp, 0o600)
    with tmp.open("rb") as fh:
        os.fsync(fh.fileno())
    tmp.replace(target)
    return sealed_with


def unseal_with_systemd_creds(source: Path) -> bytes:
    if not systemd_creds_available():
        raise KeySealError(f"{source} needs systemd-creds, which this machine does not have")
    done = subprocess.run(
        [SYSTEMD_CREDS, "decrypt", f"--name={CREDENTIAL_NAME}", str(source), "-"],
        capture_output=True,
        check=False,
        timeout=60,
    )
    if done.returncode != 0:
        raise KeySealError(
            f"systemd-creds could not unseal {source} (run as root on the kiosk it was sealed on): "
            f"{done.stderr.decode(errors='replace').strip()}"
        )
    return _decode(done.stdout, str(source))


# -- Windows DPAPI ----------------------------------------------------------------------------


def _dpapi(data: bytes, protect: bool) -> bytes:  # pragma: no cover - Windows only
    """CryptProtectData / CryptUnprotectData for the current user, through ctypes."""
    import ctypes
    from ctypes import wintypes

    class Blob(ctypes.Structure):
        _fields_ = [("cbData", wintypes.DWORD), ("pbData", ctypes.POINTER(ctypes.c_char))]

    crypt32 = ctypes.windll.crypt32  # type: ignore[attr-defined]
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    buffer = ctypes.create_string_buffer(data, len(data))
    source = Blob(len(data), ctypes.cast(buffer, ctypes.POINTER(ctypes.c_char)))
    result = Blob()
    ui_forbidden = 0x1  # CRYPTPROTECT_UI_FORBIDDEN: a kiosk has nobody to answer a prompt
    call = crypt32.CryptProtectData if protect else crypt32.CryptUnprotectData
    ok = call(ctypes.byref(source), None, None, None, None, ui_forbidden, ctypes.byref(result))
    if not ok:
        raise KeySealError(f"DPAPI failed (Windows error {ctypes.GetLastError()})")  # type: ignore[attr-defined]
    try:
        return ctypes.string_at(result.pbData, result.cbData)
    finally:
        kernel32.LocalFree(result.pbData)


# -- finding the key --------------------------------------------------------------------------


def _locations(home: Path) -> tuple[Path, Path, Path]:
    return home / SEALED_FILE, home / DPAPI_FILE, home / KEY_FILE


def find(home: Path | None = None) -> DatabaseKey | None:
    """The key from the first place that has one, or None when there is none yet."""
    home = home or paths.home()
    sealed, dpapi, plain = _locations(home)
    given = os.environ.get(KEY_ENV)
    if given:
        return DatabaseKey(_decode(given.encode("ascii", "replace"), KEY_ENV), GIVEN, KEY_ENV)
    creds_dir = os.environ.get("CREDENTIALS_DIRECTORY")
    if creds_dir and (Path(creds_dir) / CREDENTIAL_NAME).is_file():
        source = Path(creds_dir) / CREDENTIAL_NAME
        return DatabaseKey(
            _decode(source.read_bytes(), str(source)), SYSTEMD_CREDENTIAL, str(source)
        )
    if sealed.is_file():
        return DatabaseKey(unseal_with_systemd_creds(sealed), SYSTEMD_SEALED_FILE, str(sealed))
    if dpapi.is_file():
        return DatabaseKey(
            _decode(_dpapi(dpapi.read_bytes(), protect=False), str(dpapi)),
            WINDOWS_DPAPI,
            str(dpapi),
        )
    if plain.is_file():
        return DatabaseKey(_decode(plain.read_bytes(), str(plain)), PLAIN_FILE, str(plain))
    return None


def create(home: Path | None = None) -> DatabaseKey:
    """A new key for a new database: DPAPI on Windows, a 0600 key file elsewhere (an installer
    seals it afterwards with :func:`seal`)."""
    home = home or paths.home()
    _sealed, dpapi, plain = _locations(home)
    key = secrets.token_bytes(KEY_BYTES)
    if sys.platform == "win32":  # pragma: no cover - Windows only
        _write_private(dpapi, _dpapi(key.hex().encode("ascii"), protect=True))
        return DatabaseKey(key, WINDOWS_DPAPI, str(dpapi))
    _write_private(plain, key.hex().encode("ascii") + b"\n")
    return DatabaseKey(key, PLAIN_FILE, str(plain))


def seal(home: Path | None = None, with_key: str = "auto") -> tuple[DatabaseKey, str]:
    """Administrator/installer (root): seal the kiosk's key with systemd-creds and shred the plain
    key file. Creates the key first on a kiosk that has none. Returns (key, sealed with)."""
    home = home or paths.home()
    sealed, _dpapi_path, plain = _locations(home)
    current = find(home) or create(home)
    sealed_with = seal_with_systemd_creds(current.key, sealed, with_key)
    if unseal_with_systemd_creds(sealed) != current.key:  # never shred the only copy on a doubt
        raise KeySealError(f"{sealed} does not give back the key just sealed")
    if plain.exists():
        _shred(plain)
    return DatabaseKey(current.key, SYSTEMD_SEALED_FILE, str(sealed)), sealed_with
