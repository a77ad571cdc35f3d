"""The settings schema: one frozen dataclass per section, each field declared with
`setting` (its documentation, bounds or allowed values in `metadata`), and `Settings`,
the whole tree with the paths derived from it.

`resources/kiosk.example.toml` is checked against this schema by the tests
(`schema_docs`), so the docs cannot drift. Reading values into it is
`kiosk.config.loader`'s job; rules that span fields are in `kiosk.config.rules`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import platformdirs

from kiosk.errors import KioskError

APP_NAME = "kiosk"
ENV_PREFIX = "KIOSK_"


class ConfigError(KioskError):
    """A settings problem an operator can fix; the message names file, key, value
    and what is allowed.

    Where known, `file` is the settings file at fault (None when the problem came
    from the environment or the command line), `line` its 1-based line number and
    `key` the `section.key`; `located()` is the message with that line in it."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 key: str | None = None) -> None:
        super().__init__(message)
        self.file = file
        self.line = line
        self.key = key

    def located(self) -> str:
        """The message with the line: "/etc/kiosk.toml, line 5: vision.threads = -2: …"."""
        text = str(self)
        if self.file and self.line and text.startswith(f"{self.file}: "):
            return f"{self.file}, line {self.line}: {text[len(self.file) + 2:]}"
        return text


def setting(
    default: Any,
    doc: str,
    *,
    min: float | None = None,  # noqa: A002 - mirrors the schema vocabulary
    max: float | None = None,  # noqa: A002
    choices: tuple[str, ...] | tuple[int, ...] | None = None,
    secret: bool = False,
) -> Any:
    """Declare one setting with its docs and constraints."""
    meta = {"doc": doc, "min": min, "max": max, "choices": choices, "secret": secret}
    return field(default=default, metadata=meta)


# --------------------------------------------------------------------------- sections


@dataclass(frozen=True)
class AppSettings:
    language: str = setting("en", "User-interface language.", choices=("en", "ko"))
    data_dir: str = setting(
        "", "Folder for the databases (events, catalog manifest, recommender). "
        "Empty: the platform data folder."
    )
    log_dir: str = setting("", "Folder for the rotating log file. Empty: the platform log folder.")
    log_level: str = setting(
        "INFO", "Log level.", choices=("DEBUG", "INFO", "WARNING", "ERROR")
    )
    kiosk_mode: bool = setting(
        False, "Exhibit mode: frameless fullscreen, on top, cursor hidden (same as --kiosk)."
    )
    idle_timeout_s: float = setting(
        20.0, "Seconds with no face in view and no touch before the visit ends (its likes "
        "and 'For you' are forgotten) and the attract screen shows. A shopper who looks "
        "away or steps back for less than this is the same visit.",
        min=3, max=3600,
    )


@dataclass(frozen=True)
class CameraSettings:
    source: str = setting(
        "0", "Camera: a device index (0, 1, …), a video file, or a folder of images."
    )
    backend: str = setting(
        "auto", "OpenCV capture backend for devices (auto picks DirectShow on Windows).",
        choices=("auto", "v4l2", "dshow", "msmf", "avfoundation", "gstreamer", "ffmpeg"),
    )
    width: int = setting(640, "Requested capture width in pixels.", min=160, max=7680)
    height: int = setting(480, "Requested capture height in pixels.", min=120, max=4320)
    fps: float = setting(30.0, "Requested capture rate (frames per second).", min=1, max=240)
    rotate: int = setting(
        0, "Turn every frame this many degrees clockwise to make it upright, for a camera "
        "mounted sideways (90 or 270) or upside down (180). width and height stay the "
        "camera's own; the preview, the face reading and eval-video see the turned picture.",
        choices=(0, 90, 180, 270),
    )
    loop: bool = setting(True, "Loop a video file when it ends.")
    slideshow_interval_s: float = setting(
        2.0, "Seconds each image of an image folder is shown.", min=0.05, max=3600
    )
    stall_after_s: float = setting(
        2.0, "No fresh frame for this long: the camera is STALLED.", min=0.2, max=60
    )
    lost_after_s: float = setting(
        5.0, "Stalled for this long (or failed to open): the camera is LOST and is reopened.",
        min=0.5, max=600,
    )
    reopen_backoff_max_s: float = setting(
        5.0, "Longest wait between reopen attempts (doubles from 0.5 s).", min=0.5, max=3600
    )

    @property
    def frame_size(self) -> tuple[int, int]:
        """(width, height) of the frames the kiosk works on: the requested size, turned by
        `rotate` (a camera mounted sideways gives portrait frames). What the detector is
        warmed up and traced for."""
        if self.rotate in (90, 270):
            return self.height, self.width
        return self.width, self.height


@dataclass(frozen=True)
class VisionSettings:
    device: str = setting(
        "auto", "Torch device for the models: auto tries cuda, then mps, then cpu.",
        choices=("auto", "cuda", "mps", "cpu"),
    )
    threads: int = setting(
        0, "Torch CPU threads for inference. 0: chosen from the machine's cores.", min=0, max=256
    )
    detect_width: int = setting(
        320, "Width the frame is scaled to for face detection (speed/recall trade-off).",
        min=160, max=1920,
    )
    scan_every: int = setting(
        5, "Search the whole frame for faces every this many vision steps; in between "
        "only around the visitor's face (much faster). 1: the whole frame every step.",
        min=1, max=100,
    )
    detect_threshold: float = setting(
        0.8, "Minimum face-detector score.", min=0.05, max=0.999
    )
    min_face_px: int = setting(
        40, "Faces smaller than this (side, in frame pixels) are 'uncertain'. While no face "
        "is followed, parts of the frame are searched for faces down to about this width "
        "(kiosk.vision.far).", min=8, max=2000
    )
    min_sharpness: float = setting(
        15.0, "Variance of the Laplacian of the face crop, scaled to a normal face's "
        "contrast (so a dark picture does not lower it), below which the face is too "
        "blurred.", min=0, max=10000
    )
    min_confidence: float = setting(
        0.45, "Local emotion confidence below which the reading is uncertain "
        "(and Rekognition may be asked).", min=0, max=1,
    )
    smoothing_s: float = setting(
        0.4, "Time constant of the exponential smoothing of emotion probabilities.",
        min=0.01, max=10,
    )
    hysteresis: float = setting(
        0.10, "How much a new emotion must lead the settled one before it takes over.",
        min=0, max=1,
    )
    hold_s: float = setting(
        0.2, "Seconds of readings in which a new emotion must keep that lead before it "
        "takes over (a new visitor's first emotion is shown at once). 0: at once.",
        min=0, max=10,
    )
    max_reading_s: float = setting(
        0.15, "Most seconds one emotion reading counts for in the smoothing: on a busy "
        "machine, with fewer readings, one reading cannot swing the emotion.",
        min=0.04, max=10,
    )
    visit_grace_s: float = setting(
        3.0, "Seconds a face may be out of view and keep its smoothed emotion; a face "
        "that returns later is read afresh. The visit itself lasts until "
        "[app] idle_timeout_s.", min=0, max=600
    )
    switch_similarity: float = setting(
        0.6, "Frame-to-frame appearance similarity of the primary face below which it "
        "is taken for another person (fresh track and emotion); a face in place scoring "
        "0.3 or more only if its next look is as unlike. 0: never.", min=0, max=1,
    )
    identity_check: bool = setting(
        True, "Where the looks cannot decide whether the face is still the same person "
        "(a look-alike stepping in, a face back after a gap), ask a face-identity network "
        "(loaded at its first use, about 25 MB and 25 ms a face). Off: looks only.",
    )
    emotion_models: str = setting(
        "both", "Local emotion model(s): both (averaged), mini-xception or face-api.",
        choices=("both", "mini-xception", "face-api"),
    )
    calibrate: bool = setting(
        True, "Apply the per-class calibration shipped for the chosen model(s)."
    )
    fold_rare_below: float = setting(
        0.0, "Disgust or fear below this confidence is shown as the next likeliest "
        "emotion (0: always shown as read).", min=0, max=1,
    )
    mirror_views: bool = setting(
        True, "Read the face from the plain and the mirrored crop on alternate frames "
        "(the smoothing averages the two views; still images get both at once).",
    )


@dataclass(frozen=True)
class RekognitionSettings:
    enabled: bool = setting(
        False, "Ask Amazon Rekognition DetectFaces when the local model finds no face or "
        "is unsure. Needs AWS credentials; sends only the face crop."
    )
    min_interval_s: float = setting(
        2.0, "Minimum seconds between two DetectFaces calls.", min=0.1, max=3600
    )
    hourly_budget: int = setting(600, "Most DetectFaces calls per hour.", min=0, max=100000)
    gender_segment: bool = setting(
        False, "Also ask for GENDER (the AWS sample's `gender/emotion` pseudo-users)."
    )
    breaker_failures: int = setting(
        3, "Consecutive network failures that open the circuit breaker.", min=1, max=100
    )
    breaker_cooldown_s: float = setting(
        60.0, "Seconds the breaker stays open before one trial call.", min=1, max=3600
    )


@dataclass(frozen=True)
class RecommendSettings:
    backend: str = setting(
        "embedded", "Recommender: the embedded one (offline, learns at once) or Amazon "
        "Personalize (falls back to the embedded one per page).",
        choices=("embedded", "personalize"),
    )
    catalog_dir: str = setting(
        "", "Catalog folder (`<catalog>/<emotion>/<file>`). Empty: the bundled demo catalog."
    )
    page_size: int = setting(3, "Images per page.", min=1, max=25)
    personalize_after_likes: int = setting(
        2, "Likes in a visit before 'For you' (personalized) recommendations start.",
        min=0, max=100,
    )
    mode: str = setting(
        "auto", "auto switches to personalized when ready; emotion/personalized force one.",
        choices=("auto", "emotion", "personalized"),
    )
    explore_share: float = setting(
        0.0, "Most share of Emotion-mode images taken from neighbouring emotions to "
        "explore (0: every image from the detected emotion's folder).", min=0.0, max=0.25,
    )
    personal_share: float = setting(
        0.25, "Most share of 'For you' images that may leave the current emotion's folder "
        "for a neighbouring one when the visitor's taste points there.", min=0.0, max=0.33,
    )
    attract_emotions: str = setting(
        "happy,calm,surprised", "Emotion folders the attract slideshow shows, comma-"
        "separated (e.g. happy,calm,surprised); empty: every emotion."
    )
    max_image_mb: float = setting(
        20.0, "Catalog images larger than this are skipped.", min=0.1, max=500
    )
    cache_images: int = setting(
        32, "Most decoded page images kept in memory (about 1.2 MB each; cache_mb "
        "bounds them too).", min=4, max=4096
    )
    cache_mb: float = setting(
        8.0, "Most memory the decoded page images kept for reuse may take, in MB (8: "
        "about two pages of three 640x640 images; pages seldom repeat an image).",
        min=1.0, max=4096.0,
    )


@dataclass(frozen=True)
class PersonalizeSettings:
    campaign_arn: str = setting("", "Personalize campaign ARN (or use recommender_arn).")
    recommender_arn: str = setting("", "Personalize recommender ARN.")
    filter_arn: str = setting("", "Optional filter ARN, e.g. EXCLUDE/INCLUDE on EMOTION.")
    filter_param: str = setting(
        "EMOTION", "Filter placeholder name given the current emotion in filterValues."
    )
    context_field: str = setting(
        "EMOTION", "Contextual-metadata field that carries the emotion in GetRecommendations."
    )
    pseudo_users: bool = setting(
        False, "AWS sample compatibility: ask for `<gender>/<emotion>` or "
        "`<userId>/<emotion>` pseudo-users."
    )
    time_budget_ms: int = setting(
        800, "Longest wait for GetRecommendations before the embedded recommender answers.",
        min=50, max=10000,
    )
    tracking_id: str = setting("", "Event tracker id for PutEvents. Empty: events stay local.")
    dataset_arn_users: str = setting("", "Users dataset ARN for PutUsers.")
    dataset_arn_items: str = setting("", "Items dataset ARN for PutItems.")
    event_type: str = setting("like", "eventType of a like.")


@dataclass(frozen=True)
class EventsSettings:
    db_path: str = setting("", "Event queue database. Empty: `events.sqlite3` in the data folder.")
    max_records: int = setting(
        200_000, "Most queued records before the oldest are evicted.", min=100, max=10_000_000
    )
    max_mb: float = setting(256.0, "Most megabytes on disk for the queue.", min=1, max=100_000)
    max_backoff_s: float = setting(
        60.0, "Longest wait between upload retries while AWS answers with throttling or "
        "server errors (no network: probed every 10 s, whatever this says).",
        min=1, max=86400
    )
    max_requests_per_s: float = setting(
        100.0, "Upload rate limit (Personalize allows 1,000/s per dataset group).",
        min=0.1, max=1000,
    )
    max_event_age_days: float = setting(
        30.0, "Transient upload failures (5xx, throttling, timeouts, no network) are "
        "retried until a record is this old; then it goes to the dead letters as "
        "EventTooOld (`kiosk-admin events retry-dead` queues it again).", min=1, max=3650,
    )


@dataclass(frozen=True)
class AwsSettings:
    region: str = setting("", "AWS region, e.g. us-east-1. Empty: boto3's default chain.")
    profile: str = setting("", "AWS shared-config profile. Empty: boto3's default chain.")
    endpoint_rekognition: str = setting("", "Endpoint URL for Rekognition (VPC endpoint, test).")
    endpoint_personalize_runtime: str = setting("", "Endpoint URL for personalize-runtime.")
    endpoint_personalize_events: str = setting("", "Endpoint URL for personalize-events.")
    endpoint_s3: str = setting("", "Endpoint URL for S3.")
    endpoint_sagemaker_runtime: str = setting("", "Endpoint URL for sagemaker-runtime.")
    connect_timeout_s: float = setting(2.0, "Connect timeout for AWS calls.", min=0.1, max=60)
    read_timeout_s: float = setting(2.0, "Read timeout for AWS calls.", min=0.1, max=300)


@dataclass(frozen=True)
class UiSettings:
    admin_pin_hash: str = setting(
        "", "Salted hash of the admin PIN (make one with `kiosk-admin pin`). "
        "Empty: the PIN is 0000 until set.", secret=True,
    )
    admin_corner_hold_s: float = setting(
        5.0, "Seconds to hold the top-left corner to open the PIN pad.", min=1, max=30
    )
    show_fps: bool = setting(False, "Show the preview frame rate on screen.")
    like_guard_s: float = setting(
        0.35, "Seconds a card's Like takes no tap after its image is drawn (a new page, "
        "one image replaced), and Next none after a new page: a tap that soon was aimed at "
        "the page before. The Like fades in meanwhile. 0: off.", min=0, max=2,
    )


@dataclass(frozen=True)
class IdentitySettings:
    enabled: bool = setting(
        False, "Ask visitors for consent to remember their face (Rekognition collection)."
    )
    collection_id: str = setting("", "Rekognition face collection id.")
    face_match_threshold: float = setting(
        95.0, "FaceMatchThreshold for SearchFacesByImage.", min=0, max=100
    )
    retention_days: int = setting(30, "Days an enrolled face is kept.", min=1, max=3650)


@dataclass(frozen=True)
class SyncSettings:
    url: str = setting(
        "", "s3://BUCKET/PREFIX mirrored into the catalog by the in-app periodic sync. "
        "Empty: no periodic sync (`kiosk-admin catalog sync` still works)."
    )
    interval_min: float = setting(
        0.0, "Minutes between periodic syncs. 0: off.", min=0, max=10080
    )
    max_kbps: float = setting(
        0.0, "Download cap in kilobytes per second. 0: no cap.", min=0, max=1_000_000
    )


@dataclass(frozen=True)
class AnalyticsSettings:
    enabled: bool = setting(
        True, "Count the audience in time buckets on this kiosk (no per-person rows, no "
        "images; see the README's Audience analytics)."
    )
    bucket_min: int = setting(5, "Minutes per analytics bucket.", min=1, max=60)
    k_anonymity: int = setting(
        5, "An emotion mix, like rates or item counts from fewer visits than this are "
        "merged into a longer bucket, or suppressed.", min=2, max=1000,
    )
    max_merge_h: float = setting(
        24.0, "Longest span a too-small mix is merged over before it is suppressed.",
        min=0.1, max=168,
    )
    attention_s: float = setting(
        4.0, "A visit at least this long, or one that liked an image, counts as attention "
        "(else: passer-by).",
        min=0.5, max=600,
    )
    retention_days: int = setting(90, "Days of buckets kept.", min=1, max=3650)
    timezone: str = setting(
        "", "The store's time zone, an IANA name such as Asia/Seoul: the days and hours of "
        "kiosk-admin report (JSON, CSV, report.html), the Audience screen and kiosk-admin "
        "fleet status's 'today'. Empty: this machine's local zone."
    )
    db_path: str = setting(
        "", "Analytics database. Empty: `analytics.sqlite3` in the data folder."
    )


@dataclass(frozen=True)
class FleetSettings:
    enabled: bool = setting(
        False, "Publish this kiosk's health and audience aggregates to Amazon CloudWatch "
        "(PutMetricData, through a durable queue). Needs AWS credentials."
    )
    namespace: str = setting("Kiosk/Fleet", "CloudWatch namespace of the metrics.")
    site: str = setting("default", "Site dimension (store or venue) of this kiosk.")
    kiosk_id: str = setting("", "KioskId dimension. Empty: this machine's host name.")
    profile: str = setting(
        "default", "Which metrics: default (health and audience) or lean (the alarms' seven).",
        choices=("default", "lean"),
    )
    endpoint_url: str = setting("", "Endpoint URL for CloudWatch (VPC endpoint, test).")
    db_path: str = setting(
        "", "Metric queue database. Empty: `metrics.sqlite3` in the data folder."
    )


SECTIONS: dict[str, type] = {
    "app": AppSettings,
    "camera": CameraSettings,
    "vision": VisionSettings,
    "rekognition": RekognitionSettings,
    "recommend": RecommendSettings,
    "personalize": PersonalizeSettings,
    "events": EventsSettings,
    "aws": AwsSettings,
    "ui": UiSettings,
    "identity": IdentitySettings,
    "sync": SyncSettings,
    "analytics": AnalyticsSettings,
    "fleet": FleetSettings,
}


@dataclass(frozen=True)
class Settings:
    app: AppSettings = field(default_factory=AppSettings)
    camera: CameraSettings = field(default_factory=CameraSettings)
    vision: VisionSettings = field(default_factory=VisionSettings)
    rekognition: RekognitionSettings = field(default_factory=RekognitionSettings)
    recommend: RecommendSettings = field(default_factory=RecommendSettings)
    personalize: PersonalizeSettings = field(default_factory=PersonalizeSettings)
    events: EventsSettings = field(default_factory=EventsSettings)
    aws: AwsSettings = field(default_factory=AwsSettings)
    ui: UiSettings = field(default_factory=UiSettings)
    identity: IdentitySettings = field(default_factory=IdentitySettings)
    sync: SyncSettings = field(default_factory=SyncSettings)
    analytics: AnalyticsSettings = field(default_factory=AnalyticsSettings)
    fleet: FleetSettings = field(default_factory=FleetSettings)
    source_file: str = ""  # the TOML file read, if any (for messages)
    # `section.key -> where its value came from` (the file's path, "environment",
    # "command line"), for the values not left at their defaults; `apply_values` keeps it
    origins: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    # ------------------------------------------------------------------ derived paths
    @property
    def data_dir(self) -> Path:
        return Path(self.app.data_dir or platformdirs.user_data_dir(APP_NAME)).expanduser()

    @property
    def log_dir(self) -> Path:
        return Path(self.app.log_dir or platformdirs.user_log_dir(APP_NAME)).expanduser()

    @property
    def events_db(self) -> Path:
        return Path(self.events.db_path).expanduser() if self.events.db_path else (
            self.data_dir / "events.sqlite3"
        )

    @property
    def analytics_db(self) -> Path:
        path = self.analytics.db_path
        return Path(path).expanduser() if path else self.data_dir / "analytics.sqlite3"

    @property
    def metrics_db(self) -> Path:
        path = self.fleet.db_path
        return Path(path).expanduser() if path else self.data_dir / "metrics.sqlite3"

    @property
    def aws_events_enabled(self) -> bool:
        return bool(self.personalize.tracking_id)

    def with_overrides(self, overrides: Mapping[str, Any], origin: str) -> Settings:
        """Apply `section.key -> raw value` overrides, validating each."""
        from kiosk.config.loader import apply_values  # the loader builds on this schema

        return apply_values(self, overrides, origin)


def schema_docs() -> dict[str, dict[str, str]]:
    """section -> key -> doc, for the example file and its test."""
    return {
        s: {f.name: str(f.metadata["doc"]) for f in fields(cls)} for s, cls in SECTIONS.items()
    }
