"""The kiosk's side of sealing: the shipped demo key, and the protocol's sealing under the name
the kiosk's modules have always used (the format itself is :mod:`kiosk_protocol.sealing`)."""

from __future__ import annotations

from kiosk import resources
from kiosk_protocol.sealing import (
    DEFAULT_SUITE,
    MAGIC,
    SUITES,
    Envelope,
    Recipient,
    SealError,
    Suite,
    b64,
    generate_keypair,
    open_envelope,
    seal,
    sha256,
    unb64,
    unseal,
)

__all__ = [
    "DEFAULT_SUITE",
    "MAGIC",
    "SUITES",
    "Envelope",
    "Recipient",
    "SealError",
    "Suite",
    "b64",
    "demo_private_pem",
    "demo_recipient",
    "generate_keypair",
    "open_envelope",
    "seal",
    "sha256",
    "unb64",
    "unseal",
]

DEMO_PUBLIC_KEY = ("keys", "demo-hub-x25519-public.pem")
DEMO_PRIVATE_KEY = ("keys", "demo-hub-x25519-private.pem")


def demo_recipient() -> Recipient:
    return Recipient(resources.path(*DEMO_PUBLIC_KEY).read_bytes(), demo=True)


def demo_private_pem() -> bytes:
    """Published on purpose: demo items hold made-up or walkthrough data only."""
    return resources.path(*DEMO_PRIVATE_KEY).read_bytes()
