"""When to take the picture: every check holding for a steady moment, then a visible countdown.

Pure state machine; the caller passes the time (seconds, any monotonic clock), so tests and the
simulator run it at any speed. A single bad analysis inside ``grace`` does not cancel (Haar eyes
flicker); the countdown restarts only when problems persist or the face moves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

Face = tuple[int, int, int, int]


class Phase(StrEnum):
    GUIDING = "guiding"  # something is wrong: show the instruction
    STEADY = "steady"  # all good, waiting for the applicant to hold still
    COUNTDOWN = "countdown"  # 3, 2, 1 on screen
    SHOOT = "shoot"  # take the picture now (the session moves on from here)


@dataclass(frozen=True)
class AutoCaptureSettings:
    steady_seconds: float = 1.0
    countdown_seconds: int = 3
    grace_seconds: float = 0.4
    max_motion: float = 0.08  # face centre movement between analyses, share of face width
    stall_seconds: float = 30.0  # guiding this long without success counts as one failure


@dataclass(frozen=True)
class Tick:
    phase: Phase
    countdown: int | None = None  # the number to show during COUNTDOWN
    progress: float = 0.0  # 0..1 through steady + countdown, for a progress ring
    stalled: bool = False  # guiding timed out once more (count a failure)


class AutoCapture:
    def __init__(self, settings: AutoCaptureSettings | None = None, now: float = 0.0):
        self.settings = settings or AutoCaptureSettings()
        self.reset(now)

    def reset(self, now: float) -> None:
        self.phase = Phase.GUIDING
        self._since = now  # when the current phase began
        self._guiding_since = now
        self._bad_since: float | None = None
        self._last_face: Face | None = None

    def _moved(self, face: Face | None) -> bool:
        last, self._last_face = self._last_face, face
        if face is None or last is None:
            return face is None
        dx = (face[0] + face[2] / 2) - (last[0] + last[2] / 2)
        dy = (face[1] + face[3] / 2) - (last[1] + last[3] / 2)
        return math.hypot(dx, dy) > self.settings.max_motion * face[2]

    def update(self, ok: bool, face: Face | None, now: float) -> Tick:
        s = self.settings
        good = ok and not self._moved(face)
        if self.phase is Phase.SHOOT:
            return Tick(Phase.SHOOT, 0, 1.0)
        if not good:
            if self.phase is Phase.GUIDING:
                stalled = now - self._guiding_since >= s.stall_seconds
                if stalled:
                    self._guiding_since = now
                return Tick(Phase.GUIDING, stalled=stalled)
            if self._bad_since is None:
                self._bad_since = now
            if now - self._bad_since > s.grace_seconds:
                self.phase, self._since, self._guiding_since = Phase.GUIDING, now, now
                self._bad_since = None
                return Tick(Phase.GUIDING)
        else:
            self._bad_since = None
            if self.phase is Phase.GUIDING:
                self.phase, self._since = Phase.STEADY, now
        total = s.steady_seconds + s.countdown_seconds
        if self.phase is Phase.STEADY:
            if now - self._since >= s.steady_seconds:
                self.phase, self._since = Phase.COUNTDOWN, now
            else:
                return Tick(Phase.STEADY, progress=(now - self._since) / total)
        elapsed = now - self._since
        if elapsed >= s.countdown_seconds:
            self.phase = Phase.SHOOT
            return Tick(Phase.SHOOT, 0, 1.0)
        return Tick(
            Phase.COUNTDOWN,
            countdown=math.ceil(s.countdown_seconds - elapsed),
            progress=(s.steady_seconds + elapsed) / total,
        )
