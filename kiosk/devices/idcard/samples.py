"""Made-up sample cards (``resources/samples/cards/*.json``) for the simulator, demo and tests.

A sample is an :class:`IdentityCard` in its JSON form. Its 1024-byte WLT photo is made from the
file name, so every sample has a stable, distinct photo hash.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from kiosk import resources
from kiosk.devices.errors import DeviceError
from kiosk.domain.identity import IdentityCard


def samples_dir() -> Path:
    return resources.path("samples", "cards")


def sample_names() -> list[str]:
    return sorted(p.stem for p in samples_dir().glob("*.json"))


def fake_wlt(seed: str) -> bytes:
    return hashlib.shake_256(f"wlt:{seed}".encode()).digest(1024)


def load(name_or_path: str | Path) -> IdentityCard:
    """A sample by name (``resident``) or a JSON file in the same shape."""
    path = Path(name_or_path)
    if path.suffix != ".json":
        path = samples_dir() / f"{name_or_path}.json"
    if not path.is_file():
        raise DeviceError(
            f"找不到样例证件 {name_or_path}(可用:{', '.join(sample_names())})",
            f"No sample card {name_or_path} (available: {', '.join(sample_names())})",
            code="no_such_sample",
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return IdentityCard.from_json(data, photo_wlt=fake_wlt(path.stem))
    except (ValueError, KeyError, TypeError) as exc:
        raise DeviceError(
            f"样例证件文件 {path} 格式不正确:{exc}",
            f"Sample card file {path} is not valid: {exc}",
            code="bad_sample",
        ) from None
