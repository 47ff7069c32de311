"""``kiosk self-check [--demo] [--json]``: is this kiosk ready to serve? Exit 1 when not."""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.cli._args import add_json
from kiosk.cli._output import emit


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "self-check",
        help="check database, fonts, translations, devices, print queue, hub, disk (exit 1 when not ready)",
    )
    add_json(p)
    # --demo may also come before the subcommand (`kiosk --demo self-check`): same meaning
    p.add_argument(
        "--demo", action="store_true", dest="check_demo", help="the simulators are the devices"
    )
    p.set_defaults(handler=_self_check, reports_problems=True)


def _self_check(args: argparse.Namespace) -> int:
    from kiosk import selfcheck
    from kiosk.config import Config, ConfigError

    demo = bool(args.check_demo or args.demo)
    try:
        config = Config.load()
    except ConfigError as exc:
        report = {
            "ok": False,
            "demo": demo,
            "checks": [
                {"name": "config", "ok": False, "detail": f"配置文件有误 / {exc}", "needed": True}
            ],
        }
        emit(report, args.json, _as_text(report))
        return 1
    report = selfcheck.run(config, demo=demo)
    emit(report, args.json, _as_text(report))
    return 0 if report["ok"] else 1


def _as_text(report: dict[str, Any]) -> str:
    lines = []
    for check in report["checks"]:
        mark = "OK  " if check["ok"] else ("FAIL" if check["needed"] else "warn")
        lines.append(f"{mark}  {check['name']:<16} {check['detail']}")
    verdict = "自检通过 / ready" if report["ok"] else "自检未通过 / not ready"
    lines.append(verdict + (" (demo)" if report["demo"] else ""))
    return "\n".join(lines)
