"""What SQLCipher costs the kiosk: opening, committing a submission-sized row, reading it back,
plain SQLite against the encrypted file; and how fast a 0.1.0 plain database is encrypted.

.venv/bin/python bench/db_cipher.py [--rows 300]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PHOTO = 30_000  # a spec photo is about 30 KB


def _settings(conn: Any) -> None:
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "secure_delete=ON"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, name TEXT, photo BLOB)")


def _median_ms(fn: Callable[[int], None], runs: int) -> float:
    samples = []
    for i in range(runs):
        start = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def _measure(label: str, connect: Callable[[], Any], rows: int) -> None:
    open_ms = _median_ms(lambda _i: connect().close(), 20)
    conn = connect()
    _settings(conn)

    def commit(i: int) -> None:
        conn.execute("INSERT INTO t (name, photo) VALUES (?, ?)", (f"测试{i}", os.urandom(PHOTO)))
        conn.commit()

    commit_ms = _median_ms(commit, rows)
    read_ms = _median_ms(
        lambda i: conn.execute("SELECT name, photo FROM t WHERE id = ?", (i + 1,)).fetchone(), rows
    )
    conn.close()
    print(
        f"{label}: open {open_ms:.2f} ms, commit 30 KB row {commit_ms:.2f} ms, read {read_ms:.3f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["KIOSK_HOME"] = folder
        from kiosk.storage import db

        key = db.database_key(Path(folder) / "kiosk.sqlite3")
        plain_path, cipher_path = Path(folder) / "plain.sqlite3", Path(folder) / "cipher.sqlite3"
        _measure("plain SQLite", lambda: sqlite3.connect(plain_path), args.rows)
        _measure("SQLCipher   ", lambda: db._connect(cipher_path, key), args.rows)

        convert = Path(folder) / "kiosk.sqlite3"
        conn = sqlite3.connect(convert)
        _settings(conn)
        for i in range(args.rows * 2):
            conn.execute(
                "INSERT INTO t (name, photo) VALUES (?, ?)", (f"测试{i}", os.urandom(PHOTO))
            )
        conn.commit()
        conn.close()
        size_mb = convert.stat().st_size / 1e6
        start = time.perf_counter()
        db.encrypt_plain_database(convert, key)
        seconds = time.perf_counter() - start
        print(f"encrypting a plain database: {size_mb:.1f} MB in {seconds:.2f} s")


if __name__ == "__main__":
    main()
