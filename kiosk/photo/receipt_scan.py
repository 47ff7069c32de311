"""Read the 数码照相图像号 from the barcode or QR code on the applicant's photo receipt.

zxing-cpp finds 1-D and 2-D codes in any direction. A webcam image of a held-up receipt is often
soft, dim or small, so when the first pass finds nothing the frame is retried equalised,
sharpened and enlarged; OpenCV's QR detector is a last resort. The code's text is returned
verbatim: the receipt is the authority, whatever the configured typing pattern says.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np
import zxingcpp


@dataclass(frozen=True)
class ScannedCode:
    text: str
    format: str


def _variants(gray: np.ndarray) -> Iterator[np.ndarray]:
    yield gray
    yield cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(gray)
    blur = cv2.GaussianBlur(gray, (0, 0), 2.0)
    yield cv2.addWeighted(gray, 1.8, blur, -0.8, 0)  # unsharp mask
    if max(gray.shape) < 1600:
        yield cv2.resize(gray, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    yield cv2.adaptiveThreshold(
        cv2.medianBlur(gray, 3), 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, 31, 5
    )


def scan_codes(image: np.ndarray) -> list[ScannedCode]:
    """Every code found in the first image variant that yields any."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    gray = np.ascontiguousarray(gray)
    for variant in _variants(gray):
        found = zxingcpp.read_barcodes(variant, text_mode=zxingcpp.TextMode.Plain)
        codes = [ScannedCode(b.text, b.format.name) for b in found if b.valid and b.text]
        if codes:
            return codes
    text, _points, _ = cv2.QRCodeDetector().detectAndDecode(gray)
    return [ScannedCode(text, "QRCode")] if text else []


def scan_receipt(image: np.ndarray) -> str | None:
    """The photo number on a receipt, verbatim, or None. With several codes the largest wins
    (receipts may carry a small tracking code beside the number's own)."""
    codes = scan_codes(image)
    if not codes:
        return None
    return max(codes, key=lambda c: len(c.text)).text
