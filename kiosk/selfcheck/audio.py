"""The voice: espeak-ng renders a prompt, and Qt finds a device to play it on — or the kiosk
runs silent, which is fine (many counters have no speakers): ``audio`` stays ok and says so."""

from __future__ import annotations

import tempfile
import wave
from pathlib import Path

from kiosk.selfcheck.base import CheckResult, Context, missing_part

PROBE_TEXT = "请插入身份证"


def check_audio(ctx: Context) -> list[CheckResult]:
    return [_engine(), _device()]


def _engine() -> CheckResult:
    """A real render of a Mandarin prompt (through pinyin). Not needed to serve: without it the
    kiosk runs silent, but the build is then missing a part, so it is reported failed."""
    try:
        from kiosk.voice import espeak, speech
    except ImportError as exc:
        return missing_part("voice.engine", "kiosk.voice", exc)
    try:
        engine = espeak.find()
        said = speech.utterance(PROBE_TEXT, "zh")
        with tempfile.TemporaryDirectory(prefix="kiosk-voice-") as folder:
            out = Path(folder) / "probe.wav"
            engine.render(said.text, said.voice, out, said.rate)
            with wave.open(str(out), "rb") as wav:
                seconds = wav.getnframes() / wav.getframerate()
    except (espeak.VoiceMissing, OSError, wave.Error) as exc:
        return CheckResult(
            "voice.engine", False, f"语音引擎不可用，终端将无声运行 / speech engine: {exc}", False
        )
    if seconds <= 0:
        return CheckResult(
            "voice.engine", False, "语音引擎输出为空 / espeak-ng wrote no audio", False
        )
    return CheckResult(
        "voice.engine",
        True,
        f"语音引擎可用 / espeak-ng {engine.version}, {said.voice}: {seconds:.1f} s test prompt",
        False,
    )


def _device() -> CheckResult:
    try:
        from kiosk.voice import qt_bridge
    except ImportError as exc:
        return missing_part("audio", "kiosk.voice.qt_bridge (QtMultimedia)", exc)
    outputs = qt_bridge.audio_outputs()
    if not outputs:
        return CheckResult(
            "audio", True, "无音频输出设备：终端无声运行 / no audio device: runs silent"
        )
    return CheckResult("audio", True, f"音频输出 / audio output: {outputs[0]}")
