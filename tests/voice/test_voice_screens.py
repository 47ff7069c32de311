"""Every applicant screen speaks its prompt, through the fake engine (RecordingOutput), on the
real kiosk offscreen: the renewal journey end to end, the repeat and mute buttons, the wipe."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFrame

from kiosk.config import Config
from kiosk.ui.app import Kiosk, build
from kiosk.ui.applicant import Applicant, Recorder
from kiosk.ui.card_source import DirectCardSource
from kiosk.ui.walkthrough import journey
from kiosk.voice import espeak
from kiosk.voice.cache import PromptCache
from kiosk.voice.speaker import RecordingOutput


@pytest.fixture
def kiosk(qtbot, request) -> Iterator[tuple[Kiosk, RecordingOutput]]:
    values = {"timeouts.done_seconds": 2, **getattr(request, "param", {})}  # the countdown, short
    made = build(Config.load().with_values(**values), demo=True, cards=DirectCardSource())
    made.ctx.make_camera = None  # the photo step by typed number: no camera thread needed
    output = RecordingOutput()
    made.window.speaker.output = output
    made.window.resize(1280, 860)
    qtbot.addWidget(made.window)
    made.window.show()
    qtbot.waitUntil(lambda: made.window.state == "welcome")
    yield made, output
    made.stop()


@pytest.mark.gui
@pytest.mark.slow
def test_every_screen_of_a_renewal_is_spoken(kiosk) -> None:
    made, output = kiosk
    window = made.window
    recorder = Recorder(window)
    journey(Applicant(window), "renewal", photo="type")
    recorder.detach()
    screens = [r for r in recorder.screens if r.name]
    assert len(screens) >= 12 and screens[-1].name == "welcome"
    for record in screens:
        assert record.spoken and all(record.spoken), record.name
    by_name = {r.name: " ".join(r.spoken) for r in screens}
    assert by_name["renewal.permit"].startswith(window.texts.tr("permit.title"))
    assert window.texts.tr("decision.ok") in by_name["renewal.address"]  # its banner is said too
    # what was recorded was also played, in Mandarin, in order; the wipe stopped the speech
    assert output.played == [(t, "zh") for r in screens for t in r.spoken]
    assert output.stops >= 1 and window.speaker.last is not None


@pytest.mark.gui
def test_repeat_mute_and_the_wipe(kiosk, qtbot) -> None:
    made, output = kiosk
    window = made.window
    welcome = window.current.prompt()
    assert welcome and output.played[-1] == (welcome, "zh")
    window.repeat_button.click()
    assert output.played[-1] == (welcome, "zh") and len(output.played) >= 2
    window.mute_button.click()
    assert window.speaker.muted and window.mute_button.isChecked()
    assert window.mute_button.accessibleName() == window.texts.tr("voice.unmute")
    count = len(output.played)
    made.ctx.go("next")
    qtbot.waitUntil(lambda: window.state == "services")
    assert len(output.played) == count  # muted: nothing played ...
    assert window.speaker.last is not None and window.speaker.last.text == window.current.prompt()
    window.wipe()  # ... until the visit ends
    assert not window.speaker.muted and not window.mute_button.isChecked()


@pytest.mark.gui
def test_english_prompts_in_english(kiosk, qtbot) -> None:
    made, output = kiosk
    window = made.window
    window.set_preferences("en", False)
    qtbot.waitUntil(lambda: bool(output.played) and output.played[-1][1] == "en")
    text = output.played[-1][0]
    assert text == window.current.prompt() and text.isascii()


@pytest.mark.gui
@pytest.mark.parametrize("kiosk", [{"voice.chinese": "cantonese"}], indirect=True)
def test_cantonese_when_the_office_chose_it(kiosk, tmp_path) -> None:
    made, output = kiosk
    text, lang = output.played[-1]
    assert lang == "yue" and text == made.window.current.prompt()
    # and the engine has the voice: a real render of that prompt
    wav = PromptCache(espeak.find(), tmp_path).render(text, lang)
    assert wav.stat().st_size > 10_000


@pytest.mark.gui
def test_an_error_is_spoken_as_it_appears(kiosk, qtbot) -> None:
    made, output = kiosk
    window = made.window
    a = Applicant(window)
    a.tap(text_key="welcome.start")
    a.tap(choice="renewal")
    a.next()
    made.ctx.cards.place("resident")
    qtbot.waitUntil(lambda: window.state == "renewal.permit")
    a.next()  # no expiry date chosen yet
    assert output.played[-1] == (window.texts.tr("permit.need_date"), "zh")
    assert window.state == "renewal.permit"


@pytest.mark.gui
@pytest.mark.parametrize(("lang", "large"), [("zh", True), ("en", True), ("en", False)])
def test_voice_buttons_fit_the_top_bar(kiosk, qtbot, lang: str, large: bool) -> None:
    spec = importlib.util.spec_from_file_location(
        "layout_check", Path(__file__).resolve().parent.parent / "ui" / "layout_check.py"
    )
    assert spec and spec.loader
    layout_check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(layout_check)
    made, _output = kiosk
    window = made.window
    window.set_preferences(lang, large)
    qtbot.wait(50)
    bar = window.findChild(QFrame, "topBar")
    assert window.repeat_button.isVisibleTo(bar) and window.mute_button.isVisibleTo(bar)
    assert layout_check.problems(bar, f"top bar {lang} large={large}") == []


@pytest.mark.gui
def test_dialogs_are_spoken_too(kiosk, qtbot) -> None:
    made, output = kiosk
    window = made.window
    made.ctx.go("next")
    qtbot.waitUntil(lambda: window.state == "services")
    window.confirm_cancel()
    said = output.played[-1]
    assert said == (window.texts.tr("cancel.title") + "。" + window.texts.tr("cancel.body"), "zh")
    window.overlay.close_overlay()
