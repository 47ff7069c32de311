"""One conversation with the reader over pyserial: open, exchange a command, find the baud rate.

Every exchange flushes stale input, writes the command and waits for one valid frame before a
deadline. A garbled answer (bad checksum or length) or the reader saying it got a garbled
command (SW3 10/11) is retried by sending again. Port trouble becomes
:class:`DeviceNotFoundError`, silence :class:`DeviceTimeoutError`.
"""

from __future__ import annotations

import contextlib
import threading
import time

import serial

try:
    import termios

    _TERMIOS_ERRORS: tuple[type[BaseException], ...] = (termios.error,)
except ImportError:  # Windows
    _TERMIOS_ERRORS = ()

from kiosk import logs
from kiosk.devices.errors import DeviceNotFoundError, DeviceTimeoutError
from kiosk.devices.idcard import codec, status

log = logs.get("devices")
# a pty or USB adapter that vanished fails in any of these ways
PORT_ERRORS: tuple[type[BaseException], ...] = (serial.SerialException, OSError, *_TERMIOS_ERRORS)
_PORT_OR_VALUE_ERRORS: tuple[type[BaseException], ...] = (*PORT_ERRORS, ValueError)
BAUD_RATES = (115200, 57600, 38400, 19200, 9600)
_READ_SLICE = 0.05  # longest blocking read, so stop() is noticed quickly without spinning


class Stopped(Exception):
    """The driver was asked to stop in the middle of an exchange."""


class ReaderLink:
    def __init__(self, url: str, stop: threading.Event | None = None, retries: int = 2):
        self.url = url
        self.retries = retries
        self._stop = stop or threading.Event()
        self._port: serial.SerialBase | None = None
        self._decoder = codec.FrameDecoder()
        self.exchanges = 0

    @property
    def is_open(self) -> bool:
        return self._port is not None

    @property
    def baud(self) -> int:
        return int(self._port.baudrate) if self._port is not None else 0

    def open(self, baud: int) -> None:
        try:
            self._port = serial.serial_for_url(
                self.url, baudrate=baud or BAUD_RATES[0], timeout=_READ_SLICE
            )
        except _PORT_OR_VALUE_ERRORS as exc:
            raise DeviceNotFoundError(
                status.NOT_FOUND.zh, status.NOT_FOUND.en, code=status.NOT_FOUND.name
            ) from exc

    def close(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            with contextlib.suppress(*PORT_ERRORS):  # it is already gone
                port.close()

    def set_baud(self, baud: int) -> None:
        assert self._port is not None
        try:
            self._port.baudrate = baud
        except _PORT_OR_VALUE_ERRORS as exc:
            raise _lost(exc) from exc

    def exchange(
        self, cmd: tuple[int, int], timeout: float, data: bytes = b"", resend: bool = True
    ) -> codec.Response:
        """Send one command, return the reader's answer (any SW3), or raise.

        ``resend=False`` for commands that change the card's state (a read): the caller then
        starts over from select instead.
        """
        if self._port is None:
            raise _lost(None)
        frame = codec.command(cmd[0], cmd[1], data)
        for attempt in range(self.retries + 1 if resend else 1):
            reply = self._attempt(frame, timeout)
            if reply is not None and reply.sw3 not in (0x10, 0x11):
                return reply
            log.debug(
                "garbled exchange %02X %02X (attempt %d), sending again",
                cmd[0],
                cmd[1],
                attempt + 1,
            )
        raise DeviceTimeoutError(
            status.BAD_FRAME.zh, status.BAD_FRAME.en, code=status.BAD_FRAME.name
        )

    def _attempt(self, frame: bytes, timeout: float) -> codec.Response | None:
        port = self._port
        assert port is not None
        self.exchanges += 1
        try:
            port.reset_input_buffer()
            self._decoder.reset()
            port.write(frame)
            deadline = time.monotonic() + timeout
            rejected = self._decoder.rejected
            while time.monotonic() < deadline:
                if self._stop.is_set():
                    raise Stopped
                chunk = port.read(max(1, port.in_waiting))
                if not chunk:
                    continue
                bodies = self._decoder.feed(chunk)
                if bodies:
                    return codec.Response.parse(bodies[0])
                if self._decoder.rejected > rejected and not self._decoder.pending:
                    return None  # a garbled frame and nothing after it: ask again now
        except codec.CodecError:
            return None
        except PORT_ERRORS as exc:
            raise _lost(exc) from exc
        raise DeviceTimeoutError(status.TIMEOUT.zh, status.TIMEOUT.en, code=status.TIMEOUT.name)

    def detect_baud(self, preferred: int, timeout: float, scan: bool) -> int:
        """Find the rate the reader answers at: ``preferred`` first, then the others."""
        rates = [preferred] if preferred else []
        if scan or not preferred:
            rates += [b for b in BAUD_RATES if b != preferred]
        for rate in rates:
            self.set_baud(rate)
            try:
                self.exchange(codec.SAM_STATUS, timeout)
            except DeviceTimeoutError:
                log.info("no answer from the reader at %d baud", rate)
                continue
            return rate
        raise DeviceTimeoutError(status.TIMEOUT.zh, status.TIMEOUT.en, code=status.TIMEOUT.name)


def _lost(exc: BaseException | None) -> DeviceNotFoundError:
    if exc is not None:
        log.info("reader port failed: %s", exc)
    return DeviceNotFoundError(status.LOST.zh, status.LOST.en, code=status.LOST.name)
