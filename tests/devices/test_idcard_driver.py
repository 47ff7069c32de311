"""The driver against the simulated reader on a real pseudo-terminal: cards, faults, cables."""

from __future__ import annotations

import time

import pytest
from idcard_helpers import FAST, QUICK, drain, reader, wait_for

from kiosk.devices.idcard import samples
from kiosk.devices.idcard.driver import DriverConfig, ReaderDriver
from kiosk.devices.idcard.events import (
    CardRead,
    CardRemoved,
    CardStillPresent,
    ReaderError,
    ReaderFound,
    ReaderLost,
)
from kiosk.devices.idcard.simmodel import FAULTS, Timing
from kiosk.devices.idcard.simulator import SimulatedReader


@pytest.mark.parametrize("name", samples.sample_names())
def test_every_card_type_is_read_through_a_pty(name: str) -> None:
    with reader(card=name) as (sim, driver):
        assert sim.port.endswith(sim.link.name if sim.link else "")
        found = wait_for(driver, ReaderFound)
        assert (found.baud, found.sam_id) == (115200, "05000100d2040000a0860100e8030000")
        event = wait_for(driver, CardRead)
        assert event.card == samples.load(name)
        # the 1295-byte reply alone takes ~112 ms on the wire at 115200 baud
        assert 0.11 < event.read_seconds < 1.0


def test_card_still_present_then_removed_then_another_card() -> None:
    with reader(card="resident") as (sim, driver):
        first = wait_for(driver, CardRead).card
        seen: list[object] = []
        still = wait_for(driver, CardStillPresent, seen=seen)
        assert still.card == first
        assert not any(isinstance(e, CardRead) for e in seen)  # not read again while it lies there
        sim.remove()
        wait_for(driver, CardRemoved)
        sim.place("gat_hk")
        assert wait_for(driver, CardRead).card.card_type == "gat"


def test_a_card_swapped_between_polls_reports_removed_then_the_new_card() -> None:
    config = DriverConfig(poll_interval=0.05, still_present_every=60)
    with reader(card="resident", config=config) as (sim, driver):
        wait_for(driver, CardRead)
        sim.place("foreign_2017")  # a new card is "fresh": find sees it at once
        seen: list[object] = []
        read = wait_for(driver, CardRead, seen=seen)
        assert read.card.card_type == "foreign_2017"
        assert any(isinstance(e, CardRemoved) for e in seen)


@pytest.mark.parametrize("fault", ["garbage", "split", "bad_checksum", "slow"])
def test_line_faults_still_give_the_right_card(fault: str) -> None:
    with reader(card="foreign_2023", faults={fault}) as (_sim, driver):
        seen: list[object] = []
        event = wait_for(driver, CardRead, timeout=10, seen=seen)
        assert event.card == samples.load("foreign_2023")
        assert not any(isinstance(e, ReaderError | ReaderLost) for e in seen)


def test_a_slow_reader_at_300_ms_per_command_reads_with_the_default_deadlines() -> None:
    timing = Timing(command=0.3, find=0.3, select=0.3, read=0.3, slow_extra=0.0)
    config = DriverConfig()  # the defaults: 1 s find/select, 3 s read
    with reader(card="resident", timing=timing, config=config) as (_sim, driver):
        assert wait_for(driver, CardRead, timeout=10).card.card_type == "resident"


def test_a_card_removed_mid_read_and_put_back_is_read() -> None:
    with reader(card="gat_hk", faults={"removed_mid_read"}) as (sim, driver):
        seen: list[object] = []
        event = wait_for(driver, CardRead, seen=seen)
        assert event.card == samples.load("gat_hk")
        assert not any(isinstance(e, ReaderError) for e in seen)
        assert sim.model.commands_seen >= 7  # the first read failed and was retried from find


def test_no_card_fault_never_reads_and_reports_nothing_wrong() -> None:
    with reader(card="resident", faults={"no_card"}) as (_sim, driver):
        wait_for(driver, ReaderFound)
        events = drain(driver, 0.6)
        assert events == []


def test_sam_fault_is_reported_once_in_both_languages() -> None:
    with reader(card="resident", faults={"sam_fault"}) as (_sim, driver):
        error = wait_for(driver, ReaderError)
        assert (error.code, error.sw3) == ("sam_self_test", 0x60)
        assert "安全模块" in error.message.zh and "security module" in error.message.en
        later = drain(driver, 0.5)
        assert not any(isinstance(e, ReaderError | CardRead) for e in later)


def test_every_fault_mode_is_covered_here() -> None:
    covered = {
        "garbage",
        "split",
        "bad_checksum",
        "slow",
        "removed_mid_read",
        "no_card",
        "sam_fault",
    }
    assert covered == set(FAULTS)


def test_unplugged_reader_is_lost_then_found_and_reads_again() -> None:
    with reader(card="resident") as (sim, driver):
        wait_for(driver, CardRead)
        sim.unplug()
        lost = wait_for(driver, ReaderLost)
        assert "断开" in lost.message.zh
        assert not driver.connected
        time.sleep(0.3)  # the driver keeps trying the missing port
        sim.replug()
        wait_for(driver, ReaderFound)
        assert wait_for(driver, CardRead).card.card_type == "resident"


def test_the_reader_baud_rate_is_detected() -> None:
    config = DriverConfig(find_timeout=0.3, poll_interval=0.05)
    with reader(card="resident", sim_baud=38400, config=config) as (_sim, driver):
        found = wait_for(driver, ReaderFound, timeout=5)
        assert found.baud == 38400
        assert wait_for(driver, CardRead, timeout=5).card.card_type == "resident"


def test_without_detection_a_wrong_baud_rate_is_an_error() -> None:
    config = DriverConfig(
        find_timeout=0.2, poll_interval=0.05, detect_baud=False, reconnect_interval=0.1
    )
    with reader(card="resident", sim_baud=9600, config=config) as (_sim, driver):
        error = wait_for(driver, ReaderError)
        assert error.code == "timeout"


def test_a_missing_port_is_reported_once_and_found_when_it_appears(kiosk_home: object) -> None:
    sim = SimulatedReader(card="resident", timing=FAST)
    driver = ReaderDriver(sim.port, 115200, QUICK).start()
    try:
        error = wait_for(driver, ReaderError)
        assert error.code == "reader_not_found"
        assert not any(isinstance(e, ReaderError) for e in drain(driver, 0.3))
        with sim:
            wait_for(driver, ReaderFound)
            wait_for(driver, CardRead)
    finally:
        driver.stop()


def test_callback_delivery_and_a_prompt_stop() -> None:
    got: list[object] = []
    with SimulatedReader(card="resident", timing=FAST) as sim:
        driver = ReaderDriver(sim.port, 115200, QUICK, on_event=got.append).start()
        deadline = time.monotonic() + 5
        while not any(isinstance(e, CardRead) for e in got) and time.monotonic() < deadline:
            time.sleep(0.02)
        started = time.monotonic()
        driver.stop()
        assert time.monotonic() - started < 0.5
        assert driver.events.empty()
    assert [type(e) for e in got[:2]] == [ReaderFound, CardRead]


def test_a_pyserial_spy_url_reads_and_traces_the_traffic(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # spy:// (pyserial's hex-dumping wrapper) traces to stderr; its file= option leaks the file
    sim = SimulatedReader(card="resident", timing=FAST).start()
    try:
        with ReaderDriver(f"spy://{sim.pts}", 115200, QUICK) as driver:
            assert wait_for(driver, CardRead).card.card_type == "resident"
    finally:
        sim.stop()
    trace = capsys.readouterr().err.upper()
    assert "TX   0000  AA AA AA 96 69 00 03 20  01 22" in trace  # find, byte for byte as specified
    assert "TX   0000  AA AA AA 96 69 00 03 30  01 32" in trace  # read base
