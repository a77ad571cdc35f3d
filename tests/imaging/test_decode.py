"""The one decoding policy, on small odd files made here: every good case decodes
upright to 8-bit RGB with transparency on white; every bad case is an ImageError
of the right kind naming the file, before anything is decoded at full size."""

from __future__ import annotations

import io
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from kiosk.imaging import (
    DEFAULT_POLICY,
    ImageError,
    ImagePolicy,
    conform_frame,
    expand_image_args,
    load_bgr,
    load_image,
    load_rgb,
    probe,
)
from kiosk.imaging.testing import BAD, GOOD, GOOD_PIXEL, GOOD_SIZE, make_odd_files


@pytest.fixture(scope="module")
def odd(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_odd_files(tmp_path_factory.mktemp("odd"))


@pytest.mark.parametrize("name", GOOD)
def test_good_files_decode_upright_rgb(odd: dict[str, Path], name: str) -> None:
    rgb = load_rgb(odd[name])
    w, h = GOOD_SIZE
    assert rgb.shape == (h, w, 3) and rgb.dtype == np.uint8
    assert not rgb.flags.writeable
    expected = GOOD_PIXEL[name]
    if expected is not None:
        assert tuple(int(v) for v in rgb[h // 2, w // 2]) == pytest.approx(expected, abs=3)


@pytest.mark.parametrize("name", tuple(BAD))
def test_bad_files_raise_the_right_kind_naming_the_file(odd: dict[str, Path], name: str) -> None:
    with pytest.raises(ImageError) as info:
        load_rgb(odd[name])
    assert info.value.kind == BAD[name]
    assert name in str(info.value)


@pytest.mark.parametrize("name", [n for n in (*GOOD, *BAD) if n != "folder.jpg"])
def test_bytes_and_files_agree(odd: dict[str, Path], name: str) -> None:
    data = odd[name].read_bytes()
    if name in BAD:
        with pytest.raises(ImageError) as info:
            load_rgb(data, name="upload")
        assert info.value.kind == BAD[name] and str(info.value).startswith("upload: ")
    else:
        assert np.array_equal(load_rgb(data), load_rgb(odd[name]))


def test_exif_orientation_turns_the_stored_pixels(odd: dict[str, Path]) -> None:
    with Image.open(odd["exif_rotated.jpg"]) as stored:
        raw = np.asarray(stored.convert("RGB"))
    shown = load_rgb(odd["exif_rotated.jpg"])
    assert raw.shape[:2] == (GOOD_SIZE[0], GOOD_SIZE[1])  # stored portrait
    assert np.array_equal(shown, np.rot90(raw, k=-1))  # orientation 6: 90° clockwise


def test_palette_keeps_its_opaque_colour(odd: dict[str, Path]) -> None:
    rgb = load_rgb(odd["palette_transparent.png"])
    assert tuple(rgb[5, 5]) == (200, 30, 30)  # the opaque band
    assert tuple(rgb[-1, -1]) == (255, 255, 255)


def test_background_is_the_policy_s(odd: dict[str, Path]) -> None:
    dark = ImagePolicy(background=(0, 0, 0))
    assert tuple(load_rgb(odd["rgba_hidden.png"], policy=dark)[0, 0]) == (0, 0, 0)


def test_missing_file_and_bgr_order(odd: dict[str, Path], tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="no such file") as info:
        load_rgb(tmp_path / "nope.jpg")
    assert info.value.kind == "missing"
    bgr = load_bgr(odd["cmyk.jpg"])
    assert tuple(bgr[0, 0]) == pytest.approx((0, 0, 255), abs=3)


def test_max_side_shrinks_and_keeps_aspect(odd: dict[str, Path]) -> None:
    image = load_image(odd["exif_rotated.jpg"], max_side=100)
    assert image.size == (100, 80) and image.mode == "RGB"
    with pytest.raises(ValueError, match="max_side"):
        load_image(odd["plain.jpg"], max_side=0)


def test_the_bomb_is_refused_without_decoding(odd: dict[str, Path]) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(ImageError, match="400,000,000 pixels"):
            load_rgb(odd["bomb.png"])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000  # bytes: the header only, not 400 MB of pixels


def test_policy_limits_apply_below_pillow_s_own(odd: dict[str, Path]) -> None:
    small = ImagePolicy(max_pixels=10_000)
    with pytest.raises(ImageError, match="more than the limit of 10,000") as info:
        probe(odd["plain.jpg"], policy=small)
    assert info.value.kind == "too_large"
    with pytest.raises(ImageError) as info:
        load_rgb(odd["plain.jpg"], policy=ImagePolicy(max_bytes=100))
    assert info.value.kind == "too_large"
    assert probe(odd["plain.jpg"]).width == GOOD_SIZE[0]


@pytest.mark.parametrize("aspect", [0.5, float("nan")])
def test_policy_refuses_nonsense(aspect: float) -> None:
    with pytest.raises(ValueError, match="max_aspect"):
        ImagePolicy(max_aspect=aspect)


def test_unknown_colour_modes_become_rgb() -> None:
    for image in (Image.new("1", (30, 30), 1), Image.new("LA", (30, 30), (0, 0)),
                  Image.new("F", (30, 30), 300.0), Image.new("I", (30, 30), 65535)):
        buffer = io.BytesIO()
        fmt = "TIFF" if image.mode in ("F", "I") else "PNG"
        image.save(buffer, fmt)
        rgb = load_rgb(buffer.getvalue())
        assert rgb.shape == (30, 30, 3)
        assert tuple(rgb[0, 0]) == (255, 255, 255)  # white, transparent, clipped, full scale


def test_frames_are_conformed() -> None:
    gray16 = np.full((40, 50), 65535, np.uint16)
    out = conform_frame(gray16, "camera 0")
    assert out.shape == (40, 50, 3) and out.dtype == np.uint8 and out.max() == 255
    bgra = np.zeros((30, 40, 4), np.uint8)
    assert conform_frame(bgra, "cam").shape == (30, 40, 3)
    big = np.zeros((2160, 3840, 3), np.uint8)
    assert conform_frame(big, "cam").shape == (1080, 1920, 3)
    with pytest.raises(ImageError) as info:
        conform_frame(np.zeros((1, 4000, 3), np.uint8), "clip.avi")
    assert info.value.kind == "aspect" and "clip.avi" in str(info.value)
    with pytest.raises(ImageError, match="not a picture"):
        conform_frame(np.zeros((4, 4, 2), np.uint8), "cam")
    with pytest.raises(ImageError, match="float32"):
        conform_frame(np.zeros((4, 4, 3), np.float32), "cam")


def test_expand_image_args(odd: dict[str, Path], tmp_path: Path) -> None:
    empty = tmp_path / "none"
    empty.mkdir()
    expanded = expand_image_args([odd["plain.jpg"].parent, tmp_path / "missing.jpg", empty])
    names = [p.name for p in expanded]
    assert "plain.jpg" in names and "folder.jpg" not in names  # a folder is not a file
    assert names == [*sorted(names[:-2]), "missing.jpg", "none"]
    assert DEFAULT_POLICY.max_aspect == 20.0
