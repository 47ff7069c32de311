"""Optional: decode the card's 1024-byte WLT photo with the vendor's library, in its own process.

The WLT format is not public; only vendor libraries decode it (``libwlt2bmp.so`` with
``wlt2Bmp(in1024, out)``, or Windows ``WltRS.dll`` with ``GetBmp(path, 1)`` writing a .bmp next
to the .wlt). They are closed code of unknown quality, so they run in a spawned child process: a
crash or hang there yields a "failed" result and the kiosk carries on. Without a configured
library the result is "not_decodable" and nothing else is affected.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import struct
import tempfile
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from kiosk.domain.messages import Message

WIDTH, HEIGHT = 102, 126
RAW_SIZE = WIDTH * HEIGHT * 3  # 38,556 bytes of BGR
ROW = (WIDTH * 3 + 3) // 4 * 4  # BMP rows are padded to 4 bytes
BMP_SIZE = 54 + ROW * HEIGHT  # 38,862 bytes
_SYMBOLS = ("wlt2Bmp", "Wlt2Bmp", "wlt2bmp")

NOT_DECODABLE = Message(
    "photo_not_decodable",
    "本机无法显示证件照片(未配置解码程序)。",
    "The card photo cannot be shown here (no decoder configured).",
)
FAILED = Message(
    "photo_decode_failed", "证件照片解码失败。", "The card photo could not be decoded."
)
DECODED = Message("photo_decoded", "证件照片已解码。", "The card photo was decoded.")


@dataclass(frozen=True)
class PhotoResult:
    state: str  # decoded | not_decodable | failed
    message: Message
    bmp: bytes | None = field(default=None, repr=False)  # a 102×126 24-bit BMP file


def decode(wlt: bytes, library: str | Path | None, timeout: float = 10.0) -> PhotoResult:
    """Decode in a child process; never raises for anything the vendor library does."""
    if not library or not Path(library).is_file():
        return PhotoResult("not_decodable", NOT_DECODABLE)
    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(str(library), bytes(wlt), send), daemon=True)
    child.start()
    send.close()
    try:
        output = receive.recv_bytes() if receive.poll(timeout) else b""
    except (EOFError, OSError):  # the child died before answering
        output = b""
    finally:
        receive.close()
    child.join(1)
    if child.is_alive():
        child.kill()
        child.join(1)
    bmp = as_bmp(output)
    return PhotoResult("decoded", DECODED, bmp) if bmp else PhotoResult("failed", FAILED)


def as_bmp(output: bytes) -> bytes | None:
    """A BMP file from what the library produced (a BMP file already, or raw BGR rows)."""
    if output[:2] == b"BM" and len(output) >= BMP_SIZE:
        width, height = struct.unpack_from("<ii", output, 18)
        return output[:BMP_SIZE] if (width, abs(height)) == (WIDTH, HEIGHT) else None
    if len(output) >= RAW_SIZE and any(output[:RAW_SIZE]):
        rows = (
            output[r * WIDTH * 3 : (r + 1) * WIDTH * 3].ljust(ROW, b"\0")
            for r in reversed(range(HEIGHT))
        )
        header = b"BM" + struct.pack("<IHHI", BMP_SIZE, 0, 0, 54)
        info = struct.pack(
            "<IiiHHIIiiII", 40, WIDTH, HEIGHT, 1, 24, 0, ROW * HEIGHT, 2835, 2835, 0, 0
        )
        return header + info + b"".join(rows)
    return None


def _child(library: str, wlt: bytes, conn: Connection) -> None:
    """Runs in the child: load the vendor library and call it (it may crash; that is the point)."""
    lib = ctypes.CDLL(library)
    for name in _SYMBOLS:
        fn = getattr(lib, name, None)
        if fn is not None:
            out = ctypes.create_string_buffer(BMP_SIZE + 1024)
            fn(ctypes.create_string_buffer(wlt, 1024), out)
            conn.send_bytes(out.raw)
            return
    get_bmp = getattr(lib, "GetBmp", None)
    if get_bmp is None:
        conn.send_bytes(b"")
        return
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "photo.wlt"
        source.write_bytes(wlt)
        get_bmp(str(source).encode(), 1)  # 1: serial reader (vendor convention)
        target = source.with_suffix(".bmp")
        conn.send_bytes(target.read_bytes() if target.exists() else b"")
