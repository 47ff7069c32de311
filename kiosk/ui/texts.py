"""The UI's words: one catalogue for the applicant screens and supervisor mode, Simplified Chinese
first.

The words live in ``resources/translations/ui.toml`` (applicant screens) and ``supervisor.toml``
(supervisor mode): key → ``zh``, ``en``; no key is in both files (a test checks it). A test checks
that no Chinese text sits in the code and that every key used has both languages.

There is no process-wide language: the composition root (:mod:`kiosk.ui.app`) builds one
:class:`Texts` for the kiosk in its configured language and hands it to the window, the screens
and supervisor mode; the language buttons switch *that* object. ``texts.tr(key, name=...)``
formats with ``str.format``. Rule answers (:class:`kiosk.domain.messages.Message`) and code-table
labels already carry both languages and go through :meth:`Texts.pick`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from typing import Any, Protocol

from kiosk import resources

LANGUAGES = ("zh", "en")
CATALOGUES = ("ui", "supervisor")  # resources/translations/<name>.toml


class Bilingual(Protocol):
    @property
    def zh(self) -> str: ...

    @property
    def en(self) -> str: ...


@cache
def catalogue(name: str = "ui") -> dict[str, dict[str, str]]:
    """Key → {"zh": ..., "en": ...} of one file (``ui`` or ``supervisor``), read once."""
    with resources.path("translations", f"{name}.toml").open("rb") as fh:
        data = tomllib.load(fh)
    return {k: v for k, v in data.items() if isinstance(v, dict)}


@cache
def words() -> dict[str, dict[str, str]]:
    """Every catalogue in one mapping (the files share no key)."""
    merged: dict[str, dict[str, str]] = {}
    for name in CATALOGUES:
        merged.update(catalogue(name))
    return merged


def both(key: str, **values: object) -> tuple[str, str]:
    """The (zh, en) pair, for data that carries both languages (a ``Message``, a probe result)."""
    entry = words()[key]
    zh, en = entry["zh"], entry["en"]
    return (zh.format(**values), en.format(**values)) if values else (zh, en)


class Texts:
    """The words in the language shown now, for one kiosk (its window, screens, supervisor mode)."""

    def __init__(self, lang: str = "zh", entries: Mapping[str, Mapping[str, str]] | None = None):
        self._words = entries if entries is not None else words()
        self.lang = "zh"
        self.set_language(lang)

    def set_language(self, lang: str) -> None:
        """Switch this kiosk's language; anything but ``"en"`` means Chinese (the default)."""
        self.lang = "en" if lang == "en" else "zh"

    def language(self) -> str:
        return self.lang

    def has(self, key: str) -> bool:
        return key in self._words

    def tr(self, key: str, lang: str | None = None, **values: Any) -> str:
        text = self._words[key][lang or self.lang]
        return text.format(**values) if values else text

    def tr_or(self, key: str, fallback: str, **values: Any) -> str:
        """``tr(key)`` when the catalogue has it, else ``fallback`` (codes from data, job states)."""
        return self.tr(key, **values) if self.has(key) else fallback

    def both(self, key: str, **values: Any) -> tuple[str, str]:
        return self.tr(key, "zh", **values), self.tr(key, "en", **values)

    def pick(self, item: Bilingual | str, en: str | None = None) -> str:
        """The current language's half of bilingual data: ``pick(message)`` for anything with
        ``zh``/``en``, ``pick(zh, en)`` for a pair of strings."""
        if isinstance(item, str):
            return en if self.lang == "en" and en is not None else item
        return item.en if self.lang == "en" else item.zh
