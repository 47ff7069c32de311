"""The console's pages: ``/console/`` for counter staff, ``/display/<point>`` for the hall's TV,
``/p/<token>`` for the applicant's phone. Server-rendered (Jinja2); one small script of our own
(static/console.js) refreshes lists without a reload. Who uses which page: docs/console.md.

Every POST carries a CSRF token (the session's; before sign-in, a double-submit cookie's): without
it, 403. The session cookie is HttpOnly, SameSite=Strict, Secure under TLS; a console left alone
for :data:`auth.IDLE_MINUTES` is signed out.
"""

from __future__ import annotations

import base64
import datetime as dt
import hmac
import secrets
import time
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from kiosk.domain import idnumber
from kiosk_hub.console import auth, records, texts
from kiosk_hub.models import (
    Case,
    HubHelpCall,
    Item,
    Kiosk,
    KioskReport,
    QueueCall,
    RateWindow,
    utcnow,
)

ROOT = Path(__file__).resolve().parent.parent
SESSION_COOKIE = "kh_session"
PRE_CSRF_COOKIE = "kh_csrf"
LANG_COOKIE = "kh_lang"
WINDOW_COOKIE = "kh_window"
PROGRESS_PER_MINUTE = 60
STALE_AFTER = dt.timedelta(minutes=10)
templates = Jinja2Templates(directory=str(ROOT / "templates"))


class Forbidden(Exception):
    pass


def mount(app: FastAPI, hub: Any) -> None:
    app.mount("/static", StaticFiles(directory=str(ROOT / "static")), name="static")
    factory = hub.factory

    def lang_of(request: Request) -> str:
        lang = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE) or "zh"
        return lang if lang in texts.LANGS else "zh"

    def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        lang = lang_of(request)
        context.setdefault("signed", None)

        def t(key: str, **values: Any) -> str:
            return texts.tr(lang, key, **values)

        response = templates.TemplateResponse(
            request,
            name,
            {
                "t": t,
                "lang": lang,
                "other_lang": "en" if lang == "zh" else "zh",
                "service": lambda key: texts.service(lang, key),
                "status": lambda key: texts.status(lang, key),
                "role": lambda key: texts.role(lang, key),
                "screen": lambda name: texts.screen(lang, name),
                "local": lambda moment: records.aware(moment).astimezone(records.SHENZHEN),
                **context,
            },
            status_code=status,
        )
        if request.query_params.get("lang") in texts.LANGS:
            response.set_cookie(LANG_COOKIE, lang, samesite="strict", max_age=365 * 86400)
        return response

    def set_cookie(request: Request, response: Response, name: str, value: str) -> None:
        response.set_cookie(
            name,
            value,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/",
        )

    async def who(request: Request, *, touch: bool = True) -> auth.Signed | None:
        token = request.cookies.get(SESSION_COOKIE)
        return await run_in_threadpool(lambda: auth.current(factory, token, touch=touch))

    async def form_of(request: Request, expected: str | None) -> dict[str, str]:
        form = await request.form()
        sent = str(form.get("csrf") or "")
        if not expected or not sent or not hmac.compare_digest(sent, expected):
            raise Forbidden()
        return {k: str(v) for k, v in form.items()}

    def to_sign_in(request: Request) -> RedirectResponse:
        return RedirectResponse("/console/", status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, _exc: Forbidden) -> HTMLResponse:
        return page(request, "message.html", 403, message=texts.tr(lang_of(request), "csrf"))

    # -- sign-in ------------------------------------------------------------------------------
    @app.get("/console", include_in_schema=False)
    async def console_root() -> RedirectResponse:
        return RedirectResponse("/console/", status_code=307)

    @app.get("/console/")
    async def home(request: Request) -> Response:
        signed = await who(request)
        if signed is not None:
            return RedirectResponse("/console/help", status_code=303)
        return sign_in_page(request, None)

    def sign_in_page(request: Request, error: str | None, status: int = 200) -> HTMLResponse:
        csrf = secrets.token_urlsafe(32)
        if request.query_params.get("idle") and error is None:
            error = "idle_out"
        response = page(request, "sign_in.html", status, csrf=csrf, error=error)
        set_cookie(request, response, PRE_CSRF_COOKIE, csrf)
        return response

    @app.post("/console/sign-in")
    async def sign_in(request: Request) -> Response:
        form = await form_of(request, request.cookies.get(PRE_CSRF_COOKIE))
        user, password = form.get("user", "").strip(), form.get("password", "")
        result = await run_in_threadpool(auth.sign_in, factory, user, password)
        if result.staff is None:
            return sign_in_page(request, "locked" if result.locked else "bad_login", 401)
        token, _csrf = await run_in_threadpool(auth.open_session, factory, result.staff)
        response = RedirectResponse("/console/help", status_code=303)
        set_cookie(request, response, SESSION_COOKIE, token)
        response.delete_cookie(PRE_CSRF_COOKIE, path="/")
        return response

    @app.post("/console/sign-out")
    async def sign_out(request: Request) -> Response:
        signed = await who(request)
        if signed is None:
            return to_sign_in(request)
        await form_of(request, signed.csrf)
        token = request.cookies.get(SESSION_COOKIE)
        await run_in_threadpool(auth.close_session, factory, token)
        response = to_sign_in(request)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    # -- help calls ---------------------------------------------------------------------------
    def open_calls(point: str) -> list[dict[str, Any]]:
        now = utcnow()
        with factory() as session:
            rows = session.execute(
                select(HubHelpCall)
                .where(HubHelpCall.point == point, HubHelpCall.state == "open")
                .order_by(HubHelpCall.raised_at.desc())
            ).scalars()
            return [
                {
                    "uuid": c.uuid,
                    "kiosk_id": c.kiosk_id,
                    "screen": c.screen,
                    "at": records.aware(c.raised_at).astimezone(records.SHENZHEN),
                    "minutes": int((now - records.aware(c.raised_at)).total_seconds() // 60),
                }
                for c in rows
            ]

    @app.get("/console/help")
    async def help_page(request: Request) -> Response:
        signed = await who(request)
        if signed is None:
            return to_sign_in(request)
        calls = await run_in_threadpool(open_calls, signed.staff.point)
        return page(request, "help.html", signed=signed, calls=calls, tab="help")

    @app.get("/console/help/list")
    async def help_list(request: Request) -> Response:
        signed = await who(request, touch=False)
        if signed is None:
            return Response(status_code=401)
        calls = await run_in_threadpool(open_calls, signed.staff.point)
        return page(request, "help_list.html", signed=signed, calls=calls)

    @app.post("/console/help/{call_uuid}/ack")
    async def help_ack(call_uuid: str, request: Request) -> Response:
        signed = await who(request)
        if signed is None:
            return to_sign_in(request)
        await form_of(request, signed.csrf)

        def ack() -> None:
            with factory.begin() as session:
                call = session.get(HubHelpCall, call_uuid[:36])
                if call is not None and call.state == "open":
                    call.state, call.closed_at = "acknowledged", utcnow()
                    call.closed_by = signed.staff.username
                    records.audit(session, signed.staff.username, "help.ack", f"help:{call.uuid}")

        await run_in_threadpool(ack)
        return RedirectResponse("/console/help", status_code=303)

    # -- today's queue, the detail, decisions, the receipt ---------------------------------------
    def todays_cases(point: str) -> tuple[dt.date, list[Case], dict[int, str]]:
        day = records.shenzhen_day()
        with factory() as session:
            cases = list(
                session.execute(
                    select(Case)
                    .where(Case.point == point, Case.queue_day == day)
                    .order_by(Case.submitted_at)
                ).scalars()
            )
            last = session.execute(
                select(QueueCall.window, QueueCall.queue_number)
                .where(QueueCall.point == point)
                .order_by(QueueCall.id.desc())
                .limit(20)
            ).all()
        windows: dict[int, str] = {}
        for window, number in last:
            windows.setdefault(window, number)
        return day, cases, windows

    @app.get("/console/queue")
    async def queue_page(request: Request) -> Response:
        signed = await who(request)
        if signed is None:
            return to_sign_in(request)
        day, cases, windows = await run_in_threadpool(todays_cases, signed.staff.point)
        window = _window(request.cookies.get(WINDOW_COOKIE))
        message = request.query_params.get("m")
        return page(
            request,
            "queue.html",
            signed=signed,
            tab="queue",
            day=day,
            cases=cases,
            window=window,
            last=windows.get(window),
            message=message if message in texts.WORDS else None,
        )

    @app.get("/console/queue/list")
    async def queue_list(request: Request) -> Response:
        signed = await who(request, touch=False)
        if signed is None:
            return Response(status_code=401)
        _day, cases, _ = await run_in_threadpool(todays_cases, signed.staff.point)
        return page(request, "queue_list.html", signed=signed, cases=cases)

    @app.post("/console/call")
    async def call(request: Request) -> Response:
        signed = await who(request)
        if signed is None:
            return to_sign_in(request)
        form = await form_of(request, signed.csrf)
        window = _window(form.get("window"))
        again = form.get("action") == "again"
        point, actor = signed.staff.point, signed.staff.username
        called = await run_in_threadpool(_call_queue, factory, point, window, actor, again)
        response = RedirectResponse(
            "/console/queue" + ("" if called else "?m=call.nobody"), status_code=303
        )
        set_cookie(request, response, WINDOW_COOKIE, str(window))
        return response

    def load_case(case_uuid: str, point: str) -> tuple[Case | None, dict[str, Any] | None]:
        from kiosk_hub.export import open_item

        with factory() as session:
            case = session.get(Case, case_uuid[:36])
            if case is None or case.point != point:
                return None, None
            item = session.get(Item, case.uuid)
            if item is None:
                return case, None
            try:
                contents = open_item(hub, item)
            except Exception:  # damaged, or sealed to a key since replaced: say so
                return case, None
        data = dict(contents.data)
        photo = contents.attachments.get("photo")
        applicant = data.get("applicant") or {}
        residence = data.get("residence") or {}
        phone = str(data.get("phone") or "")
        return case, {
            "data": data,
            "photo": photo,
            "photo_src": (
                "data:image/jpeg;base64," + base64.b64encode(photo).decode("ascii")
                if photo
                else None
            ),
            "name": applicant.get("name", ""),
            "id_masked": idnumber.mask(str(applicant.get("id_number") or "")),
            "phone_masked": phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else phone,
            "address": _address(residence),
        }

    @app.get("/console/case/{case_uuid}")
    async def case_page(case_uuid: str, request: Request) -> Response:
        signed = await who(request)
        if signed is None:
            return to_sign_in(request)
        case, detail = await run_in_threadpool(load_case, case_uuid, signed.staff.point)
        if case is None:
            return page(
                request,
                "message.html",
                404,
                signed=signed,
                message=texts.tr(lang_of(request), "not_found"),
            )
        message = request.query_params.get("m")
        return page(
            request,
            "case.html",
            signed=signed,
            tab="queue",
            case=case,
            detail=detail,
            message=message if message in texts.WORDS else None,
        )

    @app.post("/console/case/{case_uuid}/decide")
    async def decide(case_uuid: str, request: Request) -> Response:
        signed = await who(request)
        if signed is None:
            return to_sign_in(request)
        form = await form_of(request, signed.csrf)

        def work() -> str | None:
            with factory.begin() as session:
                case = session.get(Case, case_uuid[:36])
                if case is None or case.point != signed.staff.point:
                    return "not_found"
                try:
                    records.decide_on_console(
                        session,
                        case,
                        form.get("decision", ""),
                        form.get("reason", ""),
                        signed.staff.username,
                    )
                except records.DecisionRefused as exc:
                    return "case.need_reason" if str(exc) == "reason" else "case.already"
            return None

        problem = await run_in_threadpool(work)
        suffix = f"?m={problem}" if problem else ""
        return RedirectResponse(f"/console/case/{case_uuid[:36]}{suffix}", status_code=303)

    @app.get("/console/case/{case_uuid}/receipt.pdf")
    async def receipt(case_uuid: str, request: Request) -> Response:
        signed = await who(request)
        if signed is None:
            return to_sign_in(request)
        case, detail = await run_in_threadpool(load_case, case_uuid, signed.staff.point)
        if case is None or detail is None:
            return page(
                request,
                "message.html",
                404,
                signed=signed,
                message=texts.tr(lang_of(request), "not_found"),
            )
        if case.decision is None:
            return page(
                request,
                "message.html",
                409,
                signed=signed,
                message=texts.tr(lang_of(request), "case.receipt_needs"),
            )
        pdf = await run_in_threadpool(_receipt_pdf, case, detail, signed.staff.username)

        def note() -> None:
            with factory.begin() as session:
                records.audit(
                    session, signed.staff.username, "receipt.print", case.application_number
                )

        await run_in_threadpool(note)
        return Response(
            pdf,
            media_type="application/pdf",
            headers={
                "Content-Disposition": f'inline; filename="receipt-{case.application_number}.pdf"'
            },
        )

    # -- fleet ----------------------------------------------------------------------------------
    def fleet_rows() -> list[dict[str, Any]]:
        now = utcnow()
        with factory() as session:
            kiosks = session.execute(select(Kiosk).order_by(Kiosk.kiosk_id)).scalars().all()
            reports = {r.kiosk_id: r for r in session.execute(select(KioskReport)).scalars()}
            points = dict(
                session.execute(
                    select(Case.kiosk_id, func.max(Case.point)).group_by(Case.kiosk_id)
                ).all()
            )
            call_points = dict(
                session.execute(
                    select(HubHelpCall.kiosk_id, func.max(HubHelpCall.point)).group_by(
                        HubHelpCall.kiosk_id
                    )
                ).all()
            )
        rows = []
        for k in kiosks:
            report = reports.get(k.kiosk_id)
            said = report.report if report is not None else {}
            last = records.aware(k.last_seen) if k.last_seen else None
            if report is not None and (last is None or records.aware(report.reported_at) > last):
                last = records.aware(report.reported_at)
            head, received = said.get("audit_head"), report.audit_head_received if report else None
            rows.append(
                {
                    "kiosk_id": k.kiosk_id,
                    "point": points.get(k.kiosk_id)
                    or call_points.get(k.kiosk_id)
                    or said.get("point")
                    or "",
                    "last": last.astimezone(records.SHENZHEN) if last else None,
                    "stale": last is None or now - last > STALE_AFTER,
                    "revoked": k.revoked_at is not None,
                    "version": k.version or "",
                    "pending": said.get("pending"),
                    "quarantined": said.get("quarantined"),
                    "reader": said.get("reader"),
                    "camera": said.get("camera"),
                    "printer": said.get("printer"),
                    "paper_low": said.get("paper_low"),
                    "audit": None if not head or not received else head == received,
                }
            )
        return rows

    @app.get("/console/fleet")
    async def fleet_page(request: Request) -> Response:
        signed = await who(request)
        if signed is None:
            return to_sign_in(request)
        rows = await run_in_threadpool(fleet_rows)
        return page(request, "fleet.html", signed=signed, tab="fleet", kiosks=rows)

    # -- the hall display -------------------------------------------------------------------------
    def last_call(point: str) -> dict[str, Any]:
        with factory() as session:
            row = session.execute(
                select(QueueCall)
                .where(QueueCall.point == point)
                .order_by(QueueCall.id.desc())
                .limit(1)
            ).scalar_one_or_none()
        if row is None:
            return {"id": 0}
        return {
            "id": row.id,
            "zh": texts.tr("zh", "display.call", number=row.queue_number, window=row.window),
            "en": texts.tr("en", "display.call", number=row.queue_number, window=row.window),
        }

    @app.get("/display/{point}")
    async def display(point: str, request: Request) -> Response:
        now = await run_in_threadpool(last_call, point[:8])
        return page(request, "display.html", point=point[:8], now=now)

    @app.get("/display/{point}/now")
    async def display_now(point: str) -> JSONResponse:
        return JSONResponse(await run_in_threadpool(last_call, point[:8]))

    # -- the applicant's progress page ------------------------------------------------------------
    @app.get("/p/{token}")
    async def progress(token: str, request: Request) -> Response:
        address = request.client.host if request.client else "?"
        allowed = await run_in_threadpool(_count_hit, factory, f"p:{address}"[:80])
        if not allowed:
            response = page(
                request, "message.html", 429, message=texts.tr(lang_of(request), "too_many")
            )
            response.headers["Retry-After"] = "60"
            return response
        found = await run_in_threadpool(_progress_of, factory, token)
        if found is None:
            return page(
                request, "message.html", 404, message=texts.tr(lang_of(request), "not_found")
            )
        return page(request, "progress.html", **found)


def _address(residence: dict[str, Any]) -> str:
    """As the slip prints it (district and street by name), from the kiosk's documents package."""
    from kiosk.documents.values import address
    from kiosk.domain.application import Address

    try:
        return address(Address(**residence))
    except (TypeError, KeyError, ValueError):
        return ""


def _window(text: str | None) -> int:
    try:
        value = int(text or "1")
    except ValueError:
        return 1
    return value if 1 <= value <= 99 else 1


def _call_queue(factory: Any, point: str, window: int, actor: str, again: bool) -> bool:
    """Call the next applicant not yet called today (or this window's last one again)."""
    with factory.begin() as session:
        if again:
            last = session.execute(
                select(QueueCall)
                .where(QueueCall.point == point, QueueCall.window == window)
                .order_by(QueueCall.id.desc())
                .limit(1)
            ).scalar_one_or_none()
            if last is None:
                return False
            number, case_uuid = last.queue_number, last.case_uuid
        else:
            called = select(QueueCall.case_uuid).where(QueueCall.point == point)
            case = session.execute(
                select(Case)
                .where(
                    Case.point == point,
                    Case.queue_day == records.shenzhen_day(),
                    Case.uuid.not_in(called),
                )
                .order_by(Case.submitted_at)
                .limit(1)
            ).scalar_one_or_none()
            if case is None:
                return False
            number, case_uuid = case.queue_number, case.uuid
        session.add(
            QueueCall(
                point=point,
                window=window,
                queue_number=number,
                case_uuid=case_uuid,
                called_by=actor,
            )
        )
        records.audit(session, actor, "queue.call", number, f"window={window}")
    return True


def _count_hit(factory: Any, key: str) -> bool:
    """One more look-up from this address in this minute; False past the limit (all workers
    share the count: it is in the database)."""
    minute = int(time.time() // 60)
    for _ in range(3):
        with factory.begin() as session:
            hits = session.execute(
                update(RateWindow)
                .where(RateWindow.key == key)
                .values(
                    hits=_case_hits(minute),
                    minute=minute,
                )
                .returning(RateWindow.hits)
            ).scalar_one_or_none()
            if hits is not None:
                return bool(hits <= PROGRESS_PER_MINUTE)
        try:
            with factory.begin() as session:
                session.add(RateWindow(key=key, minute=minute, hits=1))
            return True
        except IntegrityError:
            continue  # a parallel first look-up made the row: count on it
    return False


def _case_hits(minute: int) -> Any:
    from sqlalchemy import case

    return case((RateWindow.minute == minute, RateWindow.hits + 1), else_=1)


def _progress_of(factory: Any, token: str) -> dict[str, Any] | None:
    """Status, service and date only. Tokens are looked up by equality; anything that was never
    issued (whatever its shape) is simply not found."""
    if not records.TOKEN.fullmatch(token):
        return None
    with factory() as session:
        case = session.execute(
            select(Case).where(Case.progress_token == token)
        ).scalar_one_or_none()
        if case is None:
            return None
        called = session.execute(
            select(QueueCall.id).where(QueueCall.case_uuid == case.uuid).limit(1)
        ).first()
    key = case.status
    if key == "submitted" and called is not None:
        key = "accepted"
    if key == "approved" and case.decided_at is not None and case.service != "renewal":
        from kiosk.documents.receipt import collection_date

        ready = collection_date(case.service, records.shenzhen_day(case.decided_at))
        if ready is not None and records.shenzhen_day() >= ready:
            key = "collect"
    return {
        "service_key": case.service,
        "day": records.shenzhen_day(case.submitted_at),
        "status_key": key,
    }


def _receipt_pdf(case: Case, detail: dict[str, Any], staff: str) -> bytes:
    from kiosk.documents.receipt import Review, collection_date, render_receipt
    from kiosk.domain.application import Application

    data = dict(detail["data"])
    if detail["photo"]:
        data["photo_jpeg_b64"] = base64.b64encode(detail["photo"]).decode("ascii")
    app = Application.from_json(data)
    decided = records.aware(case.decided_at or utcnow())
    day = records.shenzhen_day(decided)
    review = Review(
        result=case.status,
        staff_id=staff,
        reviewed_at=decided.astimezone(records.SHENZHEN),
        collection_date=collection_date(case.service, day) if case.status == "approved" else None,
        note=case.decision_reason or "",
    )
    return render_receipt(app, review, "a4")
