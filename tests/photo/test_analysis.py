"""The ID-photo checks on real photographs: each bad one fails with the right code."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from kiosk.photo.analysis import PROBLEM_ORDER, PROBLEMS, Analyzer

ISSUE_CODES = {
    "no_face",
    "multiple_faces",
    "face_off_center",
    "face_too_small",
    "face_too_large",
    "eyes_not_found",
    "tilted",
    "blurry",
    "too_dark",
    "overexposed",
    "background",
}


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def test_every_issue_code_has_zh_and_en_instruction() -> None:
    assert set(PROBLEMS) == ISSUE_CODES == set(PROBLEM_ORDER)
    for code, message in PROBLEMS.items():
        assert message.code == code and message.zh and message.en
        assert message.zh != message.en


def test_frontal_portrait_passes(analyzer: Analyzer, photos: dict[str, np.ndarray]) -> None:
    result = analyzer.analyze(photos["astronaut"])
    assert result.ok, result.problems
    x, y, w, h = result.face
    assert 160 < x + w / 2 < 260 and 90 < y + h / 2 < 140  # her face, not the flag or the shuttle
    (lx, ly), (rx, ry) = result.eyes
    assert lx < rx and abs(ly - ry) < 10
    assert result.measures["background_plain"] is True


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("chelsea", "no_face"),
        ("coffee", "no_face"),
        ("two_faces", "multiple_faces"),
        ("dark", "too_dark"),
        ("blurred", "blurry"),
        ("overexposed", "overexposed"),
    ],
)
def test_bad_photos_fail_with_the_right_code(
    analyzer: Analyzer, photos: dict[str, np.ndarray], name: str, code: str
) -> None:
    result = analyzer.analyze(photos[name])
    assert not result.ok
    assert code in result.problems, result.problems
    assert result.first_problem is not None


def test_exposure_is_judged_without_a_face(
    analyzer: Analyzer, photos: dict[str, np.ndarray]
) -> None:
    dark_cup = (photos["coffee"] * 0.1).astype(np.uint8)
    assert analyzer.analyze(dark_cup).problems == ["too_dark", "no_face"]
    white_out = np.full((480, 640, 3), 254, np.uint8)
    assert analyzer.analyze(white_out).problems == ["overexposed", "no_face"]


def test_tilted_head(analyzer: Analyzer, astronaut: np.ndarray) -> None:
    centre = (223, 115)
    turned = cv2.warpAffine(
        astronaut,
        cv2.getRotationMatrix2D(centre, 14, 1.0),
        (512, 512),
        borderMode=cv2.BORDER_REPLICATE,
    )
    result = analyzer.analyze(turned)
    assert "tilted" in result.problems, result.measures


def test_too_far_and_too_close(analyzer: Analyzer, astronaut: np.ndarray) -> None:
    far = cv2.copyMakeBorder(astronaut, 0, 352, 320, 320, cv2.BORDER_REPLICATE)
    far = cv2.resize(far, (640, 480), interpolation=cv2.INTER_AREA)  # face ~60 px of 640
    assert analyzer.analyze(far).problems == ["face_too_small"]
    close = cv2.resize(astronaut[40:190, 123:323], (640, 480), interpolation=cv2.INTER_CUBIC)
    assert "face_too_large" in analyzer.analyze(close).problems


def test_off_centre(analyzer: Analyzer, astronaut: np.ndarray) -> None:
    wide = cv2.copyMakeBorder(astronaut, 0, 0, 0, 700, cv2.BORDER_REPLICATE)
    wide = cv2.resize(wide, (wide.shape[1] // 2, wide.shape[0] // 2), interpolation=cv2.INTER_AREA)
    result = analyzer.analyze(cv2.resize(wide, None, fx=1.6, fy=1.6))
    assert "face_off_center" in result.problems, result.measures


def test_covered_eyes_are_not_found(analyzer: Analyzer, astronaut: np.ndarray) -> None:
    covered = astronaut.copy()
    skin = covered[140:150, 215:235].reshape(-1, 3).mean(axis=0).astype(np.uint8)
    covered[98:112, 195:215] = skin  # both eyes painted over with cheek colour
    covered[98:112, 235:255] = skin
    assert analyzer.analyze(covered).problems == ["eyes_not_found"]
