"""``kiosk voice say``: a real espeak-ng render, read back with the wave module."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from kiosk.voice import cache as cache_module
from kiosk.voice import espeak
from kiosk.voice.cache import PromptCache


def _say(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "voice", "say", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def _samples(path: Path) -> tuple[wave._wave_params, bytes]:
    with wave.open(str(path), "rb") as wav:
        return wav.getparams(), wav.readframes(wav.getnframes())


@pytest.mark.parametrize(
    ("lang", "text", "voice"),
    [("zh", "请插入身份证", "cmn-latn-pinyin"), ("en", "Please insert your ID card", "en")],
)
def test_say_writes_16_bit_pcm(tmp_path: Path, lang: str, text: str, voice: str) -> None:
    out = tmp_path / "prompt.wav"
    done = _say(text, "--lang", lang, "--out", str(out), "--json")
    assert done.returncode == 0, done.stderr
    info = json.loads(done.stdout)
    params, frames = _samples(out)
    assert (params.nchannels, params.sampwidth, params.comptype) == (1, 2, "NONE")
    assert params.nframes / params.framerate == pytest.approx(info["seconds"], abs=0.001)
    assert info["seconds"] > 0.5 and info["voice"] == voice
    assert any(frames[i] for i in range(0, len(frames), 97))  # not silence
    if lang == "zh":
        assert info["read"] == "qing3 cha1 ru4 shen1 fen4 zheng4"


def test_different_texts_sound_different(tmp_path: Path) -> None:
    a, b = tmp_path / "a.wav", tmp_path / "b.wav"
    assert _say("请插入身份证", "--out", str(a)).returncode == 0
    assert _say("请输入手机号码", "--out", str(b)).returncode == 0
    assert _samples(a)[1] != _samples(b)[1]


def test_bad_arguments_exit_2(tmp_path: Path) -> None:
    assert _say("", "--out", str(tmp_path / "x.wav")).returncode == 2
    assert _say("你好", "--out", str(tmp_path / "missing" / "x.wav")).returncode == 2
    assert _say("你好", "--lang", "fr", "--out", str(tmp_path / "x.wav")).returncode == 2


def test_cache_renders_a_prompt_once(tmp_path: Path) -> None:
    cache = PromptCache(espeak.find(), tmp_path / "voice")
    first = cache.render("请稍候", "zh")
    inode = first.stat().st_ino  # a new render would replace the file (a new inode)
    again = cache.render("请稍候", "zh")
    assert again == first and again.stat().st_ino == inode
    assert cache.render("请稍候", "en") != first  # another voice, another file
    assert sorted(p.name for p in (tmp_path / "voice").iterdir()) == sorted(
        [first.name, cache.render("请稍候", "en").name]
    )  # no half-written temporary files left behind


def test_cache_drops_the_least_recently_used(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(cache_module, "MAX_FILES", 2)
    cache = PromptCache(espeak.find(), tmp_path / "voice")
    a = cache.render("第一句", "zh")
    b = cache.render("第二句", "zh")
    os.utime(a, (1, 1))  # both used long ago, b more recently than a ...
    os.utime(b, (2, 2))
    cache.render("第一句", "zh")  # ... then a is used again
    c = cache.render("第三句", "zh")
    assert a.is_file() and c.is_file() and not b.exists()
