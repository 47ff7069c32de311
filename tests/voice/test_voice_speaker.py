"""The speaker's rules (say, repeat, mute for the visit, stop at the wipe) and the Qt output."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from kiosk.config import Config
from kiosk.selfcheck import Context
from kiosk.selfcheck.audio import check_audio
from kiosk.voice import espeak, qt_bridge
from kiosk.voice.cache import PromptCache
from kiosk.voice.speaker import RecordingOutput, Speaker


def test_say_repeat_mute_wipe() -> None:
    out = RecordingOutput()
    speaker = Speaker(out)
    heard: list[str] = []
    speaker.listeners.append(lambda spoken: heard.append(spoken.text))
    speaker.say("请插入身份证", "zh")
    speaker.repeat()
    assert out.played == [("请插入身份证", "zh")] * 2
    speaker.set_muted(True)
    speaker.say("请输入手机号码", "zh")
    assert out.played == [("请插入身份证", "zh")] * 2 and out.stops == 1
    assert heard == ["请插入身份证", "请输入手机号码"]  # muted: still recorded, not played
    speaker.wipe()
    assert out.stops == 2 and speaker.last is None and not speaker.muted
    speaker.repeat()  # nothing to repeat after the wipe
    speaker.say("Welcome", "en")
    assert out.played[-1] == ("Welcome", "en")
    with pytest.raises(ValueError):
        speaker.say("Bonjour", "fr")


class _ThreadNotingCache(PromptCache):
    """The real cache and engine; notes which thread each render ran on."""

    threads: list[str]

    def render(self, text: str, lang: str) -> Path:
        self.threads.append(threading.current_thread().name)
        return super().render(text, lang)


class _RecordingQtOutput(qt_bridge.QtSpeechOutput):
    """The real renderer and thread hand-off; the last step (QSoundEffect.play) recorded, since
    this machine has no audio device to play to."""

    def __init__(self, cache: PromptCache) -> None:
        super().__init__(lambda: cache)
        self.silent_reason = None
        self.started: list[tuple[str, str]] = []

    def _on_rendered(self, generation: int, path: str) -> None:
        if generation == self._generation:
            self.started.append((path, threading.current_thread().name))


@pytest.mark.gui
def test_qt_output_renders_off_the_gui_thread(qtbot, tmp_path: Path) -> None:
    cache = _ThreadNotingCache(espeak.find(), tmp_path / "voice")
    cache.threads = []
    output = _RecordingQtOutput(cache)
    started = time.perf_counter()
    output.play("您好，欢迎使用自助终端", "zh")
    assert time.perf_counter() - started < 0.1  # returns at once (rendering takes longer)
    qtbot.waitUntil(lambda: bool(output.started), timeout=5000)
    path, thread = output.started[0]
    assert Path(path).is_file() and thread == threading.main_thread().name  # played on the GUI
    assert cache.threads and threading.main_thread().name not in cache.threads  # rendered off it

    output.play("第二句", "zh")
    output.stop()  # the wipe: what was still rendering is never played
    output._pool.submit(lambda: None).result(timeout=10)  # the worker is done with it
    qtbot.wait(100)  # and its queued answer, if any, has been delivered
    assert len(output.started) == 1
    output.shutdown()


@pytest.mark.gui
def test_without_a_device_it_runs_silent(qtbot, tmp_path: Path) -> None:
    devices = qt_bridge.audio_outputs()
    output = qt_bridge.QtSpeechOutput(lambda: PromptCache(espeak.find(), tmp_path / "voice"))
    assert (output.silent_reason is None) == bool(devices)
    speaker = Speaker(output)
    speaker.say("请插入身份证", "zh")
    speaker.wipe()
    if not devices:  # nothing rendered, nothing played, nothing raised
        qtbot.wait(100)
        assert not (tmp_path / "voice").exists() or not any((tmp_path / "voice").iterdir())
    output.shutdown()


@pytest.mark.gui
def test_self_check_audio_stays_ok(qapp) -> None:
    engine, device = check_audio(Context(Config.load(), demo=True))
    assert engine.name == "voice.engine" and engine.ok and "espeak-ng " in engine.detail
    assert device.name == "audio" and device.ok
    if not qt_bridge.audio_outputs():
        assert "runs silent" in device.detail
