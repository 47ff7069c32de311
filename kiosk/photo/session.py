"""One applicant's photo step: feed frames, get guidance, a countdown and the spec photo.

    session = PhotoSession(max_failures=config["photo.max_failures"], issue_number=numbers.issue)
    view = session.feed(frame, time.monotonic())   # in the analysis thread, ~10 times a second
    ... view.phase == "review": show view.photo.jpeg; then session.accept() or session.retake(now)

Failures (a capture that could not make a valid photo, a retake, or 30 s of guidance without
success) are counted; from ``max_failures`` on, ``view.help_offered`` asks the UI to offer staff
help (the session keeps working: the applicant may go on trying).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kiosk.domain.messages import Message
from kiosk.photo.analysis import LIVE_DETECT_SIDE, PROBLEMS, Analysis, Analyzer, Face
from kiosk.photo.autocapture import AutoCapture, AutoCaptureSettings, Phase
from kiosk.photo.geometry import PhotoSpec
from kiosk.photo.spec import SpecPhoto, make_spec_photo

HOLD_STILL = Message("hold_still", "很好，请保持不动", "Good: please hold still")
REVIEW = Message("review", "请确认照片，或点击重拍", "Please check the photo, or tap Retake")


@dataclass(frozen=True)
class SessionView:
    phase: str  # guiding | steady | countdown | review
    guidance: Message | None
    problems: list[str] = field(default_factory=list)
    countdown: int | None = None
    progress: float = 0.0
    face: Face | None = None
    frame_size: tuple[int, int] = (0, 0)
    failures: int = 0
    help_offered: bool = False
    photo: SpecPhoto | None = None
    measures: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class AcceptedPhoto:
    jpeg: bytes
    photo_number: str  # the 本机采集号 issued for this photo
    photo_number_source: str = "kiosk"


class PhotoSession:
    def __init__(
        self,
        analyzer: Analyzer | None = None,
        settings: AutoCaptureSettings | None = None,
        max_failures: int = 3,
        issue_number: Callable[[], str] | None = None,
        now: float = 0.0,
    ):
        self.analyzer = analyzer or Analyzer(judge_background_every=8, detect_side=LIVE_DETECT_SIDE)
        self.auto = AutoCapture(settings, now)
        self.max_failures = max_failures
        self._issue_number = issue_number
        self._lock = threading.Lock()  # feed() runs in the analysis thread, retake() in the GUI's
        self.failures = 0
        self.photo: SpecPhoto | None = None
        self.last_problems: list[str] = []

    @property
    def help_offered(self) -> bool:
        return self.failures >= self.max_failures

    def feed(self, frame: np.ndarray, now: float) -> SessionView:
        with self._lock:
            if self.photo is not None:
                return self._review_view()
            analysis = self.analyzer.analyze(frame)
            tick = self.auto.update(analysis.ok, analysis.face, now)
            if tick.stalled:
                self.failures += 1
            if tick.phase is Phase.SHOOT:
                photo = make_spec_photo(frame, self.analyzer, analysis)
                self.auto.reset(now)
                if photo.ok:
                    self.photo = photo
                    return self._review_view()
                self.failures += 1
                return self._view(analysis, Phase.GUIDING, photo.problems)
            return self._view(
                analysis, tick.phase, analysis.problems, tick.countdown, tick.progress
            )

    def _view(
        self,
        analysis: Analysis,
        phase: Phase,
        problems: list[str],
        countdown: int | None = None,
        progress: float = 0.0,
    ) -> SessionView:
        self.last_problems = list(problems)
        guidance = PROBLEMS[problems[0]] if problems else HOLD_STILL
        return SessionView(
            phase=phase.value,
            guidance=guidance,
            problems=list(problems),
            countdown=countdown,
            progress=progress,
            face=analysis.face,
            frame_size=analysis.frame_size,
            failures=self.failures,
            help_offered=self.help_offered,
            measures=dict(analysis.measures),
        )

    def _review_view(self) -> SessionView:
        assert self.photo is not None
        return SessionView(
            phase="review",
            guidance=REVIEW,
            progress=1.0,
            face=self.photo.analysis.face,
            frame_size=self.photo.analysis.frame_size,
            failures=self.failures,
            help_offered=self.help_offered,
            photo=self.photo,
        )

    def retake(self, now: float) -> None:
        """The applicant did not like the photo: back to live guidance (counts as a failure)."""
        with self._lock:
            if self.photo is not None:
                self.failures += 1
            self.photo = None
            self.auto.reset(now)

    def accept(self) -> AcceptedPhoto:
        """Keep the reviewed photo; issues its 本机采集号 (one number per accepted photo)."""
        with self._lock:
            if self.photo is None or self.photo.jpeg is None:
                raise RuntimeError("no photo to accept")
            number = self._issue_number() if self._issue_number else ""
            return AcceptedPhoto(self.photo.jpeg, number)

    def reset(self, now: float) -> None:
        """New applicant: forget the photo and the failure count."""
        with self._lock:
            self.photo, self.failures, self.last_problems = None, 0, []
            self.auto.reset(now)


def live_session(
    config: Any, issue_number: Callable[[], str] | None = None, now: float | None = None
) -> PhotoSession:
    """The kiosk's photo step from its config (``photo.*``), tuned for a live camera."""
    analyzer = Analyzer(
        PhotoSpec.from_config(config), judge_background_every=8, detect_side=LIVE_DETECT_SIDE
    )
    return PhotoSession(
        analyzer,
        max_failures=int(config["photo.max_failures"]),
        issue_number=issue_number,
        now=time.monotonic() if now is None else now,
    )
