"""Every user-facing string of supervisor mode, Chinese (default) and English.

The words live in ``resources/translations/supervisor.toml`` (the same format as the applicant
UI's ``ui.toml``), keyed by a stable name; ``tr(key, **values)`` picks the current language and
fills ``str.format`` placeholders. A test checks that every key has both languages and that every
``tr("...")`` key used in this package exists.

There is one current language for the whole kiosk: :func:`language` and :func:`set_language`
delegate to :mod:`kiosk.ui.texts`, so supervisor mode opens in the applicant screen's language
and its language button switches that same setting.
"""

from __future__ import annotations

import tomllib
from functools import cache

from kiosk import resources
from kiosk.ui import texts as _ui

LANGUAGES = _ui.LANGUAGES


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Key → {"zh": ..., "en": ...}, read once from supervisor.toml."""
    with resources.path("translations", "supervisor.toml").open("rb") as fh:
        data = tomllib.load(fh)
    return {k: v for k, v in data.items() if isinstance(v, dict)}


def set_language(lang: str) -> None:
    """Switch the kiosk's one current language; anything but ``"en"`` means Chinese."""
    _ui.set_language("en" if lang == "en" else "zh")


def language() -> str:
    return _ui.language()


def has(key: str) -> bool:
    return key in catalogue()


def tr(key: str, lang: str | None = None, **values: object) -> str:
    text = catalogue()[key][lang or language()]
    return text.format(**values) if values else text


def tr_or(key: str, fallback: str, **values: object) -> str:
    """``tr(key)`` when the catalogue has it, else ``fallback`` (codes from data, e.g. job states)."""
    return tr(key, **values) if has(key) else fallback


def both(key: str, **values: object) -> tuple[str, str]:
    """The (zh, en) pair, for data that carries both languages (e.g. a ``ProbeResult``)."""
    return tr(key, "zh", **values), tr(key, "en", **values)


def pick(zh: str, en: str) -> str:
    """For bilingual data that already carries both (code tables, rule messages)."""
    return en if language() == "en" else zh
