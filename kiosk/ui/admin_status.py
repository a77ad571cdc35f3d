"""The admin panel's wording: a status dictionary turned into translated tile texts.

The wiring sends plain keys (see `kiosk.ui.admin_panel`); here each known key gets
a translated caption and its known values translated words ("LIVE" → "Live",
"cpu, 2 threads" → "Processor (CPU) · 2 threads"). Free text that comes from the
outside world (an error message from AWS, a file path) is shown as it is, after a
translated caption. A key not listed here is shown as `key: value`; add it to
`OTHER_CAPTIONS` to give it a translated caption.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication

from kiosk.camera.capture import CameraState
from kiosk.diskspace import FULL_BELOW_MB
from kiosk.domain import Emotion
from kiosk.ui import texts

translate = QCoreApplication.translate  # context "Admin" (literal, for lupdate)


NA = "—"

# Keys with a tile of their own (everything else is listed under "Other").
TILE_KEYS = frozenset(
    {
        "camera_state",
        "camera_fps",
        "camera_detail",
        "camera_trouble_s",
        "camera_light",
        "camera_face_mean",
        "camera_turn",
        "model_device",
        "inference_ms",
        "online",
        "queue_depth",
        "dead_letters",
        "catalog_counts",
        "crash_count",
        "uploads",
        "uploads_configured",
        "uploader",
        "uploader_queue_error",
        "retry_in_s",
        "restarts_last_hour",
        "unclean_exits_last_hour",
        "crash_loop",
        "disk",
        "disk_free_mb",
        "data_read_only",
        "queue_refusing",
        "queue_spooled",
    }
)


@dataclass(frozen=True)
class TileText:
    caption: str
    value: str
    detail: str = ""
    alert: bool = False


def num(value: Any, fmt: str = "{:.0f}") -> str:
    try:
        return fmt.format(float(value))
    except (TypeError, ValueError):
        return NA


def uploads_configured(status: Mapping[str, Any]) -> bool:
    """False when the status says the event upload is not configured."""
    if "uploads_configured" in status:
        return bool(status["uploads_configured"])
    return "uploads" not in status  # older back ends: "uploads": "off (…)"


def camera_state_name(state: str) -> str:
    """A `CameraState` value in the operator's words ("LOST" -> "Not found")."""
    names: dict[str, str] = {
        CameraState.OPENING: translate("Admin", "Starting"),
        CameraState.LIVE: translate("Admin", "Live"),
        CameraState.STALLED: translate("Admin", "Stalled"),
        CameraState.LOST: translate("Admin", "Not found"),
        CameraState.NONE: translate("Admin", "Off — none configured"),
    }
    return names.get(state.upper(), state)


def device_name(raw: str) -> str:
    """'cpu, 2 threads' → 'Processor (CPU) · 2 threads' ('cpu, 1 thread' → '… · 1 thread');
    'cuda:0' → 'Graphics card (CUDA)'."""
    m = re.match(r"\s*([a-zA-Z]+)[^,]*(?:,\s*(\d+)\s*threads?)?", raw)
    if not m:
        return raw or NA
    kind = m.group(1).lower()
    names = {
        "cpu": translate("Admin", "Processor (CPU)"),
        "cuda": translate("Admin", "Graphics card (CUDA)"),
        "mps": translate("Admin", "Apple graphics (MPS)"),
    }
    name = names.get(kind, raw)
    if m.group(2):
        threads = (translate("Admin", "%1 thread") if int(m.group(2)) == 1
                   else translate("Admin", "%1 threads"))
        name += " · " + threads.replace("%1", m.group(2))
    return name


def camera_tile(s: Mapping[str, Any]) -> TileText:
    """State, fps, why and since when it is in trouble, and what the faces say of the
    light and the mount, but not while the camera is lost: those were judged from the
    frames of a camera that is gone (black box: "Faces too dark (111 of 255)" under
    "Not found"); they come back from the frames after it is back."""
    raw = str(s.get("camera_state", "") or "")
    state, _, reason = raw.partition(" (")  # "LOST (camera 0 not found (…))"
    reason = reason[:-1] if reason.endswith(")") else reason
    if state.upper() == CameraState.NONE:  # no camera on purpose: not a fault
        return TileText(translate("Admin", "Camera"), camera_state_name(state),
                        translate("Admin", "[camera] source is empty: the mood picker only"))
    detail = [translate("Admin", "%1 fps").replace("%1", num(s.get("camera_fps"), "{:.1f}"))]
    extra = str(s.get("camera_detail", "") or reason)
    if extra:
        detail.append(extra)
    alert = state.upper() in (CameraState.LOST, CameraState.STALLED)
    trouble = s.get("camera_trouble_s")
    if alert and isinstance(trouble, int | float):
        detail.append(since_text(float(trouble)))
    judged = () if state.upper() == CameraState.LOST else (turn_text(s), light_text(s))
    for trouble_text in judged:
        if trouble_text:
            detail.append(trouble_text)
            alert = True
    return TileText(
        translate("Admin", "Camera"),
        camera_state_name(state) if state else NA,
        "\n".join(detail),
        alert=alert,
    )


def turn_text(s: Mapping[str, Any]) -> str:
    """The faces look turned ("" otherwise): the camera is mounted sideways or upside
    down and `[camera] rotate` lacks the turn (`kiosk.vision.orientation`)."""
    turn = s.get("camera_turn")
    if not isinstance(turn, int) or turn % 360 == 0:
        return ""
    return (translate("Admin", "Faces look turned: moods are misread. Add %1 to [camera] "
                      "rotate in the settings, or turn the camera.").replace("%1", str(turn)))


def light_text(s: Mapping[str, Any]) -> str:
    """The faces' light when it is wrong for reading moods ("" otherwise): the camera
    works, but 2 of the last 3 visitors' faces were too dark or too bright
    (`kiosk.vision.light`), and what to do."""
    light = str(s.get("camera_light", "") or "")
    mean = num(s.get("camera_face_mean"), "{:.0f}")
    if light == "dark":
        return (translate("Admin", "Faces too dark (%1 of 255): moods are misread. Light "
                          "the visitor's face, or raise the camera's exposure or gain.")
                .replace("%1", mean))
    if light == "bright":
        return (translate("Admin", "Faces too bright (%1 of 255): moods are misread. Less "
                          "light on the face or behind the camera, or lower the "
                          "camera's exposure.").replace("%1", mean))
    return ""


def span_text(seconds: float) -> str:
    """A span for the panel, translated: "45 s" below 2 min, "12 min" below 2 h,
    else "3.5 h" (the log's `kiosk.logs.duration_text`, in the panel's language)."""
    if seconds < 120:
        return translate("Admin", "%1 s").replace("%1", f"{seconds:.0f}")
    if seconds < 7200:
        return translate("Admin", "%1 min").replace("%1", f"{seconds / 60:.0f}")
    return translate("Admin", "%1 h").replace("%1", f"{seconds / 3600:.1f}")


def since_text(ago_s: float, now: float | None = None) -> str:
    """"since 14:05 (12 min)": the local clock time `ago_s` seconds before `now`
    (epoch seconds; the wall clock when None), and the span."""
    at = time.localtime((time.time() if now is None else now) - max(0.0, ago_s))
    return (translate("Admin", "since %1 (%2)")
            .replace("%1", time.strftime("%H:%M", at)).replace("%2", span_text(ago_s)))


def model_tile(s: Mapping[str, Any]) -> TileText:
    device = str(s.get("model_device", "") or "")
    camera_state = str(s.get("camera_state", "") or "").partition(" (")[0].upper()
    if not device and camera_state == CameraState.NONE:
        return TileText(
            translate("Admin", "Model"),
            translate("Admin", "Not loaded"),
            translate("Admin", "Not needed without a camera"),
        )
    if not device and camera_state == CameraState.LOST:
        # the models load with the first picture: without a camera they never will
        return TileText(
            translate("Admin", "Model"),
            translate("Admin", "Not loaded"),
            translate("Admin", "The models load when the camera gives pictures"),
        )
    return TileText(
        translate("Admin", "Model"),
        device_name(device) if device else translate("Admin", "Loading…"),
        translate("Admin", "%1 ms per face").replace("%1", num(s.get("inference_ms"))),
    )


def network_tile(s: Mapping[str, Any]) -> TileText:
    fleet = s.get("fleet metrics")
    if not uploads_configured(s) and isinstance(fleet, Mapping):
        # Personalize off, [fleet] on: the network is needed for CloudWatch (tester
        # round 13: the tile said "Not needed" while the fleet could not send)
        reached = fleet.get("online")
        return TileText(
            translate("Admin", "Network"),
            NA if reached is None else (translate("Admin", "Online") if reached
                                        else translate("Admin", "Offline")),
            translate("Admin", "for the fleet metrics (CloudWatch); likes stay on this device"),
            alert=reached is False,
        )
    if not uploads_configured(s):
        return TileText(
            translate("Admin", "Network"),
            translate("Admin", "Not needed"),
            translate("Admin", "AWS is not configured: the kiosk works offline"),
        )
    online = s.get("online")
    value = (
        NA
        if online is None
        else translate("Admin", "Online")
        if online
        else translate("Admin", "Offline")
    )
    failing = aws_failing(s) if online else []
    if failing:
        # reached, but answering with errors (a fresh tester, round 16: "Online" while
        # every call got a 500 and nothing said which service)
        return TileText(translate("Admin", "Network"), value, translate(
            "Admin", "AWS answers with errors: %1").replace("%1", ", ".join(failing)),
            alert=True)
    return TileText(translate("Admin", "Network"), value, alert=online is False)


def aws_failing(s: Mapping[str, Any]) -> list[str]:
    """The AWS services whose latest calls failed although the network is up: the
    event uploads (busy or refused), Personalize's recommendations (its last page came
    from this device for an AWS error), the Rekognition fallback (its last call)."""
    names = []
    # a queue that cannot be written (a full disk) is no AWS error (tester round 21)
    if str(s.get("uploader") or "") in ("backoff", "blocked") and not s.get(
            "uploader_queue_error"):
        names.append(translate("Admin", "likes upload (Personalize events)"))
    why = s.get("last Personalize fallback")
    if isinstance(why, Mapping) and why.get("kind") in ("failed", "throttled", "paused"):
        names.append(translate("Admin", "Personalize recommendations"))
    rek = s.get("Rekognition")
    if isinstance(rek, Mapping) and (rek.get("last_error") or rek.get("refused_code")):
        names.append("Rekognition")
    return names


def queue_reason(s: Mapping[str, Any]) -> str:
    """Why the events in the queue are waiting."""
    depth = int(s.get("queue_depth", 0) or 0)
    if not uploads_configured(s):
        return translate("Admin", "kept for later: uploads not configured")
    state = str(s.get("uploader", "") or "")
    if s.get("uploader_queue_error"):  # the queue itself failed, not AWS
        return translate("Admin", "kept for later: the queue cannot be written (see the log)")
    if s.get("online") is False or state == "offline":
        return translate("Admin", "kept for later: offline, sent when the network is back")
    if state == "blocked":
        return translate("Admin", "kept for later: AWS refused the credentials (see the log)")
    if state == "backoff":
        retry = s.get("retry_in_s")
        if isinstance(retry, (int, float)) and retry > 0:
            return translate("Admin", "kept for later: AWS is busy, next try in %1 s").replace(
                "%1", str(max(1, round(retry))))
        return translate("Admin", "kept for later: AWS is busy, retrying soon")
    if depth == 0 and s.get("queue_spooled"):
        return ""  # only what the spool keeps waits: `spooled_text` says why
    if depth == 0:
        return translate("Admin", "everything is sent")
    return translate("Admin", "being sent now")


def spooled_text(s: Mapping[str, Any]) -> str:
    """How many of the waiting records another program's lock kept in the spool file
    ("" for none): they are queued when it lets go (the spool drain tries every few
    seconds), then sent as the rest."""
    spooled = int(s.get("queue_spooled", 0) or 0)
    if not spooled:
        return ""
    return translate("Admin", "%1 of them kept aside until the lock lets go").replace(
        "%1", str(spooled))


def likes_refused(s: Mapping[str, Any]) -> str:
    """Why a new like cannot be saved now, in the operator's words ("" when it can):
    the queue's own state (`queue_refusing`: its folder read-only, its last save out of
    room, its last write kept out by another program's lock), the data folder's mount
    (read-only) and the Disk tile's "Full" (before a like has failed)."""
    refusing = str(s.get("queue_refusing", "") or "")
    if refusing == "read_only" or s.get("data_read_only"):
        why = translate("Admin", "the data folder is read-only")
    elif disk_is_full(s):  # the queue's failed save included, until space is back
        why = translate("Admin", "disk full")
    else:  # a lock is not a refusal: likes go to the spool (`queue_locked`)
        return ""
    return translate("Admin", "new likes cannot be saved: %1").replace("%1", why)


def queue_locked(s: Mapping[str, Any]) -> str:
    """The queue's last write was kept out by another program's lock ("" when not):
    new likes are saved in the spool file meanwhile and queued when it lets go, so the
    tile says so (in red: something holds the lock) instead of "cannot be saved"."""
    if str(s.get("queue_refusing", "") or "") != "locked" or likes_refused(s):
        return ""
    return translate("Admin", "locked by another program: new likes are kept aside and "
                              "queued when it lets go")


def events_tile(s: Mapping[str, Any]) -> TileText:
    """Depth (the rows queued and the records the spool keeps: "0 waiting" with a like
    in the spool, black box), why it waits, and first (in red) when a new like cannot
    be saved: "0 waiting" alone read as healthy while likes were refused (tester round
    15)."""
    dead = int(s.get("dead_letters", 0) or 0)
    depth = s.get("queue_depth")
    spooled = int(s.get("queue_spooled", 0) or 0)
    refused = likes_refused(s) or queue_locked(s)
    lines = [line for line in (refused, spooled_text(s), queue_reason(s)) if line]
    if dead:
        lines.append(
            translate("Admin", "%1 could not be sent (dead letters)").replace("%1", str(dead))
        )
    return TileText(
        translate("Admin", "Event queue"),
        translate("Admin", "%1 waiting").replace(
            "%1", NA if depth is None else str(int(depth) + spooled)),
        "\n".join(lines),
        alert=dead > 0 or bool(refused),
    )


def catalog_tile(s: Mapping[str, Any]) -> TileText:
    counts = s.get("catalog_counts")
    parts: list[str] = []
    if isinstance(counts, Mapping):
        total = sum(int(v) for v in counts.values())
        for key, n in counts.items():
            try:
                name = texts.emotion_name(Emotion.parse(str(key)))
            except (ValueError, KeyError):
                name = str(key)
            parts.append(f"{name} {int(n)}")
    else:
        total = int(counts) if counts is not None else 0
    return TileText(
        translate("Admin", "Catalog"),
        translate("Admin", "%1 images").replace("%1", str(total)),
        " · ".join(parts),
        alert=counts is not None and total == 0,
    )


def crashes_tile(s: Mapping[str, Any]) -> TileText:
    crashes = int(s.get("crash_count", 0) or 0)
    lines = []
    if "restarts_last_hour" in s:
        lines.append(
            translate("Admin", "Restarts in the last hour: %1").replace(
                "%1", str(s.get("restarts_last_hour", 0))
            )
        )
    if s.get("unclean_exits_last_hour"):
        lines.append(
            translate("Admin", "Unclean exits in the last hour: %1").replace(
                "%1", str(s["unclean_exits_last_hour"])
            )
        )
    if s.get("crash_loop"):
        lines.append(translate("Admin", "Restarting again and again: look at the log"))
    return TileText(
        translate("Admin", "Crashes"),
        str(crashes),
        "\n".join(lines),
        alert=crashes > 0 or bool(s.get("crash_loop")),
    )


FREED_MB = 2.0
"""After a save failed for lack of space, this much free (MB) and the Disk tile says the
space is back (the queue's own "disk full" line stays until its next save works). A like
or a visit takes a few kB; 20 MB (until 2026-12-01) kept a small data partition "Full"
with 4 MB free while likes saved again (fresh tester round 9)."""


def _free_text(free: object) -> str:
    if not isinstance(free, int | float):
        return NA
    amount = f"{free / 1000:.1f} GB" if free >= 1000 else f"{free:.0f} MB"
    return translate("Admin", "%1 free").replace("%1", amount)


def disk_is_full(s: Mapping[str, Any]) -> bool:
    """The Disk tile's red "Full": a save failed for lack of space and no room came back
    since (or it cannot be told), or less than `FULL_BELOW_MB` free now."""
    free = s.get("disk_free_mb")
    if not isinstance(free, int | float):
        return bool(s.get("disk"))
    return free < (FREED_MB if s.get("disk") else FULL_BELOW_MB)


def disk_tile(s: Mapping[str, Any]) -> TileText:
    """The data folder's disk: red "Full" while saves fail for lack of space (read
    afresh every refresh, so it turns back as soon as space is freed)."""
    free = s.get("disk_free_mb")
    failed = str(s.get("disk", "") or "")
    caption = translate("Admin", "Disk")
    room = _free_text(free)
    short = isinstance(free, int | float) and free < FREED_MB
    if failed and (short or free is None):
        # the message's own "(0 MB free)" is from the failed save: the tile says it now
        cause = re.sub(r" \((?:\d+ MB free|free space unknown)\)", "", failed)
        return TileText(caption, translate("Admin", "Full"), "\n".join([
            room, translate("Admin", "Likes and visits are not being saved: free some space."),
            cause]), alert=True)
    if failed:
        return TileText(caption, translate("Admin", "Space freed"), "\n".join([
            room, translate("Admin", "Saving resumes with the next like or visit.")]))
    if disk_is_full(s):
        return TileText(caption, translate("Admin", "Full"), room, alert=True)
    return TileText(caption, translate("Admin", "OK") if free is not None else NA, room)


# Captions for keys listed under "Other"; values are shown as they come unless
# `OTHER_VALUES` translates them.
OTHER_CAPTIONS: dict[str, Callable[[], str]] = {
    "recommender": lambda: translate("Admin", "Recommendations"),
    "backend": lambda: translate("Admin", "Recommendations"),
    "problem": lambda: translate("Admin", "Problem"),
    "skipped images": lambda: translate("Admin", "Images skipped"),
    "last Personalize fallback": lambda: translate("Admin", "Last Personalize fallback"),
    "last upload error": lambda: translate("Admin", "Last upload error"),
    "disk": lambda: translate("Admin", "Disk"),
    "fleet metrics": lambda: translate("Admin", "Fleet metrics (CloudWatch)"),
    "Rekognition refused": lambda: translate("Admin", "Rekognition stopped"),
    "Identity refused": lambda: translate("Admin", "Returning visitors stopped"),
    "Rekognition refused (credentials)": lambda: translate("Admin", "Rekognition stopped"),
    "Identity refused (credentials)": lambda: translate("Admin", "Returning visitors stopped"),
    # what a visitor's toast left out (MainWindow keeps it from the screen)
    "last_problem": lambda: translate("Admin", "Last problem"),
}
OTHER_VALUES: dict[str, Callable[[], str]] = {
    "embedded": lambda: translate("Admin", "on this device"),
    "personalize": lambda: translate("Admin", "Amazon Personalize"),
}


def _clock(at: Any) -> str:
    """Local HH:MM of epoch seconds `at`."""
    return time.strftime("%H:%M", time.localtime(float(at)))


def fleet_text(f: Mapping[str, Any]) -> str:
    """The fleet metrics uploader's status (`FleetPublisher.status()`: the uploader's
    `UploaderStatus.to_dict()` and `held`, buckets kept in memory) in one line: "all
    sent (last 14:05)", or what waits and why: "3 waiting · offline, next try in 20 s ·
    nothing sent since 14:05 · last error: …". The error is AWS's own text, or the
    metrics queue's when that failed (`queue_error`: a full disk), which is then named
    as the cause: before, a full disk read "AWS answers with errors" though AWS never
    answered with one (tester round 21)."""
    held = int(f.get("held") or 0)  # sent from memory meanwhile (kiosk.fleet.publisher)
    pending = int(f.get("pending") or 0) + held
    state = str(f.get("state") or "")
    error, error_at, sent_at = f.get("last_error"), f.get("last_error_at"), f.get("last_success_at")
    failing = bool(error) and (sent_at is None or float(error_at or 0.0) > float(sent_at))
    queue_error = bool(f.get("queue_error"))
    parts: list[str] = []
    if pending == 0 and not failing:
        parts.append(translate("Admin", "all sent (last %1)").replace("%1", _clock(sent_at))
                     if sent_at else translate("Admin", "all sent"))
    else:
        parts.append(translate("Admin", "%1 waiting").replace("%1", str(pending)))
        if state == "blocked" and not queue_error:
            parts.append(translate("Admin", "AWS refused the credentials or permissions"))
        elif failing:
            how = (translate("Admin", "the metrics queue cannot be written") if queue_error
                   else {"offline": translate("Admin", "offline"),
                         "backoff": translate("Admin", "AWS answers with errors")}.get(
                state, translate("Admin", "not sent")))
            retry = f.get("retry_in_s")
            if isinstance(retry, int | float) and retry > 0:
                how += ", " + translate("Admin", "next try in %1 s").replace("%1", f"{retry:.0f}")
            parts.append(how)
            if queue_error and sent_at:  # held buckets still go, from memory
                parts.append(translate("Admin", "last sent %1").replace("%1", _clock(sent_at)))
            else:
                parts.append(translate("Admin", "nothing sent since %1").replace(
                    "%1", _clock(sent_at)) if sent_at else translate(
                    "Admin", "nothing sent since the start"))
    if f.get("disk_full"):
        parts.append(translate("Admin", "cannot be queued: the disk is full"))
    if failing:
        parts.append(translate("Admin", "last error: %1").replace("%1", str(error)))
    return " · ".join(parts)


def rekognition_refused_text(code: str) -> str:
    """Why the Rekognition fallback stopped calling and what to do (the code is AWS's)."""
    return translate(
        "Admin", "AWS refused the calls (%1): give the kiosk's IAM user or role the "
        "permission rekognition:DetectFaces, or fix the [aws] credentials, then restart "
        "the kiosk").replace("%1", code)


def identity_refused_text(code: str) -> str:
    """Why the identity service stopped calling its collection and what to do (the code
    is AWS's)."""
    return translate(
        "Admin", "AWS refused the calls (%1): no visitor is looked up, enrolled or deleted "
        "(deletions wait). Give the kiosk's IAM user or role the permissions "
        "rekognition:SearchFacesByImage, IndexFaces, DeleteFaces and ListFaces on the "
        "collection, or fix the [aws] credentials, then restart the kiosk").replace("%1", code)


def rekognition_credentials_text(code: str) -> str:
    """Why the Rekognition fallback stopped although AWS never answered it: an identity
    call's answer refused the `[aws]` credentials, which the fallback uses too."""
    return translate(
        "Admin", "AWS refused the [aws] credentials (%1) on a returning-visitor call, and "
        "the fallback uses the same ones: no face crop is sent. Fix the [aws] credentials "
        "(profile, keys, the clock), then restart the kiosk").replace("%1", code)


def identity_credentials_text(code: str) -> str:
    """Why identity stopped although AWS never answered it: a Rekognition fallback
    call's answer refused the `[aws]` credentials, which identity uses too."""
    return translate(
        "Admin", "AWS refused the [aws] credentials (%1) on a Rekognition fallback call, "
        "and identity uses the same ones: no visitor is looked up, enrolled or deleted "
        "(deletions wait). Fix the [aws] credentials (profile, keys, the clock), then "
        "restart the kiosk").replace("%1", code)


# Values that are a mapping, worded by their key's function (else `str(value)`).
def rekognition_text(r: Mapping[str, Any]) -> str:
    """The Rekognition fallback's `status()` in one line, in the panel's language:
    reachable, stopped (AWS refused the calls), throttled or paused by the breaker,
    calls used against the hourly budget, the latest error (AWS's own text)."""
    used, budget = int(r.get("calls_this_hour") or 0), int(r.get("hourly_budget") or 0)
    left = float(r.get("pause_left_s") or 0.0)
    if r.get("refused_by") and r.get("refused_code") and left > 0:
        state = translate("Admin", "stopped: AWS refused the [aws] credentials (%1) on a "
                          "returning-visitor call, next try in %2 min").replace(
                              "%1", str(r.get("refused_code") or "")).replace(
                              "%2", f"{left / 60:.0f}")
    elif r.get("refused_code") and left > 0:
        state = translate("Admin", "stopped: AWS refused the calls (%1), next try in %2 min"
                          ).replace("%1", str(r.get("refused_code") or "")).replace(
                              "%2", f"{left / 60:.0f}")
    elif r.get("paused") == "throttled" and left > 0:
        state = translate("Admin", "throttled by AWS, next call in %1 s").replace(
            "%1", f"{left:.0f}")
    elif r.get("breaker_open"):
        state = translate("Admin", "paused after network failures, next try in %1 s").replace(
            "%1", f"{float(r.get('breaker_retry_in_s') or 0.0):.0f}")
    elif r.get("last_error"):
        state = translate("Admin", "answering with errors")
    elif r.get("last_outcome") not in (None, "idle"):
        state = translate("Admin", "reachable")
    elif used:  # the hour's calls were an earlier run's (the budget file)
        state = translate("Admin", "not called since the start")
    else:
        state = translate("Admin", "not called yet")
    parts = [state, translate("Admin", "%1/%2 calls this hour").replace(
        "%1", str(used)).replace("%2", str(budget))]
    if budget and used >= budget:
        parts[-1] += " " + translate("Admin", "(budget used)")
    if r.get("last_error"):
        parts.append(translate("Admin", "last error: %1").replace("%1", str(r["last_error"])))
    return "; ".join(parts)


def personalize_fallback_text(r: Mapping[str, Any]) -> str:
    """Why the last page came from this device instead of Amazon Personalize
    (`kiosk.domain.FallbackReason.as_dict()`), in the panel's language; AWS's error
    code and message as they came."""
    kind, code, message = str(r.get("kind") or ""), str(r.get("code") or ""), str(
        r.get("message") or "")
    aws = code + (f" ({message})" if message and kind == "failed" else "")
    if kind == "timeout":
        why = translate("Admin", "no answer in time")
    elif kind == "offline":
        why = translate("Admin", "no network")
    elif kind == "no_credentials":
        why = translate("Admin", "no AWS credentials: set them in the [aws] settings")
    elif kind == "throttled":
        why = translate("Admin", "throttled by AWS")
    elif kind == "paused":
        why = translate("Admin", "paused after an error, next try in %1 s").replace(
            "%1", f"{float(r.get('retry_in_s') or 0.0):.0f}")
    elif kind == "busy":
        why = translate("Admin", "still waiting for an earlier answer")
    elif kind == "closed":
        why = translate("Admin", "stopped")
    else:
        why = translate("Admin", "AWS answered with an error")
    if aws and kind not in ("no_credentials", "busy", "closed"):
        why += f" ({aws})" if kind != "failed" else f": {aws}"
    return translate("Admin", "%1; pages from this device's recommender").replace("%1", why)


OTHER_FORMATS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "fleet metrics": fleet_text, "Rekognition": rekognition_text,
    "last Personalize fallback": personalize_fallback_text}
# Plain values worded by their key's function.
OTHER_TEXTS: dict[str, Callable[[str], str]] = {
    "Rekognition refused": rekognition_refused_text,
    "Identity refused": identity_refused_text,
    "Rekognition refused (credentials)": rekognition_credentials_text,
    "Identity refused (credentials)": identity_credentials_text,
}


def other_lines(s: Mapping[str, Any]) -> list[str]:
    lines = []
    for key, value in s.items():
        if key in TILE_KEYS:
            continue
        caption = OTHER_CAPTIONS.get(key)
        shown_value = OTHER_VALUES.get(str(value))
        fmt = OTHER_FORMATS.get(key)
        wording = OTHER_TEXTS.get(key)
        if fmt is not None and isinstance(value, Mapping):
            text = fmt(value)
        elif wording is not None:
            text = wording(str(value))
        else:
            text = shown_value() if shown_value is not None else str(value)
        lines.append(f"{caption() if caption else key}: {text}")
    return lines


def other_tile(s: Mapping[str, Any]) -> TileText:
    return TileText(translate("Admin", "Other"), "", "\n".join(other_lines(s)) or NA)


TILES: dict[str, Callable[[Mapping[str, Any]], TileText]] = {
    "camera": camera_tile,
    "model": model_tile,
    "network": network_tile,
    "events": events_tile,
    "catalog": catalog_tile,
    "crashes": crashes_tile,
    "disk": disk_tile,
    "other": other_tile,
}
