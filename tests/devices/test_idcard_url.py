"""The simulated reader as the pyserial URL ``kiosksim://``: no pseudo-terminal, the real driver.

These run wherever pyserial does (Windows included): the driver, its link and pyserial's own
``serial_for_url`` are the real ones; only the far end of the cable is the simulator's model.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
import serial
from idcard_helpers import QUICK, drain, wait_for

from kiosk.devices.errors import DeviceError
from kiosk.devices.idcard import codec, samples
from kiosk.devices.idcard.driver import ReaderDriver
from kiosk.devices.idcard.events import CardRead, ReaderError, ReaderFound, ReaderLost
from kiosk.devices.idcard.oneshot import NoCardError, read_one_card
from kiosk.devices.idcard.urlhandler import protocol_kiosksim


def test_serial_for_url_gives_the_simulator_not_a_device() -> None:
    with serial.serial_for_url("kiosksim://resident", baudrate=115200, timeout=1) as port:
        assert isinstance(port, protocol_kiosksim.Serial)
        assert port.model is not None and port.model.card == samples.load("resident")
        port.write(codec.command(*codec.SAM_STATUS))
        reply = codec.Response.parse(codec.FrameDecoder().feed(port.read(11))[0])
        assert reply.sw3 == 0x90


@pytest.mark.parametrize("name", samples.sample_names())
def test_every_sample_card_is_read_by_the_driver_over_the_url(name: str) -> None:
    with ReaderDriver(f"kiosksim://{name}", 115200, QUICK) as driver:
        found = wait_for(driver, ReaderFound)
        assert (found.port, found.baud) == (f"kiosksim://{name}", 115200)
        assert found.sam_id == "05000100d2040000a0860100e8030000"
        event = wait_for(driver, CardRead)
        assert event.card == samples.load(name)
        # paced like a UART: the 1295-byte reply alone takes ~112 ms at 115200 baud
        assert 0.11 < event.read_seconds < 1.5


def test_the_driver_finds_a_reader_set_to_another_baud_rate() -> None:
    with ReaderDriver("kiosksim://gat_hk?baud=19200", 115200, QUICK) as driver:
        assert wait_for(driver, ReaderFound, timeout=15).baud == 19200
        assert wait_for(driver, CardRead, timeout=10).card == samples.load("gat_hk")


@pytest.mark.parametrize("fault", ["garbage", "split", "bad_checksum", "removed_mid_read"])
def test_line_faults_over_the_url_still_give_the_right_card(fault: str) -> None:
    seen: list[object] = []
    with ReaderDriver(f"kiosksim://foreign_2023?faults={fault}&seed=3", 115200, QUICK) as driver:
        event = wait_for(driver, CardRead, timeout=10, seen=seen)
    assert event.card == samples.load("foreign_2023")
    assert not any(isinstance(e, ReaderError | ReaderLost) for e in seen)


def test_a_sam_fault_is_reported_once() -> None:
    with ReaderDriver("kiosksim://resident?faults=sam_fault", 115200, QUICK) as driver:
        error = wait_for(driver, ReaderError)
        assert error.code == "sam_self_test" and error.sw3 == 0x60
        assert not [e for e in drain(driver, 0.5) if isinstance(e, ReaderError | CardRead)]


def test_an_empty_reader_answers_but_gives_no_card() -> None:
    started = time.monotonic()
    with pytest.raises(NoCardError):
        read_one_card("kiosksim://", 115200, 1.0, QUICK)
    assert time.monotonic() - started >= 1.0


def test_the_card_on_the_port_can_be_lifted() -> None:
    with serial.serial_for_url("kiosksim://resident", baudrate=115200, timeout=1) as port:
        decoder = codec.FrameDecoder()

        def ask(cmd: tuple[int, int]) -> int:
            port.write(codec.command(*cmd))
            bodies: list[bytes] = []
            while not bodies:
                chunk = port.read(max(1, port.in_waiting))
                assert chunk, "the simulated reader did not answer"
                bodies = decoder.feed(chunk)
            return codec.Response.parse(bodies[0]).sw3

        assert ask(codec.FIND_CARD) == 0x9F
        port.model.remove()
        assert ask(codec.SELECT_CARD) == 0x81  # gone


@pytest.mark.parametrize(
    "url, why",
    [
        ("kiosksim://nobody", "No sample card nobody"),
        ("kiosksim://resident?faults=smoke", "unknown fault smoke"),
        ("kiosksim://resident?baud=1200", "baud must be one of"),
        ("kiosksim://resident?colour=red", "unknown option colour"),
    ],
)
def test_a_bad_url_is_refused_with_the_reason(url: str, why: str) -> None:
    with pytest.raises(serial.SerialException, match=why):
        serial.serial_for_url(url)
    with pytest.raises(DeviceError) as refused:  # the driver's view: no reader there
        read_one_card(url, 115200, 0.5, QUICK)
    assert refused.value.code == "reader_not_found"


def test_kiosk_idcard_read_accepts_the_url() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "idcard", "read", "--port", "kiosksim://resident_longterm",
         "--timeout", "10", "--json"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    card = json.loads(done.stdout)
    expected = samples.load("resident_longterm")
    assert (card["name"], card["card_type"]) == (expected.name, expected.card_type)
