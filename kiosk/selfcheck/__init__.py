"""``kiosk self-check``: is this kiosk ready to serve? One small function per check.

Each check returns ``CheckResult(name, ok, detail, needed)``; ``detail`` reads "中文 / English".
The report is ``ok`` when every *needed* check passed (an unreachable hub is reported but not
needed: field offices run offline for weeks). A check that cannot run because a part of the kiosk
is missing from this build says so and fails: nothing is reported ok without being tried.
With ``demo`` the simulators are the devices and an unenrolled hub is fine.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kiosk import logs
from kiosk.config import Config
from kiosk.selfcheck.base import Check, CheckResult, Context

__all__ = ["Check", "CheckResult", "Context", "all_checks", "run"]

_log = logs.get("kiosk")


def all_checks() -> list[Check]:
    """The checks in the order an administrator reads them."""
    from kiosk.selfcheck import audio, backup, devices, files, hub, qt, storage

    return [
        storage.check_data_folder,
        storage.check_database,
        storage.check_database_key,
        files.check_fonts_pdf,
        qt.check_qt,
        files.check_translations,
        devices.check_reader,
        devices.check_camera,
        devices.check_printers,
        audio.check_audio,
        storage.check_print_queue,
        hub.check_enrolment,
        hub.check_reachable,
        storage.check_disk,
        backup.check_backup,
    ]


def run(
    config: Config | None = None, demo: bool = False, checks: Iterable[Check] | None = None
) -> dict[str, Any]:
    """Run the checks (one that raises becomes a failed result) and build the report."""
    ctx = Context(config or Config.load(), demo)
    results: list[CheckResult] = []
    for check in checks if checks is not None else all_checks():
        name = check.__name__.removeprefix("check_")
        try:
            outcome = check(ctx)
        except Exception as exc:  # one broken part must not hide the others
            _log.exception("self-check %s raised", name)
            outcome = CheckResult(
                name, False, f"检查出错 / check failed: {type(exc).__name__}: {exc}"
            )
        results.extend(outcome if isinstance(outcome, list) else [outcome])
    ok = all(r.ok for r in results if r.needed)
    _log.info(
        "self-check %s: %s",
        "passed" if ok else "failed",
        ", ".join(r.name for r in results if not r.ok) or "all ok",
    )
    return {"ok": ok, "demo": demo, "checks": [r.as_json() for r in results]}
