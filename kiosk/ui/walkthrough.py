"""The scripted journeys of ``kiosk walkthrough``: one applicant per service, through the real UI.

``run(service, out, lang, large)`` builds the kiosk offscreen with the simulators (direct card
source, simulated camera, folder printer, SQLite in the data folder), walks the journey, saves a
PNG of every screen, the printed PDFs and ``walkthrough.json``. With ``extras`` it also shows the
screens a journey does not reach by itself (endings, failures, overlays) and saves them.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication

from kiosk import paths
from kiosk.config import Config
from kiosk.devices.idcard import samples
from kiosk.domain import clock, idnumber
from kiosk.ui.app import Kiosk, build
from kiosk.ui.applicant import Applicant, Recorder, pump, route
from kiosk.ui.card_source import DirectCardSource
from kiosk.workflows.journeys import JOURNEYS

SIZE = (1920, 1080)  # a common 21-24" kiosk panel


def _nothing(_name: str) -> None:
    pass


PHOTO_WAY = {"change": "scan", "correction": "type"}  # the other services use the camera
# who comes for what (made-up people): the first applicant qualifies through employment; the
# one registering meets no condition yet; progress looks up the first applicant's application
CARDS = {"application": "worker", "registration": "newcomer", "progress": "worker"}
# the first applicant collects the permit somewhere else than their street's default point
OTHER_POINT = "NS05"
# a made-up relative: a valid number built here, never a real person's
RELATIVE = ("李小明", idnumber.make_number("430102", dt.date(2016, 3, 14), 131), "child")


def journey(
    a: Applicant,
    service: str,
    photo: str | None = None,
    shoot: Callable[[str], None] | None = None,
    card: str | None = None,
) -> dict[str, Any]:
    """One applicant from the welcome screen back to it. ``shoot(name)``, when given, also saves
    form screens as filled in, just before "next" (entered screens are saved by the recorder).
    ``photo``: camera, scan (the receipt) or type; by default the service's usual way. Returns
    what the applicant chose that the walkthrough reports (the 受理点 of a first application)."""
    snap: Callable[[str], None] = _nothing
    if shoot is not None:
        snap = lambda name: shoot(f"{a.window.state}-{name}")  # noqa: E731
    if service == "progress":  # an application first, then its lookup with the same card
        first = journey(a, "application", photo, shoot)
        progress(a, snap)
        return first
    said: dict[str, Any] = {}
    a.wait_state("welcome")
    a.tap(text_key="welcome.start")
    a.tap(choice=service)
    a.wait_state(f"{service}.consent")
    who = card or CARDS.get(service, "resident")
    if "adult" in JOURNEYS[service].triggers_from("consent"):
        # materials and consent read: laying the card on the reader is the consent (the
        # screen says so); this applicant confirms no material
        a.ctx.cards.place(who)
    else:
        a.next()  # materials and consent: this applicant confirms no material
        a.wait_state(f"{service}.card")
        a.ctx.cards.place(who)
    pump()
    if service == "application":
        a.wait_state("application.condition")
        condition(a, snap, credit_code="91440300MA5FXX0001")
        residence(a, snap)
        phone(a, snap)
        a.next()  # relatives: none
    elif service == "registration":
        residence(a, snap)
        phone(a, snap)
        living(a, snap)
    elif service == "renewal":
        a.wait_state("renewal.permit")
        a.pick_date(clock.today() + dt.timedelta(days=10))  # a date in the window moves on
        a.wait_state("renewal.address")  # the decision is its banner
        a.tap(choice="unchanged")  # 地址未变: one tap
        phone(a, snap)
    elif service == "replacement":
        a.tap(choice="lost")  # nothing is chosen for the applicant
        a.next()
        address(a, detail="科技园18号", snap=snap)
        phone(a, snap)
        condition(a, snap)
        relatives(a, snap)
    elif service == "exchange":
        a.wait_state("exchange.permit")
        a.pick_date(dt.date(clock.today().year + 3, 8, 31))
        snap("filled")
        a.next()
        address(a, detail="科技园18号", snap=snap)
        phone(a, snap)
        condition(a, snap)
        a.next()  # relatives: none
    elif service in ("change", "correction"):
        a.wait_state(f"{service}.changes")
        if service == "change":
            a.tap(choice="residence_address")  # no item is chosen for the applicant
            field(a, 0)
            a.type("科苑路3号")  # the new address is chosen once, on the next screen
            field(a, 2)
            a.type("搬家")
        else:
            a.tap(choice="name")  # the right name comes from the card: only the wrong one typed
            field(a, 0)
            a.type("李小红")
            field(a, 2)
            a.type("录入错误")
        snap("filled")
        a.next()
        if service == "change":
            address(a, detail="科技园18号", snap=snap)
        phone(a, snap)
    if service != "registration":  # a registration has no photo
        take_photo(a, service, photo or PHOTO_WAY.get(service, "camera"), snap)
    if service == "application":
        said["collection_point"] = collection(a, snap)
    a.wait_state(f"{service}.review")
    if getattr(a.window.current, "pad", None) is None:  # signed on a screen of its own
        a.next()
    a.sign()
    snap("signed")
    a.next()
    a.wait_state(f"{service}.done", 60)
    said["elder_mode"] = elder_on(a)
    a.ctx.cards.remove()
    if a.window.current is not None and a.window.current.name == "done":
        # back to the welcome screen by itself once its countdown has run (no tap)
        a.wait_state("welcome", float(a.ctx.config["timeouts.done_seconds"]) + 30)
    else:
        a.next()
    a.wait_state("welcome")
    return said


def elder_on(a: Applicant) -> bool:
    """Whether elder mode is on (the walkthrough reports it as the visit reaches done)."""
    return a.window.elder.on


def field(a: Applicant, index: int) -> None:
    """Tap a field to type in it, as a person would (unless it has the keyboard already)."""
    screen = a.window.current
    edit = screen.fields[index]  # type: ignore[union-attr]
    pad = screen.keypad  # type: ignore[union-attr]
    if pad is None or pad.target is not edit or not pad.isVisible():
        a.tap(edit)


def address(a: Applicant, detail: str | None, snap: Callable[[str], None] = _nothing) -> None:
    a.tap(choice="440305")
    a.tap(choice="粤海")
    if detail:
        field(a, 0)
        a.type(detail)
    snap("filled")
    a.next()


def phone(a: Applicant, snap: Callable[[str], None] = _nothing) -> None:
    a.type("13800138000")
    snap("filled")
    a.next()


def condition(
    a: Applicant, snap: Callable[[str], None] = _nothing, credit_code: str | None = None
) -> None:
    a.tap(choice="employment")  # no condition and no student answer are chosen for them
    a.tap(choice="student_no")
    field(a, 0)
    a.type("深圳示例科技")
    field(a, 1)
    a.type("高新南一道6号")
    if credit_code is not None:  # a first application asks the employer's code too
        field(a, 2)
        a.type(credit_code)
    snap("filled")
    a.next()


def residence(a: Applicant, snap: Callable[[str], None] = _nothing) -> None:
    """District, street and community by taps; the rest of the address typed."""
    a.tap(choice="440305")
    a.tap(choice="粤海")
    a.tap(choice="科技园社区")
    field(a, 0)
    a.type("科苑路18号")
    snap("filled")
    a.next()


def living(a: Applicant, snap: Callable[[str], None] = _nothing) -> None:
    a.pick_date(clock.today() - dt.timedelta(days=30))
    a.tap(choice="tenant")  # the relation is the applicant's answer, none is pre-chosen
    snap("filled")
    a.next()


def collection(a: Applicant, snap: Callable[[str], None] = _nothing) -> dict[str, str]:
    """The default 受理点 (the one serving the street) changed to another; the one chosen."""
    from kiosk.domain import codes

    a.wait_state("application.collection")
    a.tap(choice=OTHER_POINT)
    chosen = a.ctx.visit.collection_point
    point = codes.acceptance_point(chosen)
    snap("changed")
    a.next()
    return {"code": chosen, "name": point.zh if point else ""}


def progress(a: Applicant, snap: Callable[[str], None] = _nothing) -> None:
    """查询办理进度 with the card of the applicant who just applied."""
    a.wait_state("welcome")
    a.tap(text_key="welcome.start")
    a.tap(choice="progress")
    a.next()  # what the lookup reads; nothing is kept
    a.wait_state("progress.card")
    a.ctx.cards.place(CARDS["progress"])
    a.wait_state("progress.list")
    screen = a.window.current
    a.wait_for(lambda: bool(getattr(screen, "shown", False)), "the applications looked up", 60)
    snap("found")
    a.ctx.cards.remove()
    a.next()
    a.wait_state("welcome")


def relatives(a: Applicant, snap: Callable[[str], None] = _nothing) -> None:
    name, number, relation = RELATIVE
    a.tap(choice=relation)
    field(a, 0)
    a.type(name)
    field(a, 1)
    a.type(number)
    snap("filled")
    a.tap(name="add")
    snap("added")
    a.next()


def take_photo(
    a: Applicant, service: str, how: str, snap: Callable[[str], None] = _nothing
) -> None:
    a.wait_state(f"{service}.photo")
    if how == "type":
        a.tap(choice="type")
        a.type("A7K3Q9B2")
        snap("typed")
        a.next()
        return
    if how == "scan":
        a.tap(choice="scan")
        a.wait_for(
            lambda: a.ctx.visit.photo_number_source == "scanned", "the receipt's code read", 60
        )
        pump()
        snap("scanned")
        a.next()
        return
    photo: Any = a.window.current  # the photo screen (a first application's has the guide's tip)
    a.wait_for(lambda: photo.accept_button.isVisible(), "the auto-captured photo", 60)
    snap("taken")
    a.tap(photo.accept_button)


def extras(a: Applicant, shoot: Any) -> None:
    """Screens no straight journey shows: information, eligibility, endings, failures, overlays."""
    go = a.ctx.go
    a.wait_state("welcome")
    go("next")
    go("info")
    pump()
    shoot("info")
    go("cancel")
    go("next")
    go("eligibility")
    go("next")
    pump()
    a.tap(text_key="card.no_card")
    pump()
    shoot("eligibility.identity")
    walk_in = samples.load("resident")  # the staff-assisted path types what the card would say
    a.type(walk_in.name)
    a.focus_field(1)
    a.type(walk_in.id_number)
    a.next()
    pump()
    shoot("eligibility.condition")
    a.tap(choice="employment")  # nothing is chosen for them: this walk-in works here
    a.tap(choice="student_no")
    a.next()
    pump()
    shoot("eligibility.eligible")
    go("back")
    a.tap(choice="none")
    a.next()
    pump()
    shoot("eligibility.not_eligible")
    go("next")
    go("next")
    go("renewal")
    go("next")
    pump()
    a.ctx.cards.place("resident")
    pump()
    for days, name in ((40, "renewal.too_early"), (-3, "renewal.expired")):
        a.pick_date(clock.today() + dt.timedelta(days=days))
        a.next()
        pump()
        shoot(name)
        go("back")
        pump()
    a.pick_date(clock.today() + dt.timedelta(days=3))
    a.next()
    a.next()
    a.ctx.cards.remove()
    pump()
    shoot("renewal.card_removed")
    a.ctx.cards.place("gat_hk")
    pump()
    shoot("renewal.card_removed-other-card")
    a.ctx.cards.place("resident")
    pump()
    a.window.confirm_cancel()
    pump()
    shoot("overlay-cancel")
    a.window.overlay.close_overlay()
    a.window.call_help()
    pump()
    shoot("overlay-help")
    a.window.overlay.close_overlay()
    a.window._on_idle()
    pump()
    shoot("overlay-idle")
    a.window.time_out()
    pump()
    # the failure screens and endings, reached through the machine's own edges; saving and
    # printing stay off so the screens show exactly what an applicant would see at that moment
    a.ctx.background_work = False
    edges = a.window.machine.edges
    for target in (
        "replacement.camera_failed",
        "replacement.disk_full",
        "replacement.printer_failed",
        "replacement.no_card",
        "replacement.under_age",
    ):
        for trigger in route(edges, "welcome", {target}) or []:
            go(trigger)
            if a.window.state == "replacement.card":
                a.ctx.visit.card = a.ctx.cards.sample("resident")
                a.ctx.visit.photo_number = "A7K3Q9B2"
        if target.endswith("disk_full"):
            a.ctx.notice = ""
        pump(50)
        shoot(target)
        go("timeout")
        pump()
    a.ctx.background_work = True
    first_extras(a, shoot)


def first_extras(a: Applicant, shoot: Any) -> None:
    """The first application's offer of registration to someone 16+ without a condition, and
    progress looked up by a typed number (nothing is submitted)."""
    a.wait_state("welcome")
    a.tap(text_key="welcome.start")
    a.tap(choice="application")
    a.next()
    a.ctx.cards.place(CARDS["registration"])
    a.wait_state("application.condition")
    a.tap(choice="none")  # as this applicant answers: no condition, not a student
    a.tap(choice="student_no")
    a.next()
    a.wait_state("application.not_eligible")
    shoot("application.not_eligible")
    a.ctx.cards.remove()
    a.tap(text_key="btn.home")
    a.wait_state("welcome")
    a.tap(text_key="welcome.start")
    a.tap(choice="progress")
    a.next()
    a.tap(text_key="card.no_card")
    a.wait_state("progress.number")
    a.type("FT01-K01-20261128-0001")
    shoot("progress.number-filled")
    a.window.time_out()
    pump()


def run(
    service: str,
    out: Path,
    lang: str = "zh",
    large: bool = False,
    with_extras: bool = False,
    card: str | None = None,
) -> dict[str, Any]:
    """``card``: the simulator's sample card the applicant lays on the reader (``elder``: a
    holder over 60, whose card turns elder mode on); by default the service's usual one."""
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    kiosk: Kiosk = build(
        Config.load(), demo=True, lang=lang, large_text=large, cards=DirectCardSource()
    )
    window = kiosk.window
    window.resize(*SIZE)
    window.show()
    pump(50)
    shots: list[str] = []

    def shoot(name: str) -> None:
        pump(30)
        path = out / f"{len(shots) + 1:02d}-{name}.png"
        window.grab().save(str(path))
        shots.append(path.name)

    recorder = Recorder(window, on_screen=shoot)
    shoot("welcome")
    start = time.perf_counter()
    a = Applicant(window)
    try:
        said = journey(a, service, shoot=shoot, card=card)
    finally:
        recorder.detach()
    total_seconds = time.perf_counter() - start
    printed = sorted(paths.sub("printed").glob("*.pdf"))
    for pdf in printed:
        shutil.copy(pdf, out / pdf.name)
    screens = [r for r in recorder.screens if r.name]
    result = {
        "service": service,
        "lang": lang,
        "large_text": large,
        "card": card or CARDS.get(service, "resident"),
        # elder mode was on when the visit reached its done screen (a card of someone 60+)
        "elder_mode": bool(said.get("elder_mode", False)),
        "screens": [
            {
                "name": r.name,
                "taps": r.taps,
                "typed_characters": r.typed_characters,
                "seconds": round(r.seconds, 3),
                "spoken": " ".join(r.spoken),  # recorded with or without an audio device
            }
            for r in screens
        ],
        "totals": {
            "taps": sum(r.taps for r in screens),
            "typed_characters": sum(r.typed_characters for r in screens),
            "seconds": round(sum(r.seconds for r in screens), 3),
        },
        "wall_seconds": round(total_seconds, 3),
        "screenshots": shots,
        "printed": [p.name for p in printed],
    }
    said.pop("elder_mode", None)
    if "collection_point" in said:  # a first application: where the permit will be collected
        result["collection_point"] = said["collection_point"]
        result["kiosk_point"] = str(kiosk.ctx.config["point.code"])
    if with_extras:
        extras(a, shoot)
        result["screenshots"] = shots
    (out / "walkthrough.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    kiosk.stop()
    window.close()
    window.deleteLater()
    pump()
    app.processEvents()
    return result
