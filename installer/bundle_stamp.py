"""Print a fingerprint of everything that goes into the bundle.

``installer/build`` writes it to ``dist/kiosk/BUILD-STAMP``; the bundle test rebuilds only when
the fingerprint of the checkout differs (spec, build script, sources, resources, installed
packages), so a CI run builds once and a clean clone always builds.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
INPUTS = ("installer/kiosk.spec", "installer/build", "pyproject.toml")
TREES = ("kiosk", "resources")
SKIP_PARTS = {"__pycache__", ".mypy_cache", ".ruff_cache"}


def fingerprint(repo: Path = REPO) -> str:
    digest = hashlib.sha256()
    files = [repo / name for name in INPUTS]
    for tree in TREES:
        files += sorted(
            p
            for p in (repo / tree).rglob("*")
            if p.is_file() and not SKIP_PARTS.intersection(p.parts) and p.suffix != ".pyc"
        )
    for path in files:
        digest.update(str(path.relative_to(repo)).encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    # a set: with the repo on sys.path (pytest) our own egg-info is found a second time
    packages = sorted(
        {f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions()}
    )
    digest.update("\n".join(packages).encode())
    digest.update(sys.version.encode())
    return digest.hexdigest()


if __name__ == "__main__":
    print(fingerprint())
