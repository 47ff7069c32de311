"""The console over real HTTP against a real hub process: staff accounts, sign-in, CSRF, lockout
under parallel tries, idle sign-out, the progress page's privacy and rate limit, the status route
the kiosk's 办理进度 asks, and the export's status and progress token."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import json
import random
import re
import sqlite3
import time

import httpx
from console_parts import PASSWORD, Hub, csrf_of, kiosk_cli, signed_in_client

from kiosk.config import Config
from kiosk.domain.rules import RuleBook
from kiosk.services.submit import submit_application
from kiosk.storage.db import open_database
from kiosk.sync import enrolment
from kiosk.sync.client import HubClient
from kiosk.sync.demo_applications import made_up_application, sample_photo


def _submit(config: Config, n: int = 1, seed: int = 3) -> list:
    factory = open_database()
    rng, photo = random.Random(seed), sample_photo()
    done = [
        submit_application(
            factory,
            made_up_application(rng, photo=photo),
            config,
            rules=RuleBook.load(),
            enrolled=enrolment.load(),
        ).application
        for _ in range(n)
    ]
    out = kiosk_cli("sync", "run", "--once")
    assert out.returncode == 0, out.stderr
    return done


def test_staff_add_takes_the_password_from_stdin_and_refuses_bad_input(hub: Hub) -> None:
    made = hub.cli(
        "staff",
        "add",
        "--user",
        "wang",
        "--role",
        "supervisor",
        "--point",
        "FT01",
        stdin="another-pass-2\n",
    )
    assert made == {"user": "wang", "role": "supervisor", "point": "FT01"}
    assert (
        "exists"
        in hub.cli(
            "staff",
            "add",
            "--user",
            "wang",
            "--role",
            "counter",
            "--point",
            "FT01",
            stdin="another-pass-2\n",
            expect=1,
        )["stderr"]
    )
    assert (
        "8 characters"
        in hub.cli(
            "staff",
            "add",
            "--user",
            "zhao",
            "--role",
            "counter",
            "--point",
            "FT01",
            stdin="short\n",
            expect=1,
        )["stderr"]
    )
    hub.cli("staff", "add", "--user", "zhao", "--role", "boss", "--point", "FT01", expect=2)
    with sqlite3.connect(hub.db) as db:
        stored = db.execute(
            "SELECT password_hash FROM staff_accounts WHERE username='wang'"
        ).fetchone()[0]
    assert stored.startswith("scrypt$") and "another-pass-2" not in stored


def test_signed_out_visitors_get_the_sign_in_form_and_are_redirected(hub: Hub) -> None:
    with httpx.Client(base_url=hub.url) as client:
        page = client.get("/console/")
        assert page.status_code == 200
        assert 'type="password"' in page.text and 'name="csrf"' in page.text
        for path in ("/console/help", "/console/queue", "/console/fleet", "/console/case/x"):
            answer = client.get(path)
            assert answer.status_code == 303 and answer.headers["location"] == "/console/", path
        assert client.get("/console/help/list").status_code == 401


def test_every_post_without_its_csrf_token_is_refused(hub: Hub) -> None:
    with httpx.Client(base_url=hub.url) as client:
        client.get("/console/")
        no_token = client.post("/console/sign-in", data={"user": "lin", "password": PASSWORD})
        assert no_token.status_code == 403
        wrong = client.post(
            "/console/sign-in", data={"user": "lin", "password": PASSWORD, "csrf": "x" * 43}
        )
        assert wrong.status_code == 403
    client = signed_in_client(hub)
    try:
        _refused_without_token(client)
    finally:
        client.close()


def _refused_without_token(client: httpx.Client) -> None:
    for path, data in (
        ("/console/call", {"window": "2", "action": "next"}),
        ("/console/help/abc/ack", {}),
        ("/console/case/abc/decide", {"decision": "approve"}),
        ("/console/sign-out", {}),
    ):
        assert client.post(path, data=data).status_code == 403, path
    assert client.get("/console/help").status_code == 200  # still signed in: nothing was done


def test_the_session_cookie_is_httponly_and_samesite_and_idles_out(hub: Hub) -> None:
    with httpx.Client(base_url=hub.url) as client:
        _signs_in_and_idles_out(hub, client)


def _signs_in_and_idles_out(hub: Hub, client: httpx.Client) -> None:
    page = client.get("/console/")
    answer = client.post(
        "/console/sign-in", data={"user": "lin", "password": PASSWORD, "csrf": csrf_of(page.text)}
    )
    cookie = next(
        v for k, v in answer.headers.multi_items() if k == "set-cookie" and "kh_session" in v
    )
    assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower()
    assert client.get("/console/help").status_code == 200
    with sqlite3.connect(hub.db) as db:  # sixteen minutes without a click
        old = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16)).strftime("%Y-%m-%d %H:%M:%S")
        db.execute("UPDATE console_sessions SET last_seen = ?", (old,))
    assert client.get("/console/help/list").status_code == 401
    assert client.get("/console/help").headers["location"] == "/console/"


def test_lockout_holds_under_parallel_tries(hub: Hub) -> None:
    def guess(i: int) -> int:
        with httpx.Client(base_url=hub.url, timeout=30) as client:
            page = client.get("/console/")
            return client.post(
                "/console/sign-in",
                data={"user": "lin", "password": f"wrong-{i}", "csrf": csrf_of(page.text)},
            ).status_code

    with concurrent.futures.ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(guess, range(24)))
    assert set(answers) == {401}
    with sqlite3.connect(hub.db) as db:
        tries, locked = db.execute(
            "SELECT failed_attempts, locked_until FROM staff_accounts WHERE username='lin'"
        ).fetchone()
    assert tries == 5 and locked is not None  # five passwords checked, however many came at once
    with httpx.Client(base_url=hub.url) as client:  # now even the right password is refused
        page = client.get("/console/")
        answer = client.post(
            "/console/sign-in",
            data={"user": "lin", "password": PASSWORD, "csrf": csrf_of(page.text)},
        )
        assert answer.status_code == 401 and "锁定" in answer.text


def test_progress_page_shows_status_only_and_limits_look_ups(
    hub: Hub, enrolled: enrolment.Enrolment, config: Config
) -> None:
    (app,) = _submit(config)
    if time.time() % 60 > 40:  # the limit counts per clock minute: all look-ups in one
        time.sleep(61 - time.time() % 60)
    factory = open_database()
    from sqlalchemy import select

    from kiosk.storage.models import ApplicationRow

    with factory() as session:
        form = session.execute(select(ApplicationRow.form)).scalar_one()
    token = form["progress_token"]
    assert len(token) >= 32  # 24 random bytes: 192 bits
    with httpx.Client(base_url=hub.url) as phone:
        page = phone.get(f"/p/{token}")
        assert page.status_code == 200
        assert "已提交" in page.text and "延期" in page.text
        for private in (
            app.applicant.name,
            app.applicant.id_number,
            app.phone,
            app.applicant.id_number[-4:],
        ):
            assert private not in page.text
        assert "Submitted" in phone.get(f"/p/{token}?lang=en").text
        for never_issued in (
            token[:-1] + ("A" if token[-1] != "A" else "B"),
            "x",
            "..%2Fetc",
            "A" * 200,
            app.application_number,
            app.uuid,
        ):
            assert phone.get(f"/p/{never_issued}").status_code == 404, never_issued
        answers = [phone.get(f"/p/{token}").status_code for _ in range(60)]
        # 7 look-ups above (..%2Fetc is no /p/ path at all), 53 more this minute, then 429
        assert answers == [200] * 53 + [429] * 7, answers
        limited = phone.get(f"/p/{token}")
        assert limited.headers["Retry-After"] == "60"
    out = hub.home / "export.jsonl"
    hub.cli("export", "--out", str(out))
    (line,) = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert line["status"] == "submitted" and line["progress_token"] == token


def test_status_route_answers_only_this_kiosks_numbers(
    hub: Hub, enrolled: enrolment.Enrolment, config: Config
) -> None:
    (app,) = _submit(config)
    with HubClient(enrolled, config) as client:
        body = json.dumps({"numbers": [app.application_number, "FT01-20990101-K09-0001"]}).encode()
        answer = client.request("POST", "/v1/status", body, {"Content-Type": "application/json"})
        assert answer.status_code == 200 and client.signed_by_hub(answer)
        known = answer.json()["applications"]
        assert list(known) == [app.application_number]
        assert known[app.application_number]["status"] == "submitted"
        too_many = json.dumps({"numbers": ["x"] * 101}).encode()
        assert client.request("POST", "/v1/status", too_many).status_code == 422
    assert re.fullmatch(r"[0-9T:.+-]+", known[app.application_number]["updated_at"])


def test_when_both_sides_decide_the_first_stands_and_the_console_shows_it(
    hub: Hub, enrolled: enrolment.Enrolment, config: Config
) -> None:
    """The kiosk rejects while it cannot reach the hub; the console approves a moment later;
    when the kiosk's decision arrives, it stands (it came first) on both sides."""
    from sqlalchemy import select

    from kiosk.services import decisions
    from kiosk.storage.models import ApplicationRow

    (app,) = _submit(config)
    factory = open_database()
    with factory.begin() as session:
        row_id = session.execute(
            select(ApplicationRow.id).where(ApplicationRow.uuid == app.uuid)
        ).scalar_one()
        decisions.decide(
            session,
            "staff:zhang",
            row_id,
            "reject",
            "info_mismatch",
            rules=RuleBook.load(),
            recipient=enrolment.sealed_to(enrolled),
        )
    time.sleep(1.1)  # the console decides clearly later
    client = signed_in_client(hub)
    try:
        page = client.get(f"/console/case/{app.uuid}")
        answer = client.post(
            f"/console/case/{app.uuid}/decide",
            data={"csrf": csrf_of(page.text), "decision": "approve", "reason": ""},
        )
        assert answer.status_code == 303
        assert kiosk_cli("sync", "run", "--once").returncode == 0  # the kiosk's decision goes up
        assert kiosk_cli("sync", "run", "--once").returncode == 0  # and it asks its inbox
        page = client.get(f"/console/case/{app.uuid}")
        assert 'id="conflict"' in page.text and "kiosk:staff:zhang reject" in page.text
        assert "不予受理" in page.text  # the kiosk's earlier decision stands
        again = client.post(
            f"/console/case/{app.uuid}/decide",
            data={"csrf": csrf_of(page.text), "decision": "approve", "reason": ""},
        )
        assert "m=case.already" in again.headers["location"]
    finally:
        client.close()
    with factory() as session:
        status = session.execute(
            select(ApplicationRow.status).where(ApplicationRow.uuid == app.uuid)
        ).scalar_one()
    assert status == "rejected"
    with sqlite3.connect(hub.db) as db:
        (conflicts,) = db.execute(
            "SELECT count(*) FROM console_audit WHERE action = 'decision.conflict'"
        ).fetchone()
    assert conflicts == 1


def test_the_slips_phone_qr_code_opens_the_progress_page(
    hub: Hub, enrolled: enrolment.Enrolment, config: Config
) -> None:
    """With ``sync.progress_url`` set, the printed slip carries a second QR code; read back from
    the rendered slip, it is the hub's /p/<token> for this application, and it opens there."""
    import zxingcpp

    from kiosk.documents import slip

    (app,) = _submit(config)
    image = slip.render_slip_raster(app, progress_url=hub.url + "/")
    texts = {r.text for r in zxingcpp.read_barcodes(image)}
    page_url = f"{hub.url}/p/{app.progress_token}"
    assert texts == {app.application_number, page_url}  # the kiosk still scans the number
    with httpx.Client() as phone:
        page = phone.get(page_url)
    assert page.status_code == 200 and "已提交" in page.text
    without = {r.text for r in zxingcpp.read_barcodes(slip.render_slip_raster(app))}
    assert without == {app.application_number}  # no address set: no phone QR code


def test_the_fleet_shows_what_the_kiosk_reports(
    hub: Hub, enrolled: enrolment.Enrolment, config: Config
) -> None:
    """The kiosk's inbox call reports its outbox, its print queue's last word (out of paper
    here) and its audit head; the fleet page shows them with the release it runs."""
    import kiosk
    from kiosk.services import audit_trail
    from kiosk.storage.models import PrintJob

    factory = open_database()
    with factory.begin() as session:
        session.add(
            PrintJob(
                document="slip",
                printer="folder:/tmp/x",
                path="/nonexistent",
                state="waiting",
                last_error="out_of_paper: paper end sensor",
            )
        )
        audit_trail.push_head(session, enrolment.sealed_to(enrolled), "staff:zhang")
    assert kiosk_cli("sync", "run", "--once").returncode == 0  # sends the head
    assert kiosk_cli("sync", "run", "--once").returncode == 0  # then asks the inbox
    client = signed_in_client(hub)
    try:
        page = client.get("/console/fleet").text
    finally:
        client.close()
    row = page[page.index('data-kiosk="K07"') :].split("</tr>", 1)[0]
    assert "out_of_paper" in row and "纸将用完" in row
    assert kiosk.__version__ in row and "一致" in row and "超过10分钟" not in row
