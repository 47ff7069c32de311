"""Request and answer signing, shared by the kiosk client and the hub.

A request carries HMAC-SHA256 (the kiosk's enrolment secret) over method, path, timestamp, nonce
and the body's hash; the hub refuses stale timestamps and replayed nonces. The hub's answer to a
signed request carries ``X-Hub-Signature``: HMAC-SHA256 under the same secret over a distinct
label, the request's nonce, the status and the answer body's hash, so an acknowledgement cannot be
forged by anything on the way (a captive portal, a proxy) nor replayed from an earlier request.
"""

from __future__ import annotations

import hashlib
import hmac
import math

HEADER_KIOSK = "X-Kiosk-Id"
HEADER_TIME = "X-Kiosk-Time"
HEADER_NONCE = "X-Kiosk-Nonce"
HEADER_SIGNATURE = "X-Kiosk-Signature"
HEADER_HUB_TIME = "X-Hub-Time"
HEADER_HUB_SIGNATURE = "X-Hub-Signature"
MAX_SKEW_SECONDS = 300.0
MAX_NONCE_LENGTH = 64
_ANSWER_LABEL = "kiosk-hub-answer/1"


def canonical(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    return canonical_for_digest(method, path, timestamp, nonce, hashlib.sha256(body).hexdigest())


def canonical_for_digest(method: str, path: str, timestamp: str, nonce: str, digest: str) -> bytes:
    """The signed text when the body's SHA-256 was computed while it streamed in."""
    return "\n".join((method.upper(), path, timestamp, nonce, digest)).encode("utf-8")


def sign(secret: bytes, method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    return hmac.new(
        secret, canonical(method, path, timestamp, nonce, body), hashlib.sha256
    ).hexdigest()


def verify(
    secret: bytes, signature: str, method: str, path: str, timestamp: str, nonce: str, body: bytes
) -> bool:
    return hmac.compare_digest(sign(secret, method, path, timestamp, nonce, body), signature)


def verify_digest(
    secret: bytes, signature: str, method: str, path: str, timestamp: str, nonce: str, digest: str
) -> bool:
    expected = hmac.new(
        secret, canonical_for_digest(method, path, timestamp, nonce, digest), hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, signature)


def parse_time(text: str | None) -> float | None:
    """A Unix time from a header; None for anything that is not a finite number (NaN, inf)."""
    if not text or len(text) > 32:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def sign_answer(secret: bytes, nonce: str, status: int, body: bytes) -> str:
    text = "\n".join((_ANSWER_LABEL, nonce, str(status), hashlib.sha256(body).hexdigest()))
    return hmac.new(secret, text.encode("utf-8"), hashlib.sha256).hexdigest()


def verify_answer(secret: bytes, signature: str, nonce: str, status: int, body: bytes) -> bool:
    return hmac.compare_digest(sign_answer(secret, nonce, status, body), signature)


def mac(secret: bytes, data: bytes) -> bytes:
    """A MAC over a file's bytes (sneakernet bundles and acknowledgement files)."""
    return hmac.new(secret, data, hashlib.sha256).digest()


def mac_matches(secret: bytes, data: bytes, tag: bytes) -> bool:
    return hmac.compare_digest(mac(secret, data), tag)
