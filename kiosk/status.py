"""The kiosk's status at a glance: one snapshot type for the admin panel, built in one
place per thread instead of dicts assembled in several.

* `QueueStatus.of(queue)` is the one place that turns the event queue's in-memory
  counts into what an operator reads (depth, dead letters, a full disk, why a like
  is refused now). The admin panel (through `BackendStatus`), the audience/fleet
  gauges (`kiosk.app`) and `--self-test` (`kiosk.selftest`) all use it.
* `awaiting_upload(queue, kinds)` is the backlog the audience/fleet gauges report
  (QueueDepth, QueueGrowth): only rows an upload is configured for.
* `BackendStatus` is the recommend thread's part (`KioskBackend.status`): catalog,
  recommender, queue, uploader, problems.
* `AppStatus` is the GUI thread's part (`Kiosk.app_status`): camera, model, crashes,
  the cloud features' one-liners.
* `KioskStatus` joins the two (`AdminController.refresh_status`, every 2 s) and
  `as_dict()` flattens it into the keys the admin panel reads
  (`kiosk.ui.admin_status`): "queue_depth", "camera_state", ..., and the free-text
  lines under "Other" ("last upload error", "Rekognition", ...). Only the keys that
  apply are present, back-end keys first.

No Qt, no I/O but two statvfs (`AppStatus.disk_free_mb`, `AppStatus.data_read_only`):
every other field is a memory read, so building a snapshot never waits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol


class _Counts(Protocol):
    @property
    def pending_total(self) -> int: ...
    @property
    def dead(self) -> int: ...
    @property
    def spooled(self) -> int: ...


class CountingQueue(Protocol):
    """What `QueueStatus.of` reads: `kiosk.events.queue.EventQueue` or a fake."""

    def counts(self) -> _Counts: ...


class _KindCounts(Protocol):
    @property
    def pending(self) -> Mapping[str, int]: ...


class KindCountingQueue(Protocol):
    """What `awaiting_upload` reads: `kiosk.events.queue.EventQueue` or a fake."""

    def counts(self) -> _KindCounts: ...


def awaiting_upload(queue: KindCountingQueue, kinds: Iterable[str]) -> int:
    """The queued rows of `kinds` (the record kinds an upload is configured for:
    `Targets.sendable()`), i.e. the backlog an uploader has to work through. Rows kept
    with no upload target (every like and page of a kiosk without Personalize, about
    3.5 a minute on a busy one: tester round 21) are left out: counted, they made
    QueueGrowth > 0 in every busy bucket, so the fleet's QueueGrowingAlarm ("uploads
    stuck") fired for a healthy offline kiosk."""
    pending = queue.counts().pending
    return sum(int(pending.get(str(kind), 0)) for kind in set(kinds))


@dataclass(frozen=True)
class QueueStatus:
    """The event queue for an operator: rows waiting for upload (`depth`), rows that
    failed for good (`dead_letters`), the full-disk line ("" when writes work), and the
    records another program's lock kept in the spool file (`spooled`: waiting too, to
    be queued; the panel said "0 waiting" with a like there, black box)."""

    depth: int
    dead_letters: int
    disk_full: str = ""
    # why a new like is refused now: "read_only" (the folder cannot be written),
    # "disk_full" (the last save found no room), "locked" (another program kept the
    # lock through every retry of the last write), or "" when saves work
    refusing: str = ""
    spooled: int = 0

    @classmethod
    def of(cls, queue: CountingQueue) -> QueueStatus:
        """From the queue's in-memory counts and state (never waits on its SQLite nor
        reads its spool: the threads that write it count it)."""
        counts = queue.counts()
        disk_full = str(getattr(queue, "disk_full", "") or "")
        refusing = next((name for name, why in (
            ("read_only", getattr(queue, "read_only", "")), ("disk_full", disk_full),
            ("locked", getattr(queue, "locked", ""))) if why), "")
        return cls(counts.pending_total, counts.dead, disk_full, refusing, counts.spooled)


@dataclass(frozen=True)
class BackendStatus:
    """The recommend thread's part. Empty strings / None: nothing to say."""

    problem: str = ""  # the queue or catalog could not be opened, a full disk, ...
    catalog_counts: Mapping[str, int] | None = None  # emotion folder -> images
    recommender: str = ""  # "embedded" or "personalize"
    skipped_images: int = 0
    last_personalize_fallback: str = ""  # until a Personalize answer comes after it
    # the same in parts (`kiosk.domain.FallbackReason.as_dict`), for the panel to word
    personalize_fallback: Mapping[str, object] | None = None
    queue: QueueStatus | None = None  # None: the queue is not open (yet)
    online: bool | None = None  # the uploader's view; None: no uploader
    uploader: str = ""  # its state ("idle", "backoff", "offline", ...)
    last_upload_error: str = ""  # until an upload succeeds after it
    retry_in_s: float | None = None  # when the uploader tries again; None: not waiting
    uploads_off: str = ""  # why nothing is uploaded, when no uploader runs
    # the uploader's last try failed on the event queue itself (a full disk, a lock),
    # not on AWS: the panel must not say AWS is busy or answers with errors
    upload_queue_error: str = ""

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {}
        if self.problem:
            out["problem"] = self.problem
        if self.catalog_counts is not None:
            out["catalog_counts"] = dict(self.catalog_counts)
            out["recommender"] = self.recommender
            if self.skipped_images:
                out["skipped images"] = self.skipped_images
            if self.personalize_fallback is not None and self.last_personalize_fallback:
                out["last Personalize fallback"] = dict(self.personalize_fallback)
            elif self.last_personalize_fallback:
                out["last Personalize fallback"] = self.last_personalize_fallback
        if self.queue is not None:
            out["queue_depth"] = self.queue.depth
            out["dead_letters"] = self.queue.dead_letters
            if self.queue.disk_full:
                out["disk"] = self.queue.disk_full
            if self.queue.refusing:
                out["queue_refusing"] = self.queue.refusing
            if self.queue.spooled:
                out["queue_spooled"] = self.queue.spooled
        if self.uploader:
            out["online"] = bool(self.online)
            out["uploader"] = self.uploader
            if self.upload_queue_error:
                out["uploader_queue_error"] = self.upload_queue_error
            if self.last_upload_error:
                out["last upload error"] = self.last_upload_error
            if self.retry_in_s is not None:
                out["retry_in_s"] = self.retry_in_s
        elif self.uploads_off:
            out["uploads"] = self.uploads_off
        return out


@dataclass(frozen=True)
class AppStatus:
    """The GUI thread's part (attribute reads only)."""

    crash_count: int = 0
    model_device: str = ""  # "" until the models are loaded
    uploads_configured: bool = False
    camera_state: str = ""  # a CameraState value; "LOST (<why>)" for a bad camera.source
    camera_fps: float | None = None
    # while STALLED/LOST: the capture's reason now (the state signal repeats only a
    # change of state, so the panel's copy can be a retry behind) and for how long (s)
    camera_detail: str = ""
    camera_trouble_s: float | None = None
    # the faces' light over the last visits (`kiosk.vision.light.LightMonitor`): "dark"
    # or "bright" while wrong for reading moods ("" when lit or not known), and its
    # figure: the median face gray level (0-255) its WARNING named (while lit, the last
    # judged visit's)
    camera_light: str = ""
    camera_face_mean: float | None = None
    # the clockwise turn the faces say `[camera] rotate` lacks (90/180/270), else None
    camera_turn: int | None = None
    inference_ms: float | None = None
    history: Mapping[str, object] = field(default_factory=dict)  # CrashInfo.as_status()
    # the fallback's `RekognitionFallback.status()` (None when off); the panel words it
    # in its language (`kiosk.ui.admin_status.rekognition_text`)
    rekognition: Mapping[str, object] | None = None
    # the code AWS refused DetectFaces with while the fallback's calls are stopped for it
    # ("" otherwise); the panel says what to do in the kiosk's language
    rekognition_refused: str = ""
    # "identity" while that code refused the shared [aws] credentials on an identity call
    # and the fallback stopped for it without an answer of its own (kiosk.aws.credentials)
    rekognition_refused_by: str = ""
    identity: str = ""  # the identity service's one-liner ("" when off)
    # the code AWS refused the identity calls with while they are stopped for it (""
    # otherwise); the panel says what to do in the kiosk's language
    identity_refused: str = ""
    # "rekognition" likewise: the fallback's call got the refusal of the shared credentials
    identity_refused_by: str = ""
    # the fleet metrics uploader's `UploaderStatus.to_dict()` (None when [fleet] is off);
    # the panel words it (`kiosk.ui.admin_status.fleet_text`)
    fleet: Mapping[str, object] | None = None
    disk_free_mb: float | None = None  # the data folder's disk (one statvfs), None: unknown
    data_read_only: bool = False  # the data folder's disk is mounted read-only (statvfs)

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"crash_count": self.crash_count,
                                  "model_device": self.model_device,
                                  "uploads_configured": self.uploads_configured}
        out.update(self.history)
        out["camera_state"] = self.camera_state
        if self.camera_fps is not None:
            out["camera_fps"] = self.camera_fps
        if self.camera_detail:
            out["camera_detail"] = self.camera_detail
        if self.camera_trouble_s is not None:
            out["camera_trouble_s"] = round(self.camera_trouble_s, 1)
        if self.camera_light:
            out["camera_light"] = self.camera_light
        if self.camera_face_mean is not None:
            out["camera_face_mean"] = self.camera_face_mean
        if self.camera_turn:
            out["camera_turn"] = self.camera_turn
        if self.inference_ms is not None:
            out["inference_ms"] = self.inference_ms
        if self.rekognition is not None:
            out["Rekognition"] = dict(self.rekognition)
        if self.rekognition_refused:
            key = "Rekognition refused"
            out[key + " (credentials)" if self.rekognition_refused_by else key] = (
                self.rekognition_refused)
        if self.identity:
            out["identity"] = self.identity
        if self.identity_refused:
            key = "Identity refused"
            out[key + " (credentials)" if self.identity_refused_by else key] = (
                self.identity_refused)
        if self.fleet is not None:
            out["fleet metrics"] = dict(self.fleet)
        if self.disk_free_mb is not None:
            out["disk_free_mb"] = round(self.disk_free_mb, 1)
        if self.data_read_only:
            out["data_read_only"] = True
        return out


@dataclass(frozen=True)
class KioskStatus:
    """One snapshot for the admin panel: the back end's part and the app's."""

    backend: BackendStatus
    app: AppStatus = AppStatus()

    def as_dict(self) -> dict[str, object]:
        """The admin panel's flat keys (see the module docstring)."""
        return {**self.backend.as_dict(), **self.app.as_dict()}
