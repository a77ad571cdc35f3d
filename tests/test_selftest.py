"""`kiosk --self-test` checks that need no camera or models: the factory PIN and the
detection time against the frame budget."""

from __future__ import annotations

from pathlib import Path

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


def _catalog(root: Path) -> None:
    from PIL import Image

    from kiosk.domain import Emotion

    for emotion in Emotion:
        (root / emotion.folder).mkdir(parents=True)
        Image.new("RGB", (64, 64), (120, 80, 40)).save(root / emotion.folder / "ok.jpg")


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


def test_a_catalog_of_only_broken_images_fails(tmp_path: Path) -> None:
    from kiosk.selftest import check_catalog

    root = tmp_path / "catalog"
    _catalog(root)
    for path in root.glob("*/ok.jpg"):
        path.write_bytes(b"")
    check = check_catalog(load_settings(env={}, overrides={"recommend.catalog_dir": str(root)}))
    assert check.status == "FAIL" and "no usable images" in check.detail
