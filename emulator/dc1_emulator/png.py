"""A real PNG of any size with the standard library only (zlib).

The picture is a colour gradient with one bit of seeded noise in the green channel.
The noise matters: the server's sanity check (§8.3, §15.6) wants the base64
to decode to at least 5% of width*height bytes, and a plain gradient
compresses far below that."""
from __future__ import annotations

import random
import struct
import zlib

_LSB = bytes(b & 0x01 for b in range(256))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def make_png(width: int, height: int, seed: int = 0) -> bytes:
    """RGB 8-bit PNG, width x height, deterministic for a given seed."""
    if width <= 0 or height <= 0:
        raise ValueError("width and height must be positive")
    rng = random.Random(seed)
    n = width * 3
    # Red rises left to right, blue falls; green (per row) rises top to bottom.
    base = bytearray(n)
    hue = seed % 97
    for x in range(width):
        r = (x * 255 // max(1, width - 1) + hue) % 256
        base[3 * x] = r
        base[3 * x + 2] = 255 - r
    base_int = int.from_bytes(base, "big")
    green_slots = bytes((0, 1, 0)) * width
    green_mask = int.from_bytes(green_slots, "big")   # noise in green only
    table = bytearray(256)
    rows = []
    for y in range(height):
        table[1] = y * 255 // max(1, height - 1)
        row_int = base_int | int.from_bytes(green_slots.translate(bytes(table)), "big")
        noise = int.from_bytes(rng.randbytes(n).translate(_LSB), "big") & green_mask
        rows.append(b"\x00" + (row_int ^ noise).to_bytes(n, "big"))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr)
            + _chunk(b"IDAT", zlib.compress(b"".join(rows), 6)) + _chunk(b"IEND", b""))


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG header, or None when it is not a PNG."""
    if len(data) < 24 or data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])
