"""Hub staff accounts and console sessions: scrypt hashes, lockout, session cookies, CSRF tokens.

Lockout holds under parallel tries because every try is counted *before* the password is
checked, in one UPDATE that only a not-locked account matches: of twenty simultaneous guesses,
those past the limit are refused without a password check, whatever order they finish in.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from kiosk_hub.models import ConsoleSession, StaffAccount, utcnow

ROLES = ("counter", "supervisor", "admin")
MAX_TRIES = 5
LOCK_MINUTES = 15
IDLE_MINUTES = 15  # a console left alone signs itself out
MIN_PASSWORD = 8
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
_USER = re.compile(r"[A-Za-z0-9_.-]{1,64}")
_POINT = re.compile(r"[A-Z0-9]{1,8}")


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    n, r, p = _SCRYPT["n"], _SCRYPT["r"], _SCRYPT["p"]
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(digest)}"


def check_password(password: str, stored: str) -> bool:
    try:
        name, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            dklen=len(expected),
            n=int(n),
            r=int(r),
            p=int(p),
        )
    except (ValueError, TypeError):
        return False
    return name == "scrypt" and hmac.compare_digest(got, expected)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


class StaffError(ValueError):
    """A refused ``staff add``; the message is one line."""


def add_staff(
    factory: sessionmaker[Session], username: str, role: str, point: str, password: str
) -> StaffAccount:
    if not _USER.fullmatch(username):
        raise StaffError("a user name is 1-64 of A-Z a-z 0-9 _ . -")
    if role not in ROLES:
        raise StaffError(f"role must be one of {', '.join(ROLES)}")
    if not _POINT.fullmatch(point):
        raise StaffError("an acceptance point code is 1-8 of A-Z 0-9")
    if len(password) < MIN_PASSWORD:
        raise StaffError(f"the password needs at least {MIN_PASSWORD} characters")
    account = StaffAccount(
        username=username, role=role, point=point, password_hash=hash_password(password)
    )
    try:
        with factory.begin() as session:
            session.add(account)
    except IntegrityError:
        raise StaffError(f"user {username!r} exists already") from None
    return account


@dataclass(frozen=True)
class Staff:
    id: int
    username: str
    role: str
    point: str


@dataclass(frozen=True)
class SignIn:
    staff: Staff | None
    locked: bool = False


def sign_in(factory: sessionmaker[Session], username: str, password: str) -> SignIn:
    now = utcnow()
    with factory.begin() as session:  # count the try first (see the module docstring)
        claimed = session.execute(
            update(StaffAccount)
            .where(StaffAccount.username == username[:64])
            .where(or_(StaffAccount.locked_until.is_(None), StaffAccount.locked_until <= now))
            .where(StaffAccount.failed_attempts < MAX_TRIES)
            .values(failed_attempts=StaffAccount.failed_attempts + 1)
            .returning(StaffAccount.id, StaffAccount.password_hash)
        ).first()
    if claimed is None:
        _unlock_if_due(factory, username, now)
        with factory() as session:
            exists = session.execute(
                select(StaffAccount.id).where(StaffAccount.username == username[:64])
            ).first()
        if exists is None:
            check_password(password, hash_password("x" * MIN_PASSWORD))  # same time either way
        return SignIn(None, locked=exists is not None)
    staff_id, stored = claimed
    if not check_password(password, stored):
        with factory.begin() as session:
            session.execute(
                update(StaffAccount)
                .where(StaffAccount.id == staff_id, StaffAccount.failed_attempts >= MAX_TRIES)
                .values(locked_until=now + dt.timedelta(minutes=LOCK_MINUTES))
            )
        return SignIn(None)
    with factory.begin() as session:
        account = session.get(StaffAccount, staff_id)
        assert account is not None
        account.failed_attempts, account.locked_until = 0, None
        return SignIn(Staff(account.id, account.username, account.role, account.point))


def _unlock_if_due(factory: sessionmaker[Session], username: str, now: dt.datetime) -> None:
    """A lock that has run out clears the count, so the next try is counted afresh."""
    with factory.begin() as session:
        session.execute(
            update(StaffAccount)
            .where(StaffAccount.username == username[:64])
            .where(StaffAccount.locked_until.is_not(None), StaffAccount.locked_until <= now)
            .values(failed_attempts=0, locked_until=None)
        )


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(factory: sessionmaker[Session], staff: Staff) -> tuple[str, str]:
    """A new session: (cookie token, CSRF token)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with factory.begin() as session:
        session.add(ConsoleSession(token_hash=token_hash(token), staff_id=staff.id, csrf=csrf))
    return token, csrf


@dataclass(frozen=True)
class Signed:
    staff: Staff
    csrf: str


def current(
    factory: sessionmaker[Session], token: str | None, *, touch: bool = True
) -> Signed | None:
    """The signed-in staff member for a cookie, or None (unknown, or idle too long: closed).
    ``touch=False`` for the pages' own polling, which is not someone using the console."""
    if not token:
        return None
    now = utcnow()
    with factory.begin() as session:
        row = session.get(ConsoleSession, token_hash(token))
        if row is None:
            return None
        last = row.last_seen if row.last_seen.tzinfo else row.last_seen.replace(tzinfo=dt.UTC)
        account = session.get(StaffAccount, row.staff_id)
        if account is None or now - last > dt.timedelta(minutes=IDLE_MINUTES):
            session.delete(row)
            return None
        if touch and now - last > dt.timedelta(seconds=10):  # not a write on every click
            row.last_seen = now
        staff = Staff(account.id, account.username, account.role, account.point)
        return Signed(staff, row.csrf)


def close_session(factory: sessionmaker[Session], token: str | None) -> None:
    if token:
        with factory.begin() as session:
            row = session.get(ConsoleSession, token_hash(token))
            if row is not None:
                session.delete(row)
