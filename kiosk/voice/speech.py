"""What the engine is given to read, per kiosk language.

Mandarin goes through tone-numbered pinyin and espeak-ng's ``cmn-latn-pinyin`` voice: its ``cmn``
voice (1.51, Debian 12) reads Chinese text, but says the tone digits of its own pinyin as English
numbers. Cantonese (``yue``) reads the characters; English reads the English text.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.ime import reading

LANGUAGES = ("zh", "en", "yue")
VOICES = {"zh": "cmn-latn-pinyin", "en": "en", "yue": "yue"}
RATES = {"zh": 150, "en": 155, "yue": 150}  # words a minute: a little slower than espeak's 175


@dataclass(frozen=True)
class Utterance:
    """What to render: the engine's voice and rate, and its input text."""

    voice: str
    rate: int
    text: str


def utterance(text: str, lang: str) -> Utterance:
    if lang not in VOICES:
        raise ValueError(f"no voice for language {lang!r} (one of {', '.join(LANGUAGES)})")
    if lang == "zh":
        said = reading.to_pinyin(text)
    elif lang == "yue":
        said = reading.spoken_numbers(text)
    else:
        said = " ".join(text.split())
    return Utterance(VOICES[lang], RATES[lang], said)
