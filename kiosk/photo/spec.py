"""Make the GA 461 spec photo from a frame: 358×441, white background, 350 dpi JPEG.

1. analyse the frame (any failed check except a recoverable off-centre stops here);
2. cut the person out (GrabCut seeded from the face box); on a plain backdrop whose cut is not
   clean the backdrop itself is lifted to white instead; otherwise ``background`` is reported;
3. place the crop from the real head top and the eyes (geometry.place) and warp it;
4. encode a JPEG at quality ≈70 with a 350 dpi JFIF header, nudging the quality until the file is
   inside the spec's size range.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
from PIL import Image

from kiosk.photo import background, geometry
from kiosk.photo.analysis import (
    MAX_BOTTOM_PADDING,
    MAX_SIDE_PADDING,
    Analysis,
    Analyzer,
    segmentation_box,
)
from kiosk.photo.geometry import PhotoSpec

WHITE = 255.0


@dataclass
class SpecPhoto:
    ok: bool
    problems: list[str]
    analysis: Analysis
    jpeg: bytes | None = None
    image: np.ndarray | None = None  # BGR 441×358, what the JPEG holds
    measures: dict[str, Any] = field(default_factory=dict)


def make_spec_photo(
    frame: np.ndarray, analyzer: Analyzer | None = None, analysis: Analysis | None = None
) -> SpecPhoto:
    """The spec photo, or the problem codes saying why none can be made from this frame."""
    analyzer = analyzer or Analyzer()
    spec = analyzer.spec
    if frame.ndim == 2:
        frame = cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
    analysis = analysis or analyzer.analyze(frame)
    blocking = [p for p in analysis.problems if p != "face_off_center"]
    if blocking or analysis.face is None:
        return SpecPhoto(False, list(analysis.problems), analysis)
    face = analysis.face
    fh, fw = frame.shape[:2]
    x, _y, w, _h = face
    eye_mid = _eye_mid(analysis)

    rough = geometry.place(x, w, eye_mid, geometry.estimated_head_top(face), spec)
    box = segmentation_box(rough, fw, fh)
    seg = background.segment_person(frame, face, box, work_width=240, iterations=5)
    measure = background.measure_around_head(frame, face)
    measures: dict[str, Any] = {"segmentation": seg.reason}
    if seg.good and seg.head_top_y is not None:
        alpha, head_top = seg.alpha, seg.head_top_y
        measures["background_method"] = "grabcut"
    elif measure.plain:
        alpha = _backdrop_alpha(frame, box, measure)
        head_top = background.head_top_on_plain(
            frame, face, measure
        ) or geometry.estimated_head_top(face)
        measures["background_method"] = "backdrop"
    else:
        return SpecPhoto(False, ["background"], analysis, measures=measures)

    placement = geometry.place(x, w, eye_mid, head_top, spec)
    outside = placement.outside(fw, fh)
    problems: list[str] = []
    if max(outside["left"], outside["right"]) > MAX_SIDE_PADDING:
        problems.append("face_off_center")
    if outside["bottom"] > MAX_BOTTOM_PADDING:
        problems.append("face_too_large")
    measures.update(_layout_measures(placement, face, eye_mid, head_top))
    if measures["face_width_px"] < spec.face_width_min * spec.width:
        problems.append("face_too_small")
    if problems:
        return SpecPhoto(False, problems, analysis, measures=measures)

    composed = _compose_on_white(frame, alpha, box)
    image = _warp(composed, placement)
    jpeg, quality = encode_jpeg(image, spec)
    measures.update(jpeg_quality=quality, bytes=len(jpeg))
    return SpecPhoto(True, [], analysis, jpeg, image, measures)


def _eye_mid(analysis: Analysis) -> tuple[float, float]:
    assert analysis.face is not None
    if analysis.eyes is None:
        return geometry.estimated_eye_mid(analysis.face)
    (lx, ly), (rx, ry) = analysis.eyes
    return (lx + rx) / 2, (ly + ry) / 2


def _layout_measures(
    p: geometry.Placement,
    face: tuple[int, int, int, int],
    eye_mid: tuple[float, float],
    head_top: float,
) -> dict[str, float]:
    eye_x, eye_y = p.to_output(*eye_mid)
    _, top = p.to_output(0, head_top)
    return {
        "face_width_px": round(float(face[2] * p.scale), 1),
        "head_top_px": round(float(top), 1),
        "eye_line_from_bottom_px": round(float(p.spec.height - eye_y), 1),
        "eye_mid_x_px": round(float(eye_x), 1),
        "scale": round(p.scale, 3),
    }


def _backdrop_alpha(
    frame: np.ndarray, box: tuple[int, int, int, int], measure: background.BackgroundMeasure
) -> np.ndarray:
    """Person alpha on a plain backdrop: backdrop-coloured regions touching the top or sides are 0."""
    x0, y0, x1, y1 = box
    gray = cv2.cvtColor(frame[y0:y1, x0:x1], cv2.COLOR_BGR2GRAY).astype(np.float32)
    near = (np.abs(gray - measure.mean) < max(18.0, 3.0 * measure.std)).astype(np.uint8)
    _count, labels = cv2.connectedComponents(near)
    edge = np.unique(np.concatenate([labels[0, :], labels[:, 0], labels[:, -1]]))
    backdrop = np.isin(labels, edge[edge > 0]) & (near > 0)
    person = np.where(backdrop, 0.0, 1.0).astype(np.float32)
    return cv2.GaussianBlur(person, (0, 0), 1.5)


def _compose_on_white(
    frame: np.ndarray, alpha: np.ndarray, box: tuple[int, int, int, int]
) -> np.ndarray:
    """The frame with everything but the person white (outside ``box`` is background by design)."""
    x0, y0, x1, y1 = box
    out = np.full(frame.shape, WHITE, np.float32)
    a = alpha[..., None]
    out[y0:y1, x0:x1] = frame[y0:y1, x0:x1].astype(np.float32) * a + WHITE * (1.0 - a)
    return out


def _warp(composed: np.ndarray, p: geometry.Placement) -> np.ndarray:
    src = composed
    if p.scale < 0.5:  # pre-smooth so a big downscale does not alias
        src = cv2.GaussianBlur(src, (0, 0), 0.4 / p.scale)
    matrix = np.array(p.affine(), np.float64)
    interp = cv2.INTER_CUBIC if p.scale > 1 else cv2.INTER_LINEAR
    out = cv2.warpAffine(
        src,
        matrix,
        (p.spec.width, p.spec.height),
        flags=interp,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(WHITE, WHITE, WHITE),
    )
    return np.clip(out, 0, 255).astype(np.uint8)


def encode_jpeg(image_bgr: np.ndarray, spec: PhotoSpec) -> tuple[bytes, int]:
    """JPEG with a 350 dpi JFIF header, quality from the spec's 70, moved to fit the size range."""
    pil = Image.fromarray(cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB))

    def encode(q: int) -> bytes:
        buf = io.BytesIO()
        pil.save(buf, "JPEG", quality=q, dpi=(spec.dpi, spec.dpi), optimize=True)
        return buf.getvalue()

    quality = spec.jpeg_quality
    data = encode(quality)
    while len(data) < spec.min_bytes and quality < 95:
        quality += 5
        data = encode(quality)
    while len(data) > spec.max_bytes and quality > 30:
        quality -= 5
        data = encode(quality)
    return data, quality
