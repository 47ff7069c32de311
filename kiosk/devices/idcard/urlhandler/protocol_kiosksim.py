"""``kiosksim://CARD[?faults=F,F][&baud=N][&seed=N]``: the simulated reader as a pyserial port.

The same :class:`~kiosk.devices.idcard.simmodel.ReaderModel` the pseudo-terminal simulator
uses answers here in memory, in the shape of pyserial's ``loop://`` handler: what the host
writes is decoded at once and the answer is scheduled on a wire clock, so a reply becomes
readable only after the reader's own delay and one byte every 10 bit-times at the reader's baud
rate. A host whose speed differs from the reader's reads noise, so baud detection is real.

- ``CARD``: a sample card name (``resident``, ``gat_hk``, ... see ``kiosk idcard simulate
  --list``); empty for a reader with no card on it.
- ``faults``: any of :data:`~kiosk.devices.idcard.simmodel.FAULTS`.
- ``baud``: the reader's own rate (default 115200); ``seed`` fixes the noise.

Opening the port is plugging the reader in with the card lying on it; ``port.model`` is the
reader, for a program that holds the port (``port.model.remove()``). Nothing is shared between
two ports opened on the same URL.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from urllib.parse import parse_qs, urlsplit

from serial.serialutil import PortNotOpenError, SerialBase, SerialException

from kiosk.devices.errors import DeviceError
from kiosk.devices.idcard import codec, samples
from kiosk.devices.idcard.simmodel import FAULTS, ReaderModel, Reply, Timing

SCHEME = "kiosksim"
_OPTIONS = ("faults", "baud", "seed")
_BURST_SECONDS = 0.002  # a UART's bytes arrive in small bursts, not one by one


class Serial(SerialBase):
    """A pyserial port with the simulated reader on the other end of the cable."""

    BAUDRATES = tuple(sorted(codec.BAUD_PARAMS))
    is_open: bool  # SerialBase's, declared for mypy (pyserial has no type hints)

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.model: ReaderModel | None = None
        self._decoder = codec.FrameDecoder()
        self._wire: deque[tuple[float, bytes]] = deque()  # (readable from, bytes), in time order
        self._wire_free_at = 0.0  # when the reader's transmitter has sent all it was given
        self._lock = threading.Lock()
        self._wake = threading.Event()  # new bytes scheduled, cancel_read() or close()
        self._cancelled = False
        super().__init__(*args, **kwargs)

    # pyserial's port interface
    def open(self) -> None:
        if self.is_open:
            raise SerialException("Port is already open.")
        if self._port is None:
            raise SerialException("Port must be configured before it can be used.")
        self.model = model_for_url(self._port)
        self._decoder = codec.FrameDecoder()
        self._wire.clear()
        self._wire_free_at = 0.0
        self._reconfigure_port()
        self.is_open = True

    def close(self) -> None:
        self.is_open = False
        self._wake.set()  # a read waiting for bytes returns now
        super().close()

    def _reconfigure_port(self) -> None:
        if not isinstance(self._baudrate, int) or self._baudrate <= 0:
            raise ValueError(f"invalid baudrate: {self._baudrate!r}")

    @property
    def in_waiting(self) -> int:
        self._check_open()
        now = time.monotonic()
        with self._lock:
            return sum(len(piece) for ready, piece in self._wire if ready <= now)

    @property
    def out_waiting(self) -> int:
        return 0

    def read(self, size: int = 1) -> bytes:
        """Up to ``size`` bytes, waiting at most ``timeout`` seconds for them (pyserial's rule)."""
        self._check_open()
        deadline = None if self._timeout is None else time.monotonic() + self._timeout
        self._cancelled = False
        out = bytearray()
        while self.is_open and not self._cancelled:
            now = time.monotonic()
            next_ready = self._take_ready(out, size, now)
            if len(out) >= size or (deadline is not None and now >= deadline):
                break
            waits = [t - now for t in (next_ready, deadline) if t is not None]
            self._wake.wait(max(0.0, min(waits)) if waits else None)
            self._wake.clear()
        return bytes(out)

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self._check_open()
        chunk = bytes(data)
        model = self.model
        assert model is not None
        now = time.monotonic()
        arrived = now + len(chunk) * 10 / self._baudrate  # the host's bytes on the wire
        with self._lock:
            for reply in model.receive(chunk, self._decoder, self._baudrate):
                self._schedule(reply, arrived, model)
                if reply.new_baud:
                    model.baud = reply.new_baud
        return len(chunk)

    def flush(self) -> None:
        """Nothing waits in an output buffer: written bytes are on the wire at once."""

    def reset_input_buffer(self) -> None:
        """Drop what has arrived; bytes still on the wire arrive later, as on a UART."""
        self._check_open()
        now = time.monotonic()
        with self._lock:
            while self._wire and self._wire[0][0] <= now:
                self._wire.popleft()

    def reset_output_buffer(self) -> None:
        self._check_open()

    def cancel_read(self) -> None:
        self._cancelled = True
        self._wake.set()

    # the modem lines have nothing behind them
    def _update_break_state(self) -> None:
        pass

    def _update_rts_state(self) -> None:
        pass

    def _update_dtr_state(self) -> None:
        pass

    @property
    def cts(self) -> bool:
        return True

    @property
    def dsr(self) -> bool:
        return True

    @property
    def ri(self) -> bool:
        return False

    @property
    def cd(self) -> bool:
        return True

    # the wire
    def _check_open(self) -> None:
        if not self.is_open:
            raise PortNotOpenError()

    def _take_ready(self, out: bytearray, size: int, now: float) -> float | None:
        """Move readable bytes into ``out``; return when the next byte will be readable."""
        with self._lock:
            while self._wire and len(out) < size:
                ready, piece = self._wire[0]
                if ready > now:
                    return ready
                wanted = size - len(out)
                out += piece[:wanted]
                if len(piece) > wanted:
                    self._wire[0] = (ready, piece[wanted:])
                else:
                    self._wire.popleft()
            return self._wire[0][0] if self._wire else None

    def _schedule(self, reply: Reply, arrived: float, model: ReaderModel) -> None:
        """Put a reply on the wire after the reader's delay, paced at the reader's baud rate."""
        data = reply.garbage + reply.frames
        byte_time = 10 / model.baud
        burst = max(1, int(_BURST_SECONDS / byte_time))
        at = max(arrived + reply.delay, self._wire_free_at)
        pos = 0
        while pos < len(data):
            size = model.rng.randint(1, 50) if reply.split else burst
            piece = data[pos : pos + size]
            pos += len(piece)
            at += len(piece) * byte_time + (model.rng.random() * 0.01 if reply.split else 0.0)
            self._wire.append((at, piece))
        self._wire_free_at = at
        self._wake.set()


def model_for_url(url: str) -> ReaderModel:
    """The reader a ``kiosksim://`` URL describes, with its card placed; SerialException if bad."""
    parts = urlsplit(url)
    usage = f"expected {SCHEME}://CARD[?faults=F,F][&baud=N][&seed=N], not {url!r}"
    if parts.scheme.lower() != SCHEME:
        raise SerialException(usage)
    try:
        options = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        unknown = set(options) - set(_OPTIONS)
        if unknown:
            raise ValueError(f"unknown option {', '.join(sorted(unknown))}")
        faults = {f for f in options.get("faults", "").split(",") if f}
        if faults - set(FAULTS):
            raise ValueError(
                f"unknown fault {', '.join(sorted(faults - set(FAULTS)))} "
                f"(known: {', '.join(FAULTS)})"
            )
        baud = int(options.get("baud", "115200"))
        if baud not in codec.BAUD_PARAMS:
            raise ValueError(
                f"baud must be one of {', '.join(map(str, sorted(codec.BAUD_PARAMS)))}"
            )
        seed = int(options["seed"]) if "seed" in options else None
        model = ReaderModel(faults, Timing(), seed, baud)
    except ValueError as exc:
        raise SerialException(f"{usage}: {exc}") from None
    card = (parts.netloc + parts.path).strip("/")
    if card:
        try:
            model.place(samples.load(card))
        except DeviceError as exc:
            raise SerialException(exc.message.en) from None
    return model
