"""Start the kiosk UI (no subcommand)."""

from __future__ import annotations

import argparse
import sys


def start_ui(args: argparse.Namespace) -> int:
    try:
        from kiosk.ui.app import run
    except ImportError as exc:  # the UI package is missing from this build
        print(f"kiosk: the touch UI is not available in this build ({exc})", file=sys.stderr)
        return 1
    return run(args)
