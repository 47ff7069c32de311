"""Request signing shared by the kiosk client and the hub: HMAC-SHA256 over method, path,
timestamp, nonce and the body's hash. The hub refuses stale timestamps and replayed nonces."""

from __future__ import annotations

import hashlib
import hmac

HEADER_KIOSK = "X-Kiosk-Id"
HEADER_TIME = "X-Kiosk-Time"
HEADER_NONCE = "X-Kiosk-Nonce"
HEADER_SIGNATURE = "X-Kiosk-Signature"
HEADER_HUB_TIME = "X-Hub-Time"
MAX_SKEW_SECONDS = 300.0


def canonical(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    digest = hashlib.sha256(body).hexdigest()
    return "\n".join((method.upper(), path, timestamp, nonce, digest)).encode("utf-8")


def sign(secret: bytes, method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    return hmac.new(
        secret, canonical(method, path, timestamp, nonce, body), hashlib.sha256
    ).hexdigest()


def verify(
    secret: bytes, signature: str, method: str, path: str, timestamp: str, nonce: str, body: bytes
) -> bool:
    return hmac.compare_digest(sign(secret, method, path, timestamp, nonce, body), signature)


def mac(secret: bytes, data: bytes) -> bytes:
    """A MAC over a file's bytes (sneakernet bundles and acknowledgement files)."""
    return hmac.new(secret, data, hashlib.sha256).digest()
