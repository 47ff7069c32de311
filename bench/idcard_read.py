"""Bench the ID-card reader driver against the simulator on a pseudo-terminal at 115200 baud.

Prints: the time from the read command sent to the IdentityCard ready, next to the wire time of
the 1295-byte reply (target: under 30 ms over it); the time from a card placed to it being
noticed by polling (target: under 300 ms); CPU of this process while polling an empty reader
(target: under 2 % of one core). The simulator runs in its own process (``kiosk idcard
simulate``) so its pacing does not count as driver CPU.

    .venv/bin/python bench/idcard_read.py [--rounds 20] [--idle 10]
"""

from __future__ import annotations

import argparse
import os
import queue
import random
import statistics
import subprocess
import sys
import tempfile
import time

from kiosk.devices.idcard.driver import DriverConfig, ReaderDriver
from kiosk.devices.idcard.events import CardRead, CardRemoved, ReaderFound

BAUD = 115200
REPLY_BYTES = 1295


def wait(driver: ReaderDriver, kind: type, timeout: float = 10.0) -> object:
    deadline = time.monotonic() + timeout
    while True:
        event = driver.events.get(timeout=max(0.01, deadline - time.monotonic()))
        if isinstance(event, kind):
            return event


def command(sim: subprocess.Popen[str], line: str) -> float:
    """Send a control line; the time it was acted on (acknowledged)."""
    assert sim.stdin is not None and sim.stdout is not None
    sim.stdin.write(line + "\n")
    sim.stdin.flush()
    sim.stdout.readline()
    return time.monotonic()


def pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, round(q * (len(values) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of empty polling for CPU")
    args = parser.parse_args()
    os.environ.setdefault("KIOSK_HOME", tempfile.mkdtemp(prefix="kiosk-bench-"))
    sim = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "idcard", "simulate", "--card-time", "0", "--baud", str(BAUD)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert sim.stdout is not None
    port = sim.stdout.readline().strip()
    config = DriverConfig(poll_interval=0.25, still_present_every=3600)
    driver = ReaderDriver(port, BAUD, config).start()
    try:
        wait(driver, ReaderFound)
        reads: list[float] = []
        noticed: list[float] = []
        rng = random.Random(1)
        for _ in range(args.rounds):
            time.sleep(
                rng.uniform(0, config.poll_interval)
            )  # place at a random point of the poll cycle
            placed = command(sim, "place resident")
            event = wait(driver, CardRead)
            assert isinstance(event, CardRead)
            reads.append(event.read_seconds)
            noticed.append(event.found_at - placed)
            command(sim, "remove")
            wait(driver, CardRemoved)
        while True:  # nothing left over before measuring the idle reader
            try:
                driver.events.get_nowait()
            except queue.Empty:
                break
        exchanges = driver.exchanges
        cpu0, wall0 = time.process_time(), time.monotonic()
        time.sleep(args.idle)
        cpu = (time.process_time() - cpu0) / (time.monotonic() - wall0)
        polls = driver.exchanges - exchanges
    finally:
        driver.stop()
        sim.terminate()
        sim.wait(10)

    wire = REPLY_BYTES * 10 / BAUD
    over = [r - wire for r in reads]
    ms = 1000.0
    print(
        f"ID-card reader bench: simulator on a pty at {BAUD} baud, {args.rounds} reads, card work time 0"
    )
    print(f"wire time of the {REPLY_BYTES}-byte read reply:  {wire * ms:6.1f} ms")
    print(
        f"read command sent -> IdentityCard ready:  median {statistics.median(reads) * ms:6.1f} ms, "
        f"p95 {pct(reads, 0.95) * ms:6.1f} ms, max {max(reads) * ms:6.1f} ms"
    )
    print(
        f"  over the wire time:                     median {statistics.median(over) * ms:6.1f} ms, "
        f"p95 {pct(over, 0.95) * ms:6.1f} ms, max {max(over) * ms:6.1f} ms  (target < 30 ms)"
    )
    print(
        f"card placed -> noticed (poll {config.poll_interval * ms:.0f} ms):  median "
        f"{statistics.median(noticed) * ms:6.1f} ms, p95 {pct(noticed, 0.95) * ms:6.1f} ms, "
        f"max {max(noticed) * ms:6.1f} ms  (target < 300 ms)"
    )
    print(
        f"CPU polling an empty reader:             {cpu * 100:5.2f} % of one core over {args.idle:.0f} s, "
        f"{polls} exchanges  (target < 2 %)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
