"""A simulated ID-card reader behind a real pseudo-terminal (demo, training and tests).

:class:`SimulatedReader` opens a pty and answers on its master side from a background thread, as
a real reader answers on its UART: bytes are paced at the reader's baud rate (a pty has none of
its own), the card takes its time, and a host whose port speed differs from the reader's gets
noise instead of answers (so baud detection is exercised for real). ``unplug()`` closes the pty
and removes the symlink; ``replug()`` opens a new pty and points the symlink at it.

    with SimulatedReader(card="resident") as sim:
        driver = ReaderDriver(sim.port, 115200, on_event=print)
        sim.remove(); sim.place("gat_hk")
"""

from __future__ import annotations

import contextlib
import itertools
import os
import queue
import select
import termios
import threading
import time
import tty
from collections.abc import Callable
from pathlib import Path

from kiosk import logs, paths
from kiosk.devices.idcard import codec, samples
from kiosk.devices.idcard.simmodel import ReaderModel, Reply, Timing
from kiosk.domain.identity import IdentityCard

log = logs.get("devices")
_SPEEDS = {getattr(termios, f"B{b}"): b for b in (9600, 19200, 38400, 57600, 115200)}
_counter = itertools.count(1)


class SimulatedReader:
    def __init__(
        self,
        card: str | IdentityCard | None = None,
        faults: set[str] | frozenset[str] = frozenset(),
        baud: int = 115200,
        timing: Timing | None = None,
        link: Path | None = None,
        auto_link: bool = True,
        seed: int | None = None,
    ):
        self.model = ReaderModel(set(faults), timing or Timing(), seed, baud)
        if card is not None:
            self.place(card)
        if link is None and auto_link:
            link = paths.sub("run") / f"idcard-sim-{os.getpid()}-{next(_counter)}"
        self.link = link
        self._master = -1
        self._slave = -1
        self._pts = ""
        self._requests: queue.Queue[tuple[Callable[[], None], threading.Event]] = queue.Queue()
        self._wake_r, self._wake_w = os.pipe()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.bytes_sent = 0

    # lifecycle
    def start(self) -> SimulatedReader:
        self._open_pty()
        self._thread = threading.Thread(target=self._run, name="idcard-simulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        os.write(self._wake_w, b"x")
        if self._thread is not None:
            self._thread.join(5)
        self._close_pty()
        for fd in (self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)

    def __enter__(self) -> SimulatedReader:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> str:
        """The path to open: the stable symlink when there is one, else the current pty."""
        return str(self.link) if self.link else self._pts

    @property
    def pts(self) -> str:
        return self._pts

    @property
    def plugged(self) -> bool:
        return self._master >= 0

    # the person at the counter
    def place(self, card: str | IdentityCard, text: bytes | None = None) -> IdentityCard:
        """Lay a card on the reader; ``text`` replaces its 256-byte text block (a damaged or
        forged card, for the reader's refusal tests and staff training)."""
        record = samples.load(card) if isinstance(card, str) else card
        self.model.place(record, text)
        return record

    def remove(self) -> None:
        self.model.remove()

    def set_faults(self, faults: set[str]) -> None:
        self.model.set_faults(faults)

    # the cable
    def unplug(self) -> None:
        self._in_thread(self._close_pty)

    def replug(self) -> None:
        self.model.power_cycle()
        self._in_thread(self._open_pty)

    def _in_thread(self, action: Callable[[], None]) -> None:
        done = threading.Event()
        self._requests.put((action, done))
        os.write(self._wake_w, b"x")
        if not done.wait(5):
            raise TimeoutError("the simulator thread did not answer")

    def _open_pty(self) -> None:
        if self._master >= 0:
            return
        master, slave = os.openpty()
        tty.setraw(slave)  # no echo or line editing before the host opens it
        os.set_blocking(master, False)
        self._master, self._slave, self._pts = master, slave, os.ttyname(slave)
        if self.link is not None:
            tmp = self.link.with_name(self.link.name + ".new")
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            tmp.symlink_to(self._pts)
            tmp.replace(self.link)
        log.info("simulated reader plugged in at %s", self.port)

    def _close_pty(self) -> None:
        if self.link is not None:
            with contextlib.suppress(FileNotFoundError):
                self.link.unlink()
        for fd in (self._master, self._slave):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        if self._master >= 0:
            log.info("simulated reader unplugged")
        self._master = self._slave = -1

    # the wire
    def _run(self) -> None:
        decoder = codec.FrameDecoder()
        while not self._stop.is_set():
            watch = [self._wake_r] + ([self._master] if self._master >= 0 else [])
            readable, _, _ = select.select(watch, [], [])
            if self._wake_r in readable:
                os.read(self._wake_r, 64)
                self._serve_requests()
                decoder.reset()
                continue
            try:
                chunk = os.read(self._master, 4096)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:  # nobody has the slave open just now (EIO): wait for the host
                time.sleep(0.02)
                continue
            self._received(chunk, decoder)

    def _serve_requests(self) -> None:
        while True:
            try:
                action, done = self._requests.get_nowait()
            except queue.Empty:
                return
            action()
            done.set()

    def _host_baud(self) -> int | None:
        """The speed the host set on its end of the pty (None: unknown or closed)."""
        try:
            return _SPEEDS.get(termios.tcgetattr(self._slave)[5])
        except termios.error:
            return None

    def _received(self, chunk: bytes, decoder: codec.FrameDecoder) -> None:
        self._wire_wait(len(chunk))
        for reply in self.model.receive(chunk, decoder, self._host_baud()):
            self._reply(reply)

    def _reply(self, reply: Reply) -> None:
        if reply.delay > 0 and self._stop.wait(reply.delay):
            return
        self._send(reply.garbage + reply.frames, reply.split)
        if reply.new_baud:
            self.model.baud = reply.new_baud

    def _wire_wait(self, nbytes: int) -> None:
        time.sleep(nbytes * 10 / self.model.baud)

    def _send(self, data: bytes, split: bool) -> None:
        """Write as a UART would: one byte every 10 bit-times, in small bursts."""
        byte_time = 10 / self.model.baud
        burst = max(1, int(0.002 / byte_time))
        start = time.monotonic()
        pos = 0
        rng = self.model.rng
        while pos < len(data) and self._master >= 0:
            size = rng.randint(1, 50) if split else burst
            piece = data[pos : pos + size]
            try:
                written = os.write(self._master, piece)
            except (
                OSError
            ):  # the pty is full or gone: like a UART nobody listens to, bytes are lost
                written = len(piece)
            pos += written
            self.bytes_sent += written
            due = start + pos * byte_time + (rng.random() * 0.01 if split else 0.0)
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
