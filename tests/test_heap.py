"""Returning the C heap's free pages after a first start's bursts (kiosk.heap)."""

from __future__ import annotations

import ctypes
import sys

import pytest

from kiosk import heap


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="malloc_trim is glibc's")
def test_free_pages_of_a_burst_go_back_to_the_system() -> None:
    if heap._malloc_trim() is None:
        pytest.skip("this Linux's C library is not glibc")
    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    # 64 KB blocks stay under the mmap threshold: they come from the heap, and once
    # freed their pages are only given back by a trim.
    blocks = [libc.malloc(64 * 1024) for _ in range(256)]
    for block in blocks[:-1]:
        ctypes.memset(block, 1, 64 * 1024)
        libc.free(block)
    try:
        assert heap.release_free_heap("a test") is True
    finally:
        libc.free(blocks[-1])


def test_without_glibc_it_says_so_and_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heap, "_malloc_trim", lambda: None)
    assert heap.release_free_heap() is False


def test_the_trim_is_found_only_on_linux(monkeypatch: pytest.MonkeyPatch) -> None:
    heap._malloc_trim.cache_clear()
    monkeypatch.setattr(sys, "platform", "darwin")
    try:
        assert heap._malloc_trim() is None
    finally:
        heap._malloc_trim.cache_clear()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc is Linux's")
def test_the_resident_size_is_read_from_proc() -> None:
    assert heap.resident_kb() > 1024  # an interpreter is more than 1 MB


def test_a_trim_logs_the_resident_size_it_returned(caplog: pytest.LogCaptureFixture) -> None:
    if heap._malloc_trim() is None:
        pytest.skip("no glibc")
    with caplog.at_level("DEBUG", logger="kiosk.heap"):
        heap.release_free_heap("a visit")
    assert "after a visit" in caplog.text and "MB)" in caplog.text and "resident" in caplog.text
