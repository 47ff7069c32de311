"""Drain 1000 queued applications (~30 KB photos) to a real hub over loopback; print apps/s.

Also measures how long a main-thread ticker (standing in for the GUI thread, 10 ms period) was
held up while the sync worker thread drained. Run: ``.venv/bin/python bench/sync.py [--count N]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--db", help="hub database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kiosk-bench-"))
    os.environ["KIOSK_HOME"] = str(work / "kiosk")
    os.environ["KIOSK_HUB_HOME"] = str(work / "hub")
    db_url = args.db or f"sqlite:///{work / 'hub.sqlite3'}"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ)
    hub = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kiosk_hub",
            "serve",
            "--db",
            db_url,
            "--port",
            str(port),
            "--allow-plain-http",
        ],
        env=env,
    )
    try:
        _run(args.count, db_url, port, env)
    finally:
        hub.terminate()
        hub.wait(10)


def _run(count: int, db_url: str, port: int, env: dict[str, str]) -> None:
    from kiosk.config import Config
    from kiosk.domain.rules import office_rulebook
    from kiosk.services.submit import submit_application
    from kiosk.storage.db import open_database
    from kiosk.sync import enrolment
    from kiosk.sync.demo_applications import made_up_application, sample_photo
    from kiosk.sync.worker import SyncWorker, status

    for _ in range(200):
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", port), timeout=0.1),
        ):
            break
        time.sleep(0.05)
    code = json.loads(
        subprocess.run(
            [
                sys.executable,
                "-m",
                "kiosk_hub",
                "enrol",
                "--db",
                db_url,
                "--kiosk-id",
                "B01",
                "--json",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )["code"]
    config = Config.load()
    enrolment.enrol(f"http://127.0.0.1:{port}", code, config, allow_plain_http=True)  # loopback
    factory = open_database()
    photo = _photo_about_30kb(sample_photo())
    rng = random.Random(1)
    started = time.perf_counter()
    rules, enrolled = office_rulebook(), enrolment.load()
    for _ in range(count):
        submit_application(
            factory, made_up_application(rng, photo=photo), config, rules=rules, enrolled=enrolled
        )
    submit_s = time.perf_counter() - started

    stalls: list[float] = []
    worker = SyncWorker(factory, config, enrolled=enrolment.load)
    done = threading.Event()

    def drain() -> None:
        worker.run_once()
        done.set()

    started = time.perf_counter()
    threading.Thread(target=drain, daemon=True).start()
    last = time.perf_counter()
    while not done.is_set():  # the "GUI thread": wakes every 10 ms and notes how late it is
        time.sleep(0.01)
        now = time.perf_counter()
        stalls.append(now - last - 0.01)
        last = now
    drain_s = time.perf_counter() - started
    left = status(factory, enrolment.load())["pending"]
    print(f"photo size: {len(photo) / 1024:.1f} KB, hub db: {db_url.split(':')[0]}")
    print(f"submit: {count} applications in {submit_s:.2f} s ({count / submit_s:.0f}/s)")
    print(
        f"drain:  {count} applications in {drain_s:.2f} s ({count / drain_s:.0f} apps/s), pending after: {left}"
    )
    stalls.sort()
    print(
        f"GUI-thread ticker lateness: median {stalls[len(stalls) // 2] * 1000:.1f} ms, "
        f"p99 {stalls[int(len(stalls) * 0.99)] * 1000:.1f} ms, max {stalls[-1] * 1000:.1f} ms"
    )


def _photo_about_30kb(jpeg: bytes) -> bytes:
    """The sample photo re-encoded at a higher quality, ~30 KB as a counter camera gives."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(jpeg))
    best = jpeg
    for quality in range(80, 100):
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality)
        best = out.getvalue()
        if len(best) >= 30 * 1024:
            break
    return best


if __name__ == "__main__":
    main()
