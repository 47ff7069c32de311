"""Rendered prompts, kept as WAV files in the data folder (``cache/voice``) and rendered once.

The name of a file is a hash of everything that shapes the sound (engine version, voice, rate,
text), so a new engine or a changed prompt renders afresh and nothing needs invalidating. Only
prompts and error messages are spoken, never an applicant's personal data, so nothing here needs
wiping between visits.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from kiosk import paths
from kiosk.voice.espeak import Espeak
from kiosk.voice.speech import Utterance, utterance

MAX_FILES = 2000  # a kiosk says a few hundred different things; beyond this, drop the stalest


class PromptCache:
    def __init__(self, engine: Espeak, folder: Path | None = None) -> None:
        self.engine = engine
        self.folder = folder or paths.sub("cache", "voice")

    def path_for(self, said: Utterance) -> Path:
        key = "\0".join((self.engine.version, said.voice, str(said.rate), said.text))
        return self.folder / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.wav"

    def render(self, text: str, lang: str) -> Path:
        """The prompt's WAV, rendered now if it is not yet cached."""
        said = utterance(text, lang)
        path = self.path_for(said)
        if path.is_file():
            os.utime(path)  # recently used: the trim below drops the least recently used first
        else:
            self.engine.render(said.text, said.voice, path, said.rate)
            self._trim()
        return path

    def _trim(self) -> None:
        files = list(self.folder.glob("*.wav"))
        if len(files) <= MAX_FILES:
            return
        files.sort(key=lambda p: p.stat().st_mtime)
        for old in files[: len(files) - MAX_FILES]:
            old.unlink(missing_ok=True)
