"""The hub's HTTP API (FastAPI). Every answer carries ``X-Hub-Time`` so kiosks can correct their
clocks; every call except enrolment is signed by the kiosk (see :mod:`kiosk_protocol.signing`),
and the hub signs its answer to every call whose signature it verified.

What is checked before a byte of the body is read: the signature headers are present and well
formed, the timestamp is a finite number inside the freshness window, the kiosk is enrolled, and
the declared length is under the cap. The body is then read in chunks and refused (413) the moment
it passes the cap, so an unsigned or oversized upload costs the hub no memory. Malformed JSON,
wrong types and damaged envelopes are 4xx answers (422), never a 500.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import re
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy import update

from kiosk_hub import store
from kiosk_hub.fleet import VERSION_HEADER, clean_version
from kiosk_hub.models import EnrolmentCode, Kiosk, utcnow
from kiosk_protocol import signing
from kiosk_protocol.sealing import b64

ENROL_MAX_BYTES = 4096
HELLO_MAX_BYTES = 1024
_KIOSK_ID = re.compile(r"[A-Z0-9]{1,8}")
_HEX = re.compile(r"[0-9a-f]{64}")
_NONCE = re.compile(r"[0-9A-Za-z_-]{8,64}")


class Refused(Exception):
    """Answer with an error now; ``permanent`` tells the kiosk that sending again cannot help."""

    def __init__(self, status: int, error: str, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.status, self.error, self.reason, self.permanent = status, error, reason, permanent

    def response(self) -> JSONResponse:
        body = store.refusal(self.error, self.reason, permanent=self.permanent)
        return JSONResponse(body, status_code=self.status)


@dataclass(frozen=True)
class Caller:
    """A request's signature headers, checked for shape and freshness, and its kiosk's secret."""

    kiosk_id: str
    stamp: str
    nonce: str
    signature: str
    skew: float
    secret: bytes
    version: str | None

    def claim(self, hub: store.Hub) -> store.Claim:
        if not hub.seen_due(self.kiosk_id, self.version):
            return store.Claim(self.kiosk_id, self.nonce, None)
        seen: dict[str, Any] = {"last_seen": utcnow(), "last_skew_seconds": round(self.skew, 3)}
        if self.version is not None:  # the release the kiosk runs, for the fleet view
            seen["version"] = self.version
        return store.Claim(self.kiosk_id, self.nonce, seen)


@dataclass(frozen=True)
class Headers:
    kiosk_id: str
    stamp: str
    nonce: str
    signature: str
    skew: float


def check_headers(request: Request) -> Headers:
    """Everything decided from the headers alone, before any database or body."""
    headers = request.headers
    kiosk_id = headers.get(signing.HEADER_KIOSK, "")
    stamp = headers.get(signing.HEADER_TIME, "")
    nonce = headers.get(signing.HEADER_NONCE, "")
    signature = headers.get(signing.HEADER_SIGNATURE, "")
    if not (
        _KIOSK_ID.fullmatch(kiosk_id) and _NONCE.fullmatch(nonce) and _HEX.fullmatch(signature)
    ):
        raise Refused(401, "unsigned", "request is not signed")
    moment = signing.parse_time(stamp)
    if moment is None:
        raise Refused(401, "unsigned", "bad timestamp (not a finite number)")
    skew = moment - time.time()
    if abs(skew) > signing.MAX_SKEW_SECONDS:
        raise Refused(401, "stale", "timestamp too far from hub time; see X-Hub-Time")
    return Headers(kiosk_id, stamp, nonce, signature, skew)


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it is known to pass ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise Refused(400, "bad_length", "Content-Length is not a number")
        if int(declared) > limit:
            raise Refused(413, "too_large", f"body over {limit} bytes", permanent=True)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise Refused(413, "too_large", f"body over {limit} bytes", permanent=True)
    return bytes(body)


async def in_claim(hub: store.Hub, caller: Caller, work: Any = None) -> Any:
    """``work(session)`` in the transaction that records the request's nonce."""
    try:
        return await run_in_threadpool(store.in_claim, hub, caller.claim(hub), work)
    except store.Refusal as exc:
        raise Refused(exc.status, exc.error, exc.reason) from None


def signed_answer(caller: Caller, data: dict[str, Any], status: int = 200) -> JSONResponse:
    response = JSONResponse(data, status_code=status)
    response.headers[signing.HEADER_HUB_SIGNATURE] = signing.sign_answer(
        caller.secret, caller.nonce, status, bytes(response.body)
    )
    return response


class HubTime:
    """ASGI middleware: ``X-Hub-Time`` on every answer (no body buffering, unlike
    ``BaseHTTPMiddleware``)."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_time(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-hub-time", f"{time.time():.3f}".encode("ascii")))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_time)


def _threads_for(connections: int) -> Any:
    """A lifespan giving database work as many threads as the pool has connections (anyio's
    default is 40): more only wait for a connection, and forty threads contending for the GIL
    tripled the slowest answers (bench/hub_fleet.py)."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = connections
        # what was loaded to start (modules, the app) is never garbage: keep the collector's
        # full passes to what requests make, so they stay short
        gc.freeze()
        yield

    return lifespan


def create_app(hub: store.Hub, *, allow_plain_http: bool = False) -> FastAPI:
    app = FastAPI(
        title="kiosk-hub",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=_threads_for(hub.connections),
    )
    app.add_middleware(HubTime)

    async def signed(request: Request, limit: int) -> tuple[Caller, bytes]:
        head = check_headers(request)
        secret = hub.secrets.get(head.kiosk_id) or await run_in_threadpool(
            store.kiosk_secret, hub, head.kiosk_id
        )
        if secret is None:
            raise Refused(401, "unknown_kiosk", "this kiosk is not enrolled here")
        body = await read_body(request, limit)
        method, path = request.method, request.url.path
        if not signing.verify(secret, head.signature, method, path, head.stamp, head.nonce, body):
            # re-enrolled since this process read the secret? read it once more
            secret = await run_in_threadpool(store.kiosk_secret, hub, head.kiosk_id, fresh=True)
            if secret is None or not signing.verify(
                secret, head.signature, method, path, head.stamp, head.nonce, body
            ):
                raise Refused(401, "bad_signature", "signature does not match")
        version = clean_version(request.headers.get(VERSION_HEADER))
        caller = Caller(
            head.kiosk_id, head.stamp, head.nonce, head.signature, head.skew, secret, version
        )
        return caller, body

    @app.exception_handler(Refused)
    async def refused(_request: Request, exc: Refused) -> JSONResponse:
        return exc.response()

    @app.post("/v1/enrol")
    async def enrol(request: Request) -> JSONResponse:
        if request.url.scheme != "https" and not allow_plain_http:
            raise Refused(
                403,
                "plain_http",
                "enrolment over plain HTTP is refused: the hub needs --tls-cert "
                "(or, for tests and demos, --allow-plain-http on both sides)",
                permanent=True,
            )
        data = _json_object(await read_body(request, ENROL_MAX_BYTES))
        code = data.get("code")
        if not isinstance(code, str) or len(code) > 64:
            raise Refused(422, "bad_request", "'code' must be text", permanent=True)
        return await run_in_threadpool(_redeem, hub, code.strip())

    @app.get("/v1/hello")
    async def hello(request: Request) -> JSONResponse:
        caller, _ = await signed(request, HELLO_MAX_BYTES)
        await in_claim(hub, caller)
        return signed_answer(caller, {"kiosk_id": caller.kiosk_id, "hub_key_id": hub.key_id})

    @app.put("/v1/items/{item_uuid}")
    async def put_item(item_uuid: str, request: Request) -> JSONResponse:
        caller, body = await signed(request, hub.max_item_bytes)
        content_hash = request.headers.get("X-Content-Hash", "")
        try:
            outcome = await run_in_threadpool(
                lambda: store.ingest(
                    hub,
                    caller.kiosk_id,
                    item_uuid,
                    content_hash,
                    body,
                    via="network",
                    claim=caller.claim(hub),
                )
            )
        except store.Refusal as exc:
            raise Refused(exc.status, exc.error, exc.reason) from None
        return signed_answer(caller, outcome.body, outcome.status)

    @app.post("/v1/reconcile")
    async def reconcile(request: Request) -> JSONResponse:
        caller, body = await signed(request, hub.max_item_bytes)
        claimed = _json_object(body).get("items")
        if not isinstance(claimed, dict) or not all(
            isinstance(u, str) and isinstance(h, str) for u, h in claimed.items()
        ):
            return signed_answer(
                caller,
                store.refusal("bad_request", "'items' must map uuids to hashes", permanent=True),
                422,
            )
        held = await in_claim(hub, caller, lambda session: store.held(session, caller.kiosk_id))
        return signed_answer(
            caller,
            {
                "missing": sorted(u for u in claimed if u not in held),
                "mismatched": sorted(u for u, h in claimed.items() if u in held and held[u] != h),
                "hub_only": sorted(u for u in held if u not in claimed),
                "held": len(held),
            },
        )

    # the counter console's signed kiosk calls and its pages (kiosk_hub/console, docs/console.md)
    from kiosk_hub.console import kiosk_api, web

    kiosk_api.add_routes(
        app,
        signed,
        in_claim,
        signed_answer,
        lambda reason: Refused(422, "bad_request", reason, permanent=True),
        hub,
    )
    web.mount(app, hub)
    return app


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Refused(422, "bad_request", "body is not JSON", permanent=True) from None
    if not isinstance(data, dict):
        raise Refused(422, "bad_request", "body is not a JSON object", permanent=True)
    return data


def code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode("utf-8")).hexdigest()


def _redeem(hub: store.Hub, code: str) -> JSONResponse:
    """A valid unused code binds the caller to its kiosk id with a fresh signing secret."""
    now = utcnow()
    with hub.factory.begin() as session:
        # one UPDATE decides who redeems the code, so two racing kiosks cannot both get it
        taken = session.execute(
            update(EnrolmentCode)
            .where(EnrolmentCode.code_hash == code_hash(code), EnrolmentCode.used_at.is_(None))
            .where(EnrolmentCode.expires_at > now)
            .values(used_at=now)
        )
        row = session.get(EnrolmentCode, code_hash(code))
        if taken.rowcount != 1 or row is None:  # type: ignore[attr-defined]
            return Refused(403, "bad_code", "unknown, used or expired enrolment code").response()
        secret = secrets.token_bytes(32)
        kiosk = session.get(Kiosk, row.kiosk_id)
        if kiosk is None:
            kiosk = Kiosk(kiosk_id=row.kiosk_id)
            session.add(kiosk)
        kiosk.secret, kiosk.enrolled_at, kiosk.revoked_at = secret, now, None
        kiosk_id = row.kiosk_id
    return JSONResponse(
        {
            "kiosk_id": kiosk_id,
            "secret": b64(secret),
            "hub_public_key": hub.public_pem.decode("ascii"),
            "key_id": hub.key_id,
        }
    )


# -- several worker processes (kiosk-hub serve --workers N): each builds its app from these ----
ENV_DB = "KIOSK_HUB_SERVE_DB"
ENV_ACCEPT_DEMO = "KIOSK_HUB_SERVE_ACCEPT_DEMO"
ENV_PLAIN_HTTP = "KIOSK_HUB_SERVE_ALLOW_PLAIN_HTTP"
ENV_DB_CONNECTIONS = "KIOSK_HUB_SERVE_DB_CONNECTIONS"


def app_from_environment() -> FastAPI:
    """The app factory uvicorn calls in each worker process."""
    import logging

    # a spawned worker does not inherit the parent's logging set-up: refusals go to stderr too
    logging.basicConfig(level=logging.WARNING, format="kiosk-hub %(levelname)s %(message)s")
    connections = int(os.environ.get(ENV_DB_CONNECTIONS) or store.DB_CONNECTIONS)
    hub = store.open_hub(os.environ.get(ENV_DB) or None, connections)
    hub.accept_demo = os.environ.get(ENV_ACCEPT_DEMO) == "1"
    return create_app(hub, allow_plain_http=os.environ.get(ENV_PLAIN_HTTP) == "1")
