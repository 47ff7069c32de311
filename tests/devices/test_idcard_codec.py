"""The frame codec: worked checksums from the protocol notes, resync, and decoder properties."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kiosk.devices.idcard import codec
from kiosk.devices.idcard.codec import CodecError, FrameDecoder


@pytest.mark.parametrize(
    ("cmd", "data", "checksum"),
    [
        (codec.FIND_CARD, b"", 0x22),
        (codec.SELECT_CARD, b"", 0x21),
        (codec.READ_BASE, b"", 0x32),
        (codec.READ_WITH_FINGERPRINT, b"", 0x23),
        (codec.READ_ADDRESS, b"", 0x30),
        (codec.SAM_STATUS, b"", 0xED),
        (codec.SAM_ID, b"", 0xEE),
        (codec.SAM_RESET, b"", 0xEC),
        (codec.SET_MAX_RF_BYTES, b"\x50", 0xCA),
    ],
)
def test_commands_match_the_worked_checksums(
    cmd: tuple[int, int], data: bytes, checksum: int
) -> None:
    frame = codec.command(*cmd, data)
    assert frame[:5] == bytes.fromhex("AAAAAA9669")
    assert frame[5:7] == (3 + len(data)).to_bytes(2, "big")
    assert frame[-1] == checksum
    assert len(frame) == 10 + len(data)


def test_responses_match_the_quoted_reader_replies() -> None:
    assert codec.response(0x90) == bytes.fromhex("AAAAAA9669000400009094")
    assert codec.response(0x80) == bytes.fromhex("AAAAAA9669000400008084")
    assert codec.response(0x9F, bytes(4)) == bytes.fromhex(
        "AAAAAA966900080000 9F 00000000 97".replace(" ", "")
    )
    assert codec.response(0x90, bytes(8)) == bytes.fromhex(
        "AAAAAA9669000C0000900000000000000000 9C".replace(" ", "")
    )


def test_decoder_returns_a_frame_fed_one_byte_at_a_time() -> None:
    frame = codec.response(0x9F, b"\x01\x02\x03\x04")
    decoder = FrameDecoder()
    got = [body for b in frame for body in decoder.feed(bytes([b]))]
    assert [codec.Response.parse(b) for b in got] == [
        codec.Response(0, 0, 0x9F, b"\x01\x02\x03\x04")
    ]


def test_decoder_skips_a_bad_checksum_and_finds_the_frame_after_it() -> None:
    bad = bytearray(codec.response(0x90, b"xyz"))
    bad[-1] ^= 1
    good = codec.response(0x80)
    decoder = FrameDecoder()
    assert decoder.feed(bytes(bad) + b"\x00\xaa\xaa" + good) == [good[7:-1]]
    assert decoder.rejected == 1


def test_a_valid_frame_inside_a_bad_frames_claimed_length_is_found() -> None:
    # noise that looks like a preamble claims 20 bytes, which swallow a real frame
    fake = codec.PREAMBLE + b"\x00\x14" + b"\x01\x02"
    good = codec.response(0x80)
    decoder = FrameDecoder()
    out = decoder.feed(fake + good + bytes(20))
    assert out == [good[7:-1]]


def test_decoder_refuses_impossible_lengths() -> None:
    decoder = FrameDecoder()
    good = codec.response(0x90)
    assert decoder.feed(codec.PREAMBLE + b"\xff\xff" + good) == [good[7:-1]]
    assert decoder.feed(codec.PREAMBLE + b"\x00\x01" + good) == [good[7:-1]]
    assert decoder.rejected == 2


def test_parsing_short_bodies_raises_the_codec_error() -> None:
    with pytest.raises(CodecError):
        codec.Response.parse(b"\x00\x00")
    with pytest.raises(CodecError):
        codec.Command.parse(b"\x20")
    with pytest.raises(CodecError):
        codec.encode(b"\x01")


# -- properties ------------------------------------------------------------------------------

bodies = st.binary(min_size=2, max_size=300)
# noise may hold any byte and fragments of the preamble, but never a whole preamble
noise = (
    st.lists(
        st.one_of(
            st.binary(max_size=12),
            st.sampled_from(
                [b"\xaa", b"\xaa\xaa", b"\xaa\xaa\xaa", b"\xaa\xaa\xaa\x96", b"\x96\x69"]
            ),
        ),
        max_size=4,
    )
    .map(b"".join)
    .filter(lambda b: codec.PREAMBLE not in b)
)


def corrupt(body: bytes) -> bytes:
    frame = bytearray(codec.encode(body))
    frame[-1] ^= 0x5A
    return bytes(frame)


@settings(max_examples=300, deadline=None)
@given(
    items=st.lists(
        st.tuples(
            noise,
            bodies,
            st.sampled_from(["clean", "bad_frame", "fake_header"]),
            st.integers(3, 400),
        ),
        min_size=1,
        max_size=8,
    ),
    tail=noise,
    cuts=st.lists(st.integers(min_value=1, max_value=64), min_size=1, max_size=200),
)
def test_valid_frames_among_noise_and_bad_frames_are_each_decoded_once(
    items: list[tuple[bytes, bytes, str, int]], tail: bytes, cuts: list[int]
) -> None:
    stream = bytearray()
    expected: list[bytes] = []
    fakes: list[int] = []  # where a false header claims a length that runs over what follows
    preambles = 0  # the ones we put there; noise must not form another across a boundary
    for junk, body, spoil, claimed in items:
        stream += junk
        if spoil == "bad_frame" and codec.PREAMBLE not in body:
            stream += corrupt(body)  # a bad frame (same length, wrong checksum) before the good one
            preambles += 1
        elif spoil == "fake_header":
            fakes.append(len(stream))
            stream += codec.PREAMBLE + claimed.to_bytes(2, "big")
            preambles += 1
        stream += codec.encode(body)
        preambles += codec.encode(body).count(codec.PREAMBLE)
        expected.append(body)
    stream += tail
    assume(bytes(stream).count(codec.PREAMBLE) == preambles)
    for at in fakes:  # one chance in 256 that a false header's span really checks out: skip those
        end = at + codec.HEADER_SIZE + int.from_bytes(stream[at + 5 : at + 7], "big")
        assume(end > len(stream) or codec.xor(bytes(stream[at + 5 : end - 1])) != stream[end - 1])
    decoder = FrameDecoder()
    got: list[bytes] = []
    pos, i = 0, 0
    while pos < len(stream):
        size = cuts[i % len(cuts)]
        got += decoder.feed(bytes(stream[pos : pos + size]))
        pos += size
        i += 1
    assert got == expected


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=600), cuts=st.lists(st.integers(1, 50), min_size=1, max_size=50))
def test_arbitrary_bytes_only_ever_raise_codec_errors(data: bytes, cuts: list[int]) -> None:
    decoder = FrameDecoder()
    pos, i = 0, 0
    while pos < len(data):
        for body in decoder.feed(data[pos : pos + cuts[i % len(cuts)]]):
            for parse in (codec.Response.parse, codec.Command.parse):
                with contextlib.suppress(CodecError):
                    parse(body)
        pos += cuts[i % len(cuts)]
        i += 1
    assert decoder.pending <= len(data)
