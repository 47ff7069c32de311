"""What the simulated reader answers to each command: card and SAM state, timings and faults.

Pure protocol logic (no I/O); :mod:`simulator` puts it behind a pseudo-terminal. It behaves as
the reference notes describe real readers: a freshly placed card is found (9F) once it has been
read it answers find with 80 while it still lies on the reader but can still be selected, and a
card that is gone fails select (81) and read (41).
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

from kiosk.devices.idcard import codec
from kiosk.devices.idcard.cardparse import build_read_reply_data
from kiosk.domain.identity import IdentityCard

FAULTS = ("garbage", "split", "slow", "removed_mid_read", "no_card", "bad_checksum", "sam_fault")
SAM_NUMBER = bytes.fromhex("05000100d2040000a0860100e8030000")  # made-up SAM management number


@dataclass
class Timing:
    """Seconds the reader and card take for their own work, before the reply goes on the wire."""

    command: float = 0.002  # SAM status, reset, settings
    find: float = 0.01
    select: float = 0.01
    read: float = 0.3  # the card's own work for a read (crypto + RF transfer)
    slow_extra: float = 0.3  # added to every answer under the "slow" fault


@dataclass
class Reply:
    delay: float
    frames: bytes
    garbage: bytes = b""
    split: bool = False
    new_baud: int | None = None


@dataclass
class _CardState:
    card: IdentityCard
    text: bytes | None = None  # a damaged or forged card's own text block instead of the card's
    halted: bool = False  # read already: find says "no card" until it is lifted
    selected: bool = False
    reads: int = 0


@dataclass
class ReaderModel:
    faults: set[str] = field(default_factory=set)
    timing: Timing = field(default_factory=Timing)
    seed: int | None = None
    baud: int = 115200

    def __post_init__(self) -> None:
        unknown = self.faults - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown faults: {', '.join(sorted(unknown))}")
        self._lock = threading.Lock()
        self.rng = random.Random(self.seed)
        self._card: _CardState | None = None
        self._replies = 0
        self.commands_seen = 0

    # the person at the counter
    def place(self, card: IdentityCard, text: bytes | None = None) -> None:
        with self._lock:
            self._card = _CardState(card, text)

    def remove(self) -> None:
        with self._lock:
            self._card = None

    def power_cycle(self) -> None:
        """Plugged in again: a card lying there is seen afresh."""
        with self._lock:
            if self._card:
                self._card = _CardState(self._card.card, self._card.text)

    @property
    def card(self) -> IdentityCard | None:
        with self._lock:
            return self._card.card if self._card else None

    def set_faults(self, faults: set[str]) -> None:
        with self._lock:
            self.faults = set(faults)

    # the host
    def answer(self, body: bytes) -> Reply:
        with self._lock:
            self.commands_seen += 1
            cmd = codec.Command.parse(body)
            delay, sw3, data = self._dispatch(cmd)
            new_baud = None
            if cmd.cmd == codec.SET_BAUD and sw3 == 0x90:
                new_baud = {v: k for k, v in codec.BAUD_PARAMS.items()}[cmd.para]
            return self._finish(delay, sw3, data, new_baud)

    def host_frame_rejected(self) -> Reply:
        with self._lock:
            return self._finish(self.timing.command, 0x10, b"", None)

    def receive(
        self, chunk: bytes, decoder: codec.FrameDecoder, host_baud: int | None
    ) -> list[Reply]:
        """The replies to bytes the host sent at ``host_baud``, in order (both transports).

        A host at another speed than the reader's UART gets noise, as framing errors give, so
        baud detection is exercised for real. Apply each reply's ``new_baud`` once it is sent.
        """
        if host_baud != self.baud:
            decoder.reset()
            return [Reply(0.0, bytes((b ^ 0x5A) for b in chunk[: len(chunk) // 2]))]
        rejected = decoder.rejected
        replies = []
        for body in decoder.feed(chunk):
            try:
                replies.append(self.answer(body))
            except codec.CodecError:
                replies.append(self.host_frame_rejected())
        if decoder.rejected > rejected:
            replies.append(self.host_frame_rejected())
        return replies

    def _dispatch(self, cmd: codec.Command) -> tuple[float, int, bytes]:
        t = self.timing
        key = (cmd.cmd, cmd.para)
        if "sam_fault" in self.faults:
            return t.command, 0x60, b""
        if key in (codec.SAM_STATUS, codec.SET_MAX_RF_BYTES):
            return t.command, 0x90, b""
        if key == codec.SAM_RESET:
            if self._card:
                self._card.halted = self._card.selected = False
            return t.command, 0x90, b""
        if key == codec.SAM_ID:
            return t.command, 0x90, SAM_NUMBER
        if cmd.cmd == codec.SET_BAUD:
            return (
                (t.command, 0x90, b"")
                if cmd.para in codec.BAUD_PARAMS.values()
                else (t.command, 0x21, b"")
            )
        card = self._card
        if key == codec.FIND_CARD:
            if card is None or card.halted or "no_card" in self.faults:
                return t.find, 0x80, b""
            card.selected = False
            return t.find, 0x9F, bytes(4)
        if key == codec.SELECT_CARD:
            if card is None or "no_card" in self.faults:
                return t.select, 0x81, b""
            card.selected = True
            return t.select, 0x90, bytes(8)
        if key in (codec.READ_BASE, codec.READ_WITH_FINGERPRINT):
            return self._read(card, with_fingerprint=key == codec.READ_WITH_FINGERPRINT)
        if key == codec.READ_ADDRESS:
            return t.read / 2, (0x91 if card and card.selected else 0x41), b""
        return t.command, 0x21, b""

    def _read(self, card: _CardState | None, with_fingerprint: bool) -> tuple[float, int, bytes]:
        t = self.timing
        if card is None or not card.selected:
            return t.read / 3, 0x41, b""
        card.reads += 1
        card.selected = False
        if "removed_mid_read" in self.faults and card.reads == 1:
            # lifted half-way through the read, then put back: the reader sees a fresh card again
            card.halted = False
            return t.read / 2, 0x41, b""
        card.halted = True
        data = build_read_reply_data(card.card, card.text)
        if with_fingerprint:
            data = data[:4] + b"\x00\x00" + data[4:]
        return t.read, 0x90, data

    def _finish(self, delay: float, sw3: int, data: bytes, new_baud: int | None) -> Reply:
        self._replies += 1
        frame = bytearray(codec.response(sw3, data))
        if "bad_checksum" in self.faults and self.rng.random() < 0.35:  # a noisy line
            frame[-1] ^= 0xFF
        if "slow" in self.faults:
            delay += self.timing.slow_extra
        garbage = self._garbage() if "garbage" in self.faults else b""
        return Reply(delay, bytes(frame), garbage, "split" in self.faults, new_baud)

    def _garbage(self) -> bytes:
        noise = bytearray(self.rng.randbytes(self.rng.randint(1, 40)))
        # fragments of the preamble are the hardest noise for a resyncing decoder
        at = self.rng.randint(0, len(noise))
        noise[at:at] = codec.PREAMBLE[: self.rng.randint(1, 4)]
        while codec.PREAMBLE in noise:
            noise.remove(0xAA)
        return bytes(noise)
