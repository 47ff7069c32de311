"""``kiosk voice say TEXT [--lang zh|en|yue] --out FILE.wav``: what the kiosk would say, as a WAV.

Renders with the kiosk's own speech path (Mandarin through tone-numbered pinyin and espeak-ng's
``cmn-latn-pinyin`` voice), straight to FILE as 16-bit mono PCM, for tests and for staff checking
the voice; it plays nothing. ``--json`` prints the file, the voice, what the engine was given to
read and the duration. Exit codes: 0 written; 1 the speech engine is missing or failed; 2 bad
arguments or an unwritable FILE.
"""

from __future__ import annotations

import argparse
import sys
import wave
from pathlib import Path
from typing import Any

from kiosk.cli._args import add_json
from kiosk.cli._output import UsageError, emit

EXIT_NO_ENGINE = 1


def register(subparsers: Any) -> None:
    voice = subparsers.add_parser("voice", help="the kiosk's spoken prompts")
    sub = voice.add_subparsers(dest="voice_command", required=True, parser_class=type(voice))

    p = sub.add_parser("say", help="render TEXT as the kiosk would say it, to a WAV file")
    p.add_argument("text")
    p.add_argument("--lang", choices=("zh", "en", "yue"), default="zh")
    p.add_argument("--out", type=Path, required=True, help="the WAV file to write")
    add_json(p)
    p.set_defaults(handler=_say)


def _say(args: argparse.Namespace) -> int:
    from kiosk.voice import espeak, speech

    if not args.text.strip():
        raise UsageError("没有要说的文字 / TEXT is empty")
    out: Path = args.out
    if out.is_dir() or not out.parent.is_dir():
        raise UsageError(f"无法写入 / cannot write {out}: not a file in an existing folder")
    said = speech.utterance(args.text, args.lang)
    if not said.text:
        raise UsageError(f"没有可读的文字 / nothing in {args.text!r} can be read in {args.lang}")
    try:
        engine = espeak.find()
        engine.render(said.text, said.voice, out, said.rate)
    except espeak.VoiceMissing as exc:
        print(f"kiosk: 语音引擎不可用 / speech engine unavailable: {exc}", file=sys.stderr)
        return EXIT_NO_ENGINE
    except PermissionError as exc:
        raise UsageError(f"无法写入 / cannot write {out}: {exc.strerror}") from None
    with wave.open(str(out), "rb") as wav:
        seconds = wav.getnframes() / wav.getframerate()
        rate = wav.getframerate()
    data = {
        "out": str(out),
        "lang": args.lang,
        "voice": said.voice,
        "engine": f"espeak-ng {engine.version}",
        "read": said.text,
        "seconds": round(seconds, 3),
        "sample_rate": rate,
    }
    emit(data, args.json, f"{out}: {seconds:.2f} s, {said.voice}")
    return 0
