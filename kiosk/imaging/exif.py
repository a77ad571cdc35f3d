"""Is an image's EXIF block whole? The kiosk's own check, so that damaged EXIF data is
one line naming the file, never Pillow's raw warning.

Pillow warns ("Corrupt EXIF data.  Expecting to read 12 bytes but only got 4.") when
it reads an EXIF block that ends early, at `Image.open` of a JPEG already (it looks
for the resolution there). A filter added once at import (`kiosk.imaging.decode`;
not `warnings.catch_warnings` around each decode, which swaps the process-wide
filters and races other threads) silences exactly those messages, and
`exif_problem` finds the same faults in the first directory (IFD0: where the
orientation is) for the caller's report: Pillow keeps what it could read, so the
picture is used as before.
"""

from __future__ import annotations

import struct

# Pillow's warnings while it reads an EXIF block (TiffImagePlugin's IFD loader)
EXIF_WARNINGS = r"(Possibly )?[Cc]orrupt EXIF data|Tag data larger than file|Tag offset too large"
# bytes per value of each TIFF field type (BYTE, ASCII, SHORT, LONG, RATIONAL, …)
_UNIT = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8,
         13: 4, 16: 8, 17: 8, 18: 8}


def exif_problem(data: bytes | None) -> str:
    """What is wrong with the EXIF block `data` (a JPEG's APP1 with its `Exif\\0\\0`
    prefix, or a PNG's or WebP's bare TIFF block), "" when its first directory and
    the values it points to are all inside the block (or there is no block)."""
    if not data:
        return ""
    if data.startswith(b"Exif\x00\x00"):
        data = data[6:]
    if data[:4] == b"II*\x00":
        order = "<"
    elif data[:4] == b"MM\x00*":
        order = ">"
    else:
        return "no TIFF header"
    size = len(data)
    try:
        (offset,) = struct.unpack(order + "L", data[4:8])
        if offset + 2 > size:
            return f"its first directory starts at byte {offset} of {size}"
        (count,) = struct.unpack(order + "H", data[offset:offset + 2])
        need = 12 * count + 4  # the entries, then the next directory's offset
        if offset + 2 + need > size:
            return (f"{count} entries need {need} bytes, only {size - offset - 2} "
                    "are there")
        for i in range(count):
            start = offset + 2 + 12 * i
            tag, kind, n, value = struct.unpack(order + "HHL4s", data[start:start + 12])
            length = n * _UNIT.get(kind, 0)
            if length > 4:
                (at,) = struct.unpack(order + "L", value)
                if at + length > size:
                    return f"tag {tag} points past the end of its {size} bytes"
    except struct.error:
        return f"the block ends early ({size} bytes)"
    return ""
