"""What screens call to speak: say, repeat, mute for this visit, stop at the wipe.

``Speaker`` keeps the logic (what was said last, muting, who listens in) and hands the
actual sound to an output: ``kiosk.voice.qt_bridge.QtSpeechOutput`` on a kiosk (renders with
espeak-ng off the GUI thread, plays with QtMultimedia, silent without an audio device) or
``RecordingOutput`` in tests, which keeps what would have been played.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from kiosk.voice.speech import LANGUAGES


class SpeechOutput(Protocol):
    def play(self, text: str, lang: str) -> None:
        """Start speaking ``text``, cutting off whatever is being said. Must not block."""

    def stop(self) -> None:
        """Silence now; anything still being prepared is dropped."""


@dataclass(frozen=True)
class Spoken:
    text: str
    lang: str
    at: float  # time.monotonic() when it was asked for


class Speaker:
    """One per kiosk. Everything asked for goes to the ``listeners`` (the walkthrough records
    each screen's spoken text, with or without an audio device); it is played unless muted."""

    def __init__(self, output: SpeechOutput | None = None) -> None:
        self.output = output
        self.muted = False
        self.last: Spoken | None = None
        self.listeners: list[Callable[[Spoken], None]] = []

    def say(self, text: str, lang: str) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"no voice for language {lang!r}")
        text = text.strip()
        if not text:
            return
        self.last = Spoken(text, lang, time.monotonic())
        for listener in self.listeners:
            listener(self.last)
        if not self.muted and self.output is not None:
            self.output.play(text, lang)

    def repeat(self) -> None:
        """The speaker button: say the last prompt again (and unmute: the applicant asked)."""
        if self.last is None:
            return
        self.muted = False
        if self.output is not None:
            self.output.play(self.last.text, self.last.lang)

    def set_muted(self, muted: bool) -> None:
        """The mute button: silence until unmuted or the visit ends."""
        self.muted = muted
        if muted:
            self.stop()

    def stop(self) -> None:
        if self.output is not None:
            self.output.stop()

    def wipe(self) -> None:
        """The visit is over: stop talking, forget it, and speak again for the next applicant."""
        self.stop()
        self.muted = False
        self.last = None


@dataclass
class RecordingOutput:
    """The fake engine: keeps what would have been played, makes no sound."""

    played: list[tuple[str, str]] = field(default_factory=list)
    stops: int = 0

    def play(self, text: str, lang: str) -> None:
        self.played.append((text, lang))

    def stop(self) -> None:
        self.stops += 1
