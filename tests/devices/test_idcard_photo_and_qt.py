"""WLT decoding through a (fake) vendor library in a child process, and the Qt bridge."""

from __future__ import annotations

import shutil
import subprocess
import threading
from pathlib import Path

from idcard_helpers import FAST, QUICK
from pytestqt.qtbot import QtBot

from kiosk.devices.idcard import samples, wlt
from kiosk.devices.idcard.driver import ReaderDriver
from kiosk.devices.idcard.qt_bridge import ReaderBridge
from kiosk.devices.idcard.simulator import SimulatedReader

# a stand-in for libwlt2bmp.so with the same entry point: fills a 102x126 BMP from the input
FAKE_VENDOR = r"""
#include <string.h>
int wlt2Bmp(const unsigned char *wlt, unsigned char *out) {
    const int w = 102, h = 126, row = 308, size = 54 + row * h;
    memset(out, 0, size);
    out[0] = 'B'; out[1] = 'M';
    out[2] = size & 255; out[3] = (size >> 8) & 255; out[4] = size >> 16;
    out[10] = 54; out[14] = 40; out[18] = w; out[22] = h; out[26] = 1; out[28] = 24;
    for (int i = 0; i < row * h; i++) out[54 + i] = wlt[i % 1024];
    return 1;
}
"""
CRASHING_VENDOR = r"""
int wlt2Bmp(const unsigned char *wlt, unsigned char *out) {
    volatile int *nowhere = 0;
    *nowhere = wlt[0];   /* what a buggy vendor library does */
    return 0;
}
"""


def build(tmp_path: Path, name: str, source: str) -> Path:
    compiler = shutil.which("gcc") or shutil.which("cc")
    assert compiler, (
        "gcc is needed to build the stand-in vendor library (scripts/setup installs it)"
    )
    src = tmp_path / f"{name}.c"
    src.write_text(source)
    lib = tmp_path / f"{name}.so"
    subprocess.run([compiler, "-shared", "-fPIC", "-o", str(lib), str(src)], check=True)
    return lib


def test_vendor_library_decodes_in_a_child_process(tmp_path: Path) -> None:
    photo = samples.load("resident").photo_wlt
    assert photo is not None
    result = wlt.decode(photo, build(tmp_path, "libwlt2bmp", FAKE_VENDOR))
    assert result.state == "decoded" and result.bmp is not None
    assert len(result.bmp) == wlt.BMP_SIZE == 38862
    assert result.bmp[54:60] == photo[:6]


def test_a_crashing_vendor_library_does_not_take_the_kiosk_down(tmp_path: Path) -> None:
    result = wlt.decode(bytes(1024), build(tmp_path, "libcrash", CRASHING_VENDOR), timeout=10)
    assert result.state == "failed"
    assert result.message.zh and result.message.en and result.bmp is None


def test_without_a_library_the_photo_is_not_decodable(tmp_path: Path) -> None:
    for library in (None, "", tmp_path / "missing.so"):
        result = wlt.decode(bytes(1024), library)
        assert result.state == "not_decodable"
        assert "解码" in result.message.zh and "decoder" in result.message.en


def test_raw_bgr_output_is_wrapped_as_a_bmp() -> None:
    raw = bytes(range(256)) * (wlt.RAW_SIZE // 256 + 1)
    bmp = wlt.as_bmp(raw[: wlt.RAW_SIZE])
    assert bmp is not None and bmp[:2] == b"BM" and len(bmp) == wlt.BMP_SIZE
    assert wlt.as_bmp(b"") is None and wlt.as_bmp(bytes(wlt.RAW_SIZE)) is None


def test_bridge_turns_driver_events_into_signals_in_the_gui_thread(qtbot: QtBot) -> None:
    bridge = ReaderBridge()
    cards: list[tuple[object, threading.Thread]] = []
    photos: list[tuple[str, object]] = []
    bridge.cardRead.connect(lambda card: cards.append((card, threading.current_thread())))
    bridge.photoDecoded.connect(lambda state, bmp: photos.append((state, bmp)))
    still: list[float] = []
    bridge.cardStillPresent.connect(lambda _card, seconds: still.append(seconds))
    with SimulatedReader(card="foreign_2023", timing=FAST) as sim:
        driver = ReaderDriver(sim.port, 115200, QUICK, on_event=bridge.deliver)
        with qtbot.waitSignal(bridge.readerFound, timeout=5000) as found:
            driver.start()
        assert found.args == [sim.port, 115200]
        try:
            qtbot.waitUntil(lambda: bool(cards and photos), timeout=5000)
            assert cards == [(samples.load("foreign_2023"), threading.main_thread())]
            assert photos == [("not_decodable", None)]
            qtbot.waitUntil(lambda: bool(still), timeout=5000)
            with qtbot.waitSignal(bridge.cardRemoved, timeout=5000):
                sim.remove()
            with qtbot.waitSignal(bridge.readerLost, timeout=5000) as lost:
                sim.unplug()
            assert "断开" in lost.args[0] and "disconnected" in lost.args[1]
        finally:
            driver.stop()


def test_bridge_reports_reader_errors_with_code_and_both_languages(qtbot: QtBot) -> None:
    bridge = ReaderBridge()
    with SimulatedReader(card="resident", faults={"sam_fault"}, timing=FAST) as sim:
        driver = ReaderDriver(sim.port, 115200, QUICK, on_event=bridge.deliver)
        try:
            with qtbot.waitSignal(bridge.readerError, timeout=5000) as error:
                driver.start()
        finally:
            driver.stop()
    code, zh, en = error.args
    assert code == "sam_self_test" and "安全模块" in zh and "security module" in en
