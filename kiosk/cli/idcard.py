"""``kiosk idcard ...``: run the simulated ID-card reader, read one card from a reader.

``read`` exits 0 with a card, 3 when no card came before the timeout, 4 on a reader error (the
message, Chinese then English, on stderr). With ``--json`` every outcome is also one JSON object on
stdout: the card, or ``{"error": CODE, "message": {...}}``; a card whose data do not hold
together is ``{"error": "card_data_invalid", "reason": "bad_check_digit", ...}`` (exit 4).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.cli._args import add_json
from kiosk.cli._output import UsageError, emit

if TYPE_CHECKING:
    from kiosk.devices.idcard.simulator import SimulatedReader

EXIT_NO_CARD = 3
EXIT_READER_ERROR = 4
FAULT_NAMES = (
    "garbage",
    "split",
    "slow",
    "removed_mid_read",
    "no_card",
    "bad_checksum",
    "sam_fault",
)


def _faults(text: str) -> set[str]:
    names = {n.strip() for n in text.split(",") if n.strip()}
    unknown = names - set(FAULT_NAMES)
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown fault {', '.join(sorted(unknown))} (known: {', '.join(FAULT_NAMES)})"
        )
    return names


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be more than 0")
    return value


def register(subparsers: Any) -> None:
    idcard = subparsers.add_parser("idcard", help="the ID-card reader and its simulator")
    sub = idcard.add_subparsers(dest="idcard_command", required=True, parser_class=type(idcard))

    p = sub.add_parser(
        "simulate", help="a simulated reader on a pseudo-terminal (demo, training, tests)"
    )
    p.add_argument(
        "--card",
        help="sample name (resident, gat_hk, foreign_2017, ...) or FILE.json placed at start",
    )
    p.add_argument(
        "--faults", type=_faults, default=set(), help=f"comma list of: {','.join(FAULT_NAMES)}"
    )
    p.add_argument("--baud", type=int, default=115200, choices=(115200, 57600, 38400, 19200, 9600))
    p.add_argument(
        "--card-time",
        type=float,
        default=0.3,
        help="seconds the card takes for a read (default 0.3)",
    )
    p.add_argument("--link", type=Path, help="keep a stable symlink to the current pseudo-terminal")
    p.set_defaults(handler=_simulate)

    p = sub.add_parser("read", help="read one card and print it")
    p.add_argument(
        "--port",
        required=True,
        help="device path or pyserial URL (kiosksim://CARD: the simulator, no pty; socket://, spy://)",
    )
    p.add_argument("--baud", type=int, help="baud rate; 0 detects (default: reader.baud)")
    p.add_argument(
        "--timeout", type=_positive, default=10.0, help="seconds to wait for a card (default 10)"
    )
    add_json(p)
    p.set_defaults(handler=_read)


def _read(args: argparse.Namespace) -> int:
    from kiosk.config import Config, ConfigError
    from kiosk.devices.errors import DeviceError
    from kiosk.devices.idcard.cardparse import CardDataError
    from kiosk.devices.idcard.driver import DriverConfig
    from kiosk.devices.idcard.oneshot import NoCardError, read_one_card

    try:
        config = Config.load()
    except ConfigError as exc:
        if args.json:
            _error_json("bad_config", str(exc), str(exc))
        raise UsageError(str(exc)) from None
    baud = int(config["reader.baud"]) if args.baud is None else args.baud
    try:
        card = read_one_card(args.port, baud, args.timeout, DriverConfig.from_config(config))
    except DeviceError as exc:
        code = EXIT_NO_CARD if isinstance(exc, NoCardError) else EXIT_READER_ERROR
        reason = exc.reason if isinstance(exc, CardDataError) else None
        why = f" [{reason}]" if reason else ""
        print(f"{exc.message.zh} / {exc.message.en}{why}", file=sys.stderr)
        if args.json:
            _error_json(exc.code, exc.message.zh, exc.message.en, reason)
        return code
    data = card.as_json()
    emit(data, args.json, "\n".join(f"{k}: {'' if v is None else v}" for k, v in data.items()))
    return 0


def _error_json(code: str, zh: str, en: str, reason: str | None = None) -> None:
    out: dict[str, Any] = {"error": code}
    if reason is not None:
        out["reason"] = reason
    out["message"] = {"zh": zh, "en": en}
    print(json.dumps(out, ensure_ascii=False), flush=True)


def _simulate(args: argparse.Namespace) -> int:
    import signal
    import threading

    from kiosk.devices.errors import DeviceError
    from kiosk.devices.idcard.simmodel import Timing
    from kiosk.devices.idcard.simulator import SimulatedReader

    try:
        sim = SimulatedReader(
            card=args.card, faults=args.faults, baud=args.baud,
            timing=Timing(read=args.card_time), link=args.link, auto_link=False,
        )  # fmt: skip
    except DeviceError as exc:
        raise UsageError(f"{exc.message.zh} / {exc.message.en}") from None
    stop = threading.Event()
    sim.start()
    print(sim.port, flush=True)
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGUSR1, lambda *_: sim.unplug())
    signal.signal(signal.SIGUSR2, lambda *_: sim.replug())
    threading.Thread(target=_commands, args=(sim, stop), daemon=True).start()
    try:
        while not stop.wait(0.2):
            pass
    finally:
        sim.stop()
    return 0


def _commands(sim: SimulatedReader, stop: Any) -> None:
    """Control lines on stdin: place NAME|FILE, remove, unplug, replug, faults a,b|none, quit."""
    from kiosk.devices.errors import DeviceError

    for line in sys.stdin:
        verb, _, rest = line.strip().partition(" ")
        try:
            if verb == "place":
                sim.place(rest.strip())
            elif verb == "remove":
                sim.remove()
            elif verb == "unplug":
                sim.unplug()
            elif verb == "replug":
                sim.replug()
            elif verb == "faults":
                sim.set_faults(set() if rest.strip() == "none" else _faults(rest))
            elif verb == "quit":
                stop.set()
                return
            elif verb:
                raise ValueError(f"unknown command {verb!r}")
        except (DeviceError, ValueError, argparse.ArgumentTypeError) as exc:
            print(f"error: {exc}", flush=True)
            continue
        if verb:
            print(f"ok {verb}", flush=True)
