"""``kiosk photo check|make|scan-receipt``: the photo step from the command line.

Exit codes: 0 ok; 1 the image fails the checks / no valid photo / no code found;
2 bad arguments or an unreadable image; 3 (make) the photo could not be written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.cli._args import add_json
from kiosk.cli._output import UsageError, emit

if TYPE_CHECKING:
    import numpy as np

    from kiosk.photo.analysis import Analyzer


def register(subparsers: Any) -> None:
    photo = subparsers.add_parser("photo", help="ID-photo checks, the spec photo, receipt codes")
    sub = photo.add_subparsers(dest="photo_command", required=True, parser_class=type(photo))

    p = sub.add_parser("check", help="run the ID-photo checks on an image")
    p.add_argument("image", type=Path)
    add_json(p)
    p.set_defaults(handler=_check)

    p = sub.add_parser("make", help="make the 358×441 GA 461 spec photo and issue a 本机采集号")
    p.add_argument("image", type=Path)
    p.add_argument("--out", type=Path, required=True, help="where to write the JPEG")
    add_json(p)
    p.set_defaults(handler=_make)

    p = sub.add_parser("scan-receipt", help="read the 数码照相图像号 from a photo receipt's code")
    p.add_argument("image", type=Path)
    add_json(p)
    p.set_defaults(handler=_scan)


def _read(path: Path) -> np.ndarray:
    import cv2
    import numpy as np

    try:
        data = np.fromfile(path, np.uint8)
    except OSError as exc:
        raise UsageError(f"无法读取图片 / cannot read image {path}: {exc.strerror}") from None
    image = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    if image is None:
        raise UsageError(f"不是可识别的图片 / not a readable image: {path}")
    return image


def _analyzer() -> Analyzer:
    from kiosk.config import Config
    from kiosk.photo.analysis import Analyzer
    from kiosk.photo.geometry import PhotoSpec

    return Analyzer(PhotoSpec.from_config(Config.load()))


def _problem_lines(codes: list[str]) -> list[str]:
    from kiosk.photo.analysis import PROBLEMS

    return [f"  {c}: {PROBLEMS[c].zh} / {PROBLEMS[c].en}" for c in codes]


def _check(args: argparse.Namespace) -> int:
    analysis = _analyzer().analyze(_read(args.image))
    data = analysis.as_json()
    text = "ok" if analysis.ok else "\n".join(["problems:", *_problem_lines(analysis.problems)])
    emit(data, args.json, text)
    return 0 if analysis.ok else 1


def _make(args: argparse.Namespace) -> int:
    from kiosk.config import Config
    from kiosk.photo.numbers import CaptureNumbers
    from kiosk.photo.spec import make_spec_photo
    from kiosk.storage.db import open_database

    image = _read(args.image)
    photo = make_spec_photo(image, _analyzer())
    if not photo.ok or photo.jpeg is None or photo.image is None:
        data: dict[str, Any] = {
            "ok": False,
            "photo_number": None,
            "width": None,
            "height": None,
            "bytes": None,
            "problems": photo.problems,
        }
        emit(data, args.json, "\n".join(["no valid photo:", *_problem_lines(photo.problems)]))
        return 1
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        tmp = args.out.with_name(args.out.name + ".tmp")
        tmp.write_bytes(photo.jpeg)
        tmp.replace(args.out)
    except OSError as exc:
        print(f"kiosk: 无法写入照片 / cannot write {args.out}: {exc.strerror}", file=sys.stderr)
        return 3
    config = Config.load()
    number = CaptureNumbers(open_database(), config["point.code"], config["kiosk.id"]).issue()
    height, width = photo.image.shape[:2]
    data = {
        "ok": True,
        "photo_number": number,
        "width": width,
        "height": height,
        "bytes": len(photo.jpeg),
        "problems": [],
    }
    emit(
        data,
        args.json,
        f"{args.out}: {width}×{height}, {len(photo.jpeg)} bytes, 本机采集号 {number}",
    )
    return 0


def _scan(args: argparse.Namespace) -> int:
    from kiosk.photo.receipt_scan import scan_receipt

    number = scan_receipt(_read(args.image))
    emit({"photo_number": number}, args.json, number or "未找到条码 / no code found")
    return 0 if number is not None else 1
