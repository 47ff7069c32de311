"""Cards whose data do not hold together: a reader error with a reason, never a card, never "no card".

Each kind of bad data is laid on the simulated reader (a real pseudo-terminal) as the text block a
damaged or forged card would hold; the driver must report ``card_data_invalid`` with the reason,
and ``kiosk idcard read --json`` must exit 4 with one JSON object saying the same.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import subprocess
import sys

import pytest
from idcard_helpers import FAST, QUICK, drain, wait_for

from kiosk.devices.idcard import cardparse, samples
from kiosk.devices.idcard.driver import ReaderDriver
from kiosk.devices.idcard.events import CardRead, ReaderError, ReaderFound
from kiosk.devices.idcard.simulator import SimulatedReader


def _put(text: bytes, offset: int, value: bytes) -> bytes:
    out = bytearray(text)
    out[offset : offset + len(value)] = value
    return bytes(out)


def _resident() -> cardparse.IdentityCard:
    return samples.load("resident")


def wrong_check_digit() -> bytes:
    card = _resident()
    last = "0" if card.id_number[-1] != "0" else "1"
    return cardparse.build_text(dataclasses.replace(card, id_number=card.id_number[:-1] + last))


def impossible_date() -> bytes:  # month 13, day 99
    return _put(cardparse.build_text(_resident()), 188, "19901399".encode("utf-16-le"))


def birth_date_differs() -> bytes:
    card = _resident()
    return cardparse.build_text(
        dataclasses.replace(card, birth_date=card.birth_date + dt.timedelta(days=1))
    )


def validity_reversed() -> bytes:
    card = _resident()
    return cardparse.build_text(
        dataclasses.replace(card, valid_from=dt.date(2020, 5, 1), valid_to=dt.date(2010, 5, 1))
    )


def invalid_utf16() -> bytes:  # a lone high surrogate in the name
    return _put(cardparse.build_text(_resident()), 2, b"\x00\xd8")


def control_character() -> bytes:
    return _put(cardparse.build_text(_resident()), 2, "\x07".encode("utf-16-le"))


def bidi_override() -> bytes:  # U+202E turns the rest of the line around on screen and paper
    return _put(cardparse.build_text(_resident()), 52, "\u202e".encode("utf-16-le"))


BAD = {
    "bad_check_digit": wrong_check_digit,
    "bad_date": impossible_date,
    "birth_date_mismatch": birth_date_differs,
    "validity_reversed": validity_reversed,
    "bad_utf16": invalid_utf16,
    "control_character": control_character,
    "bidi_override": bidi_override,
}
REASON = {"bidi_override": "control_character"}  # a format character like any other


@pytest.mark.parametrize("kind", sorted(BAD))
def test_the_parser_refuses_bad_card_data_with_a_reason(kind: str) -> None:
    with pytest.raises(cardparse.CardDataError) as info:
        cardparse.parse(BAD[kind](), None)
    assert info.value.code == "card_data_invalid"
    assert info.value.reason == REASON.get(kind, kind)
    assert info.value.message.zh.startswith("证件信息无法识别")


@pytest.mark.parametrize("kind", sorted(BAD))
def test_the_driver_reports_bad_card_data_as_a_reader_error(kind: str) -> None:
    sim = SimulatedReader(timing=FAST, seed=7)
    with sim, ReaderDriver(sim.port, 115200, QUICK) as driver:
        wait_for(driver, ReaderFound)
        sim.place("resident", text=BAD[kind]())
        seen: list[object] = []
        error = wait_for(driver, ReaderError, seen=seen)
        assert not any(isinstance(e, CardRead) for e in seen)  # never a good read
        assert (error.code, error.reason) == ("card_data_invalid", REASON.get(kind, kind))
        assert error.message.zh == "证件信息无法识别，请到柜台办理。"
        # it stays an error while the card lies there: no read, and not "no card" either
        assert not any(isinstance(e, CardRead) for e in drain(driver, 0.3))
        # lifted and laid again, the same card is refused again (not forgotten as "said once")
        sim.remove()
        drain(driver, 0.2)
        sim.place("resident", text=BAD[kind]())
        again = wait_for(driver, ReaderError)
        assert again.reason == error.reason


def test_an_expired_card_is_still_a_good_read() -> None:
    card = dataclasses.replace(
        _resident(), valid_from=dt.date(2005, 3, 1), valid_to=dt.date(2015, 3, 1)
    )
    sim = SimulatedReader(timing=FAST, seed=7)
    with sim, ReaderDriver(sim.port, 115200, QUICK) as driver:
        wait_for(driver, ReaderFound)
        sim.place(card)
        assert wait_for(driver, CardRead).card.valid_to == dt.date(2015, 3, 1)


@pytest.mark.parametrize("kind", ["bad_check_digit", "bad_utf16"])
def test_idcard_read_json_exits_4_with_one_json_object(kind: str) -> None:
    sim = SimulatedReader(timing=FAST, seed=7)
    with sim:
        sim.place("resident", text=BAD[kind]())
        done = subprocess.run(
            [sys.executable, "-m", "kiosk", "idcard", "read", "--port", sim.port, "--json"],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert done.returncode == 4, done.stderr
    error = json.loads(done.stdout)  # exactly one object
    assert error["error"] == "card_data_invalid" and error["reason"] == kind
    assert error["message"]["zh"] == "证件信息无法识别，请到柜台办理。"
    assert _resident().id_number[:17] not in done.stdout + done.stderr  # no personal data said
