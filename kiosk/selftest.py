"""`kiosk --self-test`: check what the kiosk needs, without showing a window.

Each check prints one line: PASS, WARN (works, but look at it) or FAIL (the kiosk
cannot do its job), with what to do. Exit status 0 when nothing failed, else 1.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from kiosk import __version__
from kiosk.config import Settings, is_factory_pin
from kiosk.diskspace import free_mb
from kiosk.domain import Emotion
from kiosk.resources import resource_path, resources_root

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # PASS, WARN, FAIL
    detail: str


def run_self_test(settings: Settings, out: TextIO | None = None, camera_timeout_s: float = 8.0
                  ) -> int:
    out = out or sys.stdout
    out.write(f"kiosk {__version__} self-test\n")
    checks: list[Callable[[Settings], Check]] = [
        check_settings,
        check_admin_pin,
        check_resources,
        check_models,
        check_catalog,
        lambda s: check_folder("data folder", s.data_dir),
        lambda s: check_folder("log folder", s.log_dir),
        check_events_db,
        check_aws,
        check_aws_region,
        check_fleet,
        check_sync,
        lambda s: check_camera(s, camera_timeout_s),
        check_display,
    ]
    results = []
    for check in checks:
        started = time.perf_counter()
        try:
            result = check(settings)
        except Exception as exc:  # a check that crashes is a failed check
            name = getattr(check, "__name__", "check")
            result = Check(name, "FAIL", f"{type(exc).__name__}: {exc}")
        took = time.perf_counter() - started
        results.append(result)
        out.write(f"[{result.status}] {result.name}: {result.detail} ({took:.2f} s)\n")
        out.flush()
    failed = [r for r in results if r.status == "FAIL"]
    warned = [r for r in results if r.status == "WARN"]
    verdict = "FAILED" if failed else "PASSED"
    out.write(f"self-test {verdict}: {len(results) - len(failed) - len(warned)} passed, "
              f"{len(warned)} warnings, {len(failed)} failed\n")
    return 1 if failed else 0


def check_settings(settings: Settings) -> Check:
    from kiosk.config import check_settings as check_cross_field
    from kiosk.config import settings_notes

    origin = settings.source_file or "built-in defaults (no settings file)"
    check_cross_field(settings)  # load_settings ran it already; a ConfigError here is a FAIL
    notes = settings_notes(settings)
    if notes:
        return Check("settings", "WARN", f"read from {origin}; " + "; ".join(notes))
    return Check("settings", "PASS", f"valid; read from {origin}")


def check_admin_pin(settings: Settings) -> Check:
    if is_factory_pin(settings.ui.admin_pin_hash):
        return Check("admin PIN", "WARN", "still the factory PIN 0000: anyone can open the "
                     "admin panel; run `kiosk-admin pin` and put the printed hash in "
                     "[ui] admin_pin_hash")
    return Check("admin PIN", "PASS", "set (stored as a salted hash)")


def check_resources(settings: Settings) -> Check:
    missing = []
    for parts in (("models", "retinaface_mobilenet025.pt"), ("models", "mini_xception_fer2013.pt"),
                  ("translations", "kiosk_ko.qm"), ("catalog",)):
        if not resource_path(*parts, must_exist=False).exists():
            missing.append("/".join(parts))
    if missing:
        return Check("resources", "FAIL", f"missing in {resources_root()}: {', '.join(missing)}; "
                     "reinstall the kiosk")
    return Check("resources", "PASS", f"models, translations and catalog in {resources_root()}")


def check_models(settings: Settings) -> Check:
    import numpy as np

    from kiosk.vision.detector import FaceDetector
    from kiosk.vision.device import configure_threads, threads_text
    from kiosk.vision.ensemble import EmotionEnsemble

    threads = configure_threads(settings.vision.threads)
    started = time.perf_counter()
    detector = FaceDetector.from_settings(settings.vision)
    classifier = EmotionEnsemble.from_settings(settings.vision)
    width, height = settings.camera.frame_size  # turned by [camera] rotate
    detector.warmup(height, width)
    classifier.warmup()
    load_s = time.perf_counter() - started
    frame = np.zeros((height, width, 3), np.uint8)
    timings = []
    for _ in range(DETECTION_RUNS):
        started = time.perf_counter()
        detector.detect(frame)
        timings.append((time.perf_counter() - started) * 1000)
    detect_ms = sorted(timings)[len(timings) // 2]
    loaded = (f"face detector and emotion model loaded on {detector.device} "
              f"({threads_text(threads)}) in {load_s:.2f} s")
    status, timing = detection_verdict(detect_ms, settings.camera.fps)
    return Check("models", status,
                 f"{loaded}; {timing}; {reach_text(detector, settings, width, height)}")


def reach_text(detector: Any, settings: Settings, width: int, height: int) -> str:
    """The narrowest faces `detector` (a `FaceDetector`) finds on `width` x `height`
    frames: by the whole-frame scan, and by the far search while no face is followed."""
    from kiosk.vision.far import FarSearch

    reach = (f"faces from about {detector.smallest_face_px(width)} px wide on "
             f"{width}x{height} frames ([vision] detect_width {settings.vision.detect_width})")
    far = FarSearch(settings.vision.min_face_px, detector.smallest_face_px,
                    detector.scan_input).smallest_px((width, height))
    if far is not None and settings.vision.scan_every > 1:
        reach += f", from about {far} px while no face is followed (kiosk.vision.far)"
    return reach


DETECTION_RUNS = 3


def detection_verdict(detect_ms: float, fps: float) -> tuple[str, str]:
    """(PASS or WARN, a sentence) for one face detection of `detect_ms` milliseconds
    against the frame budget of the camera rate `fps` (1000 / fps ms)."""
    budget_ms = 1000.0 / fps
    timing = (f"one detection {detect_ms:.1f} ms (median of {DETECTION_RUNS}), frame budget "
              f"{budget_ms:.1f} ms at {fps:g} fps")
    if detect_ms <= budget_ms:
        return "PASS", timing
    return "WARN", (f"{timing}: detection is slower than the camera, so the emotion follows "
                    "the visitor late; use a GPU ([vision] device), more [vision] threads, "
                    "a smaller [vision] detect_width or a lower [camera] fps")


def check_catalog(settings: Settings) -> Check:
    """Every catalog image is decoded as the catalog will decode it (the one image
    policy: size limits, truncation, EXIF, formats, empty images;
    `kiosk.recommend.catalog.decode_checked`), so a folder of cut-short or oversized
    files, or of files the kiosk does not show (a `.gif`), is not reported as fine: unusable
    files WARN with a count and the first reason, an emotion with no usable image
    WARNs, and no usable image at all FAILs. The same rules as `kiosk-admin catalog
    rescan`: a folder that is not an emotion (`Fear/`: lower case only) is named, a new
    file whose name cannot be an item id is unusable, images under `MIN_SIDE`
    pixels (shown upscaled; the import refuses them) WARN with their names, and so do
    images whose bytes another image has (a copy in a second mood folder, shown twice):
    the sha256 of the bytes already read for decoding, as the manifest keeps it, no
    file read or decoded again."""
    import hashlib

    from kiosk.recommend.catalog import (
        IMAGE_SUFFIXES,
        MIN_SIDE,
        SYSTEM_FILES,
        CatalogError,
        Duplicate,
        decode_checked,
        folder_emotion,
        id_problem,
        item_id,
        not_shown,
        shown_names,
    )
    from kiosk.recommend.catalog_names import escaped

    root = Path(settings.recommend.catalog_dir) if settings.recommend.catalog_dir else (
        resource_path("catalog", must_exist=False)
    )
    if not root.is_dir():
        return Check("catalog", "FAIL", f"catalog folder {root} not found; set [recommend] "
                     "catalog_dir or reinstall")
    usable: dict[str, int] = {}
    bad: list[str] = []
    small: list[str] = []
    first: dict[str, str] = {}  # sha256 → the item id of the first image with those bytes
    copies: list[Duplicate] = []
    ignored = [f"{escaped(p.name)}/ ({folder_emotion(p.name)[1]})"
               for p in sorted(root.iterdir())
               if p.is_dir() and not p.name.startswith(".") and folder_emotion(p.name)[0] is None]
    for emotion in Emotion:
        folder = root / emotion.folder
        files = sorted(p for p in folder.glob("*") if p.is_file() and not p.name.startswith(".")
                       and p.name.lower() not in SYSTEM_FILES) if folder.is_dir() else []
        usable[emotion.folder] = 0
        for path in files:
            if path.suffix.lower() not in IMAGE_SUFFIXES:  # a .gif, a .txt: as a rescan says
                bad.append(f"{emotion.folder}/{escaped(path.name)}: {not_shown(path)}")
                continue
            key = item_id(emotion, path.name)
            try:
                problem = id_problem(key)
                if problem:  # a live image keeps its id; the self-test cannot tell
                    raise CatalogError(problem)
                data = path.read_bytes()
                image = decode_checked(data, name=path.name)
            except (CatalogError, OSError) as exc:
                bad.append(f"{emotion.folder}/{escaped(path.name)}: {escaped(str(exc))}")
            else:
                usable[emotion.folder] += 1
                same_as = first.setdefault(hashlib.sha256(data).hexdigest(), key)
                if same_as != key:
                    copies.append(Duplicate(f"{emotion.folder}/{path.name}", same_as))
                if min(image.size) < MIN_SIDE:
                    small.append(f"{emotion.folder}/{escaped(path.name)} "
                                 f"({image.width}×{image.height})")
                image.close()
    empty = [e for e, n in usable.items() if n == 0]
    total = sum(usable.values())
    if total == 0:
        detail = (f"no usable images in {root}/<emotion>/; import some with "
                  "kiosk-admin catalog import")
        if bad:
            detail += f" ({len(bad)} unusable, e.g. {bad[0]})"
        return Check("catalog", "FAIL", detail)
    status = "WARN" if empty or bad or small or ignored or copies else "PASS"
    detail = f"{total} images in {root}"
    if bad:
        detail += (f"; {len(bad)} unusable and skipped, e.g. {bad[0]}; replace or remove "
                   "them (kiosk-admin catalog rescan lists each)")
    if small:
        detail += (f"; {len(small)} smaller than {MIN_SIDE} px on a side, shown upscaled "
                   f"(blurry): {shown_names(small)}; replace them with larger images")
    if copies:
        detail += (f"; {len(copies)} the same image as another, shown twice: "
                   f"{shown_names(map(str, copies))}; remove the copy unless it is meant "
                   "to be there")
    if ignored:
        detail += f"; ignored folders: {shown_names(ignored)}"
    if empty:
        detail += f"; no usable images for: {', '.join(empty)}"
    return Check("catalog", status, detail)


def check_folder(name: str, folder: Path) -> Check:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".selftest-", delete=True) as tmp:
            tmp.write(b"kiosk self-test")
            tmp.flush()
            os.fsync(tmp.fileno())
    except OSError as exc:
        return Check(name, "FAIL", f"{folder} is not writable ({exc.strerror}); fix its "
                     "permissions or free disk space, or point the setting elsewhere")
    free = free_mb(folder) or 0.0
    if free < 200:
        return Check(name, "WARN", f"{folder} writable but only {free:.0f} MB free")
    return Check(name, "PASS", f"{folder} writable, {free / 1024:.1f} GB free")


def check_events_db(settings: Settings) -> Check:
    """The queue opens, SQLite's full integrity check passes, and its counts."""
    from kiosk.errors import KioskError
    from kiosk.events.queue import EventQueue
    from kiosk.status import QueueStatus

    name = "event queue"
    try:  # an existing file is read as it is: a queue rolled back for an older build stays so
        queue = EventQueue.from_settings(settings, recover=False,
                                         upgrade=not settings.events_db.is_file())
    except KioskError as exc:
        return Check(name, "FAIL", f"{exc}")
    try:
        problems = queue.integrity_problems()
        counts = QueueStatus.of(queue)  # the admin panel's numbers
    except KioskError as exc:
        problems = [str(exc)]
    finally:
        queue.close()
    if problems:
        return Check(name, "FAIL", (
            f"{settings.events_db} is damaged (integrity check: {'; '.join(problems[:3])}); "
            "the kiosk moves it aside and starts a fresh queue at its next start, keeping "
            "every record it can still read"))
    state = "WARN" if counts.dead_letters else "PASS"
    detail = (f"{settings.events_db}: integrity ok, {counts.depth} pending, "
              f"{counts.dead_letters} dead letters")
    return Check(name, state, detail)


def check_aws(settings: Settings) -> Check:
    wanted = [name for name, on in (
        ("Rekognition fallback", settings.rekognition.enabled),
        ("Personalize recommendations", settings.recommend.backend == "personalize"),
        ("Personalize events", settings.aws_events_enabled),
        ("identity", settings.identity.enabled),
        ("fleet metrics", settings.fleet.enabled),
        ("catalog sync", bool(settings.sync.url)),
    ) if on]
    if not wanted:
        return Check("AWS", "PASS", "not configured: the kiosk runs fully offline")
    import boto3

    session = boto3.Session(profile_name=settings.aws.profile or None,
                            region_name=settings.aws.region or None)
    if session.get_credentials() is None:
        return Check("AWS", "WARN", f"{', '.join(wanted)} enabled but no AWS credentials found "
                     "(boto3's standard chain); these features will stay offline")
    region = settings.aws.region or session.region_name or "?"
    return Check("AWS", "PASS", f"{', '.join(wanted)} enabled; credentials present; region "
                 f"{region} (fleet metrics and catalog sync are contacted below; the others "
                 "are not)")


def check_aws_region(settings: Settings) -> Check:
    """`aws.region` against botocore's endpoint data (offline) and the Personalize ARNs'
    regions against `aws.region`: a campaign of another region does not exist where the
    kiosk asks (FAIL; WARN when that service's endpoint is set, e.g. a test double). The
    ARNs' shape was checked when the settings loaded (`kiosk.config.arn`)."""
    import botocore

    from kiosk.aws.regions import known_regions, service_regions
    from kiosk.config.arn import ARN_KEYS, arn_region_mismatches

    name = "AWS region"
    region = settings.aws.region
    p = settings.personalize
    arns = [key for key in ARN_KEYS if getattr(p, key.partition(".")[2])]
    personalize = settings.recommend.backend == "personalize" or bool(p.tracking_id or arns)
    fails: list[str] = []
    warns: list[str] = []
    for key, arn_region, endpoint in arn_region_mismatches(settings):
        text = (f"{key} is an ARN of {arn_region} but aws.region = {region!r}: the kiosk asks "
                f"Personalize in {region}, where it does not exist; set aws.region = "
                f"{arn_region!r}, or use the one made in {region}")
        if getattr(settings.aws, endpoint.partition(".")[2]):
            warns.append(f"{text} (fine only for the test double at {endpoint})")
        else:
            fails.append(text)
    if region and region not in known_regions():
        warns.append(f"aws.region = {region!r} is not a region botocore {botocore.__version__} "
                     "knows; check its spelling (e.g. us-east-1, ap-northeast-2), or update "
                     "botocore if the region is new")
    elif region and personalize and region not in service_regions("personalize"):
        offered = ", ".join(sorted(service_regions("personalize")))
        warns.append(f"Amazon Personalize is not offered in aws.region = {region!r} "
                     f"(botocore {botocore.__version__}: {offered})")
    if fails or warns:
        return Check(name, "FAIL" if fails else "WARN", "; ".join(fails + warns))
    if not region:
        return Check(name, "PASS", "aws.region not set: boto3's default chain chooses"
                     + ("; the ARNs' regions are not compared" if arns else ""))
    compared = f"; the {len(arns)} Personalize ARN(s) are of it" if arns else ""
    return Check(name, "PASS", f"aws.region = {region!r} is known{compared}")


def check_fleet(settings: Settings, client: Any = None) -> Check:
    """`[fleet]`: the configured CloudWatch endpoint, contacted (`kiosk.fleet.reach`)."""
    from kiosk.fleet.reach import fleet_reach

    return Check("fleet metrics", *fleet_reach(settings, client))


def check_sync(settings: Settings, client: Any = None) -> Check:
    """`[sync] url`: the bucket and prefix, listed (`kiosk.curation.sync_reach`)."""
    from kiosk.curation.sync_reach import sync_reach

    return Check("catalog sync", *sync_reach(settings, client))


def check_display(settings: Settings) -> Check:
    """The screen the kiosk would draw on (`kiosk.display`): WARN, not FAIL, without
    one, as the self-test is often run over SSH, where there is none."""
    from kiosk.display import display_problem

    problem = display_problem()
    platform = os.environ.get("QT_QPA_PLATFORM", "") or "Qt's default"
    if problem is None:
        return Check("display", "PASS", f"available for {platform}")
    return Check("display", "WARN", f"none here ({problem.message}); fine over SSH, but "
                 "the kiosk itself exits without one")


def check_camera(settings: Settings, timeout_s: float) -> Check:
    from kiosk.camera import (
        CameraError,
        CameraState,
        Capture,
        DeviceSource,
        PendingPathSource,
        source_from_setting,
    )

    if not settings.camera.source.strip():  # README: no camera for the run, on purpose
        return Check("camera", "PASS", "no camera configured ([camera] source is empty): "
                     "the kiosk runs with the mood picker only; set [camera] source to a "
                     "device index, a video file or a folder of images to use one")
    try:
        source = source_from_setting(settings.camera.source, settings.camera)
    except CameraError as exc:
        return Check("camera", "FAIL", str(exc))
    if isinstance(source, PendingPathSource) and source.fingerprint() is None:
        # the kiosk would keep retrying it, with the mood picker meanwhile; no wait here
        return Check("camera", "FAIL", f"{source.missing_message()} — the kiosk still runs, "
                     "with the mood picker until it appears")
    if isinstance(source, DeviceSource) and source.missing_message():
        # no such device: nothing to wait for (only a device that is there may be slow)
        return Check("camera", "FAIL", f"{source.missing_message()} — the kiosk still runs, "
                     "with the mood picker until it appears")
    capture = Capture.from_settings(source, settings.camera)
    capture.start()
    try:
        frame = capture.wait_newer(-1, timeout=timeout_s)
        state, message = capture.state, capture.message
    finally:
        capture.stop(3.0)
    if frame is None or (state is not CameraState.LIVE and state is not CameraState.OPENING):
        reason = message or f"no frame from camera source {settings.camera.source!r}"
        return Check("camera", "FAIL", f"{reason} — the kiosk still runs, with the mood picker")
    received = f"{source.name}: {frame.width}x{frame.height} frame received"
    if (frame.width, frame.height) != settings.camera.frame_size:
        received += size_note(settings, frame.width, frame.height)
    light = light_verdict(frame.image)
    if light:
        return Check("camera", "WARN", f"{received}, but {light}")
    turn = orientation_verdict(frame.image, settings)
    if turn:
        return Check("camera", "WARN", f"{received}, but {turn}")
    return Check("camera", "PASS", received)


def size_note(settings: Settings, width: int, height: int) -> str:
    """What the models check said for the configured frame size, said again for the
    size the camera really gives (tester round 24: a 1280x720 camera's self-test said
    "faces from about 64 px wide on 640-px-wide frames", the kiosk then logged 128 px)."""
    from kiosk.vision.detector import FaceDetector
    from kiosk.vision.errors import VisionError

    asked_w, asked_h = settings.camera.frame_size
    note = f" (not the {asked_w}x{asked_h} of [camera] width and height"
    try:
        detector = FaceDetector.from_settings(settings.vision)
    except (VisionError, OSError, RuntimeError):
        return note + ")"
    return f"{note}: {reach_text(detector, settings, width, height)})"


def orientation_verdict(image: Any, settings: Settings) -> str:
    """"" unless a face in the frame is found better turned (a camera mounted sideways
    or upside down, `[camera] rotate` not set for it): then the turn to add. The kiosk
    tells it in its log after a while (`kiosk.vision.orientation`); an installer
    checking with the self-test and a face in view learns it at once (tester round 22:
    an upside-down camera passed). One detection per turn of this one frame; "" when
    the models cannot load (the models check says why) or no face is in view."""
    import cv2

    from kiosk.vision.detector import FaceDetector
    from kiosk.vision.errors import VisionError
    from kiosk.vision.orientation import SCORE_MARGIN, best_score, upright

    try:
        detector = FaceDetector.from_settings(settings.vision)
    except (VisionError, OSError, RuntimeError):
        return ""
    turns = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180,
             270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    plain = best_score(detector.detect(image))
    best_turn, best = 0, plain
    for turn, code in turns.items():
        faces = detector.detect(cv2.rotate(image, code))
        score = best_score(faces)
        if score > best + SCORE_MARGIN and upright(max(faces, key=lambda f: f.score)):
            best_turn, best = turn, score
    if not best_turn:
        return ""
    return (f"the face in view is found upright only turned {best_turn} degrees clockwise: "
            f"the camera seems mounted turned; add {best_turn} to [camera] rotate (now "
            f"{settings.camera.rotate}), or turn the camera")


DARK_FRAME = 50.0
BRIGHT_FRAME = 230.0


def light_verdict(image: Any) -> str:
    """"" for a camera frame in usable light, else what is wrong and what to do. By
    the frame's mean luminance (0-255): under `DARK_FRAME` (50) or over `BRIGHT_FRAME`
    (230). The tester's videos (round 18, `eval-video` on_screen_accuracy before
    2026-12-02): frame mean 17, 28, 47 read 0.0, 0.03, 0.40, and 249 (over-exposed)
    0.55 / 0.29, against 0.80 at 161 and 0.49 / 0.79 at 63 (dim but usable)."""
    import cv2
    import numpy as np

    array = np.asarray(image)
    if array.size == 0:
        return ""
    gray = cv2.cvtColor(array, cv2.COLOR_BGR2GRAY) if array.ndim == 3 else array
    mean = float(gray.mean())
    if mean < DARK_FRAME:
        return (f"the picture is very dark (mean luminance {mean:.0f}/255): faces may not "
                "be read; light the visitor's side, or raise the camera's exposure or gain")
    if mean > BRIGHT_FRAME:
        return (f"the picture is very bright (mean luminance {mean:.0f}/255): faces may "
                "not be read; lower the camera's exposure, or keep bright light off the "
                "lens")
    return ""
