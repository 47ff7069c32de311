"""Frame codec of the SAM ID-card reader's serial protocol (pure: bytes in, frames out).

A frame is ``AA AA AA 96 69`` + a big-endian length + body + an XOR checksum. The length counts
the body and the checksum; the checksum is the XOR of the length bytes and the body. Commands
carry ``CMD PARA [data]``; responses carry ``SW1 SW2 SW3 [data]``.

:class:`FrameDecoder` is fed whatever chunks the port returns. It hunts for the preamble, waits
for the whole frame, checks the checksum and, when a frame is bad, moves on by a single byte so a
valid frame hidden after garbage or inside a bad frame's claimed length is still found. While a
frame is incomplete, a whole valid frame already received after its header shows the header was
noise, so a false header claiming a long length cannot hold back the real answer behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
HEADER_SIZE = len(PREAMBLE) + 2
MIN_LENGTH = 3  # at least two body bytes and the checksum
MAX_LENGTH = 4096  # the longest real reply (text + photo + fingerprints) is 2314

# commands (CMD, PARA)
SAM_RESET = (0x10, 0xFF)
SAM_STATUS = (0x11, 0xFF)
SAM_ID = (0x12, 0xFF)
FIND_CARD = (0x20, 0x01)
SELECT_CARD = (0x20, 0x02)
READ_BASE = (0x30, 0x01)
READ_ADDRESS = (0x30, 0x03)
READ_WITH_FINGERPRINT = (0x30, 0x10)
SET_BAUD = 0x60
SET_MAX_RF_BYTES = (0x61, 0xFF)

# SET_BAUD parameter for each rate
BAUD_PARAMS = {115200: 0x00, 57600: 0x01, 38400: 0x02, 19200: 0x03, 9600: 0x04}


class CodecError(ValueError):
    """A frame body is too short or otherwise not what its kind needs."""


def xor(data: bytes | bytearray) -> int:
    return reduce(lambda a, b: a ^ b, data, 0)


def encode(body: bytes) -> bytes:
    """Wrap a body (``CMD PARA data`` or ``SW1 SW2 SW3 data``) into a whole frame."""
    if not 2 <= len(body) <= MAX_LENGTH - 1:
        raise CodecError(f"a frame body must be 2..{MAX_LENGTH - 1} bytes, not {len(body)}")
    head = (len(body) + 1).to_bytes(2, "big")
    return PREAMBLE + head + body + bytes([xor(head + body)])


def command(cmd: int, para: int, data: bytes = b"") -> bytes:
    return encode(bytes([cmd, para]) + data)


def response(sw3: int, data: bytes = b"", sw1: int = 0, sw2: int = 0) -> bytes:
    return encode(bytes([sw1, sw2, sw3]) + data)


@dataclass(frozen=True)
class Command:
    cmd: int
    para: int
    data: bytes = b""

    @classmethod
    def parse(cls, body: bytes) -> Command:
        if len(body) < 2:
            raise CodecError("a command body needs CMD and PARA")
        return cls(body[0], body[1], bytes(body[2:]))


@dataclass(frozen=True)
class Response:
    sw1: int
    sw2: int
    sw3: int
    data: bytes = b""

    @classmethod
    def parse(cls, body: bytes) -> Response:
        if len(body) < 3:
            raise CodecError("a response body needs SW1, SW2 and SW3")
        return cls(body[0], body[1], body[2], bytes(body[3:]))


class FrameDecoder:
    """Incremental decoder: :meth:`feed` chunks, get back the bodies of the valid frames in them.

    ``discarded`` counts bytes thrown away (noise, bad frames); ``rejected`` counts frames whose
    length or checksum was wrong, so a caller can tell "garbled answer" from "no answer yet".
    """

    def __init__(self) -> None:
        self._buf = bytearray()
        self.discarded = 0
        self.rejected = 0

    def reset(self) -> None:
        """Forget any partial frame (the caller flushed the port)."""
        self.discarded += len(self._buf)
        self._buf.clear()

    @property
    def pending(self) -> int:
        return len(self._buf)

    def feed(self, chunk: bytes) -> list[bytes]:
        self._buf += chunk
        bodies: list[bytes] = []
        while True:
            start = self._buf.find(PREAMBLE)
            if start < 0:
                self._drop_noise()
                return bodies
            if start:
                self._skip(start)
            if len(self._buf) < HEADER_SIZE:
                return bodies
            length = int.from_bytes(self._buf[5:7], "big")
            if not MIN_LENGTH <= length <= MAX_LENGTH:
                self.rejected += 1
                self._skip(1)
                continue
            end = HEADER_SIZE + length
            if len(self._buf) < end:
                later = self._next_valid_frame()
                if later < 0:
                    return bodies
                # a whole valid frame already sits inside this one's claimed length: the header
                # was noise (a real frame holding a valid frame in its data is vanishingly rare)
                self.rejected += 1
                self._skip(later)
                continue
            frame = bytes(self._buf[:end])
            if xor(frame[5:-1]) != frame[-1]:
                # a bad frame, or noise that looked like a preamble: step over one byte only
                self.rejected += 1
                self._skip(1)
                continue
            bodies.append(frame[HEADER_SIZE:-1])
            del self._buf[:end]

    def _next_valid_frame(self) -> int:
        """Where the first complete, valid frame after the current start begins (or -1)."""
        at = self._buf.find(PREAMBLE, 1)
        while at >= 0:
            if len(self._buf) >= at + HEADER_SIZE:
                length = int.from_bytes(self._buf[at + 5 : at + 7], "big")
                end = at + HEADER_SIZE + length
                complete = MIN_LENGTH <= length <= MAX_LENGTH and end <= len(self._buf)
                if complete and xor(self._buf[at + 5 : end - 1]) == self._buf[end - 1]:
                    return at
            at = self._buf.find(PREAMBLE, at + 1)
        return -1

    def _drop_noise(self) -> None:
        # keep a tail that may be the start of a preamble split across chunks
        keep = 0
        for n in range(min(len(PREAMBLE) - 1, len(self._buf)), 0, -1):
            if self._buf.endswith(PREAMBLE[:n]):
                keep = n
                break
        self._skip(len(self._buf) - keep)

    def _skip(self, n: int) -> None:
        self.discarded += n
        del self._buf[:n]
