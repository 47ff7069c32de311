"""The ID-card reader driver: its own thread polls the reader and reports events.

Start-up: open the port, find the baud rate, check the SAM (reset it once if it is not ready),
set the RF frame size, read the SAM number, report :class:`ReaderFound`. Then poll: find the
card every ``poll_interval``; when one is found, select and read it and report
:class:`CardRead`. Once read, a card answers find with "no card" while it lies there, so the
driver asks select whether it is still present (:class:`CardStillPresent`) or gone
(:class:`CardRemoved`). A card lifted during the read is retried from find. Silence or a
vanished port is :class:`ReaderLost`; the port is then reopened until the reader answers again.

    driver = ReaderDriver("/dev/ttyUSB0", 115200, on_event=handle)  # handle runs in the driver thread
    driver.start(); ...; driver.stop()

Without ``on_event`` the events go to ``driver.events`` (a :class:`queue.Queue`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from queue import Queue
from typing import Any

from kiosk import logs
from kiosk.devices.errors import DeviceNotFoundError, DeviceTimeoutError
from kiosk.devices.idcard import cardparse, codec, status
from kiosk.devices.idcard.events import (
    CardRead,
    CardRemoved,
    CardStillPresent,
    ReaderError,
    ReaderEvent,
    ReaderFound,
    ReaderLost,
)
from kiosk.devices.idcard.link import ReaderLink, Stopped
from kiosk.domain.identity import IdentityCard

log = logs.get("devices")


@dataclass(frozen=True)
class DriverConfig:
    find_timeout: float = 1.0  # find, select, SAM commands
    read_timeout: float = 3.0
    poll_interval: float = 0.25
    reconnect_interval: float = 1.0
    detect_baud: bool = True  # scan the other rates when the configured one gets no answer
    still_present_every: float = 5.0
    card_retries: int = 2  # card errors (31/32/33/40/47, bad data) tolerated before reporting

    @classmethod
    def from_config(cls, config: Any) -> DriverConfig:
        """From a :class:`kiosk.config.Config` (``reader.*`` keys)."""
        return cls(
            find_timeout=float(config["reader.find_timeout"]),
            read_timeout=float(config["reader.read_timeout"]),
            poll_interval=float(config["reader.poll_interval"]),
        )


class ReaderDriver:
    def __init__(
        self,
        port: str,
        baud: int = 115200,
        config: DriverConfig | None = None,
        on_event: Callable[[ReaderEvent], None] | None = None,
    ):
        self.port = port
        self.configured_baud = baud  # 0: detect
        self.config = config or DriverConfig()
        self.events: Queue[ReaderEvent] = Queue()
        self._on_event = on_event or self.events.put
        self._stop = threading.Event()
        self._link = ReaderLink(port, self._stop)
        self._thread: threading.Thread | None = None
        self._present: IdentityCard | None = None
        self._read_at = 0.0
        self._reminded_at = 0.0
        self._last_error: str | None = None
        self._card_failures = 0
        self._resume = False
        self._connected = False
        self._not_found_reported = False

    # lifecycle
    def start(self) -> ReaderDriver:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="idcard-reader", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._link.close()

    def __enter__(self) -> ReaderDriver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def connected(self) -> bool:
        return self._connected

    @property
    def baud(self) -> int:
        return self._link.baud

    @property
    def exchanges(self) -> int:
        return self._link.exchanges

    # the thread
    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if not self._connected:
                    self._connect()
                else:
                    self._poll()
            except Stopped:
                break
            except DeviceNotFoundError:
                self._lost()
            except DeviceTimeoutError:
                self._check_alive()
            except Exception:  # a bug must not kill the reader thread silently
                log.exception("reader driver error")
                self._stop.wait(self.config.reconnect_interval)
        self._link.close()

    def _emit(self, event: ReaderEvent) -> None:
        try:
            self._on_event(event)
        except Exception:
            log.exception("reader event handler failed")

    def _error(self, st: status.Status) -> None:
        if self._last_error != st.name:  # once per new error, not every poll
            self._last_error = st.name
            log.info("reader error %s", st.name)
            self._emit(ReaderError(st.name, st.message, st.sw3))

    def _connect(self) -> None:
        cfg = self.config
        try:
            self._link.open(self.configured_baud)
        except DeviceNotFoundError:
            if not self._not_found_reported:
                self._not_found_reported = True
                self._error(status.NOT_FOUND)
            self._stop.wait(cfg.reconnect_interval)
            return
        try:
            baud = self._link.detect_baud(self.configured_baud, cfg.find_timeout, cfg.detect_baud)
        except DeviceTimeoutError:
            self._link.close()
            self._error(status.TIMEOUT)
            self._stop.wait(cfg.reconnect_interval)
            return
        self._connected = True
        self._not_found_reported = False
        self._last_error = None
        self._start_sam()
        sam = self._link.exchange(codec.SAM_ID, cfg.find_timeout)
        sam_id = sam.data.hex() if sam.sw3 == 0x90 else None
        log.info("reader found at %s, %d baud", self.port, baud)
        self._emit(ReaderFound(self.port, baud, sam_id))

    def _start_sam(self) -> None:
        cfg = self.config
        st = status.lookup(self._link.exchange(codec.SAM_STATUS, cfg.find_timeout).sw3)
        if st.kind == "sam":
            self._link.exchange(codec.SAM_RESET, cfg.find_timeout)
            st = status.lookup(self._link.exchange(codec.SAM_STATUS, cfg.find_timeout).sw3)
        if st.kind == "sam":
            self._error(st)
            return
        self._link.exchange(codec.SET_MAX_RF_BYTES, cfg.find_timeout, b"\x50")

    def _lost(self) -> None:
        self._link.close()
        if self._connected:
            self._connected = False
            self._present = None
            log.warning("reader lost at %s", self.port)
            self._emit(ReaderLost(status.LOST.message))
        self._stop.wait(self.config.reconnect_interval)

    def _check_alive(self) -> None:
        try:
            self._link.exchange(codec.SAM_STATUS, self.config.find_timeout)
        except DeviceTimeoutError:
            self._lost()

    def _poll(self) -> None:
        cfg = self.config
        found = self._link.exchange(codec.FIND_CARD, cfg.find_timeout)
        if found.sw3 == 0x9F:
            if self._read(time.monotonic()):
                return  # a read that was cut short goes straight back to find
        elif found.sw3 == 0x80:
            if self._present is not None:
                self._check_presence()
            elif self._resume:
                # the last read was cut short, so the card may be halted: select and read it anyway
                self._resume = False
                if self._read(time.monotonic()):
                    return
            else:
                self._card_failures = 0
        else:
            self._error(status.lookup(found.sw3))
            if status.lookup(found.sw3).kind == "sam":
                self._start_sam()
        self._stop.wait(cfg.poll_interval)

    def _check_presence(self) -> None:
        selected = self._link.exchange(codec.SELECT_CARD, self.config.find_timeout)
        if selected.sw3 == 0x90:
            assert self._present is not None
            self._still_present(self._present)
        else:
            self._removed()

    def _removed(self) -> None:
        self._present = None
        self._emit(CardRemoved())

    def _still_present(self, card: IdentityCard) -> None:
        now = time.monotonic()
        if now - self._reminded_at >= self.config.still_present_every:
            self._reminded_at = now
            self._emit(CardStillPresent(card, now - self._read_at))

    def _read(self, found_at: float) -> bool:
        """Select and read the card found; True when it should be tried again at once."""
        cfg = self.config
        selected = self._link.exchange(codec.SELECT_CARD, cfg.find_timeout)
        if selected.sw3 != 0x90:
            return self._card_failed(status.lookup(selected.sw3))
        sent = time.monotonic()
        try:
            reply = self._link.exchange(codec.READ_BASE, cfg.read_timeout, resend=False)
        except DeviceTimeoutError as exc:  # silent or garbled: start again from select
            self._resume = True
            return self._card_failed(status.TIMEOUT if exc.code == "timeout" else status.BAD_FRAME)
        st = status.lookup(reply.sw3)
        if st.is_ok:
            try:
                card = cardparse.parse(*cardparse.split_read_reply(reply.data))
            except cardparse.CardDataError as exc:
                # a complete, checksummed read: the same card gives the same data again, so say
                # so now, once per placing of the card (it is halted until lifted)
                self._card_failures = 0
                log.info("card data invalid: %s", exc.reason)
                st = status.BAD_CARD_DATA
                self._last_error = st.name
                self._emit(ReaderError(st.name, st.message, None, exc.reason))
                return False
            self._got(card, found_at, time.monotonic() - sent)
            return False
        if st.name == "read_failed":  # lifted mid-read: read again from find before saying anything
            log.info("card moved during the read; trying again")
            self._resume = True
        if st.kind == "sam":
            self._error(st)
            return False
        return self._card_failed(st)

    def _card_failed(self, st: status.Status) -> bool:
        self._card_failures += 1
        if self._card_failures > self.config.card_retries:
            self._card_failures = 0
            self._error(st)
            return False
        return True

    def _got(self, card: IdentityCard, found_at: float, seconds: float) -> None:
        self._card_failures = 0
        self._resume = False
        self._last_error = None
        now = time.monotonic()
        if self._present is not None and card == self._present:
            self._still_present(card)
            return
        if self._present is not None:
            self._emit(CardRemoved())  # swapped for another card between two polls
        self._present = card
        self._read_at = now
        self._reminded_at = now - self.config.still_present_every  # first reminder on the next poll
        self._emit(CardRead(card, found_at, seconds))
