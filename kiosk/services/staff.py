"""Counter-staff accounts: roles, PINs (scrypt), lockout after five wrong PINs, the first administrator.

PINs are short, so the hash must be slow and memory-hard: scrypt with 32 MiB per try makes an
offline guess of a stolen database costly, and the lockout stops guessing at the PIN pad. Every
login, failure, lockout and account change goes into the audit log (usernames only).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from kiosk.domain import clock
from kiosk.domain.messages import Message
from kiosk.storage import audit
from kiosk.storage.models import StaffUser, utcnow

ROLES: tuple[str, ...] = ("staff", "administrator")
MAX_FAILED = 5
PIN_PATTERN = re.compile(r"^\d{6,12}$")
USERNAME_PATTERN = re.compile(r"^[a-z][a-z0-9_.-]{1,31}$")
# scrypt cost: N=2**15, r=8 → 32 MiB and ~0.1 s per check on the counter PC.
_N, _R, _P, _DKLEN = 2**15, 8, 1, 32
_MAXMEM = 64 * 1024 * 1024


class StaffError(ValueError):
    """A refused account operation; ``message`` says why in Chinese and English."""

    def __init__(self, message: Message):
        super().__init__(f"{message.zh} / {message.en}")
        self.message = message


def _error(code: str, zh: str, en: str) -> StaffError:
    return StaffError(Message(code, zh, en))


# -- PIN hashing ------------------------------------------------------------------------------


def hash_pin(pin: str) -> str:
    """``scrypt$N$r$p$salt$hash`` (base64), self-describing so the cost can rise later."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, maxmem=_MAXMEM, dklen=_DKLEN)
    b64 = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${b64(salt).decode()}${b64(digest).decode()}"


def check_pin(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        want = base64.b64decode(digest)
        got = hashlib.scrypt(
            pin.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=_MAXMEM,
            dklen=len(want),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, want)


def validate_pin(pin: str) -> None:
    if not PIN_PATTERN.fullmatch(pin):
        raise _error("pin_shape", "PIN 须为 6 至 12 位数字。", "A PIN is 6 to 12 digits.")
    if len(set(pin)) == 1 or pin in "01234567890123" or pin in "98765432109876":
        raise _error(
            "pin_trivial",
            "PIN 太简单（相同或连续的数字），请另选一个。",
            "That PIN is too easy (repeated or consecutive digits); choose another.",
        )


# -- accounts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffAccount:
    """What the UI may know about an account (never the hash)."""

    username: str
    display_name: str
    role: str
    active: bool
    locked_until: dt.datetime | None

    @property
    def actor(self) -> str:
        return f"staff:{self.username}"

    @property
    def is_admin(self) -> bool:
        return self.role == "administrator"

    def as_json(self) -> dict[str, object]:
        return {
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role,
            "active": self.active,
            "locked_until": self.locked_until.isoformat() if self.locked_until else None,
        }


def _account(user: StaffUser) -> StaffAccount:
    return StaffAccount(
        user.username, user.display_name, user.role, user.active, _aware(user.locked_until)
    )


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back naive datetimes; they were stored as UTC
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment


def _get(session: Session, username: str) -> StaffUser | None:
    return session.execute(
        select(StaffUser).where(StaffUser.username == username)
    ).scalar_one_or_none()


def list_staff(session: Session, include_inactive: bool = False) -> list[StaffAccount]:
    query = select(StaffUser).order_by(StaffUser.role, StaffUser.username)  # administrators first
    if not include_inactive:
        query = query.where(StaffUser.active.is_(True))
    return [_account(u) for u in session.execute(query).scalars()]


def needs_first_admin(session: Session) -> bool:
    """True until an active administrator exists (the first start outside demo mode asks for one)."""
    count = session.execute(
        select(func.count())
        .select_from(StaffUser)
        .where(StaffUser.role == "administrator", StaffUser.active.is_(True))
    ).scalar_one()
    return count == 0


def add_staff(
    session: Session, actor: str, username: str, display_name: str, role: str, pin: str
) -> StaffAccount:
    """Create an account (inside the caller's transaction) and audit it."""
    username = username.strip().lower()
    if not USERNAME_PATTERN.fullmatch(username):
        raise _error(
            "username_shape",
            "用户名须为 2 至 32 位小写字母、数字或 . _ -，以字母开头。",
            "A username is 2-32 lower-case letters, digits or . _ -, starting with a letter.",
        )
    if role not in ROLES:
        raise _error(
            "role", "角色只能是 staff 或 administrator。", "The role is staff or administrator."
        )
    if not display_name.strip():
        raise _error("display_name", "请填写显示名称。", "Enter a display name.")
    validate_pin(pin)
    if _get(session, username) is not None:
        raise _error("username_taken", "该用户名已存在。", "That username already exists.")
    user = StaffUser(
        username=username,
        display_name=display_name.strip(),
        role=role,
        pin_hash=hash_pin(pin),
        failed_attempts=0,
        active=True,
    )
    session.add(user)
    session.flush()
    audit.append(session, actor, "staff.add", subject=username, detail=f"role={role}")
    return _account(user)


def add_first_admin(session: Session, username: str, display_name: str, pin: str) -> StaffAccount:
    """The first-run administrator; refused once any administrator exists."""
    if not needs_first_admin(session):
        raise _error("admin_exists", "管理员已设置。", "An administrator already exists.")
    return add_staff(session, "system:first-run", username, display_name, "administrator", pin)


def change_pin(session: Session, actor: str, username: str, new_pin: str) -> None:
    user = _require(session, username)
    validate_pin(new_pin)
    user.pin_hash = hash_pin(new_pin)
    user.failed_attempts = 0
    user.locked_until = None
    audit.append(session, actor, "staff.pin_changed", subject=username)


def set_active(session: Session, actor: str, username: str, active: bool) -> None:
    user = _require(session, username)
    if not active and user.role == "administrator":
        others = [a for a in list_staff(session) if a.is_admin and a.username != username]
        if not others:
            raise _error(
                "last_admin",
                "不能停用最后一个管理员。",
                "The last administrator cannot be disabled.",
            )
    user.active = active
    audit.append(session, actor, "staff.enabled" if active else "staff.disabled", subject=username)


def unlock(session: Session, actor: str, username: str) -> None:
    user = _require(session, username)
    user.failed_attempts = 0
    user.locked_until = None
    audit.append(session, actor, "staff.unlocked", subject=username)


def _require(session: Session, username: str) -> StaffUser:
    user = _get(session, username)
    if user is None:
        raise _error("no_such_user", "没有这个用户。", "No such user.")
    return user


# -- login ------------------------------------------------------------------------------------

Outcome = Literal["ok", "wrong_pin", "locked", "unknown"]


@dataclass(frozen=True)
class LoginResult:
    outcome: Outcome
    account: StaffAccount | None = None
    attempts_left: int = 0
    locked_until: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    def message(self) -> Message:
        if self.outcome == "ok":
            return Message("login_ok", "已登录。", "Logged in.")
        if self.outcome == "locked":
            at = (
                f"{self.locked_until.astimezone(clock.SHENZHEN):%H:%M}" if self.locked_until else ""
            )
            return Message(
                "locked",
                f"PIN 错误次数过多，账户已锁定至 {at}。",
                f"Too many wrong PINs: the account is locked until {at}.",
            )
        if self.outcome == "wrong_pin":
            return Message(
                "wrong_pin",
                f"PIN 不正确，还可再试 {self.attempts_left} 次。",
                f"Wrong PIN; {self.attempts_left} tries left.",
            )
        return Message("unknown_user", "用户不存在或已停用。", "No such active user.")


def _claim_try(session: Session, username: str) -> StaffUser | None:
    """Count this try *before* its PIN is checked, atomically: ``UPDATE … SET failed_attempts =
    failed_attempts + 1 … RETURNING``. The UPDATE also takes SQLite's write lock, held until the
    caller commits, so parallel tries (PIN pads, ``kiosk staff … --admin`` processes) queue behind
    it and each sees the count the previous one left: however many arrive at once, at most
    :data:`MAX_FAILED` PINs are ever checked before the lock."""
    claimed = session.execute(
        update(StaffUser)
        .where(StaffUser.username == username, StaffUser.active.is_(True))
        .values(failed_attempts=StaffUser.failed_attempts + 1)
        .returning(StaffUser.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if claimed is None:
        return None
    user = session.get(StaffUser, claimed, populate_existing=True)
    assert user is not None
    return user


def authenticate(
    session: Session, username: str, pin: str, lockout_minutes: int, now: dt.datetime | None = None
) -> LoginResult:
    """Check a PIN, counting failures; the caller commits (so failures persist across restarts).
    Call it first in a fresh transaction: the try is claimed before anything else is read."""
    now = (now or utcnow()).astimezone(dt.UTC)
    user = _claim_try(session, username)
    if user is None:
        audit.append(session, "system:pinpad", "login.unknown_user")
        return LoginResult("unknown")
    locked_until = _aware(user.locked_until)
    if locked_until is not None and locked_until > now:
        user.failed_attempts -= 1  # a refused try checks no PIN: it does not count
        audit.append(session, f"staff:{username}", "login.refused_locked", subject=username)
        return LoginResult("locked", _account(user), 0, locked_until)
    if locked_until is not None:  # the lock ran out: a fresh set of tries, this one the first
        user.locked_until = None
        user.failed_attempts = 1
    if check_pin(pin, user.pin_hash):
        user.failed_attempts = 0
        audit.append(session, f"staff:{username}", "login.ok", subject=username)
        return LoginResult("ok", _account(user), MAX_FAILED)
    if user.failed_attempts >= MAX_FAILED:
        user.locked_until = now + dt.timedelta(minutes=lockout_minutes)
        audit.append(
            session,
            f"staff:{username}",
            "login.locked",
            subject=username,
            detail=f"minutes={lockout_minutes}",
        )
        return LoginResult("locked", _account(user), 0, _aware(user.locked_until))
    audit.append(
        session,
        f"staff:{username}",
        "login.failed",
        subject=username,
        detail=f"attempt={user.failed_attempts}",
    )
    return LoginResult("wrong_pin", _account(user), MAX_FAILED - user.failed_attempts)


def logout(session: Session, account: StaffAccount, reason: str) -> None:
    """``reason``: ``button`` or ``idle``."""
    audit.append(
        session, account.actor, "logout", subject=account.username, detail=f"reason={reason}"
    )
