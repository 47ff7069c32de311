"""espeak-ng, the offline speech engine (GPL-3.0-or-later), run as a program that writes a WAV.

Found in the frozen bundle (``espeak-ng/`` beside the modules, with its ``espeak-ng-data``) or on
PATH (Debian package ``espeak-ng``; Windows: the espeak-ng MSI's ``espeak-ng.exe``). Rendering a
prompt takes about 15 ms, so it runs per prompt, off the GUI thread (``qt_bridge``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TIMEOUT = 10.0  # seconds; a prompt renders in milliseconds, a hung engine must not hang a worker


class VoiceMissing(RuntimeError):
    """espeak-ng is not installed or cannot run: the kiosk runs silent; the message says why."""


@dataclass(frozen=True)
class Espeak:
    executable: Path
    data_parent: Path | None = None  # the folder holding espeak-ng-data (bundle), else built in

    def _command(self, *args: str) -> list[str]:
        command = [str(self.executable)]
        if self.data_parent is not None:
            command.append(f"--path={self.data_parent}")
        return command + list(args)

    def _run(self, *args: str, stdin: str | None = None) -> str:
        try:
            done = subprocess.run(
                self._command(*args),
                input=stdin,
                capture_output=True,
                text=True,
                encoding="utf-8",
                timeout=TIMEOUT,
                check=False,
                # Windows: no console window flashing up over the kiosk for each prompt
                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise VoiceMissing(f"espeak-ng did not run: {exc}") from None
        if done.returncode != 0:
            raise VoiceMissing(f"espeak-ng failed ({done.returncode}): {done.stderr.strip()[:200]}")
        return done.stdout

    @property
    def version(self) -> str:
        return _version(self)

    def voices(self) -> frozenset[str]:
        return _voices(self)

    def render(self, text: str, voice: str, out: Path, rate: int) -> None:
        """Speak ``text`` with ``voice`` into ``out`` (16-bit mono PCM WAV), replacing it whole."""
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=".render-", suffix=".wav")
        os.close(fd)
        try:
            self._run("-v", voice, "-s", str(rate), "-w", tmp, "--stdin", stdin=text)
            os.replace(tmp, out)  # a reader never sees half a file
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)


@cache
def _version(engine: Espeak) -> str:
    match = re.search(r"text-to-speech:\s*(\S+)", engine._run("--version"))
    return match.group(1) if match else "unknown"


@cache
def _voices(engine: Espeak) -> frozenset[str]:
    # columns: Pty Language Age/Gender VoiceName File (OtherLanguage priority)...; a voice is
    # chosen by its language ("en-gb"), file name ("cmn-Latn-pinyin") or other language ("en")
    names: set[str] = set()
    for line in engine._run("--voices").splitlines()[1:]:
        fields = line.split()
        if len(fields) >= 5:
            names.update((fields[1], fields[4].rsplit("/", 1)[-1].lower()))
            names.update(f.lstrip("(") for f in fields[5:] if f.startswith("("))
    return frozenset(names)


def find() -> Espeak:
    """The bundled engine when frozen, else the one on PATH."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        folder = Path(frozen) / "espeak-ng"
        for name in ("espeak-ng.exe", "espeak-ng"):
            if (folder / name).is_file():
                return Espeak(folder / name, folder)
    found = shutil.which("espeak-ng")
    if found:
        return Espeak(Path(found))
    raise VoiceMissing("espeak-ng not found (Debian package espeak-ng)")
