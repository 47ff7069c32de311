"""A thin ctypes binding to Zinnia (libzinnia, BSD licence), the online handwriting recogniser,
and where its library and the Simplified Chinese model are found.

Debian ships the library (``libzinnia0``) and the model (``tegaki-zinnia-simplified-chinese``,
LGPL-2.1+) but no Python 3 binding, and a virtual environment cannot see Debian's Python packages,
so the C API is called directly. The frozen bundle carries both files (installer/kiosk.spec).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path

MODEL_NAME = "handwriting-zh_CN.model"
SYSTEM_MODEL = Path("/usr/share/tegaki/models/zinnia") / MODEL_NAME


class ZinniaMissing(RuntimeError):
    """The library or the model is not installed: handwriting is unavailable, say why."""


def _bundle_dir() -> Path | None:
    frozen = getattr(sys, "_MEIPASS", None)
    return Path(frozen) / "zinnia" if frozen else None


def model_path() -> Path:
    bundled = _bundle_dir()
    for candidate in ([bundled / MODEL_NAME] if bundled else []) + [SYSTEM_MODEL]:
        if candidate.is_file():
            return candidate
    raise ZinniaMissing(
        f"handwriting model {MODEL_NAME} not found (tegaki-zinnia-simplified-chinese)"
    )


@cache
def library() -> ctypes.CDLL:
    names = []
    bundled = _bundle_dir()
    if bundled:
        names += [str(bundled / n) for n in ("libzinnia.so.0", "zinnia.dll", "libzinnia.dll")]
    names += [ctypes.util.find_library("zinnia") or "", "libzinnia.so.0"]
    for name in filter(None, names):
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        _declare(lib)
        return lib
    raise ZinniaMissing("libzinnia not found (Debian package libzinnia0)")


def _declare(lib: ctypes.CDLL) -> None:
    p, c_int, c_size, c_char_p, c_float = (
        ctypes.c_void_p,
        ctypes.c_int,
        ctypes.c_size_t,
        ctypes.c_char_p,
        ctypes.c_float,
    )
    for name, restype, argtypes in (
        ("zinnia_recognizer_new", p, []),
        ("zinnia_recognizer_destroy", None, [p]),
        ("zinnia_recognizer_open", c_int, [p, c_char_p]),
        ("zinnia_recognizer_strerror", c_char_p, [p]),
        ("zinnia_recognizer_classify", p, [p, p, c_size]),
        ("zinnia_character_new", p, []),
        ("zinnia_character_destroy", None, [p]),
        ("zinnia_character_clear", None, [p]),
        ("zinnia_character_set_width", None, [p, c_size]),
        ("zinnia_character_set_height", None, [p, c_size]),
        ("zinnia_character_add", c_int, [p, c_size, c_int, c_int]),
        ("zinnia_result_value", c_char_p, [p, c_size]),
        ("zinnia_result_score", c_float, [p, c_size]),
        ("zinnia_result_size", c_size, [p]),
        ("zinnia_result_destroy", None, [p]),
    ):
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes


class Recognizer:
    """One opened model. ``classify`` is serialised: one Zinnia character buffer is reused."""

    def __init__(self, model: Path | None = None) -> None:
        self._lib = library()
        path = model or model_path()
        self._recognizer = self._lib.zinnia_recognizer_new()
        if not self._lib.zinnia_recognizer_open(self._recognizer, str(path).encode()):
            error = self._lib.zinnia_recognizer_strerror(self._recognizer) or b""
            self._lib.zinnia_recognizer_destroy(self._recognizer)
            raise ZinniaMissing(f"cannot open {path}: {error.decode(errors='replace')}")
        self._character = self._lib.zinnia_character_new()
        self._lock = threading.Lock()

    def classify(
        self, strokes: Sequence[Sequence[tuple[int, int]]], size: int, nbest: int
    ) -> list[tuple[str, float]]:
        """``strokes`` in a ``size``×``size`` box (integers, y down): (character, score), best first."""
        lib = self._lib
        with self._lock:
            lib.zinnia_character_clear(self._character)
            lib.zinnia_character_set_width(self._character, size)
            lib.zinnia_character_set_height(self._character, size)
            for index, stroke in enumerate(strokes):
                for x, y in stroke:
                    lib.zinnia_character_add(self._character, index, int(x), int(y))
            result = lib.zinnia_recognizer_classify(self._recognizer, self._character, nbest)
            if not result:
                return []
            try:
                return [
                    (
                        lib.zinnia_result_value(result, i).decode(),
                        lib.zinnia_result_score(result, i),
                    )
                    for i in range(lib.zinnia_result_size(result))
                ]
            finally:
                lib.zinnia_result_destroy(result)

    def close(self) -> None:
        with self._lock:
            if self._recognizer:
                self._lib.zinnia_character_destroy(self._character)
                self._lib.zinnia_recognizer_destroy(self._recognizer)
                self._recognizer = None
