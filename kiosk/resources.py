"""Where the shipped resources (data, fonts, styles, translations, samples) live.

From a checkout (editable install) they sit in ``resources/`` beside the package; in the frozen
app PyInstaller puts the same folder next to the executable's modules (``sys._MEIPASS``).
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path


@cache
def root() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def path(*parts: str) -> Path:
    """A path inside the resources folder (it need not exist)."""
    return root().joinpath(*parts)
