"""The three new journeys walked through the real UI: every state and transition by
enumeration, then applicants who tap and type their way through, with the printed papers read
back (the service ticked, the chosen 受理点, the address down to the community, the fee line)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections import deque
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from kiosk import paths
from kiosk.devices.idcard import samples
from kiosk.domain import clock, codes
from kiosk.storage.models import ApplicationRow, OutboxEntry
from kiosk.ui import walkthrough
from kiosk.ui.applicant import Applicant, pump
from kiosk.ui.applicant import route as nearest
from kiosk.workflows import journeys

NEW = ("application", "registration", "progress")


def _mine(state: str) -> bool:
    return state.split(".")[0] in NEW


def _routes(edges: list[tuple[str, str, str]]) -> dict[str, list[str]]:
    routes: dict[str, list[str]] = {"welcome": []}
    queue = deque(["welcome"])
    while queue:
        here = queue.popleft()
        for source, trigger, target in edges:
            if source == here and target != "history" and target not in routes:
                routes[target] = [*routes[here], trigger]
                queue.append(target)
    return routes


@pytest.mark.slow
def test_every_state_and_transition_of_the_new_journeys(make_kiosk) -> None:
    kiosk = make_kiosk(camera=False)
    window, ctx, machine = kiosk.window, kiosk.ctx, kiosk.window.machine
    ctx.background_work = False  # saving and printing: the walked tests below
    edges = machine.edges
    wanted = {e for e in edges if _mine(e[0]) or (_mine(e[2]) and e[0] != "services")}
    wanted |= {e for e in edges if e[0] == "services" and _mine(e[2])}
    mine_states = {s for s in machine.states if _mine(s)}
    assert len(mine_states) == sum(len(journeys.JOURNEYS[k].steps) for k in NEW)
    routes = _routes(edges)
    assert mine_states <= set(routes), "every state is reachable from welcome"
    card = samples.load("worker")

    def refill(state: str, _screen: str) -> None:
        if state == "welcome":
            ctx.visit.card, ctx.visit.photo_number = card, "A7K3Q9B2"

    window.screenShown.connect(refill)

    def reset() -> None:
        if machine.current() != "welcome":
            ctx.go("timeout")
        assert machine.current() == "welcome"
        ctx.visit.card, ctx.visit.photo_number = card, "A7K3Q9B2"

    def walk(route: list[str]) -> None:
        for trigger in route:
            ctx.go(trigger)
            pump()

    unfired, seen = set(wanted), set()
    reset()
    while unfired:
        here = machine.current()
        mine = sorted(e for e in unfired if e[0] == here)
        if not mine:
            near = nearest(edges, here, {e[0] for e in unfired})
            assert near is not None, here
            walk(near)
            continue
        source, trigger, target = mine[0]
        if target == "history":  # card back: where it was taken out
            journey = source.split(".")[0]
            step = next(s for s in journeys.JOURNEYS[journey].steps if s.needs_card)
            reset()
            walk(routes[f"{journey}.{step.key}"])
            ctx.go("card_removed")
            pump()
            target = f"{journey}.{step.key}"
        ctx.go(trigger)
        pump()
        assert machine.current() == target, (source, trigger, target)
        assert window.stack.currentWidget() is window.current  # its screen is shown
        unfired.discard(mine[0])
        seen |= {source, target}
    assert mine_states <= seen
    reset()


def pdf_text(path: Path) -> str:
    return "".join(page.extract_text() or "" for page in PdfReader(path).pages)


def _printed() -> dict[str, str]:
    return {p.name: pdf_text(p) for p in sorted(paths.sub("printed").glob("*.pdf"))}


def _row(kiosk, service: str) -> tuple[ApplicationRow, list[OutboxEntry]]:
    with kiosk.ctx.factory() as session:
        row = session.execute(
            select(ApplicationRow).where(ApplicationRow.service == service)
        ).scalar_one()
        sent = list(
            session.execute(
                select(OutboxEntry).where(OutboxEntry.application_id == row.id)
            ).scalars()
        )
        session.expunge_all()
    return row, sent


@pytest.mark.slow
def test_first_application_papers_say_what_was_chosen(make_kiosk) -> None:
    kiosk = make_kiosk(camera=False)
    a = Applicant(kiosk.window)
    said = walkthrough.journey(a, "application", photo="type")
    assert said["collection_point"]["code"] == "NS05"  # changed from the street's NS02
    row, sent = _row(kiosk, "application")
    assert row.form["collection_point"] == "NS05"
    assert row.form["residence"]["community"] == "科技园社区"
    assert row.form["condition_details"]["employer_credit_code"] == "91440300MA5FXX0001"
    assert [e.kind for e in sent] == ["application"]  # through the same outbox to the hub
    papers = _printed()
    assert sorted(papers) == ["form-1.pdf", "slip-2.pdf"]
    form, slip = papers["form-1.pdf"], papers["slip-2.pdf"]
    point = codes.acceptance_point("NS05")
    assert point is not None
    assert "深圳经济特区居住证业务申请表" in form
    assert "√ 首次申领" in form  # the service ticked
    assert "√ 在深圳市从业" in form and "√ 以上均不符合" not in form  # only the chosen one
    assert "√ 否" in form  # the student answer as given
    assert point.zh in form and point.zh in slip.replace("\n", "")
    assert "深圳市南山区粤海街道科技园社区科苑路18号" in form  # down to the community
    assert "首次申领不收取证件工本费" in form  # from the rules data
    assert "费用：不收费" in slip.replace("\n", "")
    assert row.application_number in form and row.application_number in slip
    assert "自行排版" in form  # the footer says the layout is the kiosk's own


@pytest.mark.slow
def test_sixteen_without_a_condition_registers_instead(make_kiosk) -> None:
    kiosk = make_kiosk(camera=False)
    a = Applicant(kiosk.window)
    a.tap(text_key="welcome.start")
    a.tap(choice="application")
    a.next()
    kiosk.ctx.cards.place("newcomer")
    a.wait_state("application.condition")
    a.next()  # nothing chosen: asked to choose, never chosen for them
    assert a.window.state == "application.condition"
    a.tap(choice="none")
    a.tap(choice="student_no")
    a.next()
    a.wait_state("application.not_eligible")
    shown = " ".join(a.window.current.spoken)  # type: ignore[union-attr]
    assert "暂时不能申领" in shown
    a.tap(choice="register")
    a.wait_state("registration.address")
    walkthrough.residence(a)
    walkthrough.phone(a)
    a.wait_state("registration.living")
    a.next()  # no date, no relation: said, not assumed
    assert a.window.state == "registration.living"
    walkthrough.living(a)
    a.wait_state("registration.review")
    a.next()  # not signed yet: asked to sign, not submitted
    assert a.window.state == "registration.review"
    a.sign()  # signed under the declaration, on the review screen
    a.next()
    a.wait_state("registration.done", 60)
    row, sent = _row(kiosk, "registration")
    assert row.form["householder_relation"] == "tenant"
    assert row.form["lived_since"] == (clock.today() - dt.timedelta(days=30)).isoformat()
    assert row.form["photo_number"] == "" and [e.kind for e in sent] == ["application"]
    papers = _printed()
    assert list(papers) == ["slip-1.pdf"]  # a registration has no A4 form
    slip = papers["slip-1.pdf"].replace("\n", "")
    assert "居住登记凭条" in slip and "办理事项：居住登记" in slip
    assert "科技园社区" in slip and "租住（房东出租）" in slip
    assert "工本费" not in slip and "数码照相图像号" not in slip  # nothing that does not apply


def test_under_sixteen_goes_to_the_counter(make_kiosk, monkeypatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 12, 1))  # teen15 is 15 then
    kiosk = make_kiosk(camera=False)
    a = Applicant(kiosk.window)
    a.tap(text_key="welcome.start")
    a.tap(choice="application")
    a.next()
    kiosk.ctx.cards.place("teen15")
    a.wait_state("application.under_age")
    shown = " ".join(a.window.current.spoken)  # type: ignore[union-attr]
    assert kiosk.ctx.decision is not None
    assert "监护人" in kiosk.ctx.decision.reasons[0].zh, shown


def _kiosk_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "KIOSK_DEMO": "1"},
        timeout=120,
    )


@pytest.mark.slow
def test_progress_by_card_by_number_and_on_the_command_line(make_kiosk) -> None:
    kiosk = make_kiosk(camera=False)
    a = Applicant(kiosk.window)
    walkthrough.journey(a, "application", photo="type")
    row, _ = _row(kiosk, "application")
    walkthrough.progress(a)  # the same card: its application, with the local status said so
    a.tap(text_key="welcome.start")
    a.tap(choice="progress")
    a.next()
    a.wait_state("progress.card")
    a.tap(text_key="card.no_card")
    a.wait_state("progress.number")
    a.type(row.application_number)
    a.next()
    a.wait_state("progress.list")
    screen = a.window.current
    a.wait_for(lambda: bool(getattr(screen, "shown", False)), "the lookup")
    texts = [w.text() for w in screen.findChildren(type(screen.error))]  # type: ignore[union-attr]
    joined = " ".join(texts)
    assert f"申领  ·  {row.application_number}" in joined
    assert "已提交，等待受理" in joined and "离线，状态可能未更新" in joined
    kiosk.stop()
    done = _kiosk_cli("progress", "--application", row.application_number.lower(), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "number": row.application_number,
        "service": "application",
        "status": "submitted",
        "source": "local",  # not enrolled: nobody else to ask
    }
    unknown = _kiosk_cli("progress", "--application", "FT01-K01-20000101-0001", "--json")
    assert unknown.returncode == 1 and json.loads(unknown.stdout)["error"] == "unknown_application"
    bad = _kiosk_cli("progress", "--application", "!!")
    assert bad.returncode == 2


def test_an_eligible_answer_goes_straight_into_the_application(make_kiosk) -> None:
    kiosk = make_kiosk(camera=False)
    a = Applicant(kiosk.window)
    a.tap(text_key="welcome.start")
    a.tap(choice="eligibility")
    a.next()
    kiosk.ctx.cards.place("worker")
    a.wait_state("eligibility.condition")
    a.tap(choice="employment")
    a.tap(choice="student_no")
    a.next()
    a.wait_state("eligibility.eligible")
    a.next()  # "apply for the permit now" is the way forward here
    a.wait_state("application.consent")  # its materials and consent first
    a.next()
    kiosk.ctx.cards.place("worker")
    a.wait_state("application.condition")
    checked = {
        str(b.property("choice")) for b in a._visible_buttons() if b.isCheckable() and b.isChecked()
    }
    assert checked == {"employment", "student_no"}  # the applicant's own answers, kept


def test_registration_first_screen_says_what_it_needs_and_collects(make_kiosk) -> None:
    from PySide6.QtWidgets import QLabel, QPushButton

    kiosk = make_kiosk(camera=False)
    a = Applicant(kiosk.window)
    a.tap(text_key="welcome.start")
    a.tap(choice="registration")
    assert kiosk.window.state == "registration.consent"
    screen = kiosk.window.current
    shown = " ".join(
        w.text() for w in screen.findChildren(QLabel) + screen.findChildren(QPushButton)
    )
    assert codes.materials()["residence_proof"].zh in shown  # materials first
    collected = next(w.text() for w in screen.findChildren(QLabel) if "收集：" in w.text())
    assert "起住日期" in collected and "照片" not in collected  # no photo is taken
    assert "申请表" not in shown  # and no form is printed
