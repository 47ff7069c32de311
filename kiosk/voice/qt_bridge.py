"""The kiosk's speech output: renders prompts off the GUI thread, plays them with QtMultimedia.

``QtSpeechOutput.play`` returns at once: one worker thread renders (or finds in the cache) the
prompt's WAV, and a queued signal hands the file back to the GUI thread, which plays it with a
QSoundEffect. A newer prompt or ``stop`` (the wipe) drops anything still being rendered. Without
an audio device — a kiosk with no speakers, CI, a bare VM — nothing is rendered or played: the
kiosk runs silent, and ``silent_reason`` says why (the self-check's ``audio`` item shows it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QMessageLogContext,
    QObject,
    QtMsgType,
    QUrl,
    Signal,
    qInstallMessageHandler,
)

from kiosk.voice.cache import PromptCache
from kiosk.voice.espeak import VoiceMissing, find

_log = logging.getLogger("kiosk.voice")

# what Qt Multimedia says while looking for sound on a machine without any: expected, not news
_PROBE_NOISE = (
    "PulseAudioService:",
    "No audio device detected",
    "No QtMultimedia backends found",  # the bundle leaves out the FFmpeg plugin: WAVs need none
)


@contextmanager
def _quiet_probe() -> Iterator[None]:
    """Drop Qt Multimedia's own chatter while it looks for devices; pass everything else on."""
    previous: Any = None

    def handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        category = context.category or ""
        if category.startswith("qt.multimedia") or message.startswith(_PROBE_NOISE):
            return
        if previous is not None:
            previous(kind, context, message)
        else:
            _log.warning("Qt: %s", message)

    previous = qInstallMessageHandler(handler)
    try:
        yield
    finally:
        qInstallMessageHandler(previous)


def audio_outputs() -> list[str]:
    """The names of the audio output devices Qt can play to (none: the kiosk runs silent)."""
    if QCoreApplication.instance() is None:  # a command (the self-check) without the UI's app
        QCoreApplication([])
    with _quiet_probe():
        from PySide6.QtMultimedia import QMediaDevices

        return [device.description() for device in QMediaDevices.audioOutputs()]


class QtSpeechOutput(QObject):
    """A ``kiosk.voice.speaker.SpeechOutput`` for the running kiosk (GUI thread only)."""

    _rendered = Signal(int, str)

    def __init__(
        self,
        cache: Callable[[], PromptCache] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._make_cache = cache or (lambda: PromptCache(find()))
        self._cache: PromptCache | None = None
        self._generation = 0
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voice")
        self._effect: Any = None
        outputs = audio_outputs()
        self.silent_reason: str | None = None if outputs else "no audio output device"
        self._rendered.connect(self._on_rendered)
        if self.silent_reason:
            _log.info("speech runs silent: %s", self.silent_reason)

    def play(self, text: str, lang: str) -> None:
        self.stop()
        if self.silent_reason:
            return
        self._pool.submit(self._render, self._generation, text, lang)

    def stop(self) -> None:
        self._generation += 1  # whatever is still rendering is now stale
        if self._effect is not None:
            self._effect.stop()

    def shutdown(self) -> None:
        self.stop()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _render(self, generation: int, text: str, lang: str) -> None:  # worker thread
        if generation != self._generation:
            return
        try:
            if self._cache is None:
                self._cache = self._make_cache()
            path = self._cache.render(text, lang)
        except (VoiceMissing, OSError, ValueError) as exc:
            _log.warning("cannot render a prompt: %s", exc)  # never the text: it may be long
            return
        self._rendered.emit(generation, str(path))

    def _on_rendered(self, generation: int, path: str) -> None:  # GUI thread (queued signal)
        if generation != self._generation or not Path(path).is_file():
            return
        if self._effect is None:
            from PySide6.QtMultimedia import QSoundEffect

            with _quiet_probe():
                self._effect = QSoundEffect(self)
        self._effect.setSource(QUrl.fromLocalFile(path))
        self._effect.play()
