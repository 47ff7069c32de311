"""What the reader driver reports, in the order things happen at the counter.

Events are plain frozen dataclasses so the UI (through :mod:`qt_bridge`), the CLI and tests all
consume the same thing. Times are ``time.monotonic()`` seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.domain.identity import IdentityCard
from kiosk.domain.messages import Message


@dataclass(frozen=True)
class CardRead:
    """A card was read (a new card, or a different one than the last)."""

    card: IdentityCard = field(repr=False)
    found_at: float  # when find first answered "card found"
    read_seconds: float  # from the read command sent to the record ready


@dataclass(frozen=True)
class CardRemoved:
    """The card that was read has left the reader."""


@dataclass(frozen=True)
class CardStillPresent:
    """The card that was read still lies on the reader (remind the person to take it)."""

    card: IdentityCard = field(repr=False)
    seconds: float  # since it was read


@dataclass(frozen=True)
class ReaderError:
    """The reader or card failed in a way a person should hear about (once per new error)."""

    code: str
    message: Message
    sw3: int | None = None
    reason: str | None = None  # card_data_invalid: why (bad_check_digit, bad_date, ...)


@dataclass(frozen=True)
class ReaderLost:
    """The reader stopped answering or its port vanished; the driver keeps trying to reopen it."""

    message: Message


@dataclass(frozen=True)
class ReaderFound:
    """The reader answered its start-up sequence (first time, or again after being lost)."""

    port: str
    baud: int
    sam_id: str | None = None


ReaderEvent = CardRead | CardRemoved | CardStillPresent | ReaderError | ReaderLost | ReaderFound
