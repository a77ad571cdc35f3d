"""What to say about a text file the kiosk reads (settings, the prompts file) that is not
UTF-8: saved by Windows Notepad as "Unicode" (UTF-16: first bytes 0xFF 0xFE) or as ANSI
on a Korean Windows (EUC-KR / CP949). Python's own words ("'utf-8' codec can't decode
byte 0xff in position 0: invalid start byte") name neither the encoding nor the cure."""

from __future__ import annotations

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")


def not_utf8(path: object, raw: bytes, error: UnicodeDecodeError) -> str:
    """"PATH: not UTF-8 text (what it looks like): save it as UTF-8 …" (the line is the
    caller's to add: the settings error says "PATH, line N: …")."""
    if raw.startswith(_UTF32_BOMS):
        looks = "it is UTF-32"
    elif raw.startswith(_UTF16_BOMS):
        looks = 'it is UTF-16, what Windows Notepad calls "Unicode"'
    elif _korean(raw):
        looks = 'it looks like Korean text in EUC-KR / CP949, what Korean Windows calls "ANSI"'
    else:
        looks = f"byte 0x{raw[error.start]:02x} is not UTF-8"
    return (f"{path}: not UTF-8 text ({looks}): open it in a text editor and save it "
            'as UTF-8 (Notepad: File > Save as, Encoding "UTF-8"), then try again')


def _korean(raw: bytes) -> bool:
    """Does `raw` read as CP949 with Hangul in it?"""
    try:
        text = raw.decode("cp949")
    except UnicodeDecodeError:
        return False
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)
