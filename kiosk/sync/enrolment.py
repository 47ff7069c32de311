"""Enrolment: a one-time code from the hub binds this kiosk to it.

The hub answers the code with the kiosk id it issued the code under (the kiosk adopts it), a
secret for signing requests, and its public sealing key. All of it is kept in
``KIOSK_HOME/sync/enrolment.json`` (0600). Before enrolment the kiosk seals to the demo key.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import ssl
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk import paths
from kiosk.config import Config
from kiosk.domain.messages import Message
from kiosk.sync import crypto

if TYPE_CHECKING:
    import httpx


class EnrolmentError(RuntimeError):
    """Enrolment failed; ``message`` says why in both languages."""

    def __init__(self, message: Message):
        super().__init__(f"{message.zh} / {message.en}")
        self.message = message


NOT_ENROLLED = Message(
    "sync.not_enrolled",
    "本机尚未登记到后台，不能受理申请；请管理员先登记本机。",
    "This kiosk is not enrolled with the back office and cannot take applications; "
    "ask an administrator to enrol it.",
)


@dataclass(frozen=True)
class Enrolment:
    hub_url: str
    kiosk_id: str
    secret_b64: str
    hub_public_pem: str
    key_id: str
    enrolled_at: str

    @property
    def secret(self) -> bytes:
        return crypto.unb64(self.secret_b64)

    def recipient(self) -> crypto.Recipient:
        return crypto.Recipient(self.hub_public_pem.encode("ascii"), demo=False)


def state_file() -> Path:
    return paths.sub("sync") / "enrolment.json"


def load() -> Enrolment | None:
    path = state_file()
    if not path.exists():
        return None
    return Enrolment(**json.loads(path.read_text(encoding="utf-8")))


def save(enrolment: Enrolment) -> Path:
    path = state_file()
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(asdict(enrolment), fh, indent=2)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)
    return path


def hub_url(config: Config, enrolment: Enrolment) -> str:
    """``hub.url`` in the config wins (the hub moved), else the URL enrolled with."""
    return (config["hub.url"] or enrolment.hub_url).rstrip("/")


def kiosk_id(config: Config, enrolment: Enrolment | None) -> str:
    """The id this kiosk goes by: the one the hub issued, else ``kiosk.id`` from the config."""
    return enrolment.kiosk_id if enrolment else str(config["kiosk.id"])


def recipient(config: Config, enrolment: Enrolment | None) -> crypto.Recipient:
    """Whom a new item is sealed to; refuses when neither enrolled nor in demo mode."""
    if enrolment is not None:
        # demo mode on an enrolled kiosk (demo-data --to-enrolled-hub, training): made-up people,
        # marked so inside the sealed item; the hub refuses them unless run with --accept-demo
        return dataclasses.replace(enrolment.recipient(), made_up=bool(config["sync.demo"]))
    if config["sync.demo"]:
        return crypto.demo_recipient()
    raise EnrolmentError(NOT_ENROLLED)


def sealed_to(enrolment: Enrolment | None) -> crypto.Recipient:
    """Whom a decision or audit head is sealed to: the enrolled hub, else the demo key."""
    return enrolment.recipient() if enrolment is not None else crypto.demo_recipient()


def verify_option(config: Config) -> bool | ssl.SSLContext:
    """System CAs, or the private CA named by ``sync.ca_file`` (a hub with its own certificate)."""
    ca_file = str(config["sync.ca_file"])
    return ssl.create_default_context(cafile=ca_file) if ca_file else True


PLAIN_HTTP = Message(
    "sync.plain_http",
    "登记必须使用加密连接（https://）；明文 http 只用于测试和演示（--allow-plain-http）。",
    "enrolment needs an encrypted connection (https://); plain http is for tests and demos "
    "only (--allow-plain-http).",
)


def enrol(url: str, code: str, config: Config, *, allow_plain_http: bool = False) -> Enrolment:
    """Trade the one-time code for this kiosk's identity and the hub's key, and save them.

    The answer carries the signing secret and the hub's key, so it travels over TLS only, unless
    ``allow_plain_http`` (tests, demos on one machine; the hub must be started with it too).
    """
    import httpx  # here: the kiosk reads its enrolment at start, and that needs no HTTP client

    url = url.rstrip("/")
    if not url.lower().startswith("https://") and not allow_plain_http:
        raise EnrolmentError(PLAIN_HTTP)
    try:
        with httpx.Client(verify=verify_option(config), timeout=config["sync.timeout"]) as http:
            reply = http.post(f"{url}/v1/enrol", json={"code": code.strip()})
    except httpx.HTTPError as exc:
        raise EnrolmentError(
            Message("sync.hub_unreachable", f"连不上后台：{exc}", f"cannot reach the hub: {exc}")
        ) from exc
    if reply.status_code == 403 and _error_code(reply) == "plain_http":
        raise EnrolmentError(PLAIN_HTTP)  # the hub, too, wants TLS
    if reply.status_code != 200:
        raise EnrolmentError(
            Message(
                "sync.code_refused",
                "后台拒绝了登记码（错误、已用过或已过期）。",
                f"the hub refused the code (wrong, used or expired; HTTP {reply.status_code}).",
            )
        )
    try:
        data: dict[str, Any] = reply.json()
        public_pem = data["hub_public_key"].encode("ascii")
        enrolment = Enrolment(
            hub_url=url,
            kiosk_id=str(data["kiosk_id"]),
            secret_b64=str(data["secret"]),
            hub_public_pem=data["hub_public_key"],
            key_id=crypto.DEFAULT_SUITE.key_id(public_pem),
            enrolled_at=dt.datetime.now(dt.UTC).isoformat(),
        )
        enrolment.secret  # noqa: B018 - valid base64, or refuse now
    except (ValueError, KeyError, TypeError, AttributeError):
        raise EnrolmentError(
            Message(
                "sync.bad_answer",
                "后台的答复不完整或有误，未登记。",
                "the hub's answer is incomplete or damaged; not enrolled.",
            )
        ) from None
    if enrolment.key_id != data.get("key_id"):
        raise EnrolmentError(
            Message(
                "sync.bad_key",
                "后台的公钥与其编号不符。",
                "the hub's public key does not match its id.",
            )
        )
    save(enrolment)
    return enrolment


def _error_code(reply: httpx.Response) -> str:
    try:
        data = reply.json()
    except ValueError:
        return ""
    return str(data.get("error", "")) if isinstance(data, dict) else ""
