"""The hub's HTTP API (FastAPI). Every answer carries ``X-Hub-Time`` so kiosks can correct their
clocks; every call except enrolment is signed by the kiosk (see kiosk.sync.signing)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from kiosk.sync import crypto, signing
from kiosk_hub import store
from kiosk_hub.models import EnrolmentCode, Kiosk, Nonce, utcnow


def _error(status: int, error: str, reason: str) -> JSONResponse:
    return JSONResponse({"error": error, "reason": reason}, status_code=status)


class Refused(Exception):
    def __init__(self, response: JSONResponse):
        self.response = response


def _authenticate(
    hub: store.Hub, method: str, path: str, headers: Any, body: bytes
) -> tuple[str, str, float]:
    """The signing kiosk's id, the request nonce and the kiosk's clock skew, or :class:`Refused`.
    Read-only: the nonce is recorded in the request's own write transaction."""
    kiosk_id = headers.get(signing.HEADER_KIOSK, "")
    stamp = headers.get(signing.HEADER_TIME, "")
    nonce = headers.get(signing.HEADER_NONCE, "")
    signature = headers.get(signing.HEADER_SIGNATURE, "")
    if not (kiosk_id and stamp and nonce and signature) or len(nonce) > 64:
        raise Refused(_error(401, "unsigned", "request is not signed"))
    try:
        skew = float(stamp) - time.time()
    except ValueError:
        raise Refused(_error(401, "unsigned", "bad timestamp")) from None
    if abs(skew) > signing.MAX_SKEW_SECONDS:
        raise Refused(_error(401, "stale", "timestamp too far from hub time; see X-Hub-Time"))
    with hub.factory.begin() as session:
        kiosk = session.get(Kiosk, kiosk_id)
        if kiosk is None or kiosk.secret is None:
            raise Refused(_error(401, "unknown_kiosk", "this kiosk is not enrolled here"))
        if not signing.verify(kiosk.secret, signature, method, path, stamp, nonce, body):
            raise Refused(_error(401, "bad_signature", "signature does not match"))
        if kiosk.revoked_at is not None:
            raise Refused(_error(403, "revoked", "this kiosk has been revoked"))
        seen = session.execute(
            select(Nonce.id).where(Nonce.kiosk_id == kiosk_id, Nonce.nonce == nonce)
        ).first()
        if seen is not None:
            raise Refused(_error(401, "replayed", "this request was already received"))
        if random.random() < 0.01:  # keep the nonce table to the freshness window
            cutoff = utcnow() - dt.timedelta(seconds=4 * signing.MAX_SKEW_SECONDS)
            session.execute(delete(Nonce).where(Nonce.at < cutoff))
    return kiosk_id, nonce, skew


def _record_nonce(kiosk_id: str, nonce: str, skew: float) -> Callable[[Session], None]:
    def record(session: Session) -> None:
        session.add(Nonce(kiosk_id=kiosk_id, nonce=nonce))
        session.execute(
            update(Kiosk)
            .where(Kiosk.kiosk_id == kiosk_id)
            .values(last_seen=utcnow(), last_skew_seconds=round(skew, 3))
        )

    return record


def create_app(hub: store.Hub) -> FastAPI:
    app = FastAPI(title="kiosk-hub", docs_url=None, redoc_url=None, openapi_url=None)

    @app.middleware("http")
    async def hub_time(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers[signing.HEADER_HUB_TIME] = f"{time.time():.3f}"
        return response

    async def signed(request: Request) -> tuple[Callable[[Session], None], str, bytes]:
        body = await request.body()
        kiosk_id, nonce, skew = await run_in_threadpool(
            _authenticate, hub, request.method, request.url.path, request.headers, body
        )
        return _record_nonce(kiosk_id, nonce, skew), kiosk_id, body

    @app.exception_handler(Refused)
    async def refused(_request: Request, exc: Refused) -> JSONResponse:
        return exc.response

    @app.post("/v1/enrol")
    async def enrol(request: Request) -> JSONResponse:
        data = await request.json()
        code = str(data.get("code", "")).strip()
        return await run_in_threadpool(_redeem, hub, code)

    @app.get("/v1/hello")
    async def hello(request: Request) -> JSONResponse:
        record, kiosk_id, _ = await signed(request)
        await run_in_threadpool(_in_transaction, hub, record)
        return JSONResponse({"kiosk_id": kiosk_id, "hub_key_id": hub.key_id})

    @app.put("/v1/items/{item_uuid}")
    async def put_item(item_uuid: str, request: Request) -> JSONResponse:
        record, kiosk_id, body = await signed(request)
        content_hash = request.headers.get("X-Content-Hash", "")
        outcome = await run_in_threadpool(
            store.ingest,
            hub,
            kiosk_id,
            item_uuid,
            content_hash,
            body,
            via="network",
            before_commit=record,
        )
        return JSONResponse(outcome.body, status_code=outcome.status)

    @app.post("/v1/reconcile")
    async def reconcile(request: Request) -> JSONResponse:
        record, kiosk_id, body = await signed(request)
        claimed: dict[str, str] = json.loads(body)["items"]
        held = await run_in_threadpool(_held, hub, kiosk_id, record)
        return JSONResponse(
            {
                "missing": sorted(u for u in claimed if u not in held),
                "mismatched": sorted(u for u, h in claimed.items() if u in held and held[u] != h),
                "hub_only": sorted(u for u in held if u not in claimed),
                "held": len(held),
            }
        )

    return app


def _in_transaction(hub: store.Hub, record: Callable[[Session], None]) -> None:
    with hub.factory.begin() as session:
        record(session)


def _held(hub: store.Hub, kiosk_id: str, record: Callable[[Session], None]) -> dict[str, str]:
    with hub.factory.begin() as session:
        record(session)
        return store.held(session, kiosk_id)


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
            return _error(403, "bad_code", "unknown, used or expired enrolment code")
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
            "secret": crypto.b64(secret),
            "hub_public_key": hub.public_pem.decode("ascii"),
            "key_id": hub.key_id,
        }
    )
