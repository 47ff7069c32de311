"""``kiosk ime pinyin|handwriting``: the on-screen input methods from the command line.

``pinyin LETTERS`` → ``{"candidates": [...]}``: words and phrases, whole words first, the most
common first. ``handwriting FILE`` reads one character ``{"width", "height", "strokes"}`` (screen
coordinates, y down) or a list of them → ``{"candidates": [...]}`` or ``{"results": [{"candidates":
[...]}, ...]}`` in the same order, single characters best first.
Exit codes: 0 answered (no candidates is an answer); 1 the handwriting engine is not installed;
2 bad arguments or an unreadable/ill-formed strokes file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from kiosk.cli._args import add_json
from kiosk.cli._output import UsageError, emit

EXIT_NO_ENGINE = 1


def register(subparsers: Any) -> None:
    ime = subparsers.add_parser("ime", help="pinyin words and handwriting candidates")
    sub = ime.add_subparsers(dest="ime_command", required=True, parser_class=type(ime))

    p = sub.add_parser("pinyin", help="words and phrases for pinyin letters (shenzhen → 深圳)")
    p.add_argument("letters")
    p.add_argument("--limit", type=int, default=30, help="at most this many candidates")
    add_json(p)
    p.set_defaults(handler=_pinyin)

    p = sub.add_parser("handwriting", help="candidate characters for handwritten strokes")
    p.add_argument("strokes", type=Path, help="JSON: one character or a list of characters")
    p.add_argument("--limit", type=int, default=10, help="at most this many candidates each")
    add_json(p)
    p.set_defaults(handler=_handwriting)


def _pinyin(args: argparse.Namespace) -> int:
    from kiosk.ime import pinyin

    if not pinyin.normalise(args.letters):
        raise UsageError(f"没有拼音字母 / no pinyin letters in {args.letters!r}")
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    found = pinyin.words(args.letters, limit=args.limit)
    emit({"candidates": found}, args.json, " ".join(found))
    return 0


def _handwriting(args: argparse.Namespace) -> int:
    from kiosk.ime import handwriting

    try:
        data = json.loads(args.strokes.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"无法读取笔画文件 / cannot read {args.strokes}: {exc.strerror}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(f"笔画文件不是 JSON / {args.strokes} is not JSON: {exc}") from None
    characters = data if isinstance(data, list) else [data]
    parsed = []
    for n, character in enumerate(characters):
        try:
            parsed.append(handwriting.parse_character(character))
        except handwriting.BadCharacter as exc:
            which = f" (character {n})" if isinstance(data, list) else ""
            raise UsageError(f"笔画格式不对 / {args.strokes}{which}: {exc}") from None
    try:
        answers = [handwriting.candidates(strokes, args.limit) for strokes in parsed]
    except handwriting.ZinniaMissing as exc:
        print(f"kiosk: 手写识别未安装 / handwriting engine missing: {exc}", file=sys.stderr)
        return EXIT_NO_ENGINE
    if isinstance(data, list):
        result: dict[str, Any] = {"results": [{"candidates": a} for a in answers]}
        text = "\n".join(" ".join(a) for a in answers)
    else:
        result = {"candidates": answers[0]}
        text = " ".join(answers[0])
    emit(result, args.json, text)
    return 0
