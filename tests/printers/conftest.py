"""A private cupsd for the printer tests: own config, spool and port under a temporary folder.

The queue ``kiosk-test`` is a raw queue on CUPS's ``socket`` backend (AppSocket, port-9100 style,
as network printers use); "the printer" is a TCP server in this fixture that writes each job it
receives to a file, so the tests read back exactly what CUPS delivered. Runs as root here (CI is
root too); nothing touches the system's CUPS (own config, spool, printcap, port).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


class _Sink:
    """A network printer stand-in: each TCP connection's bytes become one file ``job-N.bin``."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.server.getsockname()[1])
        self.count = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                chunks = []
                while data := conn.recv(65536):
                    chunks.append(data)
            self.count += 1
            tmp = self.folder / f".job-{self.count}"
            tmp.write_bytes(b"".join(chunks))
            tmp.rename(self.folder / f"job-{self.count}.bin")

    def wait_for(self, n: int, timeout: float = 20.0) -> bytes:
        """The bytes of the n-th job once it has arrived."""
        path = self.folder / f"job-{n}.bin"
        deadline = time.monotonic() + timeout
        while not path.exists():
            assert time.monotonic() < deadline, f"CUPS delivered no job {n} within {timeout} s"
            time.sleep(0.05)
        return path.read_bytes()

    def close(self) -> None:
        self.server.close()


@dataclass
class Cups:
    server: str  # host:port for lp/lpstat -h
    queue: str
    printer: _Sink
    root: Path

    def admin(self, *args: str) -> None:
        subprocess.run(
            [args[0], "-h", self.server, *args[1:]], check=True, capture_output=True, timeout=20
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def cupsd() -> Iterator[Cups]:
    binary = shutil.which("cupsd") or "/usr/sbin/cupsd"
    assert Path(binary).exists(), "cupsd is missing: run scripts/setup (Debian package cups)"
    # not under pytest's tmp folder: that is mode 0700 and the backend runs as user lp
    root = Path(tempfile.mkdtemp(prefix="kiosk-cups-"))
    for sub in ("spool", "cache", "state", "tmp", "log", "out", "ppd"):
        (root / sub).mkdir()
    os.chmod(root, 0o755)
    (root / "out").chmod(0o777)
    (root / "tmp").chmod(0o1777)
    port = _free_port()
    (root / "cupsd.conf").write_text(
        f"Listen 127.0.0.1:{port}\nLogLevel warn\nWebInterface No\nBrowsing Off\n"
        "DefaultAuthType None\n<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
        "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n"
    )
    (root / "cups-files.conf").write_text(
        f"ServerRoot {root}\nRequestRoot {root}/spool\nCacheDir {root}/cache\nStateDir {root}/state\n"
        f"TempDir {root}/tmp\nErrorLog {root}/log/error_log\nAccessLog {root}/log/access_log\n"
        f"PageLog {root}/log/page_log\nPrintcap {root}/printcap\nSandboxing Relaxed\n"
    )
    proc = subprocess.Popen(
        [binary, "-f", "-c", str(root / "cupsd.conf"), "-s", str(root / "cups-files.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log = root / "log" / "error_log"
                    raise RuntimeError(
                        f"cupsd did not start: {log.read_text() if log.exists() else ''}"
                    ) from None
                time.sleep(0.1)
        sink = _Sink(root / "out")
        cups = Cups(server, "kiosk-test", sink, root)
        cups.admin(
            "lpadmin", "-p", cups.queue, "-E", "-v", f"socket://127.0.0.1:{sink.port}", "-m", "raw"
        )
        yield cups
        sink.close()
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(root, ignore_errors=True)
