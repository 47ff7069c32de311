"""What every subcommand shares: its exit codes, the bad-arguments error and how it prints.

Kept apart from ``kiosk/cli/__init__.py``, which imports the subcommand modules, so that they
can use these without importing it back (no import cycle).
"""

from __future__ import annotations

import json
from typing import Any

EXIT_OK = 0
EXIT_USAGE = 2


class UsageError(Exception):
    """Bad arguments found after parsing (a date that does not exist, say): exit 2."""


def emit(data: Any, as_json: bool, text: str | None = None) -> None:
    """Print ``data`` as one JSON object, or ``text`` (default: the JSON, indented)."""
    if as_json:
        print(json.dumps(data, ensure_ascii=False, default=str))
    else:
        print(
            text
            if text is not None
            else json.dumps(data, ensure_ascii=False, indent=2, default=str)
        )
