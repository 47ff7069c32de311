"""The UI's words: one catalogue (resources/translations/ui.toml), Simplified Chinese first.

Every user-facing string of the applicant screens comes from here (a test checks that no Chinese
text sits in the code and that every key has both languages). ``tr(key, name=...)`` formats
with ``str.format``. Rule answers (:class:`kiosk.domain.messages.Message`) and code-table labels
already carry both languages and go through :func:`pick`.
"""

from __future__ import annotations

import tomllib
from functools import cache
from typing import Any, Protocol

from kiosk import resources

LANGUAGES = ("zh", "en")
_state = {"lang": "zh"}


class Bilingual(Protocol):
    zh: str
    en: str


@cache
def catalogue() -> dict[str, dict[str, str]]:
    with resources.path("translations", "ui.toml").open("rb") as fh:
        data = tomllib.load(fh)
    return {k: v for k, v in data.items() if isinstance(v, dict)}


def set_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}")
    _state["lang"] = lang


def language() -> str:
    return _state["lang"]


def tr(key: str, lang: str | None = None, **values: Any) -> str:
    entry = catalogue()[key]
    text = entry[lang or _state["lang"]]
    return text.format(**values) if values else text


def pick(item: Bilingual, lang: str | None = None) -> str:
    return item.en if (lang or _state["lang"]) == "en" else item.zh
