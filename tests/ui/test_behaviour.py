"""The applicant UI doing its job with its real parts: journeys end to end, idle wipe, cancel,
card removal, device failures, help calls."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, func, select

from kiosk import paths
from kiosk.domain import clock
from kiosk.storage.models import ApplicationRow, HelpCall
from kiosk.ui.applicant import Applicant, Recorder, pump
from kiosk.ui.applicant import route as nearest
from kiosk.ui.walkthrough import journey, take_photo
from kiosk.workflows import journeys


def to_phone(a: Applicant, service: str = "renewal") -> None:
    a.tap(text_key="welcome.start")
    a.tap(choice=service)
    a.next()
    a.ctx.cards.place("resident")
    pump()
    a.pick_date(clock.today() + dt.timedelta(days=5))
    a.next()
    a.next()
    a.tap(choice="440305")
    a.tap(choice="粤海")
    a.next()
    a.wait_state(f"{service}.phone")


@pytest.mark.slow
def test_renewal_end_to_end_with_the_camera(make_kiosk) -> None:
    kiosk = make_kiosk()
    recorder = Recorder(kiosk.window)
    journey(Applicant(kiosk.window), "renewal")
    recorder.detach()
    taps = sum(r.taps for r in recorder.screens)
    typed = sum(r.typed_characters for r in recorder.screens)
    assert taps <= 15 and typed == 11, (taps, typed)
    with kiosk.ctx.factory() as s:
        row = s.execute(select(ApplicationRow)).scalar_one()
    assert row.service == "renewal" and row.phone == "13800138000" and row.photo and row.signature
    assert row.photo_number.startswith("KC-")
    printed = sorted(p.name for p in paths.sub("printed").glob("*.pdf"))
    assert len(printed) == 2
    assert kiosk.ctx.visit.is_empty()  # back at welcome: the applicant is forgotten


@pytest.mark.parametrize("service", ["replacement", "change", "correction"])
def test_other_journeys_store_what_was_typed(make_kiosk, service: str) -> None:
    kiosk = make_kiosk(camera=False)
    a = Applicant(kiosk.window)
    journey(a, service, photo="type")
    with kiosk.ctx.factory() as s:
        row = s.execute(select(ApplicationRow)).scalar_one()
    form = row.form
    assert row.service == service and row.photo_number == "A7K3Q9B2"
    if service == "replacement":
        assert form["condition_details"]["employer_name"] == "深圳示例科技"
        assert form["residence"]["detail"] == "科技园18号"
        # the relative typed in was added (relation chosen first, then name and number)
        assert [(r["name"], r["relation"]) for r in form["relatives"]] == [("李小明", "child")]
    elif service == "correction":
        assert form["changes"][0] == {
            "item": "name",
            "old": "李小红",
            "new": "李晓红",
            "reason": "录入错误",
        }


def test_idle_countdown_then_wipe(make_kiosk, qtbot) -> None:
    kiosk = make_kiosk(camera=False, **{"timeouts.idle_seconds": 1, "timeouts.idle_countdown": 1})
    a = Applicant(kiosk.window)
    to_phone(a)
    a.type("138")
    assert kiosk.ctx.visit.phone == "138"
    qtbot.waitUntil(lambda: kiosk.window.overlay.kind == "idle", timeout=3000)
    qtbot.waitUntil(lambda: kiosk.window.state == "welcome", timeout=4000)
    assert kiosk.ctx.visit.is_empty() and kiosk.ctx.visit.card is None
    assert not kiosk.window.overlay.isVisible()


def test_idle_continue_keeps_the_visit(make_kiosk, qtbot) -> None:
    kiosk = make_kiosk(camera=False, **{"timeouts.idle_seconds": 1, "timeouts.idle_countdown": 5})
    a = Applicant(kiosk.window)
    to_phone(a)
    qtbot.waitUntil(lambda: kiosk.window.overlay.kind == "idle", timeout=3000)
    a.tap(text_key="idle.continue")
    assert kiosk.window.state == "renewal.phone" and kiosk.ctx.visit.card is not None


def test_cancel_from_every_step_through_the_button(make_kiosk) -> None:
    kiosk = make_kiosk(camera=False)
    a = Applicant(kiosk.window)
    ctx = kiosk.ctx
    cancellable = [e for e in journeys.all_edges() if e.trigger == "cancel"]
    assert len(cancellable) > 50
    checked = 0
    for journey_key in ("renewal", "replacement"):
        j = journeys.JOURNEYS[journey_key]
        for step in j.steps:
            if "cancel" not in j.triggers_from(step.key) or step.screen in ("submit",):
                continue
            ctx.go("next"), ctx.go(journey_key)
            route = {"consent": [], "card": ["next"]}.get(step.key)
            ctx.visit.card = None
            for trig in route if route is not None else ["next", "adult"]:
                ctx.go(trig)
            ctx.visit.photo_number = "X"
            if route is None:
                # reach the step through the machine's own edges
                path = nearest(
                    kiosk.window.machine.edges, kiosk.window.machine.current(), {j.state(step.key)}
                )
                assert path is not None
                for trig in path:
                    ctx.go(trig)
            pump()
            assert kiosk.window.state == j.state(step.key)
            a.tap(text_key="btn.cancel")
            a.tap(text_key="cancel.yes")
            assert kiosk.window.state == "welcome", step.key
            assert ctx.visit.is_empty()
            checked += 1
    assert checked >= 15


def test_card_removal_keeps_the_answers_and_needs_the_same_card(make_kiosk) -> None:
    kiosk = make_kiosk(camera=False)
    a = Applicant(kiosk.window)
    to_phone(a)
    a.type("13800138000")
    kiosk.ctx.cards.remove()
    pump()
    assert kiosk.window.state == "renewal.card_removed"
    kiosk.ctx.cards.place("gat_hk")
    pump()
    assert kiosk.window.state == "renewal.card_removed"
    assert any(
        kiosk.ctx.texts.tr("removed.other_card") in lab.text()
        for lab in kiosk.window.current.findChildren(type(kiosk.window.step_label))
    )
    kiosk.ctx.cards.place("resident")
    pump()
    assert kiosk.window.state == "renewal.phone" and kiosk.ctx.visit.phone == "13800138000"


def test_card_placed_before_consent_is_not_read(make_kiosk) -> None:
    kiosk = make_kiosk(camera=False)
    kiosk.ctx.cards.place("resident")
    pump()
    assert kiosk.ctx.visit.card is None and kiosk.window.state == "welcome"


@pytest.mark.slow
def test_camera_lost_shows_the_camera_screen_and_retry_returns(make_kiosk, qtbot) -> None:
    kiosk = make_kiosk()
    a = Applicant(kiosk.window)
    to_phone(a)
    a.type("13800138000")
    a.next()
    photo = kiosk.window.screens["photo"]
    qtbot.waitUntil(
        lambda: (
            photo.bridge is not None
            and photo.view.pixmap() is not None
            and not photo.view.pixmap().isNull()
        ),
        timeout=5000,
    )
    photo.bridge.pipeline.camera.disconnect()
    qtbot.waitUntil(lambda: kiosk.window.state == "renewal.camera_failed", timeout=5000)
    a.tap(text_key="btn.retry")
    assert kiosk.window.state == "renewal.photo"


def _to_sign(a: Applicant) -> None:
    to_phone(a)
    a.type("13800138000")
    a.next()
    take_photo(a, "renewal", "type")
    a.next()
    a.sign()
    a.next()


def test_printer_failure_screen_and_nothing_lost(make_kiosk, qtbot) -> None:
    (paths.sub("printed") / "OFFLINE").write_text("")
    kiosk = make_kiosk(camera=False)
    a = Applicant(kiosk.window)
    _to_sign(a)
    qtbot.waitUntil(lambda: kiosk.window.state == "renewal.printer_failed", timeout=15000)
    with kiosk.ctx.factory() as s:
        assert s.execute(select(func.count()).select_from(ApplicationRow)).scalar_one() == 1
    a.next()
    assert kiosk.window.state == "renewal.done"


def test_disk_full_screen_keeps_everything_and_retry_saves(make_kiosk, qtbot) -> None:
    kiosk = make_kiosk(camera=False)
    a = Applicant(kiosk.window)
    engine = kiosk.ctx.factory.kw["bind"]

    def full(dbapi_connection, _record) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    event.listen(engine, "connect", full)
    engine.dispose()
    try:
        _to_sign(a)
        qtbot.waitUntil(lambda: kiosk.window.state == "renewal.disk_full", timeout=10000)
        assert kiosk.ctx.visit.phone == "13800138000" and kiosk.ctx.visit.signature_png
    finally:
        event.remove(engine, "connect", full)
        engine.dispose()
    a.tap(text_key="btn.retry")
    qtbot.waitUntil(lambda: kiosk.window.state in ("renewal.print", "renewal.done"), timeout=10000)
    with kiosk.ctx.factory() as s:
        assert s.execute(select(func.count()).select_from(ApplicationRow)).scalar_one() == 1


def test_help_button_stores_a_help_call(make_kiosk, qtbot) -> None:
    kiosk = make_kiosk(camera=False)
    a = Applicant(kiosk.window)
    a.tap(text_key="welcome.start")
    a.tap(kiosk.window.help_button)
    assert kiosk.ctx.runner.wait(5000)  # the help call is stored off the GUI thread
    qtbot.wait(10)
    with kiosk.ctx.factory() as s:
        calls = s.execute(select(HelpCall)).scalars().all()
    assert [c.screen for c in calls] == ["services"]
    assert kiosk.window.overlay.kind == "help"


@pytest.mark.slow
def test_scanning_the_photo_receipt_puts_its_number_in_the_application(make_kiosk, qtbot) -> None:
    """Demo mode: the simulated camera shows the sample receipt; its QR code is read, the camera
    stops, the number shows on the screen and is what the application stores."""
    from PySide6.QtWidgets import QLabel

    receipt_number = "44030020261126000123"  # on resources/samples/receipts/demo-receipt.png
    kiosk = make_kiosk()
    a = Applicant(kiosk.window)
    to_phone(a)
    a.type("13800138000")
    a.next()
    a.wait_state("renewal.photo")
    photo = kiosk.window.screens["photo"]
    a.tap(choice="scan")
    assert photo.mode == "scan"
    qtbot.waitUntil(lambda: photo.scanner is not None, timeout=5000)
    qtbot.waitUntil(lambda: kiosk.ctx.visit.photo_number_source == "scanned", timeout=20000)
    assert kiosk.ctx.visit.photo_number == receipt_number
    assert photo.scanner is None and photo.bridge is None  # no camera left running
    shown = [lab.text() for lab in photo.findChildren(QLabel) if lab.isVisible()]
    assert any(receipt_number in text for text in shown), shown
    a.tap(choice="type")  # the typed-number field offers what was scanned, to check or correct
    assert photo.fields[0].text() == receipt_number
    a.tap(choice="scan")  # back: the number is kept, the camera is not started again
    pump(50)
    assert photo.scanner is None and kiosk.ctx.visit.photo_number == receipt_number
    a.next()
    a.wait_state("renewal.review")
    a.next()
    a.sign()
    a.next()
    qtbot.waitUntil(lambda: kiosk.window.state == "renewal.done", timeout=30000)
    with kiosk.ctx.factory() as s:
        row = s.execute(select(ApplicationRow)).scalar_one()
    assert row.photo_number == receipt_number and row.photo_number_source == "scanned"
    assert row.form["photo_number"] == receipt_number


@pytest.mark.parametrize(
    ("parts", "zh", "en"),
    [
        (("440305", "粤海", ""), "深圳市南山区粤海街道", "Yuehai, Nanshan, Shenzhen"),
        (
            ("440305", "粤海", "科技园18号"),
            "深圳市南山区粤海街道科技园18号",
            "科技园18号, Yuehai, Nanshan, Shenzhen",
        ),
        (("440305", "", ""), "深圳市南山区", "Nanshan, Shenzhen"),
        (("", "", ""), "", ""),
    ],
)
def test_address_leaves_out_empty_parts(parts: tuple[str, str, str], zh: str, en: str) -> None:
    from kiosk.domain.application import Address
    from kiosk.ui.screens.finish import address_text

    addr = Address(*parts)
    assert address_text(addr, "zh") == zh
    assert address_text(addr, "en") == en


def test_english_review_shows_the_address_without_a_leading_comma(make_kiosk) -> None:
    """Renewal with the detail left empty (it may be): the address line starts with the street."""
    from PySide6.QtWidgets import QLabel

    kiosk = make_kiosk(camera=False)
    kiosk.window.set_preferences("en", False)
    a = Applicant(kiosk.window)
    to_phone(a)
    assert kiosk.ctx.visit.residence.detail == ""
    a.type("13800138000")
    a.next()
    take_photo(a, "renewal", "type")
    a.wait_state("renewal.review")
    lines = [lab.text() for lab in kiosk.window.current.findChildren(QLabel)]
    assert "Yuehai, Nanshan, Shenzhen" in lines  # the street in pinyin, from the data
    assert not [line for line in lines if line.startswith((",", " ,"))]
