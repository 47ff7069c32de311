"""``kiosk photo check|make|scan-receipt``: JSON keys and exit codes as the issue lists them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from kiosk import resources
from kiosk.cli import main
from kiosk.photo import numbers

ImageWriter = Callable[[str, np.ndarray], str]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code = main(["photo", *argv, "--json"])
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    return code, json.loads(out[0])


def test_check(
    capsys: pytest.CaptureFixture[str], photos: dict[str, np.ndarray], write_image: ImageWriter
) -> None:
    code, data = run(capsys, "check", write_image("astronaut.png", photos["astronaut"]))
    assert code == 0 and data["ok"] is True and data["problems"] == []
    assert set(data) == {"ok", "problems", "face", "measures"} and set(data["face"]) == {
        "x",
        "y",
        "w",
        "h",
    }
    code, data = run(capsys, "check", write_image("coffee.png", photos["coffee"]))
    assert code == 1 and data["problems"] == ["no_face"] and data["face"] is None
    assert "frame_luma" in data["measures"]


def test_make(
    capsys: pytest.CaptureFixture[str],
    photos: dict[str, np.ndarray],
    write_image: ImageWriter,
    tmp_path: Path,
) -> None:
    out = tmp_path / "spec" / "photo.jpg"
    code, data = run(
        capsys, "make", write_image("astronaut.png", photos["astronaut"]), "--out", str(out)
    )
    assert code == 0
    assert set(data) == {"ok", "photo_number", "width", "height", "bytes", "problems"}
    assert (data["ok"], data["width"], data["height"], data["problems"]) == (True, 358, 441, [])
    assert data["bytes"] == out.stat().st_size
    assert numbers.is_capture_number(data["photo_number"])
    _, again = run(
        capsys, "make", write_image("astronaut.png", photos["astronaut"]), "--out", str(out)
    )
    assert again["photo_number"] != data["photo_number"]  # the sequence moved on (database file)
    code, data = run(
        capsys, "make", write_image("dark.png", photos["dark"]), "--out", str(tmp_path / "dark.jpg")
    )
    assert code == 1 and data["ok"] is False and "too_dark" in data["problems"]
    assert not (tmp_path / "dark.jpg").exists()


def test_scan_receipt(
    capsys: pytest.CaptureFixture[str], photos: dict[str, np.ndarray], write_image: ImageWriter
) -> None:
    code, data = run(
        capsys, "scan-receipt", str(resources.path("samples", "receipts", "demo-receipt.png"))
    )
    assert code == 0 and data == {"photo_number": "44030020261126000123"}
    code, data = run(capsys, "scan-receipt", write_image("cup.png", photos["coffee"]))
    assert code == 1 and data == {"photo_number": None}


def test_unreadable_image_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"not a picture")
    assert main(["photo", "check", str(junk), "--json"]) == 2
    err = capsys.readouterr().err
    assert "不是可识别的图片" in err and "not a readable image" in err
    assert main(["photo", "check", str(tmp_path / "missing.jpg")]) == 2
