"""Steady moment → countdown → picture; retake; staff help after repeated failures."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.photo.analysis import Analyzer
from kiosk.photo.autocapture import AutoCapture, AutoCaptureSettings, Phase
from kiosk.photo.session import PhotoSession

FACE = (100, 100, 120, 120)
FAST = AutoCaptureSettings(
    steady_seconds=1.0, countdown_seconds=3, grace_seconds=0.4, stall_seconds=30
)


def run(auto: AutoCapture, ok: bool, start: float, end: float, step: float = 0.1, face=FACE):
    ticks = []
    t = start
    while t <= end + 1e-9:
        ticks.append((round(t, 2), auto.update(ok, face, t)))
        t += step
    return ticks


def test_steady_then_countdown_then_shoot() -> None:
    auto = AutoCapture(FAST)
    ticks = run(auto, True, 0.0, 4.2)
    phases = {t: tick.phase for t, tick in ticks}
    assert phases[0.5] is Phase.STEADY
    assert phases[1.1] is Phase.COUNTDOWN and dict(ticks)[1.1].countdown == 3
    assert dict(ticks)[3.5].countdown == 1
    assert phases[4.2] is Phase.SHOOT and phases[3.9] is Phase.COUNTDOWN
    assert [tick.progress for _, tick in ticks] == sorted(tick.progress for _, tick in ticks)


def test_a_single_bad_frame_does_not_cancel_but_a_lasting_one_does() -> None:
    auto = AutoCapture(FAST)
    run(auto, True, 0.0, 1.5)
    assert auto.update(False, FACE, 1.6).phase is Phase.COUNTDOWN  # within grace
    assert auto.update(True, FACE, 1.7).phase is Phase.COUNTDOWN
    auto.update(False, FACE, 1.8)
    assert auto.update(False, FACE, 2.3).phase is Phase.GUIDING  # 0.5 s bad > 0.4 s grace


def test_moving_face_is_not_steady() -> None:
    auto = AutoCapture(FAST)
    for i in range(30):
        shift = 40 if i % 2 else 0
        tick = auto.update(True, (100 + shift, 100, 120, 120), i * 0.1)
    assert tick.phase is not Phase.SHOOT and tick.phase is not Phase.COUNTDOWN


def test_stalled_guidance_is_reported_once_per_period() -> None:
    auto = AutoCapture(FAST)
    stalls = [tick.stalled for _, tick in run(auto, False, 0.0, 61.0, step=0.5)]
    assert sum(stalls) == 2


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(judge_background_every=8)


def test_session_takes_and_accepts_a_photo(
    analyzer: Analyzer, photos: dict[str, np.ndarray]
) -> None:
    issued: list[str] = []

    def issue() -> str:
        issued.append(f"KC-TEST-{len(issued) + 1}")
        return issued[-1]

    session = PhotoSession(analyzer, FAST, max_failures=2, issue_number=issue)
    view = session.feed(photos["coffee"], 0.0)
    assert view.phase == "guiding" and view.guidance is not None and view.guidance.code == "no_face"
    phases = []
    t = 0.1
    while t < 6.0 and (not phases or phases[-1] != "review"):
        view = session.feed(photos["astronaut"], t)
        phases.append(view.phase)
        t += 0.25
    assert phases[0] == "steady" and "countdown" in phases and phases[-1] == "review"
    assert view.photo is not None and view.photo.ok and view.photo.jpeg
    assert session.feed(photos["coffee"], t).phase == "review"  # review holds until a decision
    accepted = session.accept()
    assert accepted.photo_number == "KC-TEST-1" and accepted.jpeg == view.photo.jpeg
    assert accepted.photo_number_source == "kiosk"


def test_failures_lead_to_staff_help(analyzer: Analyzer, photos: dict[str, np.ndarray]) -> None:
    session = PhotoSession(
        analyzer, AutoCaptureSettings(steady_seconds=0.0, countdown_seconds=0), max_failures=2
    )
    view = session.feed(photos["astronaut"], 0.0)
    view = session.feed(photos["astronaut"], 0.1)
    assert view.phase == "review"
    session.retake(0.2)
    assert session.feed(photos["astronaut"], 0.3).failures == 1
    view = session.feed(photos["astronaut"], 0.4)
    assert view.phase == "review" and not view.help_offered
    session.retake(0.5)
    view = session.feed(photos["chelsea"], 0.6)
    assert view.help_offered and view.failures == 2 and view.phase == "guiding"
    session.reset(1.0)
    assert not session.help_offered and session.failures == 0
    with pytest.raises(RuntimeError):
        session.accept()
