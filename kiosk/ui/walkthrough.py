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

SIZE = (1920, 1080)  # a common 21-24" kiosk panel


def _nothing(_name: str) -> None:
    pass


PHOTO_WAY = {"change": "scan", "correction": "type"}  # the other services use the camera
# a made-up relative: a valid number built here, never a real person's
RELATIVE = ("李小明", idnumber.make_number("430102", dt.date(2016, 3, 14), 131), "child")


def journey(
    a: Applicant,
    service: str,
    photo: str | None = None,
    shoot: Callable[[str], None] | None = None,
) -> None:
    """One applicant from the welcome screen back to it. ``shoot(name)``, when given, also saves
    form screens as filled in, just before "next" (entered screens are saved by the recorder).
    ``photo``: camera, scan (the receipt) or type; by default the service's usual way."""
    snap: Callable[[str], None] = _nothing
    if shoot is not None:
        snap = lambda name: shoot(f"{a.window.state}-{name}")  # noqa: E731
    a.wait_state("welcome")
    a.tap(text_key="welcome.start")
    a.tap(choice=service)
    a.next()  # materials and consent: this applicant confirms no material
    a.wait_state(f"{service}.card")
    a.ctx.cards.place("resident")
    pump()
    if service == "renewal":
        a.wait_state("renewal.permit")
        a.pick_date(clock.today() + dt.timedelta(days=10))
        snap("filled")
        a.next()
        a.next()  # decision
        address(a, detail=None, snap=snap)
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
            a.type("科苑路3号")
            field(a, 1)
            a.type("科技园18号")
            field(a, 2)
            a.type("搬家")
        else:
            a.tap(choice="name")
            field(a, 0)
            a.type("李小红")
            field(a, 1)
            a.type("李晓红")
            field(a, 2)
            a.type("录入错误")
        snap("filled")
        a.next()
        if service == "change":
            address(a, detail="科技园18号", snap=snap)
        phone(a, snap)
    take_photo(a, service, photo or PHOTO_WAY.get(service, "camera"), snap)
    a.wait_state(f"{service}.review")
    a.next()
    a.sign()
    snap("signed")
    a.next()
    a.wait_state(f"{service}.done", 60)
    a.ctx.cards.remove()
    a.next()
    a.wait_state("welcome")


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


def condition(a: Applicant, snap: Callable[[str], None] = _nothing) -> None:
    a.tap(choice="employment")  # no condition and no student answer are chosen for them
    a.tap(choice="student_no")
    field(a, 0)
    a.type("深圳示例科技")
    field(a, 1)
    a.type("高新南一道6号")
    snap("filled")
    a.next()


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
    photo = a.window.screens["photo"]
    a.wait_for(lambda: photo.accept_button.isVisible(), "the auto-captured photo", 60)  # type: ignore[attr-defined]
    snap("taken")
    a.tap(photo.accept_button)  # type: ignore[attr-defined]


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


def run(
    service: str, out: Path, lang: str = "zh", large: bool = False, with_extras: bool = False
) -> dict[str, Any]:
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
        journey(a, service, shoot=shoot)
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
