"""The shapes every self-check shares."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from kiosk.config import Config


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    needed: bool = True  # False: reported, but the kiosk can serve without it

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Context:
    config: Config
    demo: bool


Check = Callable[[Context], "CheckResult | list[CheckResult]"]


def missing_part(name: str, module: str, exc: ImportError) -> CheckResult:
    """A part of the kiosk is not in this build (yet): fail, and say which part."""
    return CheckResult(
        name, False, f"本版本缺少该部件 / part missing from this build: {module} ({exc})"
    )
