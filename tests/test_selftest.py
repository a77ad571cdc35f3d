"""`kiosk --self-test` checks that need no camera or models: the factory PIN and the
detection time against the frame budget."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from kiosk.config import hash_pin, load_settings
from kiosk.selftest import check_admin_pin, check_camera, detection_verdict


def test_the_factory_pin_warns_until_changed() -> None:
    unset = check_admin_pin(load_settings(env={}))
    assert unset.status == "WARN"
    assert "0000" in unset.detail and "kiosk-admin pin" in unset.detail
    zeros = check_admin_pin(load_settings(env={}, overrides={
        "ui.admin_pin_hash": hash_pin("0000")}))
    assert zeros.status == "WARN"  # hashed, but still 0000
    own = check_admin_pin(load_settings(env={}, overrides={
        "ui.admin_pin_hash": hash_pin("2468")}))
    assert own.status == "PASS"


def test_a_detection_slower_than_the_frame_budget_warns_naming_both() -> None:
    status, detail = detection_verdict(786.0, 30.0)
    assert status == "WARN"
    assert "786.0 ms" in detail and "33.3 ms" in detail and "30 fps" in detail
    status, detail = detection_verdict(12.5, 30.0)
    assert status == "PASS"
    assert "12.5 ms" in detail and "33.3 ms" in detail
    assert detection_verdict(40.0, 15.0)[0] == "PASS"  # 66.7 ms budget at 15 fps


def test_a_missing_camera_path_fails_at_once_saying_the_kiosk_keeps_trying(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "late.avi"
    check = check_camera(load_settings(env={}, overrides={"camera.source": str(missing)}),
                         timeout_s=600.0)  # answered without waiting for a frame
    assert check.status == "FAIL"
    assert str(missing) in check.detail and "does not exist (yet)" in check.detail
    assert "keeps trying" in check.detail and "mood picker" in check.detail


@pytest.mark.parametrize("source", ["", "  "])
def test_no_camera_on_purpose_passes_saying_the_mood_picker_only(source: str) -> None:
    """README: an empty camera.source means no camera for the run; the self-test must
    not FAIL such a kiosk (and so exit 1) when everything else passes."""
    check = check_camera(load_settings(env={}, overrides={"camera.source": source}),
                         timeout_s=600.0)  # nothing to wait for
    assert check.status == "PASS"
    assert "no camera configured" in check.detail and "mood picker only" in check.detail


def _catalog(root: Path) -> None:
    from PIL import Image

    from kiosk.domain import Emotion

    for n, emotion in enumerate(Emotion):  # one colour each: no image is another's copy
        (root / emotion.folder).mkdir(parents=True)
        image = Image.new("RGB", (256, 256), (120, 80, 10 + 20 * n))
        image.paste((250, 250, 250), (0, 0, 64, 64))  # not one flat colour: not empty
        image.save(root / emotion.folder / "ok.jpg")


def test_the_catalog_check_decodes_each_image_and_names_unusable_ones(tmp_path: Path) -> None:
    from kiosk.selftest import check_catalog

    root = tmp_path / "catalog"
    _catalog(root)
    settings = load_settings(env={}, overrides={"recommend.catalog_dir": str(root)})
    assert check_catalog(settings).status == "PASS"
    good = (root / "happy" / "ok.jpg").read_bytes()
    (root / "happy" / "ok.jpg").write_bytes(good[: len(good) // 2])  # cut short
    (root / "happy" / "notes.jpg").write_bytes("\ufeffnot an image".encode())
    check = check_catalog(settings)
    assert check.status == "WARN"
    assert "2 unusable" in check.detail and "happy/" in check.detail
    assert "no usable images for: happy" in check.detail
    assert check.detail.startswith("7 images")  # the other seven emotions


def test_the_catalog_check_names_small_images_and_ignored_folders(tmp_path: Path) -> None:
    """The rules of `kiosk-admin catalog rescan` (tester round 8: a 32×32 image and a
    `Fear/` folder passed the self-test without a word)."""
    from PIL import Image

    from kiosk.selftest import check_catalog

    root = tmp_path / "catalog"
    _catalog(root)
    tiny = Image.new("RGB", (32, 32), (0, 80, 40))
    tiny.paste((250, 250, 250), (0, 0, 12, 12))
    tiny.save(root / "sad" / "tiny.png")
    (root / "Fear").mkdir()
    Image.new("RGB", (300, 300), (0, 80, 40)).save(root / "Fear" / "scary.jpg")
    (root / ".git").mkdir()  # hidden: not named
    check = check_catalog(load_settings(env={}, overrides={"recommend.catalog_dir": str(root)}))
    assert check.status == "WARN" and check.detail.startswith("9 images")
    assert "1 smaller than 256 px on a side" in check.detail
    assert "sad/tiny.png (32×32)" in check.detail
    assert "ignored folders: Fear/ (emotion folders are lower case (fear))" in check.detail
    assert ".git" not in check.detail


def test_the_catalog_check_names_files_and_folders_escaped(tmp_path: Path) -> None:
    """A name with a right-to-left override, a byte order mark or a line break was put
    in the check's line as it was (read backwards, or broken over lines); it is shown
    as `kiosk-admin catalog list --live` shows ids (`catalog_names.escaped`)."""
    from PIL import Image

    from kiosk.selftest import check_catalog

    root = tmp_path / "catalog"
    _catalog(root)
    tiny = Image.new("RGB", (32, 32), (0, 80, 40))
    tiny.paste((250, 250, 250), (0, 0, 12, 12))
    tiny.save(root / "sad" / "a\u202etiny.png")
    Image.new("RGB", (300, 300), (0, 80, 40)).save(root / "calm" / "line\nbreak.jpg")
    (root / "\ufeffFear").mkdir()
    check = check_catalog(load_settings(env={}, overrides={"recommend.catalog_dir": str(root)}))
    assert check.status == "WARN"
    assert "\n" not in check.detail and not {"\u202e", "\ufeff"} & set(check.detail)
    assert "sad/a\\u202etiny.png (32×32)" in check.detail
    assert "e.g. calm/line\\x0abreak.jpg: " in check.detail
    assert "ignored folders: \\ufeffFear/ (" in check.detail


def test_a_catalog_of_only_broken_images_fails(tmp_path: Path) -> None:
    from kiosk.selftest import check_catalog

    root = tmp_path / "catalog"
    _catalog(root)
    for path in root.glob("*/ok.jpg"):
        path.write_bytes(b"")
    check = check_catalog(load_settings(env={}, overrides={"recommend.catalog_dir": str(root)}))
    assert check.status == "FAIL" and "no usable images" in check.detail


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="device nodes are Linux's")
def test_a_camera_device_that_does_not_exist_fails_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`--camera 7` with no /dev/video7: FAIL at once, naming the node and what to do,
    without starting a capture (which would wait `timeout_s` for a frame)."""
    from kiosk.camera import Capture

    index = next(i for i in range(7, 200) if not Path(f"/dev/video{i}").exists())

    def no_capture(*args: object, **kwargs: object) -> Capture:
        raise AssertionError("the self-test waited for a camera that does not exist")

    monkeypatch.setattr(Capture, "from_settings", no_capture)
    check = check_camera(load_settings(env={}, overrides={"camera.source": str(index)}),
                         timeout_s=600.0)
    assert check.status == "FAIL"
    assert f"camera {index} not found: /dev/video{index} does not exist" in check.detail
    assert "plugged in" in check.detail and "[camera] source" in check.detail
    assert "mood picker" in check.detail


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="device nodes are Linux's")
def test_a_camera_device_that_is_there_is_waited_for(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    """A node that exists may be a camera slow to give its first frame: the check does
    start a capture for it (here a fake, answering at once)."""
    import numpy as np

    from kiosk.camera import Capture, DeviceSource, FakeSource

    monkeypatch.setattr(DeviceSource, "node", lambda self: tmp_path)  # "it exists"
    started: list[object] = []
    real = Capture.from_settings

    def fake_capture(source: object, settings: object, **kwargs: object) -> Capture:
        started.append(source)
        # a normally lit picture (the default numbered frames are dark: a WARN now)
        lit = np.full((24, 32, 3), 128, np.uint8)
        return real(FakeSource([lit]), settings)  # type: ignore[arg-type]

    monkeypatch.setattr(Capture, "from_settings", fake_capture)
    check = check_camera(load_settings(env={}, overrides={"camera.source": "7"}), timeout_s=30)
    assert len(started) == 1 and isinstance(started[0], DeviceSource)
    assert check.status == "PASS", check.detail


def test_the_display_check_warns_without_failing(monkeypatch: pytest.MonkeyPatch) -> None:
    from kiosk import display
    from kiosk.selftest import check_display

    monkeypatch.setattr(display.sys, "platform", "linux")
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.delenv("DISPLAY", raising=False)
    check = check_display(load_settings(env={}))
    assert check.status == "WARN" and "DISPLAY is not set" in check.detail
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert check_display(load_settings(env={})).status == "PASS"


def test_the_catalog_check_names_the_same_image_in_two_mood_folders(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`kiosk-admin catalog rescan` names an image copied into a second folder (shown
    twice); the self-test passed it without a word. From the bytes it reads anyway:
    each file is still read and decoded once."""
    from PIL import Image

    from kiosk.recommend import catalog as catalog_mod
    from kiosk.selftest import check_catalog

    root = tmp_path / "catalog"
    _catalog(root)
    settings = load_settings(env={}, overrides={"recommend.catalog_dir": str(root)})
    assert check_catalog(settings).status == "PASS"  # eight different images
    copy = Image.new("RGB", (300, 300), (10, 200, 40))
    copy.paste((250, 250, 250), (0, 0, 64, 64))
    copy.save(root / "happy" / "cmyk.jpg")
    (root / "calm" / "cmyk.jpg").write_bytes((root / "happy" / "cmyk.jpg").read_bytes())
    decoded: list[str] = []
    real = catalog_mod.decode_checked

    def counting(data: bytes, **kwargs: Any) -> Any:
        decoded.append(kwargs.get("name", ""))
        return real(data, **kwargs)

    monkeypatch.setattr(catalog_mod, "decode_checked", counting)
    check = check_catalog(settings)
    assert check.status == "WARN" and check.detail.startswith("10 images")
    assert ("; 1 the same image as another, shown twice: calm/cmyk.jpg (same image as "
            "emotions/happy/cmyk.jpg); remove the copy unless it is meant to be there"
            ) in check.detail
    assert len(decoded) == 10  # ten files, each decoded once


@pytest.mark.parametrize(("level", "status", "words"), [
    (17, "WARN", "very dark (mean luminance 17/255)"),
    (120, "PASS", "frame received"),
    (249, "WARN", "very bright (mean luminance 249/255)"),
])
def test_the_camera_check_warns_about_a_very_dark_or_bright_picture(
        tmp_path: Path, level: int, status: str, words: str) -> None:
    """Round 18: a camera whose picture was dark (mean 17/255) passed the self-test,
    and its visitors' faces were never read. The check names the light and what to do."""
    import cv2
    import numpy as np

    folder = tmp_path / "frames"
    folder.mkdir()
    image = np.full((120, 160, 3), level, np.int16)
    image[::2] += 2  # a faint pattern: a picture, of the mean `level`
    image[1::2] -= 2
    image = image.astype(np.uint8)
    assert cv2.imwrite(str(folder / "frame.png"), image)
    check = check_camera(load_settings(env={}, overrides={"camera.source": str(folder)}),
                         timeout_s=30)
    assert check.status == status and words in check.detail, check.detail
    if status == "WARN":
        assert "exposure" in check.detail and "frame received" in check.detail


@pytest.mark.faces
@pytest.mark.parametrize(("turn", "add"), [(None, None), (180, 180), (90, 270)])
def test_the_camera_check_names_the_turn_of_a_camera_mounted_turned(
        tmp_path: Path, faces_dir: Path, turn: int | None, add: int | None) -> None:
    """Round 22: an upside-down camera passed the self-test; the kiosk told it in its
    log only a minute later. A face in view found better turned is named with the
    `[camera] rotate` to add."""
    import cv2

    from kiosk.tools.face_video import background, render_frame
    from tests.vision.test_face_identity import read_color

    frame = render_frame(background(640, 480),
                         read_color(faces_dir / "images/Laura_Bush_0008.jpg"), 0.0,
                         __import__("numpy").random.default_rng(0))
    codes = {180: cv2.ROTATE_180, 90: cv2.ROTATE_90_CLOCKWISE}
    if turn is not None:
        frame = cv2.rotate(frame, codes[turn])
    folder = tmp_path / "frames"
    folder.mkdir()
    assert cv2.imwrite(str(folder / "frame.png"), frame)
    check = check_camera(load_settings(env={}, overrides={"camera.source": str(folder)}),
                         timeout_s=30)
    if add is None:
        assert check.status == "PASS", check.detail
    else:
        assert check.status == "WARN" and f"add {add} to [camera] rotate" in check.detail, (
            check.detail)


def test_a_camera_of_another_size_gets_the_reach_of_its_own_frames(tmp_path: Path) -> None:
    # tester round 24: a 1280x720 camera's self-test said "faces from about 64 px wide
    # on 640-px-wide frames" (the configured size); the kiosk then logged 128 px
    import cv2
    import numpy as np

    folder = tmp_path / "frames"
    folder.mkdir()
    for i in range(3):
        cv2.imwrite(str(folder / f"f{i}.png"), np.full((720, 1280, 3), 120, np.uint8))
    settings = load_settings(env={}, overrides={"camera.source": str(folder)})
    assert settings.camera.frame_size == (640, 480)
    check = check_camera(settings, timeout_s=5.0)
    assert "1280x720 frame received (not the 640x480 of [camera] width and height" in \
        check.detail
    assert "faces from about 128 px wide on 1280x720 frames" in check.detail
    assert "from about 70 px while no face is followed" in check.detail


def test_the_catalog_check_counts_files_the_kiosk_does_not_show(tmp_path: Path) -> None:
    """Tester round 25 D7/D8: the self-test passed a GIF, a TIFF and a text file without
    a word (they were not looked at) and counted a fully transparent PNG as usable."""
    from kiosk.imaging.testing import CATALOG_ODD, make_catalog_odd_files
    from kiosk.selftest import check_catalog

    root = tmp_path / "catalog"
    _catalog(root)
    make_catalog_odd_files(root / "happy")
    check = check_catalog(load_settings(env={}, overrides={"recommend.catalog_dir": str(root)}))
    unusable = sum(what in ("empty", "format") for what in CATALOG_ODD.values())
    assert check.status == "WARN" and check.detail.startswith("10 images")  # 8 + logo, exif
    assert f"; {unusable} unusable and skipped, e.g. happy/anim.gif: .gif files are not " \
        "shown by the kiosk" in check.detail
