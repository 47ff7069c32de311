"""Real photographs nobody here made (scikit-image's sample data, public domain / CC0)."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import pytest
import skimage.data


def _bgr(rgb: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))


@pytest.fixture(scope="session")
def astronaut() -> np.ndarray:
    return _bgr(skimage.data.astronaut())


@pytest.fixture(scope="session")
def photos(astronaut: np.ndarray) -> dict[str, np.ndarray]:
    """The issue's set: a frontal portrait, a cat, a cup, two faces, a dark and a blurred copy."""
    return {
        "astronaut": astronaut,
        "chelsea": _bgr(skimage.data.chelsea()),
        "coffee": _bgr(skimage.data.coffee()),
        "two_faces": np.hstack([astronaut, cv2.flip(astronaut, 1)]),
        "dark": (astronaut.astype(np.float32) * 0.12).astype(np.uint8),
        "blurred": cv2.GaussianBlur(astronaut, (0, 0), 6),
        "overexposed": np.clip(astronaut.astype(np.float32) * 2.2 + 40, 0, 255).astype(np.uint8),
    }


@pytest.fixture(scope="session")
def write_image(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, np.ndarray], str]:
    folder = tmp_path_factory.mktemp("images")

    def write(name: str, image: np.ndarray) -> str:
        path = folder / name
        assert cv2.imwrite(str(path), image)
        return str(path)

    return write
