"""Handing back the code pages only starting up used (kiosk.code_pages)."""

from __future__ import annotations

import mmap
import sys
from pathlib import Path

import pytest

from kiosk import code_pages
from kiosk.heap import resident_kb

SMAPS = """\
7f0000000000-7f0000400000 r-xp 00001000 fd:01 123 /opt/torch/lib/libtorch_cpu.so
Size:               4096 kB
Rss:                3000 kB
Anonymous:             0 kB
VmFlags: rd ex mr mw me sd
7f0000400000-7f0000500000 r--p 00401000 fd:01 123 /opt/torch/lib/libtorch_cpu.so
Rss:                 800 kB
Anonymous:           800 kB
7f0000600000-7f0000700000 r-xp 00001000 fd:01 124 /opt/lib/patched.so
Rss:                 100 kB
Anonymous:            12 kB
7f0000800000-7f0000900000 r-xp 00000000 00:00 0
Rss:                  64 kB
Anonymous:            64 kB
7f0000a00000-7f0000b00000 r-xp 00001000 fd:01 125 /opt/lib/gone.so (deleted)
Rss:                  40 kB
Anonymous:             0 kB
7f0000c00000-7f0000d00000 r-xp 00001000 fd:01 126 /opt/my libs/with space.so
Rss:                  30 kB
Anonymous:             0 kB
7f0000e00000-7f0000f00000 r-xp 00001000 fd:01 127 /opt/lib/cold.so
Rss:                   0 kB
Anonymous:             0 kB
7f0001000000-7f0001100000 rw-p 00000000 00:00 0                          [heap]
Rss:                5000 kB
Anonymous:          5000 kB
"""


def test_only_clean_file_code_is_chosen() -> None:
    maps = list(code_pages.parse_smaps(SMAPS.splitlines(keepends=True)))
    assert len(maps) == 8
    assert maps[0] == code_pages.Mapping(0x7F0000000000, 0x7F0000400000, "r-xp",
                                         "/opt/torch/lib/libtorch_cpu.so", 3000, 0)
    chosen = [m.path for m in maps if m.clean_code]
    # not read-only data (relocated: private pages), not code this process wrote, not JIT
    # code without a file, not a file replaced on disk, not a mapping with nothing resident
    assert chosen == ["/opt/torch/lib/libtorch_cpu.so", "/opt/my libs/with space.so"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and madvise: Linux")
def test_code_pages_go_back_and_the_code_still_runs(tmp_path: Path) -> None:
    # a file mapped as code (read-only, executable, private), as the loader maps a library
    data = bytes(range(256)) * (4096 * 64 // 256)  # 256 kB
    path = tmp_path / "libfake.so"
    path.write_bytes(data)
    with path.open("rb") as f:
        mapped = mmap.mmap(f.fileno(), len(data), flags=mmap.MAP_PRIVATE,
                           prot=mmap.PROT_READ | mmap.PROT_EXEC)
    try:
        assert mapped[:] == data  # touched: resident
        maps = _own_mappings()
        assert maps[str(path)].clean_code and maps[str(path)].rss_kb == 256
        before = resident_kb()
        released = code_pages.release_code_pages("a test")
        assert released >= 256
        maps = _own_mappings()
        assert str(path) not in maps or maps[str(path)].rss_kb == 0
        assert resident_kb() < before
        assert mapped[:] == data  # mapped again from the file on use: nothing lost
        assert sum(range(1000)) == 499500  # and this interpreter's own code still runs
    finally:
        mapped.close()


def _own_mappings() -> dict[str, code_pages.Mapping]:
    with open("/proc/self/smaps", encoding="utf-8") as text:
        return {m.path: m for m in code_pages.parse_smaps(text)}


def test_without_proc_it_does_nothing(tmp_path: Path) -> None:
    assert code_pages.release_code_pages(smaps=tmp_path / "absent") == 0


def test_without_madvise_it_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(code_pages, "_madvise", lambda: None)
    assert code_pages.release_code_pages() == 0
