"""Intake checks on their own: what the pending pool takes, and the reason codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.curation.errors import RejectedImage
from kiosk.curation.intake import IntakeLimits, parse_emotion
from kiosk.domain import Emotion

from .conftest import image_bytes


def test_check_returns_format_and_size() -> None:
    limits = IntakeLimits(max_bytes=5 * 1024 * 1024)
    assert limits.check(image_bytes(400, 300, fmt="PNG"), "a.png") == ("PNG", 400, 300)


def test_a_file_over_the_limit_is_refused_without_being_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.jpg"
    path.write_bytes(image_bytes(400, 300))
    limits = IntakeLimits(max_bytes=100)

    def never(self: Path) -> bytes:
        raise AssertionError("read a file that is too large")

    monkeypatch.setattr(Path, "read_bytes", never)
    with pytest.raises(RejectedImage, match=r"recommend\.max_image_mb") as caught:
        limits.read(path)
    assert caught.value.reason == "too_large" and str(path) in str(caught.value)


def test_unreadable_paths_are_named(tmp_path: Path) -> None:
    limits = IntakeLimits(max_bytes=1024 * 1024)
    folder = tmp_path / "folder.jpg"
    folder.mkdir()
    for path, words in ((tmp_path / "missing.jpg", "no such file"), (folder, "is a folder")):
        with pytest.raises(RejectedImage, match=words) as caught:
            limits.read(path)
        assert caught.value.reason == "unreadable" and str(path) in str(caught.value)


def test_sides_are_checked_against_the_limits() -> None:
    limits = IntakeLimits(max_bytes=5 * 1024 * 1024, min_side=300, max_side=500)
    with pytest.raises(RejectedImage, match="at least 300") as small:
        limits.check(image_bytes(400, 299), "s.jpg")
    with pytest.raises(RejectedImage, match="at most 500 per side") as large:
        limits.check(image_bytes(501, 400), "l.jpg")
    assert (small.value.reason, large.value.reason) == ("too_small", "too_large")


def test_parse_emotion() -> None:
    assert parse_emotion("Happy") is Emotion.HAPPY
    assert parse_emotion(Emotion.SAD) is Emotion.SAD
    with pytest.raises(RejectedImage) as caught:
        parse_emotion("bored")
    assert caught.value.reason == "unknown_emotion" and "happy" in str(caught.value)
