"""A stolen kiosk disk: the database is SQLCipher, its key is not beside it on an installed kiosk,
print documents go once printed, files are 0600 and folders 0700 whatever the umask.

Everything runs for real: ``kiosk`` processes, the SQLCipher file, plain ``sqlite3`` trying to read
it, ``systemd-creds`` sealing the key with this machine's host key.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlcipher3
from sqlalchemy import create_engine, text

from kiosk.config import Config
from kiosk.devices.printers.folder import FolderPrinter
from kiosk.devices.printers.jobs import PrintQueue
from kiosk.storage import db, dbkey
from kiosk.sync import retention

REPO = Path(__file__).resolve().parents[2]


def kiosk(
    *args: str, home: Path, stdin: str = "", umask: int | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KIOSK_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
        preexec_fn=(lambda: os.umask(umask)) if umask is not None else None,
    )


def _applicant_values(home: Path, key_hex: str) -> list[str]:
    """Names, ID numbers and phones stored, read back through SQLCipher with the key."""
    conn = sqlcipher3.connect(str(home / "kiosk.sqlite3"))
    conn.execute(f"PRAGMA key = \"x'{key_hex}'\"")
    rows = conn.execute("SELECT applicant_name, id_number, phone FROM applications").fetchall()
    conn.close()
    return [v for row in rows for v in row if v]


def test_the_database_is_unreadable_without_its_key(kiosk_home: Path) -> None:
    made = kiosk("demo-data", "--count", "3", "--json", home=kiosk_home)
    assert made.returncode == 0, made.stderr
    shown = kiosk("db", "key", "--json", home=kiosk_home)
    assert shown.returncode == 0, shown.stderr
    info = json.loads(shown.stdout)
    assert info["cipher"] == "sqlcipher" and info["path"] == str(kiosk_home / "kiosk.sqlite3")
    assert len(bytes.fromhex(info["key"])) == 32

    # the key opens it: three applications, with their personal data
    values = _applicant_values(kiosk_home, info["key"])
    assert len(values) >= 6
    # plain SQLite and SQLCipher without (or with a wrong) key cannot read a page of it
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(kiosk_home / "kiosk.sqlite3").execute(
            "SELECT * FROM sqlite_master"
        ).fetchall()
    for pragma in ("", f"PRAGMA key = \"x'{'00' * 32}'\""):
        conn = sqlcipher3.connect(str(kiosk_home / "kiosk.sqlite3"))
        if pragma:
            conn.execute(pragma)
        with pytest.raises(sqlcipher3.DatabaseError, match="not a database"):
            conn.execute("SELECT count(*) FROM applications").fetchall()
        conn.close()
    # and no name, ID number or phone is anywhere in the raw bytes (file and WAL)
    raw = b"".join(p.read_bytes() for p in kiosk_home.glob("kiosk.sqlite3*") if p.is_file())
    for value in values:
        assert value.encode("utf-8") not in raw, "personal data in the file"
    assert b"SQLite format 3" not in raw


def test_connections_keep_wal_foreign_keys_full_sync_and_secure_delete(tmp_path: Path) -> None:
    engine = db.make_engine(tmp_path / "k.sqlite3")
    with engine.connect() as conn:
        settings = [
            conn.execute(text(f"PRAGMA {name}")).scalar()
            for name in (
                "journal_mode",
                "foreign_keys",
                "synchronous",
                "secure_delete",
                "cipher_version",
            )
        ]
    assert settings[:4] == ["wal", 1, 2, 1]
    assert str(settings[4]).startswith("4.")  # SQLCipher 4


def _plain_database(path: Path, rows: int) -> dict[str, int]:
    """A database as release 0.1.0 left it: plain SQLite at the current schema, with rows."""
    engine = create_engine(f"sqlite:///{path}")
    db.upgrade(engine)  # alembic on a plain engine: what 0.1.0 did
    with engine.begin() as conn:
        for i in range(rows):
            conn.execute(
                text(
                    "INSERT INTO applications (uuid, application_number, queue_number, queue_day,"
                    " service, status, acceptance_point, kiosk_id, id_last4, photo_number, demo,"
                    " created_at, updated_at, applicant_name, id_number, phone, photo)"
                    " VALUES (:u, :n, :q, '2026-11-26', 'renewal', 'submitted', 'FT01',"
                    " 'K01', '1528', 'P1', 1, '2026-11-26 01:00:00', '2026-11-26 01:00:00',"
                    " '测试人', :idn, '13800001111', :photo)"
                ),
                {
                    "u": f"u-{i}",
                    "n": f"FT01-K01-20261126-{i:04d}",
                    "q": f"FT01-K01-{i:04d}",
                    "idn": f"4403{i:014d}",
                    "photo": os.urandom(30_000),
                },
            )
        counts = {
            t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()
            for t in ("applications", "alembic_version")
        }
    engine.dispose()
    assert db.is_plain(path)
    return counts


def _counts_through_kiosk(path: Path) -> dict[str, int]:
    conn = db.connect_raw(path)
    try:
        return {
            t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
            for t in ("applications", "alembic_version")
        }
    finally:
        conn.close()


def test_a_plain_0_1_0_database_is_encrypted_by_db_upgrade_with_nothing_lost(
    kiosk_home: Path,
) -> None:
    path = kiosk_home / "kiosk.sqlite3"
    before = _plain_database(path, 40)
    done = kiosk("db", "upgrade", "--json", home=kiosk_home)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["state"] == "up_to_date" and report["encrypted_now"] is True
    assert not db.is_plain(path) and _counts_through_kiosk(path) == before
    assert b"13800001111" not in path.read_bytes()
    leftovers = {p.name for p in kiosk_home.iterdir()} - {
        "kiosk.sqlite3",
        "db.key",
        "kiosk.sqlite3.lock",
    }
    assert not {n for n in leftovers if "sqlite3" in n and not n.endswith(("-wal", "-shm"))}


def _kill_when(path: Path, env: dict[str, str], after: float) -> bool:
    """Start ``kiosk db upgrade``; SIGKILL it ``after`` s once ``path`` appears. True if killed."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "db", "upgrade", "--json"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while proc.poll() is None and not path.exists() and time.monotonic() < deadline:
        time.sleep(0.002)
    time.sleep(after)
    killed = proc.poll() is None
    if killed:
        proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    return killed


def test_encrypting_survives_being_killed_at_any_moment(kiosk_home: Path) -> None:
    """SIGKILL the conversion of an 18 MB plain database while it exports, a little later, and
    once the finished copy exists (while the plain file is being zeroed); the next run finishes
    it with every row there."""
    path = kiosk_home / "kiosk.sqlite3"
    before = _plain_database(path, 600)
    env = {**os.environ, "KIOSK_HOME": str(kiosk_home)}
    exporting = path.with_name(f".{path.name}.encrypting")
    kills = [
        _kill_when(exporting, env, 0.0),
        _kill_when(exporting, env, 0.15),
        _kill_when(db._finished_copy(path), env, 0.0),
    ]
    assert kills[:2] == [True, True], kills  # the export alone takes longer than that
    done = kiosk("db", "upgrade", "--json", home=kiosk_home)
    assert done.returncode == 0, done.stderr
    assert not db.is_plain(path) and not db._finished_copy(path).exists()
    assert not exporting.exists()
    assert _counts_through_kiosk(path) == before


def test_a_missing_key_is_a_one_line_refusal_not_a_new_empty_database(kiosk_home: Path) -> None:
    assert kiosk("db", "upgrade", home=kiosk_home).returncode == 0
    (kiosk_home / "db.key").unlink()
    size = (kiosk_home / "kiosk.sqlite3").stat().st_size
    done = kiosk("db", "check", home=kiosk_home)
    assert done.returncode == 3
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "database key" in done.stderr and "KEY-" in done.stderr
    assert not (kiosk_home / "db.key").exists()  # no new key was made for the old file
    assert (kiosk_home / "kiosk.sqlite3").stat().st_size == size


def test_the_key_sealed_with_systemd_creds(kiosk_home: Path, tmp_path: Path) -> None:
    """Real ``systemd-creds`` with this machine's host key (no TPM2 here: ``has-tpm2`` says so,
    and ``auto`` falls back to the host key exactly as on a kiosk PC without one)."""
    assert shutil.which("systemd-creds"), "systemd is installed by scripts/setup"
    assert os.geteuid() == 0, "sealing with the host key needs root, as install.sh runs it"
    assert kiosk("demo-data", "--count", "2", home=kiosk_home).returncode == 0
    plain_key = (kiosk_home / "db.key").read_text().strip()

    def key_check() -> dict[str, object]:
        report = json.loads(kiosk("self-check", "--json", home=kiosk_home).stdout)
        return next(c for c in report["checks"] if c["name"] == "database_key")

    before = key_check()
    assert not before["ok"] and "seal-key" in str(before["detail"])  # a kiosk in service
    sealed = kiosk("db", "seal-key", "--json", home=kiosk_home)
    assert sealed.returncode == 0, sealed.stderr
    report = json.loads(sealed.stdout)
    assert report["with_key"] == ("tpm2+host" if dbkey.has_tpm2() else "host")
    cred = kiosk_home / "db-key.cred"
    assert not (kiosk_home / "db.key").exists()  # the plain key file is gone
    assert stat.S_IMODE(cred.stat().st_mode) == 0o600
    assert plain_key.encode() not in cred.read_bytes()
    assert key_check()["ok"]

    # a sealed key is shown to an administrator only, and that is audited
    refused = kiosk("db", "key", "--json", home=kiosk_home)
    assert refused.returncode == 1 and "--admin" in json.loads(refused.stdout)["error"]
    added = kiosk(
        "staff",
        "add",
        "boss",
        "--name",
        "Boss",
        "--role",
        "administrator",
        home=kiosk_home,
        stdin="246810\n",
    )
    assert added.returncode == 0, added.stderr
    wrong = kiosk("db", "key", "--admin", "boss", "--json", home=kiosk_home, stdin="975318\n")
    assert wrong.returncode == 1
    shown = kiosk("db", "key", "--admin", "boss", "--json", home=kiosk_home, stdin="246810\n")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["key"] == plain_key
    assert json.loads(shown.stdout)["store"] == "systemd-creds"
    audit = kiosk("audit", "list", "--action", "db.", "--json", home=kiosk_home)
    assert [e["action"] for e in json.loads(audit.stdout)["entries"]] == ["db.key_shown"]

    # as kiosk.service gets it: systemd decrypts the credential into $CREDENTIALS_DIRECTORY
    creds = tmp_path / "credentials"
    creds.mkdir(mode=0o700)
    subprocess.run(
        [
            "systemd-creds",
            "decrypt",
            f"--name={dbkey.CREDENTIAL_NAME}",
            str(cred),
            str(creds / dbkey.CREDENTIAL_NAME),
        ],
        check=True,
        capture_output=True,
    )
    moved = tmp_path / "elsewhere"
    moved.mkdir()
    shutil.move(str(cred), moved / "db-key.cred")  # only the service's credential is left
    env = {**os.environ, "KIOSK_HOME": str(kiosk_home), "CREDENTIALS_DIRECTORY": str(creds)}
    status = subprocess.run(
        [sys.executable, "-m", "kiosk", "sync", "status", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["demo"] == 2

    # without any of it (a disk in another PC, no TPM2 / host key): nothing opens
    lost = kiosk("sync", "status", "--json", home=kiosk_home)
    assert lost.returncode == 3 and "database key" in lost.stderr


def _modes(home: Path) -> list[tuple[str, int]]:
    found = [(str(home), stat.S_IMODE(home.stat().st_mode))]
    for root, dirs, files in os.walk(home):
        for name in dirs + files:
            path = Path(root) / name
            if path.is_symlink():  # a link's own mode means nothing on Linux; its target counts
                continue
            found.append((str(path.relative_to(home)), stat.S_IMODE(path.lstat().st_mode)))
    return found


def test_files_0600_and_folders_0700_whatever_the_umask(tmp_path: Path) -> None:
    home = tmp_path / "home-umask-000"
    sample = tmp_path / "app.json"
    out = kiosk("documents", "sample-application", "--service", "renewal", home=home, umask=0)
    sample.write_text(out.stdout, encoding="utf-8")
    for args in (
        ("demo-data", "--count", "2"),
        (
            "documents",
            "print",
            "--application",
            str(sample),
            "--document",
            "form",
            "--printer",
            "folder",
        ),
        ("db", "key", "--json"),
        ("audit", "verify"),
    ):
        done = kiosk(*args, home=home, umask=0)
        assert done.returncode == 0, (args, done.stderr)
    # and the kiosk itself: its log, fault log, card-reader link, sync status
    app = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--demo", "--windowed"],
        env={**os.environ, "KIOSK_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"},
        preexec_fn=lambda: os.umask(0),
    )
    log = home / "logs" / "kiosk.log"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and "kiosk started" not in (
            log.read_text(encoding="utf-8") if log.exists() else ""
        ):
            time.sleep(0.2)
        app.send_signal(signal.SIGTERM)
        assert app.wait(60) == 0
    finally:  # never leave a kiosk running into the next test
        if app.poll() is None:
            app.kill()
            app.wait()
    assert "kiosk started" in log.read_text(encoding="utf-8")
    modes = _modes(home)
    assert len(modes) > 5
    loose = [(p, oct(m)) for p, m in modes if m & 0o077]
    assert loose == [], loose
    assert all(m == 0o700 for p, m in modes if (home / p).is_dir() or p == str(home))


def test_print_documents_go_once_printed_and_by_retention(kiosk_home: Path, tmp_path: Path) -> None:
    sessions = db.open_database()
    paper, offline = tmp_path / "paper", tmp_path / "offline"
    paper.mkdir()
    offline.mkdir()
    (offline / "OFFLINE").touch()  # the folder printer's way of being switched off
    queue = PrintQueue(sessions, lambda spec: FolderPrinter(Path(spec.split(":", 1)[1])))
    printed = queue.submit("form", b"%PDF-1.4 13800001111", "application/pdf", f"folder:{paper}")
    stuck = queue.submit("slip", b"%PDF-1.4 slip", "application/pdf", f"folder:{offline}")
    stored = {job: Path(queue.status(job).path) for job in (printed, stuck)}
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in stored.values())
    queue.run_once(ignore_delays=True)
    assert queue.status(printed).state == "printed"
    assert not stored[printed].exists()  # printed: the stored copy is gone at once
    assert stored[stuck].exists()  # still to print
    orphan = stored[stuck].with_name("0" * 32 + ".pdf")  # a crash between file and row
    orphan.write_bytes(b"%PDF orphan")
    config = Config.load(overrides={"sync.retention_days": 7})
    now = dt.datetime.now(dt.UTC)
    assert retention.purge_print_files(sessions, config, now + dt.timedelta(days=6)) == 0
    later = now + dt.timedelta(days=8)
    os.utime(orphan, (time.time() - 8 * 86400,) * 2)
    assert retention.purge(sessions, config, later) == 0  # no application to purge; files yes
    assert not stored[stuck].exists() and not orphan.exists()
    info = queue.status(stuck)
    assert info.state == "cancelled" and info.problem == "expired"


def test_parallel_first_starts_make_one_key(kiosk_home: Path) -> None:
    env = {**os.environ, "KIOSK_HOME": str(kiosk_home)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "kiosk", "db", "key", "--json"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    keys = set()
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        keys.add(json.loads(out)["key"])
    assert len(keys) == 1
    conn = sqlcipher3.connect(str(kiosk_home / "kiosk.sqlite3"))
    conn.execute(f"PRAGMA key = \"x'{keys.pop()}'\"")
    assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)  # opens with it
    conn.close()
