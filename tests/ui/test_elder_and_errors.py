"""Issue 14 on the running kiosk (real widgets offscreen, the simulated reader and camera, SQLite):
the renewal in at most 8 taps plus the 11 phone digits, elder mode switched on by a card of
someone 60 or older, errors said next to their field, one main action per screen."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton
from sqlalchemy import select
from ui_parts import renewal_to_phone

from kiosk.domain import clock
from kiosk.storage.models import ApplicationRow
from kiosk.ui.applicant import Applicant, Recorder, pump
from kiosk.ui.elder import ELDER_AGE, is_elder
from kiosk.ui.walkthrough import journey, run
from kiosk.voice.speaker import Spoken

QUICK = {"timeouts.done_seconds": 2}  # the done screen's countdown, shortened for the test


def _said(window) -> list[str]:
    heard: list[str] = []
    window.speaker.listeners.append(lambda spoken: heard.append(spoken.text))
    return heard


def _primaries(window) -> list[QPushButton]:
    return [
        b
        for b in window.current.findChildren(QPushButton)
        if b.objectName() == "primary" and b.isVisibleTo(window)
    ]


@pytest.mark.slow
def test_renewal_takes_eight_taps_and_the_phone_digits(make_kiosk) -> None:
    """Counted by the kiosk's own event filter, as ``kiosk walkthrough`` counts them: consent by
    the card, the date moving on by itself, the decision as a banner, "地址未变", signing on the
    review screen, and the done screen returning to the welcome screen by itself."""
    kiosk = make_kiosk(**QUICK)
    window = kiosk.window
    recorder = Recorder(window)
    main_actions: dict[str, int] = {}
    window.screenShown.connect(
        lambda state, _screen: main_actions.__setitem__(state, len(_primaries(window)))
    )
    said = journey(Applicant(window), "renewal")
    recorder.detach()
    taps = sum(r.taps for r in recorder.screens)
    typed = sum(r.typed_characters for r in recorder.screens)
    assert (taps, typed) == (8, 11), [
        (r.name, r.taps, r.typed_characters) for r in recorder.screens
    ]
    names = [r.name for r in recorder.screens]
    assert "renewal.card" not in names and "renewal.decision" not in names
    assert "renewal.sign" not in names and names[-1] == "welcome"  # back by itself
    assert said["elder_mode"] is False  # 李晓红 of the sample card is 36
    with kiosk.ctx.factory() as s:
        row = s.execute(select(ApplicationRow)).scalar_one()
    assert row.signature and row.form["residence"]["unchanged"] is True
    # one main (blue) action on every screen of the visit, none where only the kiosk works
    assert all(n <= 1 for n in main_actions.values()), main_actions
    assert all(
        main_actions[s] == 1 for s in ("renewal.consent", "renewal.address", "renewal.review")
    )


@pytest.mark.slow
def test_a_card_of_someone_over_sixty_turns_elder_mode_on(make_kiosk) -> None:
    kiosk = make_kiosk(camera=False, **QUICK)
    window = kiosk.window
    elder = kiosk.ctx.cards.sample("elder")
    assert is_elder(elder) and not is_elder(kiosk.ctx.cards.sample("resident"))
    assert clock.age_on(elder.birth_date, clock.today()) >= ELDER_AGE
    heard = _said(window)
    a = Applicant(window)
    assert window.activity.timer.interval() == 90_000 and not kiosk.ctx.visit.large_text
    a.tap(text_key="welcome.start")
    a.tap(choice="renewal")
    kiosk.ctx.cards.place("elder")  # no tap: the card itself turns it on
    a.wait_state("renewal.permit")
    assert window.elder.on and kiosk.ctx.visit.large_text
    assert window.activity.timer.interval() >= 180_000
    assert window.texts.tr("elder.on") in heard
    toggle = window.elder.button
    assert toggle.isVisibleTo(window) and toggle.text().startswith("✓")
    # the idle warning: one big "我还在", and its countdown spoken, not only shown
    heard.clear()
    window._on_idle()
    overlay = window.overlay
    still = next(b for b in overlay.dialog.findChildren(QPushButton) if b.isVisibleTo(window))
    assert still.text() == window.texts.tr("elder.still_here")
    assert still.height() >= 100 and still.width() >= 400
    for _ in range(5):
        overlay._tick()  # the overlay's one-second timer, run by hand
    assert window.texts.tr("elder.count_spoken", n=15) in heard, heard
    a.tap(still)
    assert not overlay.isVisible() and window.state == "renewal.permit"
    # the applicant can turn it off (and the idle warning is plain again)
    a.tap(toggle)
    assert not window.elder.on and not kiosk.ctx.visit.large_text
    assert window.activity.timer.interval() == 90_000
    assert toggle.isVisibleTo(window) and not toggle.text().startswith("✓")
    a.tap(toggle)
    assert window.elder.on and kiosk.ctx.visit.large_text
    # the wipe ends it: the next applicant starts plain
    window.time_out()
    pump()
    assert window.state == "welcome" and not window.elder.on
    assert not kiosk.ctx.visit.large_text and not toggle.isVisibleTo(window)


@pytest.mark.slow
def test_walkthrough_json_says_elder_mode(qtbot, tmp_path, monkeypatch) -> None:
    """``kiosk walkthrough --service renewal --card elder``: the whole run, its JSON read back."""
    monkeypatch.setenv("KIOSK_TIMEOUTS_DONE_SECONDS", "2")
    result = run("renewal", tmp_path, card="elder")
    written = json.loads((tmp_path / "walkthrough.json").read_text(encoding="utf-8"))
    assert written == result
    assert written["card"] == "elder" and written["elder_mode"] is True
    assert written["totals"]["taps"] <= 8 and written["totals"]["typed_characters"] == 11
    assert [s["name"] for s in written["screens"]][-2:] == ["renewal.done", "welcome"]


def test_walkthrough_refuses_an_unknown_card(tmp_path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk",
            "walkthrough",
            "--service",
            "renewal",
            "--card",
            "nobody",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "nobody" in done.stderr and "elder" in done.stderr
    assert not (tmp_path / "walkthrough.json").exists()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_wrong_phone_number_is_said_at_its_field(make_kiosk, lang: str) -> None:
    kiosk = make_kiosk(camera=False, **{"kiosk.language": lang})
    window = kiosk.window
    a = renewal_to_phone(kiosk)
    heard = _said(window)
    a.type("1380013800")  # ten digits
    a.next()
    assert window.state == "renewal.phone"
    screen = window.current
    field = screen.fields[0]
    error = screen.field_errors[field]
    expected = window.texts.tr("phone.length", n=10)
    if lang == "zh":
        assert expected == "手机号码应为11位，您输入了10位"
    assert error.isVisibleTo(window) and error.text() == "✗ " + expected
    assert heard[-1] == expected  # spoken as it appears
    assert field.property("invalid") is True  # the field is marked, not only the words
    # next to its field: right under it, as wide as the column, nothing in between
    below = field.mapTo(window, field.rect().bottomLeft()).y()
    top = error.mapTo(window, error.rect().topLeft()).y()
    assert 0 <= top - below <= 24, (below, top)
    assert not any(
        lab.isVisibleTo(window) and lab.objectName() == "error"
        for lab in screen.findChildren(QLabel)
    )  # not also at the bottom of the screen
    a.type("0")  # typing mends it: the error goes
    assert not error.isVisibleTo(window) and field.property("invalid") is False
    a.next()
    assert window.state == "renewal.photo"


def test_each_wrong_phone_says_what_is_wrong(make_kiosk) -> None:
    kiosk = make_kiosk(camera=False)
    a = renewal_to_phone(kiosk)
    screen = kiosk.window.current
    for typed, key, values in (
        ("", "phone.empty", {}),
        ("138001380", "phone.length", {"n": 9}),
        ("12800138000", "phone.start", {"start": "12"}),
    ):
        screen.fields[0].setText(typed)
        a.next()
        error = screen.field_errors[screen.fields[0]]
        assert error.text() == "✗ " + kiosk.window.texts.tr(key, **values)


def test_an_empty_field_is_named_under_it(make_kiosk) -> None:
    """The 办理条件 details: the first empty one is marked and named, the others are not."""
    kiosk = make_kiosk(camera=False)
    ctx, window = kiosk.ctx, kiosk.window
    ctx.go("next")
    ctx.go("replacement")
    pump()
    ctx.visit.card = ctx.cards.sample("resident")  # as the consent screen takes it
    for trigger in ("adult", "next", "next", "next"):  # reason, address, phone → 办理条件
        ctx.go(trigger)
        pump()
    assert window.state == "replacement.condition"
    a = Applicant(window)
    a.tap(choice="employment")
    a.tap(choice="student_no")
    screen = window.current
    screen.fields[0].setText("深圳示例科技")
    a.next()
    assert window.state == "replacement.condition"
    marked = [f for f in screen.fields if f.property("invalid")]
    assert marked == [screen.fields[1]]
    caption = screen.captions[screen.fields[1]]
    error = screen.field_errors[screen.fields[1]]
    assert error.isVisibleTo(window)
    assert error.text() == "✗ " + window.texts.tr("field.empty", what=caption)


def test_step_counter_placeholder_and_nothing_to_cancel(make_kiosk) -> None:
    kiosk = make_kiosk(camera=False)
    window = kiosk.window
    a = Applicant(window)
    a.tap(text_key="welcome.start")
    # the services screen: nothing begun, so no 取消办理 (back is the way home)
    texts = [b.text() for b in window.current.findChildren(QPushButton) if b.isVisibleTo(window)]
    assert window.texts.tr("btn.cancel") not in texts
    a.tap(choice="renewal")
    # steps counted are the applicant's: consent, card, permit, address, phone, photo, review
    assert window.step_label.text() == window.texts.tr("top.step", n=1, total=7)
    kiosk.ctx.cards.place("resident")
    a.wait_state("renewal.permit")
    assert window.step_label.text() == window.texts.tr("top.step", n=3, total=7)
    # placeholder text ("点这里输入") at 4.5:1 or better on the field's white, as drawn
    edit = QLineEdit(window.current)
    edit.setPlaceholderText(window.texts.tr("form.tap_to_type"))
    edit.resize(600, 80)
    image = edit.grab().toImage()
    colours = Counter(image.pixelColor(x, y).name() for x in range(24, 560) for y in range(16, 64))
    background, ink = (QColor(name) for name, _ in colours.most_common(2))
    assert _contrast(ink, background) >= 4.5, (ink.name(), background.name())


def _contrast(a: QColor, b: QColor) -> float:
    def lum(c: QColor) -> float:
        def ch(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return 0.2126 * ch(c.redF()) + 0.7152 * ch(c.greenF()) + 0.0722 * ch(c.blueF())

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_declaration_is_signed_on_the_review_screen(make_kiosk) -> None:
    kiosk = make_kiosk(camera=False)
    window = kiosk.window
    a = renewal_to_phone(kiosk)
    a.type("13800138000")
    a.next()
    a.tap(choice="type")
    a.type("A7K3Q9B2")
    a.next()
    a.wait_state("renewal.review")
    screen = window.current
    shown = [lab.text() for lab in screen.findChildren(QLabel) if lab.isVisibleTo(window)]
    assert window.texts.tr("sign.declaration") in shown
    heard = _said(window)
    a.next()  # not signed yet: said, and the visit stays
    assert window.state == "renewal.review" and heard == [window.texts.tr("sign.empty")]
    pad = screen.pad
    pad_rect = pad.geometry().translated(pad.parentWidget().mapTo(window, pad.pos()) - pad.pos())
    # nothing under the finger is a button: none shown overlaps the pad or lies within 16 px
    # of it (the parts of the answers scrolled out of view are not shown, so not counted)
    around = pad_rect.adjusted(-16, -16, 16, 16)
    for b in window.findChildren(QPushButton):
        shown = b.visibleRegion().boundingRect()
        if b.isVisibleTo(window) and not shown.isEmpty():
            at = shown.translated(b.mapTo(window, shown.topLeft()) - shown.topLeft())
            assert not at.intersects(around), (b.text(), at, pad_rect)
    a.sign()
    a.next()
    a.wait_state("renewal.done", 30)


def test_spoken_is_recorded_with_the_fake_engine(make_kiosk) -> None:
    """The errors above are heard through the speaker's listeners, as the walkthrough hears
    them; a Spoken carries the language too."""
    kiosk = make_kiosk(camera=False)
    heard: list[Spoken] = []
    kiosk.window.speaker.listeners.append(heard.append)
    a = renewal_to_phone(kiosk)
    a.next()
    assert heard[-1].text == kiosk.window.texts.tr("phone.empty") and heard[-1].lang == "zh"
