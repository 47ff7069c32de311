"""A code made from a known number, then rotated, noised and warped, scans back verbatim."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import zxingcpp

from kiosk.photo.receipt_scan import scan_receipt


def code_image(text: str, fmt: zxingcpp.BarcodeFormat, size: int = 260) -> np.ndarray:
    image = np.array(
        zxingcpp.write_barcode_to_image(zxingcpp.create_barcode(text, fmt), size_hint=size)
    )
    return cv2.copyMakeBorder(image, 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=255)


def as_webcam_shot(code: np.ndarray, angle: float, seed: int) -> np.ndarray:
    """Put the code on a grey desk at ``angle``, tilt it in perspective, add sensor noise."""
    rng = np.random.default_rng(seed)
    scene = np.full((480, 640), 150, np.uint8)
    h, w = code.shape
    y, x = (480 - h) // 2, (640 - w) // 2
    scene[y : y + h, x : x + w] = code
    scene = cv2.warpAffine(
        scene, cv2.getRotationMatrix2D((320, 240), angle, 0.9), (640, 480), borderValue=150
    )
    src = np.float32([[0, 0], [640, 0], [640, 480], [0, 480]])
    dst = np.float32([[40, 20], [600, 50], [620, 450], [10, 470]])
    scene = cv2.warpPerspective(
        scene, cv2.getPerspectiveTransform(src, dst), (640, 480), borderValue=150
    )
    noisy = scene.astype(np.float32) + rng.normal(0, 18, scene.shape)
    noisy = cv2.GaussianBlur(np.clip(noisy, 0, 255).astype(np.uint8), (3, 3), 0.8)
    return cv2.cvtColor(noisy, cv2.COLOR_GRAY2BGR)


@pytest.mark.parametrize("angle", [17.0, 95.0, -140.0])
def test_qr_scans_back(angle: float) -> None:
    number = "44030020261126000123"
    shot = as_webcam_shot(
        code_image(number, zxingcpp.BarcodeFormat.QRCode), angle, seed=abs(int(angle))
    )
    assert scan_receipt(shot) == number


def test_barcode_scans_back_verbatim() -> None:
    text = "gd-2026/ab 0001"  # whatever the receipt says, even off the typing pattern
    code = code_image(text, zxingcpp.BarcodeFormat.Code128, 480)
    shot = as_webcam_shot(cv2.resize(code, (560, 200)), 8.0, seed=3)
    assert scan_receipt(shot) == text


def test_no_code_is_none(photos: dict[str, np.ndarray]) -> None:
    assert scan_receipt(photos["coffee"]) is None
