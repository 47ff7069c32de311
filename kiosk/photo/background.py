"""Is the background around the head plain, and if not, can the person be cut out of it?

The kiosk stands before a white backdrop, so usually the background only needs measuring. When it
is not plain, OpenCV GrabCut is seeded from the face box (face = person, far sides and above the
hair = background) and the result judged: the face must be kept whole, the space beside the head
must come out as background, and the head top must be found below the seeded limit. Only when
that fails is ``background`` reported.

GrabCut starts its colour models from k-means with random centres, so the same frame could be cut
well or badly depending on what last used OpenCV's random generator (one seed in two leaked beside
the head on a striped backdrop). Each attempt therefore starts from a fixed seed, and a cut judged
bad is tried again from the next: the same frame always gets the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

Face = tuple[int, int, int, int]

PLAIN_MIN_MEAN = 135.0  # a lit white backdrop reads 170-230 on webcams; grey studio cloth ~150
PLAIN_MAX_STD = 24.0
PLAIN_MAX_SATURATION = 45.0
SEED_ABOVE_BOX = 0.85  # rows higher than this (× box height) above the box are background
SEED_BESIDE = 1.05  # columns farther than this (× box width) from the face centre, beside the head
MAX_KEPT_AROUND_HEAD = 0.05  # clean cuts keep 0 %; a kept 30-px stripe kept 11 %
GRABCUT_SEEDS = (0, 1, 2)  # random-generator seeds tried in turn until a cut is judged good


@dataclass(frozen=True)
class BackgroundMeasure:
    mean: float
    std: float
    saturation: float

    @property
    def plain(self) -> bool:
        return (
            self.mean >= PLAIN_MIN_MEAN
            and self.std <= PLAIN_MAX_STD
            and self.saturation <= PLAIN_MAX_SATURATION
        )


def _head_ellipse_mask(
    shape: tuple[int, ...], face: tuple[float, float, float, float], grow: float = 1.0
) -> np.ndarray:
    x, y, w, h = face
    mask = np.zeros(shape, np.uint8)
    centre = (int(x + w / 2), int(y + 0.35 * h))
    axes = (int(0.72 * w * grow), int(0.98 * h * grow))
    cv2.ellipse(mask, centre, axes, 0, 0, 360, 255, -1)
    return mask


def measure_around_head(frame: np.ndarray, face: Face) -> BackgroundMeasure:
    """Brightness, evenness and colour of the band above and beside the head."""
    x, y, w, h = face
    fh, fw = frame.shape[:2]
    x0, x1 = max(0, int(x - 0.8 * w)), min(fw, int(x + 1.8 * w))
    y0, y1 = max(0, int(y - 0.9 * h)), min(fh, int(y + 0.5 * h))
    if x1 - x0 < 4 or y1 - y0 < 4:
        return BackgroundMeasure(0.0, 255.0, 255.0)
    region = np.zeros((fh, fw), np.uint8)
    region[y0:y1, x0:x1] = 255
    region[_head_ellipse_mask((fh, fw), face, grow=1.1) > 0] = 0
    if int(np.count_nonzero(region)) < 50:
        return BackgroundMeasure(0.0, 255.0, 255.0)
    gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    sat = cv2.cvtColor(frame, cv2.COLOR_BGR2HSV)[:, :, 1]
    mean, std = cv2.meanStdDev(gray, mask=region)
    return BackgroundMeasure(float(mean[0, 0]), float(std[0, 0]), float(cv2.mean(sat, region)[0]))


@dataclass
class Segmentation:
    """Person alpha (0..1) over the source rectangle ``box`` = (x0, y0, x1, y1)."""

    alpha: np.ndarray
    box: tuple[int, int, int, int]
    head_top_y: float | None
    good: bool
    reason: str


def segment_person(
    frame: np.ndarray,
    face: Face,
    box: tuple[int, int, int, int],
    work_width: int = 200,
    iterations: int = 4,
) -> Segmentation:
    """GrabCut the person out of ``frame[box]`` (seeded from the face box) and judge the cut."""
    bx0, by0, bx1, by1 = box
    sub = frame[by0:by1, bx0:bx1]
    k = min(1.0, work_width / max(sub.shape[1], 1))
    small = cv2.resize(sub, None, fx=k, fy=k, interpolation=cv2.INTER_AREA) if k < 1 else sub.copy()
    sh, sw = small.shape[:2]
    x, y, w, h = face
    fx, fy, fw_, fh_ = (x - bx0) * k, (y - by0) * k, w * k, h * k
    cx = fx + fw_ / 2
    seeds = np.full((sh, sw), cv2.GC_PR_BGD, np.uint8)
    cv2.ellipse(
        seeds,
        (int(cx), int(fy + 0.35 * fh_)),
        (int(0.7 * fw_), int(0.98 * fh_)),
        0,
        0,
        360,
        cv2.GC_PR_FGD,
        -1,
    )
    chin = fy + 1.05 * fh_
    body = np.array(
        [
            [cx - 0.45 * fw_, chin],
            [cx + 0.45 * fw_, chin],
            [cx + 1.3 * fw_, sh],
            [cx - 1.3 * fw_, sh],
        ],
        np.int32,
    )
    cv2.fillPoly(seeds, [body], cv2.GC_PR_FGD)
    inner = (int(fx + 0.2 * fw_), int(fy + 0.2 * fh_), int(fx + 0.8 * fw_), int(fy + 0.95 * fh_))
    seeds[inner[1] : inner[3], inner[0] : inner[2]] = cv2.GC_FGD
    top_limit = int(max(0.0, fy - SEED_ABOVE_BOX * fh_))
    seeds[:top_limit, :] = cv2.GC_BGD
    side_rows = slice(0, int(max(0.0, fy + 0.7 * fh_)))
    left, right = int(max(0.0, cx - SEED_BESIDE * fw_)), int(min(sw, cx + SEED_BESIDE * fw_))
    seeds[side_rows, :left] = cv2.GC_BGD
    seeds[side_rows, right:] = cv2.GC_BGD
    for seed in GRABCUT_SEEDS:
        try:
            person = _grabcut(small, seeds, iterations, seed, inner)
        except cv2.error:
            return Segmentation(
                np.ones(sub.shape[:2], np.float32), box, None, False, "grabcut_failed"
            )
        good, reason, top_small = _judge(person, (fx, fy, fw_, fh_), top_limit)
        if good:
            break
    alpha = cv2.resize(person, (sub.shape[1], sub.shape[0]), interpolation=cv2.INTER_LINEAR)
    alpha = cv2.GaussianBlur(alpha.astype(np.float32) / 255.0, (0, 0), max(1.0, 0.6 / k))
    head_top = None if top_small is None else by0 + top_small / k
    return Segmentation(alpha, box, head_top, good, reason)


def _grabcut(
    small: np.ndarray,
    seeds: np.ndarray,
    iterations: int,
    seed: int,
    inner: tuple[int, int, int, int],
) -> np.ndarray:
    """The person mask (255) from one GrabCut run started from random-generator ``seed``."""
    mask = seeds.copy()
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    cv2.setRNGSeed(seed)  # this thread's generator: the k-means start of the colour models
    cv2.grabCut(small, mask, None, bgd, fgd, iterations, cv2.GC_INIT_WITH_MASK)  # type: ignore[call-overload]
    person: np.ndarray = np.where((mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD), 255, 0).astype(
        np.uint8
    )
    person = _keep_face_component(person, inner)
    person = cv2.morphologyEx(
        person, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    )
    return cv2.erode(person, np.ones((3, 3), np.uint8))  # pull the edge in: no backdrop halo


def _keep_face_component(person: np.ndarray, inner: tuple[int, int, int, int]) -> np.ndarray:
    count, labels = cv2.connectedComponents(person)
    if count <= 2:
        return person
    face_labels = labels[inner[1] : inner[3], inner[0] : inner[2]]
    values, counts = np.unique(face_labels[face_labels > 0], return_counts=True)
    if len(values) == 0:
        return person
    keep = values[int(np.argmax(counts))]
    return np.where(labels == keep, 255, 0).astype(np.uint8)


def _judge(
    person: np.ndarray, face: tuple[float, float, float, float], top_limit: int
) -> tuple[bool, str, float | None]:
    fx, fy, fw, fh = face
    sh, sw = person.shape
    fg = person > 0
    face_rows = slice(int(max(0, fy)), int(min(sh, fy + fh)))
    face_cols = slice(int(max(0, fx + 0.15 * fw)), int(min(sw, fx + 0.85 * fw)))
    if fg[face_rows, face_cols].mean() < 0.85:
        return False, "face_lost", None
    # Beside the head, between the hair and the seeded background, should be mostly background.
    cx = fx + fw / 2
    rows = slice(int(max(0, fy - 0.3 * fh)), int(max(1, fy + 0.5 * fh)))
    lb = fg[rows, int(max(0, cx - 1.08 * fw)) : int(max(1, cx - 0.85 * fw))]
    rb = fg[rows, int(min(sw - 1, cx + 0.85 * fw)) : int(min(sw, cx + 1.08 * fw))]
    beside = max(float(lb.mean()) if lb.size else 0.0, float(rb.mean()) if rb.size else 0.0)
    if beside > 0.35 or _kept_around_head(fg, face, top_limit) > MAX_KEPT_AROUND_HEAD:
        return False, "leaks_beside_head", None
    band = fg[:, int(max(0, cx - 0.4 * fw)) : int(min(sw, cx + 0.4 * fw))]
    filled = np.flatnonzero(band.mean(axis=1) > 0.3)
    if len(filled) == 0:
        return False, "no_head_top", None
    top = float(filled[0])
    if top <= top_limit + 1:
        return False, "head_top_unclear", top
    return True, "ok", top


def _kept_around_head(
    fg: np.ndarray, face: tuple[float, float, float, float], top_limit: int
) -> float:
    """The share of "person" between the seeded background and a generous head outline, from
    the seeded limit above the hair down to the mouth: a clean cut keeps none of it, while a
    backdrop stripe kept with the person (joined to it through the shoulders) shows here even
    where it misses the narrow band the first test looks at."""
    fx, fy, fw, fh = face
    sw = fg.shape[1]
    cx = fx + fw / 2
    region = np.zeros(fg.shape, bool)
    region[
        int(max(0, top_limit)) : int(max(1, fy + 0.5 * fh)),
        int(max(0, cx - SEED_BESIDE * fw)) : int(min(sw, cx + SEED_BESIDE * fw)),
    ] = True
    region &= _head_ellipse_mask(fg.shape, face, grow=1.15) == 0
    return float(fg[region].mean()) if region.any() else 0.0


def head_top_on_plain(frame: np.ndarray, face: Face, measure: BackgroundMeasure) -> float | None:
    """On a plain backdrop: the first row above the face that differs from the backdrop."""
    x, y, w, h = face
    gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY).astype(np.float32)
    x0, x1 = max(0, int(x + 0.15 * w)), min(gray.shape[1], int(x + 0.85 * w))
    y0 = max(0, int(y - 1.0 * h))
    band = gray[y0 : max(y0 + 1, y), x0:x1]
    if band.size == 0:
        return None
    differs = (np.abs(band - measure.mean) > max(25.0, 2.5 * measure.std)).mean(axis=1) > 0.25
    rows = np.flatnonzero(differs)
    return float(y0 + rows[0]) if len(rows) else None
