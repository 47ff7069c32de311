"""ID-photo checks on one frame: each failed check is a problem code with a zh/en instruction.

Faces and eyes come from the Haar cascades shipped inside opencv-python-headless (nothing is
downloaded). Faces are searched on a copy at most ``DETECT_SIDE`` px wide for speed; eyes,
sharpness and exposure are measured on the full-resolution face. Exposure is judged even when no
face is found, on the whole frame.

An :class:`Analyzer` holds its own cascades: create one per thread (OpenCV's classifiers are not
meant to be shared between threads).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from kiosk.domain.messages import Message
from kiosk.photo import background, geometry
from kiosk.photo.geometry import PhotoSpec

Face = tuple[int, int, int, int]

PROBLEMS: dict[str, Message] = {
    m.code: m
    for m in (
        Message("too_dark", "光线太暗，请面向灯光", "Too dark: please face the light"),
        Message("overexposed", "光线太强，请避开强光", "Too bright: please move out of the glare"),
        Message(
            "no_face",
            "请正对镜头，让脸出现在画面中",
            "Please face the camera so we can see your face",
        ),
        Message("multiple_faces", "画面中只能有您一个人", "Only you may be in the picture"),
        Message("face_too_small", "请靠近一些", "Please come a little closer"),
        Message("face_too_large", "请后退一些", "Please move back a little"),
        Message("face_off_center", "请移到画面中间", "Please move to the middle of the picture"),
        Message("tilted", "请把头摆正", "Please hold your head straight"),
        Message(
            "eyes_not_found",
            "请睁开双眼，不要让头发或眼镜反光遮住眼睛",
            "Please open your eyes; keep hair and glare off them",
        ),
        Message("blurry", "画面模糊，请保持不动", "The picture is blurred: please hold still"),
        Message("background", "请站到白色背景前", "Please stand in front of the white backdrop"),
    )
}
PROBLEM_ORDER = tuple(PROBLEMS)  # the first problem found is the one the applicant is told

DETECT_SIDE = 400  # still images; live preview uses 320 (faces there are at least 14 % wide)
LIVE_DETECT_SIDE = 320
EYE_WORK_WIDTH = 120.0
MIN_FACE_SHARE = 0.14  # face narrower than this share of the frame width: too far away
MIN_FACE_PX = 80  # ...or than this many pixels (the photo would be an upscaled smear)
MAX_FACE_SHARE = 0.60  # wider: too close
OTHER_FACE_SHARE = 0.6  # another face counts when at least this share of the main face's width
MAX_OFF_CENTRE = 0.18  # face centre from frame centre, share of frame width
MAX_SIDE_PADDING = 0.04  # crop window may stick out of the frame sideways by this share
MAX_BOTTOM_PADDING = 0.08
MAX_TILT_DEG = 8.0
MIN_SHARPNESS = 35.0  # Laplacian variance of the face scaled to the spec's face width
MIN_FACE_LUMA, MAX_FACE_LUMA, MAX_FACE_CLIPPED = 70.0, 215.0, 0.06
MIN_FRAME_LUMA, MAX_FRAME_LUMA, MAX_FRAME_CLIPPED = 45.0, 230.0, 0.40


@dataclass
class Analysis:
    problems: list[str]
    face: Face | None
    eyes: tuple[tuple[float, float], tuple[float, float]] | None
    measures: dict[str, Any] = field(default_factory=dict)
    frame_size: tuple[int, int] = (0, 0)  # (width, height)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_problem(self) -> Message | None:
        return PROBLEMS[self.problems[0]] if self.problems else None

    def messages(self) -> list[Message]:
        return [PROBLEMS[code] for code in self.problems]

    def face_json(self) -> dict[str, int] | None:
        if self.face is None:
            return None
        x, y, w, h = self.face
        return {"x": int(x), "y": int(y), "w": int(w), "h": int(h)}

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "problems": list(self.problems),
            "face": self.face_json(),
            "measures": dict(self.measures),
        }


def _ordered(codes: set[str]) -> list[str]:
    return [c for c in PROBLEM_ORDER if c in codes]


class Analyzer:
    """Runs every check on a BGR frame. ``judge_background_every`` lets live preview reuse the
    (slower) GrabCut verdict for a few frames; a still image is always judged afresh."""

    def __init__(
        self,
        spec: PhotoSpec | None = None,
        judge_background_every: int = 1,
        detect_side: int = DETECT_SIDE,
    ):
        base = cv2.data.haarcascades  # type: ignore[attr-defined]
        self.spec = spec or PhotoSpec()
        self._faces = cv2.CascadeClassifier(base + "haarcascade_frontalface_default.xml")
        self._eyes = cv2.CascadeClassifier(base + "haarcascade_eye_tree_eyeglasses.xml")
        if self._faces.empty() or self._eyes.empty():
            raise RuntimeError(
                "OpenCV Haar cascades missing from the opencv-python-headless install"
            )
        self._every = max(1, judge_background_every)
        self.detect_side = detect_side
        # a finer scale pyramid for stills (small faces); a coarser one keeps live analysis fast
        self.scale_factor = 1.12 if detect_side >= DETECT_SIDE else 1.15
        self._bg_count = 0
        self._bg_cached: bool | None = None

    # -- detection ---------------------------------------------------------------------------
    def detect_faces(self, gray: np.ndarray) -> list[Face]:
        h, w = gray.shape
        k = min(1.0, self.detect_side / max(w, h))
        small = cv2.resize(gray, None, fx=k, fy=k, interpolation=cv2.INTER_AREA) if k < 1 else gray
        small = cv2.equalizeHist(small)
        min_side = max(24, int(0.08 * min(small.shape)))
        found = self._faces.detectMultiScale(
            small, scaleFactor=self.scale_factor, minNeighbors=5, minSize=(min_side, min_side)
        )
        faces = [tuple(round(v / k) for v in f) for f in found]
        return sorted(faces, key=lambda f: f[2], reverse=True)

    def detect_eyes(
        self, gray: np.ndarray, face: Face
    ) -> tuple[tuple[float, float], tuple[float, float]] | None:
        """The best eye in each half of the face's upper part, left then right (image coordinates)."""
        x, y, w, h = face
        top = gray[y + int(0.18 * h) : y + int(0.60 * h), x : x + w]
        if top.size == 0:
            return None
        k = EYE_WORK_WIDTH / w
        top = cv2.equalizeHist(
            cv2.resize(
                top, None, fx=k, fy=k, interpolation=cv2.INTER_AREA if k < 1 else cv2.INTER_LINEAR
            )
        )
        found = self._eyes.detectMultiScale(
            top, scaleFactor=1.1, minNeighbors=4, minSize=(14, 14), maxSize=(52, 52)
        )
        half = top.shape[1] / 2
        best: dict[str, tuple[float, float, float]] = {}
        for ex, ey, ew, eh in found:
            cx, cy = ex + ew / 2, ey + eh / 2
            side = "left" if cx < half else "right"
            if abs(cx - half) < 0.12 * top.shape[1]:
                continue  # a nose bridge, not an eye
            if side not in best or ew > best[side][2]:
                best[side] = (cx, cy, ew)
        if len(best) < 2:
            return None
        y_off = y + int(0.18 * h)

        def to_image(p: tuple[float, float, float]) -> tuple[float, float]:
            return x + p[0] / k, y_off + p[1] / k

        return to_image(best["left"]), to_image(best["right"])

    # -- the checks ----------------------------------------------------------------------------
    def analyze(self, frame: np.ndarray) -> Analysis:
        if frame.ndim == 2:
            frame = cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
        fh, fw = frame.shape[:2]
        gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        measures: dict[str, Any] = {}
        problems: set[str] = set()

        frame_luma = float(gray.mean())
        frame_clipped = float(np.count_nonzero(gray >= 250)) / gray.size
        measures.update(frame_luma=round(frame_luma, 1), frame_clipped=round(frame_clipped, 3))

        faces = self.detect_faces(gray)
        main = faces[0] if faces else None
        others = [f for f in faces[1:] if main and f[2] >= OTHER_FACE_SHARE * main[2]]
        measures["faces"] = 1 + len(others) if main else 0
        if main is None:
            if frame_luma < MIN_FRAME_LUMA:
                problems.add("too_dark")
            elif frame_luma > MAX_FRAME_LUMA or frame_clipped > MAX_FRAME_CLIPPED:
                problems.add("overexposed")
            problems.add("no_face")
            return Analysis(_ordered(problems), None, None, measures, (fw, fh))
        if others:
            problems.add("multiple_faces")

        x, y, w, h = main
        face_gray = gray[y : y + h, x : x + w]
        inner = face_gray[int(0.15 * h) : int(0.9 * h), int(0.2 * w) : int(0.8 * w)]
        face_luma = float(inner.mean()) if inner.size else frame_luma
        face_clipped = float(np.count_nonzero(inner >= 250)) / max(inner.size, 1)
        measures.update(face_luma=round(face_luma, 1), face_clipped=round(face_clipped, 3))
        if face_luma < MIN_FACE_LUMA:
            problems.add("too_dark")
        elif face_luma > MAX_FACE_LUMA or face_clipped > MAX_FACE_CLIPPED:
            problems.add("overexposed")

        sharp = _sharpness(face_gray, self.spec.face_target_px / w)
        measures["sharpness"] = round(sharp, 1)
        if sharp < MIN_SHARPNESS and "too_dark" not in problems:
            problems.add("blurry")

        eyes = self.detect_eyes(gray, main)
        if eyes is None:
            problems.add("eyes_not_found")
            eye_mid = geometry.estimated_eye_mid(main)
        else:
            (lx, ly), (rx, ry) = eyes
            tilt = math.degrees(math.atan2(ry - ly, rx - lx))
            measures["tilt_deg"] = round(tilt, 1)
            if abs(tilt) > MAX_TILT_DEG:
                problems.add("tilted")
            eye_mid = ((lx + rx) / 2, (ly + ry) / 2)

        problems |= self._size_and_position(main, eye_mid, fw, fh, measures)

        bg = background.measure_around_head(frame, main)
        measures.update(
            background_luma=round(bg.mean, 1),
            background_std=round(bg.std, 1),
            background_plain=bg.plain,
        )
        if not bg.plain and not self._background_can_be_replaced(frame, main, eye_mid):
            problems.add("background")
        return Analysis(_ordered(problems), main, eyes, measures, (fw, fh))

    def _size_and_position(
        self, face: Face, eye_mid: tuple[float, float], fw: int, fh: int, measures: dict[str, Any]
    ) -> set[str]:
        x, _y, w, _h = face
        problems: set[str] = set()
        share = w / fw
        off = (x + w / 2 - fw / 2) / fw
        measures.update(face_share=round(share, 3), off_centre=round(off, 3))
        if share < MIN_FACE_SHARE or w < MIN_FACE_PX:
            problems.add("face_too_small")
        elif share > MAX_FACE_SHARE:
            problems.add("face_too_large")
        placement = geometry.place(x, w, eye_mid, geometry.estimated_head_top(face), self.spec)
        outside = placement.outside(fw, fh)
        face_px = w * placement.scale
        measures["photo_face_width_px"] = round(face_px, 1)
        if face_px < self.spec.face_width_min * self.spec.width:
            problems.add("face_too_large" if share > MAX_FACE_SHARE / 2 else "face_too_small")
        if abs(off) > MAX_OFF_CENTRE or max(outside["left"], outside["right"]) > MAX_SIDE_PADDING:
            problems.add("face_off_center")
        if outside["bottom"] > MAX_BOTTOM_PADDING and "face_too_small" not in problems:
            problems.add("face_too_large" if share > 0.35 else "face_off_center")
        return problems

    def _background_can_be_replaced(
        self, frame: np.ndarray, face: Face, eye_mid: tuple[float, float]
    ) -> bool:
        self._bg_count += 1
        if self._bg_cached is not None and self._bg_count % self._every != 0:
            return self._bg_cached
        x, _y, w, _h = face
        placement = geometry.place(x, w, eye_mid, geometry.estimated_head_top(face), self.spec)
        box = segmentation_box(placement, frame.shape[1], frame.shape[0])
        seg = background.segment_person(
            frame, face, box, work_width=120 if self._every > 1 else 200
        )
        self._bg_cached = seg.good
        return seg.good


def segmentation_box(placement: geometry.Placement, fw: int, fh: int) -> tuple[int, int, int, int]:
    """The crop window plus a margin, and never narrower than 1.6 face widths each side of the
    face: GrabCut is seeded with sure background beside the head, which must lie inside."""
    spec = placement.spec
    half = max(0.65 * placement.width_src, 1.6 * spec.face_target_px / placement.scale)
    cx = placement.x0 + placement.width_src / 2
    my = 0.08 * placement.height_src
    x0 = int(max(0, cx - half))
    y0 = int(max(0, placement.y0 - my))
    x1 = int(min(fw, cx + half))
    y1 = int(min(fh, placement.y0 + placement.height_src + my))
    return x0, y0, max(x1, x0 + 2), max(y1, y0 + 2)


def _sharpness(gray: np.ndarray, scale: float) -> float:
    """Laplacian variance at the scale the face will have in the photo (noise pre-smoothed)."""
    if gray.size == 0:
        return 0.0
    scale = min(scale, 1.0) if scale > 0 else 1.0
    img = (
        cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        if scale < 1
        else gray
    )
    img = cv2.GaussianBlur(img, (3, 3), 0)
    return float(cv2.Laplacian(img, cv2.CV_64F).var())
