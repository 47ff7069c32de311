"""Where the GA 461 spec photo's crop window falls in a camera frame.

GA 461-2004 (see docs/photo.md): 358×441 px at 350 dpi; face width 207 ± 14 px (another copy of
the spec says 179–255, so the range is configuration); hair top 7–21 px below the top edge; eye
line at least 207 px above the bottom edge; the point between the eyes 162–196 px from the left.

The crop is a scale plus a translation of the source frame: the face is scaled to the target
width, the head top is put at the target margin and the eye midpoint at the horizontal centre.
"""

from __future__ import annotations

from dataclasses import dataclass

# Haar boxes start near the eyebrows: hair usually adds about this share of the box height.
HEAD_TOP_ABOVE_BOX = 0.45
# Eye line as a share of the Haar box height, when the eye detector finds nothing.
EYE_LINE_IN_BOX = 0.40


@dataclass(frozen=True)
class PhotoSpec:
    """The output photo's rules (pixels of the 358×441 photo unless said otherwise)."""

    width: int = 358
    height: int = 441
    dpi: int = 350
    jpeg_quality: int = 70
    min_bytes: int = 14_000
    max_bytes: int = 40_000
    face_width_min: float = 0.50  # share of the photo width (config photo.face_width_min)
    face_width_max: float = 0.75  # (config photo.face_width_max)
    face_width_target_px: int = 207
    head_top_min: int = 7
    head_top_max: int = 21
    eye_line_from_bottom_min: int = 207
    eye_mid_x_min: int = 162
    eye_mid_x_max: int = 196

    @property
    def face_target_px(self) -> float:
        """GA 461's 207 px, kept inside the configured range."""
        lo, hi = self.face_width_min * self.width, self.face_width_max * self.width
        return min(max(float(self.face_width_target_px), lo), hi)

    @property
    def head_top_target(self) -> float:
        return (self.head_top_min + self.head_top_max) / 2

    @property
    def eye_line_max_y(self) -> float:
        return float(self.height - self.eye_line_from_bottom_min)

    @classmethod
    def from_config(cls, config: object) -> PhotoSpec:
        get = getattr(config, "get", None)
        if get is None:
            return cls()
        return cls(
            face_width_min=float(get("photo.face_width_min", 0.50)),
            face_width_max=float(get("photo.face_width_max", 0.75)),
        )


@dataclass(frozen=True)
class Placement:
    """Source-frame crop window: output pixel (u, v) comes from source (x0 + u/scale, y0 + v/scale)."""

    x0: float
    y0: float
    scale: float
    spec: PhotoSpec

    @property
    def width_src(self) -> float:
        return self.spec.width / self.scale

    @property
    def height_src(self) -> float:
        return self.spec.height / self.scale

    def to_output(self, x: float, y: float) -> tuple[float, float]:
        return (x - self.x0) * self.scale, (y - self.y0) * self.scale

    def outside(self, frame_w: int, frame_h: int) -> dict[str, float]:
        """How far the window sticks out of the frame on each side, as a share of its size."""
        w, h = self.width_src, self.height_src
        return {
            "left": max(0.0, -self.x0) / w,
            "right": max(0.0, self.x0 + w - frame_w) / w,
            "top": max(0.0, -self.y0) / h,
            "bottom": max(0.0, self.y0 + h - frame_h) / h,
        }

    def affine(self) -> list[list[float]]:
        """The 2×3 matrix for cv2.warpAffine (source → output)."""
        s = self.scale
        return [[s, 0.0, -self.x0 * s], [0.0, s, -self.y0 * s]]


def place(
    face_x: float,
    face_w: float,
    eye_mid: tuple[float, float],
    head_top_y: float,
    spec: PhotoSpec,
) -> Placement:
    """Scale the face to the target width, then fit head top and eye line to the spec.

    When hair is so tall that the eye line would fall below its limit, the scale is reduced
    just enough (the face gets narrower, which the face-width check then judges).
    """
    scale = spec.face_target_px / face_w
    eye_x, eye_y = eye_mid
    head_to_eyes = max(eye_y - head_top_y, 1.0)
    room = spec.eye_line_max_y - spec.head_top_target
    if head_to_eyes * scale > room:
        scale = room / head_to_eyes
    # Centre on the eyes, but keep the face box centred if the eyes are off (turned head).
    centre_x = 0.5 * eye_x + 0.5 * (face_x + face_w / 2)
    x0 = centre_x - (spec.width / 2) / scale
    y0 = head_top_y - spec.head_top_target / scale
    return Placement(x0=x0, y0=y0, scale=scale, spec=spec)


def estimated_eye_mid(face: tuple[int, int, int, int]) -> tuple[float, float]:
    x, y, w, h = face
    return x + w / 2, y + EYE_LINE_IN_BOX * h


def estimated_head_top(face: tuple[int, int, int, int]) -> float:
    _x, y, _w, h = face
    return y - HEAD_TOP_ABOVE_BOX * h
