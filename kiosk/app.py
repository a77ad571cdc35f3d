"""Composition root: builds every part from the settings, wires the signals, owns
start-up and the ordered, bounded shutdown.

This module is the one map of what runs: every part that owns a thread is built,
registered for clean-up with its own budget, and started here (the README's "How it
works" lists them). Results and errors from those threads come back to the GUI thread
through `kiosk.workers.bridge.ThreadBridge`s; every `errored` reaches the admin panel's
"Last problem" (`kiosk.workers.problems`).

Start-up order: Qt application and translations → window → workers (event queue
opened on the events thread, then the uploader built and started here; recommend
back end opened on its thread; analytics; camera capture; vision, which imports torch
and loads the models on its own thread; the periodic catalog sync; identity) →
controllers. Nothing slow runs on the GUI thread, and torch is not imported before
the window shows: the camera preview is up in about a second and the rest fills in
as the parts report ready (`kiosk.startup` logs the figures). Shutdown runs the
registered clean-ups in reverse order, each with a time budget, all of them within
`kiosk.lifecycle.SHUTDOWN_BUDGET_S` (systemd's TimeoutStopSec less a margin).
"""

from __future__ import annotations

import functools
import logging
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QEvent,
    QMessageLogContext,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication

from kiosk import __version__, crashlog, restart
from kiosk.backend import KioskBackend
from kiosk.camera.capture import CameraState
from kiosk.camera.trouble import CameraTrouble
from kiosk.config import (
    ConfigError,
    Settings,
    default_config_path,
    load_settings,
    settings_notes,
)
from kiosk.controllers.admin import AdminController
from kiosk.controllers.curation import CurationController
from kiosk.controllers.seams import View
from kiosk.controllers.visit import VisitController
from kiosk.domain import Emotion
from kiosk.events.uploader import MAX_STOP_WAIT_S, UploaderState
from kiosk.lifecycle import SHUTDOWN_BUDGET_S, Cleanups
from kiosk.recommend.pacing import IndexPacer
from kiosk.startup import StartupWatch
from kiosk.status import AppStatus, KioskStatus, QueueStatus, awaiting_upload
from kiosk.ui.adapter import ViewAdapter
from kiosk.ui.exhibit import apply_exhibit_mode, show_windowed
from kiosk.ui.i18n import install_translator
from kiosk.ui.main_window import MainWindow
from kiosk.ui.out_of_order import OutOfOrderPage, SettingsWatch
from kiosk.ui.settings_check import SettingsCheck
from kiosk.vision.factory import pipeline_factory
from kiosk.vision.source_lines import lighten_pyside_import_hook
from kiosk.watchdog import SystemdWatchdog
from kiosk.workers.bridge import ThreadBridge
from kiosk.workers.camera_bridge import CameraBridge
from kiosk.workers.problems import WorkerProblems
from kiosk.workers.runner import SerialWorker
from kiosk.workers.vision_worker import VisionWorker

if TYPE_CHECKING:
    from kiosk.analytics import Recorder
    from kiosk.aws import CredentialsRefusal
    from kiosk.backend import Queue
    from kiosk.controllers.consent import ConsentFlow
    from kiosk.curation.periodic import PeriodicSync
    from kiosk.curation.s3sync import S3Sync, SyncReport
    from kiosk.events.spool_drain import SpoolDrain
    from kiosk.events.uploader import Uploader
    from kiosk.fleet.publisher import FleetPublisher
    from kiosk.identity.service import IdentityService

log = logging.getLogger(__name__)

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    logging.getLogger("qt").log(_QT_LEVELS.get(kind, logging.WARNING), "%s", message)


class Kiosk:
    """All the running parts of one kiosk, built from `settings`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.cleanups = Cleanups()
        self.crashes = 0
        self.history: crashlog.CrashInfo | None = None  # restarts/unclean exits, last hour
        self.orderly_stop = False  # set by `shutdown`: the fleet's stop is a clean one
        self.shutting_down = False  # set by `shutdown`: nothing more is started
        self.camera: CameraBridge | None = None
        self.fleet_publisher: FleetPublisher | None = None  # set on the analytics thread
        self.vision: VisionWorker | None = None
        self.camera_error = ""
        self.vision_device = ""
        self.uploader: Uploader | None = None
        self.spool_drain: SpoolDrain | None = None  # once the queue is open

        self.window = MainWindow.from_settings(settings)
        self.window.set_privacy({  # what is sent, to whom, when (kiosk.ui.privacy)
            "cloud_fallback": settings.rekognition.enabled,
            "identity": settings.identity.enabled,
            "analytics": settings.analytics.enabled,
            "retention_days": settings.identity.retention_days,
            "personalize_recommend": settings.recommend.backend == "personalize",
            "personalize_events": settings.aws_events_enabled,
            # the fleet publishes the analytics buckets, so it sends nothing without them
            "fleet": settings.fleet.enabled and settings.analytics.enabled,
        })
        self.worker = SerialWorker("recommend")
        self.events_worker = SerialWorker("events")  # likes never wait behind pages
        # a first start's catalog indexing yields to the model load until vision is
        # ready or failed (no camera: at once, in start()); kiosk.recommend.pacing
        self.index_pacer = IndexPacer()
        self.backend = KioskBackend.from_settings(settings, pacer=self.index_pacer)
        self.backend.defer_event = self.events_worker.submit
        self.aws_credentials = self._shared_credentials()
        self._build_camera()
        self.analytics = self._build_analytics()
        self.identity_worker: SerialWorker | None = None
        self.identity_service: IdentityService | None = None
        self.consent_flow = self._build_identity()
        view: View = ViewAdapter(self.window)
        if self.analytics is not None:  # pages as they reach the screen, likes once saved
            from kiosk.analytics.taps import RecordingView, record_like

            view = RecordingView(view, self.analytics)
            self.backend.like_listeners.append(functools.partial(record_like, self.analytics))
        # one controller per flow (kiosk.controllers; the consent flow is built above)
        self.controller = VisitController(
            settings, view, self.worker, self.backend,
            latest_frame=self.camera.latest if self.camera else None,
            reset_vision=self.vision.request_reset if self.vision else None,
            identity=self.consent_flow,
            events_worker=self.events_worker,
            vision_loads=self.vision is not None,
        )
        self.curation = CurationController(view, self.worker, self.backend)
        self.admin = AdminController(
            view, self.worker, self.backend, curation=self.curation,
            app_status=self.app_status, wake_uploader=self.backend.wake_uploader,
            audience=self._show_audience,
        )
        # workers' errors -> admin panel "Last problem"; owned by the window, so it is
        # deleted on the GUI thread with it (never by a garbage collection on a worker thread)
        self.problems = WorkerProblems(parent=self.window)
        # an edit to the settings file is checked at once, not first at the next start
        self.settings_check = SettingsCheck(
            Path(settings.source_file) if settings.source_file else default_config_path(),
            load_settings, parent=self.window)
        # the periodic S3 catalog sync: built here, started in start(), own budget
        self.sync_bridge = ThreadBridge("catalog sync", parent=self.window)
        self._s3sync: S3Sync | None = None  # opened on the sync thread
        self.periodic_sync = self._build_periodic_sync()
        self._wire()
        self.watchdog = SystemdWatchdog()
        self.startup = StartupWatch(parent=self.window)

    def _build_camera(self) -> None:
        from kiosk.camera import CameraError, Capture, source_from_setting

        if not self.settings.camera.source.strip():  # README: no camera, on purpose
            log.info("no camera configured: the mood picker only")
            return
        try:
            source = source_from_setting(self.settings.camera.source, self.settings.camera)
        except CameraError as exc:
            self.camera_error = str(exc)
            log.error("camera unavailable: %s", exc)
            return
        self.camera = CameraBridge(Capture.from_settings(source, self.settings.camera))
        self.vision = VisionWorker(self.camera.capture,
                                   pipeline_factory(self.settings, quiet=True,
                                                    trace_in_child=True,
                                                    credentials=self.aws_credentials))
        vision = self.vision
        # from the capture thread, at once: the light judged from the lost camera's
        # frames is forgotten before a frame of the camera that is back is read
        self.camera.capture.on_state(
            lambda state, _why: vision.camera_lost() if state is CameraState.LOST else None)

    def _shared_credentials(self) -> CredentialsRefusal | None:
        """One refusal of the `[aws]` credentials for the Rekognition fallback and the
        identity service, when both call (`kiosk.aws.credentials`): their clients come
        from the same `[aws]` settings (`make_client("rekognition", aws)`: profile or
        keys, region, `endpoint_rekognition`), so a refusal of the credentials that one
        gets holds for the other. None with one of them off."""
        from kiosk.identity.service import should_schedule_purge

        s = self.settings
        if not (s.rekognition.enabled and s.camera.source.strip() and should_schedule_purge(s)):
            return None
        from kiosk.aws import CredentialsRefusal

        return CredentialsRefusal()

    def _build_identity(self) -> ConsentFlow | None:
        """The opt-in identity flow, or None. Built when identity is on, and also when
        it was turned off but enrolled faces may remain (so they are still purged)."""
        from kiosk.controllers.consent import ConsentFlow
        from kiosk.identity.consent import VisitConsent
        from kiosk.identity.errors import IdentityError
        from kiosk.identity.service import IdentityService, should_schedule_purge
        from kiosk.ui.consent import attach_consent

        s = self.settings
        if not should_schedule_purge(s):
            return None

        def record_user(user_id: str, emotion: Emotion,
                        properties: Mapping[str, Any] | None) -> int:  # Any: JSON values
            queue = self.backend.queue
            if queue is None:
                raise RuntimeError("event queue unavailable")
            return queue.record_user(user_id, emotion, properties)

        try:  # an AWS feature that cannot start never takes the local kiosk down
            service = IdentityService.from_settings(s, record_user=record_user,
                                                    credentials=self.aws_credentials)
        except IdentityError as exc:
            log.error("identity off: %s", exc)
            return None
        self.identity_service = service
        # "Forget me" and the retention purge also remove the person's likes in the
        # recommender and anything of theirs still waiting for upload (recommend thread).
        service.add_forget_hook(
            lambda user_ids: self.worker.submit(self.backend.forget_users, list(user_ids))
        )
        self.identity_worker = SerialWorker("identity")
        overlay = attach_consent(self.window)
        flow = ConsentFlow(
            VisitConsent(enabled=s.identity.enabled), service, self.identity_worker,
            overlay, retention_days=s.identity.retention_days,
            latest_frame=lambda: self.camera.latest() if self.camera else None,
        )
        overlay.answered.connect(flow.on_answer)
        if self.analytics is not None:
            overlay.answered.connect(self.analytics.consent)
        overlay.forget_requested.connect(flow.on_forget)
        self.backend.user_filter = flow.usable_user_id  # a forgotten id is never used again
        return flow

    def _build_analytics(self) -> Recorder | None:
        """The audience-analytics recorder (`[analytics]`), or None when turned off."""
        if not self.settings.analytics.enabled:
            return None
        from kiosk.analytics import Recorder

        return Recorder.from_settings(self.settings)

    def _start_analytics(self) -> None:
        """Record on the "kiosk-analytics" thread; sample the gauges every 10 s."""
        rec = self.analytics
        if rec is None:
            return
        from kiosk.analytics.taps import record_vision_result, record_visits

        if self.settings.fleet.enabled:  # stops after analytics: its last bucket is queued
            from kiosk.fleet.publisher import FleetPublisher

            fleet: list[FleetPublisher] = []

            def open_fleet() -> None:  # on the analytics thread: opens metrics.sqlite3
                publisher = FleetPublisher.from_settings(self.settings)
                if rec.store is not None:  # before the thread's first write of this run
                    publisher.publish_unsent(rec.store, rec.snapshot().start, rec.bucket_s)
                publisher.note_start()  # a kiosk stopped cleanly reads as running again
                publisher.start()
                fleet.append(publisher)
                self.fleet_publisher = publisher  # for the panel's line (`app_status`)
                rec.add_bucket_listener(publisher.on_bucket)
                rec.add_counts_listener(publisher.on_counts)  # a restart leaves at once

            rec.call_on_thread(open_fleet)

            def stop_fleet() -> bool:
                # waits for a PutMetricData in flight and its ack (connect + read
                # timeout + 1 s, at most 10 s), within what is left of the shutdown's
                # budget (the uploader's call in flight may have taken some of it). An
                # orderly stop first queues the stop and sends what is queued, within
                # the same wait (at most FINAL_SEND_S of it; not at all while offline)
                return all([p.stop(self.cleanups.share(p.uploader.stop_wait_s),
                                   clean=self.orderly_stop) for p in fleet])

            self.cleanups.register("fleet metrics", stop_fleet, MAX_STOP_WAIT_S + 1.0)
        # a restart only after an unclean end (crash, kill, watchdog), as in the panel
        rec.started(unclean_previous_exit=bool(self.history and self.history.after_unclean))
        self.window.mood_picked.connect(lambda _value: rec.mood_picked())
        record_visits(rec, self.controller)  # a visit is the shopper's, not vision's
        if self.camera is not None and self.vision is not None:
            camera = self.camera
            # the reason as a code, for the fleet
            rec.camera_state(camera.state, camera.trouble)
            camera.state_changed.connect(
                lambda state, _msg: rec.camera_state(state, camera.trouble))
            # LOST -> LOST for a new reason (round 23, M1)
            camera.trouble_changed.connect(rec.camera_trouble)
            self.vision.result.connect(lambda result: record_vision_result(rec, result))
        elif self.camera is None:
            # NONE for no camera on purpose (no camera time: CameraLive is not sent, so
            # the fleet reads no "camera lost"), LOST for a bad camera.source (before:
            # LOST for both, and a kiosk without a camera read "camera lost" centrally)
            state, _why = self._no_camera_state()
            rec.camera_state(state, CameraTrouble.BAD_SOURCE if self.camera_error else None)
        else:
            rec.camera_state(CameraState.LOST)
        self._gauge_timer = QTimer()
        self._gauge_timer.setObjectName("analytics-gauges")
        self._gauge_timer.timeout.connect(self._sample_gauges)
        self._gauge_timer.start(10_000)
        rec.start()
        self.cleanups.register("analytics", lambda: rec.stop(3.0), 4.0)
        self.cleanups.register("analytics gauges", self._gauge_timer.stop, inline=True)

    def _show_audience(self) -> None:
        """The admin panel's Audience button (dispatched by `AdminController`): today's
        report, read on the recommend worker's thread, shown on the GUI thread."""
        if self.analytics is None:
            self.window.show_message("Audience analytics are off ([analytics] enabled)")
            return
        from kiosk.analytics.report import build_report, start_of_today
        from kiosk.config.timezone import store_zone

        rec = self.analytics
        def today() -> dict[str, Any]:  # Any: the report's JSON-like values
            if rec.store is None:
                raise RuntimeError("the analytics database is not open (see the log)")
            zone = store_zone(self.settings.analytics.timezone)
            return build_report(rec.store, start_of_today(zone=zone), extra=[rec.unsaved()],
                                zone=zone)

        self.worker.submit(
            today,
            on_result=self.window.show_audience,
            on_error=lambda exc: self.window.show_operator_result(f"Audience: {exc}", True),
        )

    def _sample_gauges(self) -> None:
        """GUI thread, cheap reads only (in-memory counts, one statvfs)."""
        from kiosk.diskspace import free_mb

        if self.analytics is None:
            return
        queue = self.backend.queue  # opened on the events thread; None until then
        counts = QueueStatus.of(queue) if queue is not None else None
        self.analytics.gauges(
            fps=self.camera.fps() if self.camera is not None else None,
            # rows waiting for a configured upload, not those kept with nowhere to go
            queue_depth=(awaiting_upload(queue, self._upload_kinds)
                         if queue is not None else None),
            dead_letters=counts.dead_letters if counts is not None else None,
            disk_free_mb=free_mb(self.settings.data_dir),
            uploads_failing=self._uploads_failing(),
        )

    @functools.cached_property
    def _upload_kinds(self) -> tuple[str, ...]:
        """The event-queue record kinds an upload is configured for (none without
        Personalize): what the QueueDepth and QueueGrowth gauges count."""
        from kiosk.events.records import Targets

        p = self.settings.personalize
        return tuple(Targets(p.tracking_id, p.dataset_arn_users, p.dataset_arn_items).sendable())

    def _uploads_failing(self) -> bool:
        uploader = self.uploader  # status(): attribute reads, in-memory counts
        return uploader is not None and uploader.status().state in (
            UploaderState.BACKOFF, UploaderState.OFFLINE, UploaderState.BLOCKED)

    def _wire(self) -> None:
        w, c = self.window, self.controller
        w.next_requested.connect(c.on_next)
        w.like_requested.connect(c.on_like)
        w.mode_requested.connect(c.on_mode)
        w.mood_picked.connect(c.on_mood_picked)
        w.user_activity.connect(c.on_user_activity)
        w.main_screen_visible.connect(c.on_main_screen_visible)
        # a visitor can pick a mood by hand before vision is ready: a touch ends the
        # indexing's pauses, so that page does not wait on them
        w.user_activity.connect(self.index_pacer.settle)
        w.admin_action_requested.connect(self.admin.on_admin_action)
        w.approve_requested.connect(self.curation.on_approve)
        w.reject_requested.connect(self.curation.on_reject)
        self.admin.exit_requested.connect(self._exit)
        if self.consent_flow is not None:
            self.consent_flow.user_changed.connect(c.on_user_changed)
        if self.camera is not None:
            self.camera.state_changed.connect(c.on_camera_state)
        if self.vision is not None:
            self.vision.result.connect(c.on_vision_result)
            self.vision.failed.connect(c.on_vision_failed)
            self.vision.ready.connect(c.on_vision_ready)
            self.vision.ready.connect(self._on_vision_ready)
            self.vision.failed.connect(self.index_pacer.settle)
            self.vision.ready.connect(lambda _device: self.startup.finish("vision ready"))
            self.vision.failed.connect(lambda _msg: self.startup.finish("vision failed"))
        # Every thread's errors reach the operator (the tracebacks are in the log).
        self.problems.watch_jobs("recommend", self.worker)
        self.problems.watch_jobs("events", self.events_worker)
        if self.identity_worker is not None:
            self.problems.watch_jobs("identity", self.identity_worker)
        self.problems.watch_jobs("catalog sync", self.sync_bridge)
        if self.vision is not None:
            self.problems.watch_frames("vision", self.vision)
        self.problems.reported.connect(self._on_worker_problem)
        self.settings_check.problem.connect(self._on_worker_problem)
        self.settings_check.fixed.connect(self._on_settings_fixed)

    def start(self) -> None:
        s = self.settings
        if s.app.kiosk_mode:
            apply_exhibit_mode(self.window)
        else:
            show_windowed(self.window)
        self.startup.start()
        self.cleanups.register("start-up watch", self.startup.stop, inline=True)
        self.settings_check.start()
        self.cleanups.register("settings check", self.settings_check.stop, inline=True)
        self.events_worker.start()
        self.events_worker.submit(self.backend.open_events, on_result=self._queue_opened)
        # a queue that could not be opened now (a full disk) is opened later by a like:
        # its uploads start then, not at the next start (the events worker's bridge
        # brings it to this thread)
        self.backend.late_open_listeners.append(
            self.events_worker.on_result(self._queue_opened))
        # stopped after the recommend worker (clean-ups run in reverse), so the last
        # page's impression still reaches it; its queued likes are saved, not dropped
        self.cleanups.register("events worker", self._stop_events, 25.0)
        self._start_analytics()
        self.worker.start()
        self.worker.submit(self.backend.open, False)
        self.cleanups.register("recommend worker", self._stop_backend, 8.0)
        if self.camera is not None and self.vision is not None:
            self.camera.start()
            self.cleanups.register("camera", lambda: self.camera and self.camera.stop(3.0), 4.0)
            self.vision.start()
            self.cleanups.register("vision", lambda: self.vision and self.vision.stop(3.0), 5.0)
        else:
            self.index_pacer.settle()  # no models load: index at full speed
            self.controller.on_camera_state(*self._no_camera_state())
            self.startup.finish("no camera (so no vision)")
        if self.periodic_sync is not None:
            self.periodic_sync.start()
            self.cleanups.register("catalog sync", self._stop_periodic_sync, 12.0)
        if self.identity_worker is not None and self.consent_flow is not None:
            self.identity_worker.start()
            self.cleanups.register("identity worker", self._stop_identity, 5.0)
            self.consent_flow.start()
        self.controller.start()
        self.cleanups.register("controller", self.controller.stop, inline=True)
        self.admin.start()
        self.cleanups.register("admin controller", self.admin.stop, inline=True)
        self.watchdog.start()
        self.cleanups.register("watchdog", self.watchdog.stop, inline=True)
        log.info("kiosk %s started (%s)", __version__,
                 "exhibit mode" if s.app.kiosk_mode else "windowed")

    def _stop_backend(self) -> bool:
        # a first start's catalog indexing stops after the image in hand (what is indexed
        # is kept); then close on the worker's thread (pending jobs are dropped). False
        # when the thread is still busy: the shutdown then counts it as stuck.
        self.index_pacer.cancel()
        return self.worker.stop(6.0, last=self.backend.close)

    def _queue_opened(self, queue: Queue | None) -> None:
        """GUI thread, once the queue is open (at start, or later by a like when it
        could not be opened at start): start the spool drain and, when uploads are
        configured, the uploader (each its own thread), once, each with its own stop
        budget, registered after the events worker so they stop before it closes the
        queue."""
        if queue is None or self.spool_drain is not None or self.shutting_down:
            return  # (a queue opened as the kiosk stops: its clean-ups have run)
        from kiosk.events.queue import EventQueue
        from kiosk.events.spool_drain import SpoolDrain
        from kiosk.events.uploader import Uploader

        if not isinstance(queue, EventQueue):  # a test's stand-in: nothing to drain
            return
        # what a lock keeps in the spool is queued once it goes, uploads on or off
        # (before: with uploads off, only at the next write or start)
        drain = self.spool_drain = SpoolDrain(queue)
        drain.start()
        self.cleanups.register("spool drain", lambda: drain.stop(self.cleanups.share(3.0)),
                               4.0)
        uploader = Uploader.from_settings(queue, self.settings)
        if not uploader.enabled:
            log.info("uploads off: personalize.tracking_id and dataset ARNs are empty")
            return
        uploader.start()
        self.uploader = self.backend.uploader = uploader
        # the first clean-up (registered last): asked to stop at once, its call in flight
        # ends while the other parts stop (before, its wait, up to 11 s, came first and
        # the fleet metrics' wait added to it); the events worker's last job
        # (`KioskBackend.close_events`) waits for it before the queue closes
        self.cleanups.register("uploader", uploader.request_stop, inline=True)

    def _stop_events(self) -> bool:
        # save every like still queued (a lock is retried within its bound), then
        # close the queue on its own thread
        return self.events_worker.stop(22.0, last=self.backend.close_events, drain=True)

    def _build_periodic_sync(self) -> PeriodicSync | None:
        """`[sync] url` + `interval_min`: mirror the fleet's S3 catalog in the background
        (thread `kiosk-s3sync`, `kiosk.curation.periodic`). Its results and errors come
        back to the GUI thread through `sync_bridge` (a finished run that changed files
        asks the recommend worker to rescan; a failed one is the operator's "Last
        problem"). None when no sync is configured."""
        s = self.settings.sync
        if not s.url or s.interval_min <= 0:
            return None
        from kiosk.curation.periodic import PeriodicSync

        bridge = self.sync_bridge
        return PeriodicSync(self._sync_once, s.interval_min * 60,
                            on_result=bridge.on_result(self._on_synced),
                            on_error=bridge.on_error("catalog sync"))

    def _sync_once(self, stop: threading.Event) -> SyncReport:
        """Sync thread: one run of the S3 sync (its SQLite state is opened here, on
        first use, and closed by `_stop_periodic_sync` once the thread has ended)."""
        s = self.settings.sync
        if self._s3sync is None:
            from kiosk.curation.s3sync import S3Sync

            limit = int(s.max_kbps * 1000) or None  # as `catalog sync --max-kbps`
            self._s3sync = S3Sync.from_settings(self.settings, max_bytes_per_s=limit)
        return self._s3sync.sync(s.url, stop=stop)

    def _on_synced(self, report: SyncReport) -> None:
        """GUI thread: a sync run finished; new or removed files mean a rescan."""
        log.info("catalog sync from %s: %s", self.settings.sync.url, report)
        if report.changed:
            self.worker.submit(self.backend.rescan)

    def _stop_periodic_sync(self) -> None:
        """Stop the schedule (a run in flight ends between two files), then close the
        sync state. Budget: 10 s join inside the 12 s clean-up."""
        if self.periodic_sync is not None and not self.periodic_sync.stop(10.0):
            # still running (a download stuck in the network): leave its state to the
            # thread and say so, so the shutdown counts it as not stopped cleanly
            raise TimeoutError("the catalog sync thread did not stop within 10 s")
        if self._s3sync is not None:
            self._s3sync.close()
            self._s3sync = None

    def _stop_identity(self) -> bool:
        if self.identity_service is not None:
            self.identity_service.cancel()  # ends any backoff wait at once
        stopped = self.identity_worker is None or self.identity_worker.stop(3.0)
        if self.identity_service is not None:
            self.identity_service.close()
        return stopped

    def shutdown(self, orderly: bool = True) -> list[str]:
        """Run the clean-ups; returns the names of those that did not finish.
        `orderly`: the event loop ended (quit, Exit, Restart, SIGTERM): the fleet then
        reports a clean stop, not a kiosk gone silent."""
        log.info("shutting down")
        self.shutting_down = True
        self.orderly_stop = orderly
        # every wait together within one budget that fits systemd's TimeoutStopSec
        failed = self.cleanups.run(SHUTDOWN_BUDGET_S)
        if failed:
            log.warning("shutdown: %s did not stop cleanly", ", ".join(failed))
        return failed

    def load_left_running(self) -> bool:
        """The shutdown left vision's model load running (stopped during it: see
        `VisionWorker.stop`), so the process must end without finalizing."""
        return self.vision is not None and self.vision.abandoned

    def _no_camera_state(self) -> tuple[CameraState, str]:
        """Without a camera built: LOST with the reason (a bad `camera.source`), or NONE
        (an empty one: no camera on purpose, not a fault)."""
        if self.camera_error:
            return CameraState.LOST, self.camera_error
        return CameraState.NONE, ""

    def _camera_state_text(self) -> str:
        """The status's `camera_state`: "LIVE", "LOST (<why>)", "NONE", …"""
        if self.camera is not None:
            return self.camera.state.value
        state, why = self._no_camera_state()
        return f"{state} ({why})" if why else state.value

    def _camera_trouble_detail(self) -> str:
        """The capture's reason while it is STALLED or LOST ("" otherwise: then the
        panel keeps the screen's own detail, e.g. why vision stopped)."""
        camera = self.camera
        if camera is None or camera.trouble_s() is None:
            return ""
        return camera.message

    def app_status(self) -> AppStatus:
        """GUI-thread part of the status (cheap attribute reads and one statvfs, as
        `_sample_gauges`, and one more statvfs for a read-only mount; `kiosk.status`)."""
        from kiosk.diskspace import free_mb, mounted_read_only

        vision = self.vision
        fallback = vision.pipeline.fallback if vision is not None and vision.pipeline else None
        latency = vision.last_latency if vision is not None else None
        pipeline = vision.pipeline if vision is not None else None
        light = pipeline.light if pipeline is not None else None
        return AppStatus(
            crash_count=self.crashes, model_device=self.vision_device,
            uploads_configured=self.settings.aws_events_enabled,
            history=self.history.as_status() if self.history is not None else {},
            camera_state=self._camera_state_text(),
            camera_fps=round(self.camera.fps(), 1) if self.camera is not None else None,
            camera_detail=self._camera_trouble_detail(),
            camera_trouble_s=self.camera.trouble_s() if self.camera is not None else None,
            camera_light=light.problem if light is not None else "",
            camera_face_mean=light.face_mean if light is not None else None,
            camera_turn=pipeline.camera_turn if pipeline is not None else None,
            inference_ms=round(latency.get("total_ms", 0.0), 1) if latency else None,
            # AWS features at a glance (memory reads only): reachable, breaker, budget, owed
            rekognition=fallback.status() if fallback is not None else None,
            rekognition_refused=(fallback.refused or "") if fallback is not None else "",
            rekognition_refused_by=(fallback.refused_by or "") if fallback is not None else "",
            identity=(self.identity_service.summary() if self.identity_service is not None
                      else ""),
            identity_refused=(self.identity_service.refused or ""
                              if self.identity_service is not None else ""),
            identity_refused_by=(self.identity_service.refused_by or ""
                                 if self.identity_service is not None else ""),
            disk_free_mb=free_mb(self.settings.data_dir),
            data_read_only=mounted_read_only(self.settings.data_dir),
            fleet=self._fleet_status(),
        )

    def _fleet_status(self) -> dict[str, object] | None:
        """The fleet metrics uploader's status (None when [fleet] is off or not open
        yet; memory reads): the panel said nothing while CloudWatch could not be
        reached (tester round 12), only Personalize's last upload error."""
        publisher = self.fleet_publisher
        return None if publisher is None else publisher.status()

    def status(self) -> KioskStatus:
        """A status snapshot from the GUI thread (the back end's part read here too:
        memory reads only), for tests and tools; the panel's own comes every 2 s."""
        return KioskStatus(self.backend.status(), self.app_status())

    def on_crash(self, exc: BaseException) -> None:
        """An uncaught exception on the GUI thread: log it, count it, and go back to
        the attract screen so the next visitor starts clean."""
        self.crashes += 1
        if self.analytics is not None:
            self.analytics.crashed()
        log.critical("uncaught exception (#%d): %s\n%s", self.crashes, exc,
                     "".join(traceback.format_exception(exc)))
        try:
            self.controller.recover()
        except Exception:
            log.exception("could not return to the attract screen")

    def _on_settings_fixed(self) -> None:
        """GUI thread: a settings mistake shown as "Last problem" was corrected."""
        if self.window.last_problem.startswith("settings error:"):
            self.window.last_problem = ""

    def _on_worker_problem(self, line: str) -> None:
        """GUI thread: the newest worker error is the admin panel's "Last problem"."""
        self.window.last_problem = line

    def _on_vision_ready(self, device: str) -> None:
        self.vision_device = device
        self.index_pacer.settle()

    def _exit(self, code: int) -> None:
        app = QApplication.instance()
        if app is not None:
            app.exit(code)


def _quit_on_sigterm(app: QApplication) -> QTimer:
    """SIGTERM (systemctl stop, logout) and SIGINT quit through the orderly shutdown.
    Python runs signal handlers only between bytecodes, so a no-op timer wakes the
    interpreter regularly while Qt's event loop sits in C++.

    The quit itself is left to the event loop (a zero timer), not done in the handler:
    `quit()` does nothing before `exec()` runs, so a SIGTERM during start-up was lost
    (systemd then killed the kiosk after TimeoutStopSec: an unclean exit), and it
    closes every window at once, which the handler would do from inside whatever
    Python code it interrupted, a paint included."""
    def handler(signum: int, frame: object) -> None:
        log.info("signal %d: quitting", signum)
        QTimer.singleShot(0, app.quit)

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    timer = QTimer()
    timer.setObjectName("signal-wakeup")
    timer.timeout.connect(lambda: None)
    timer.start(500)
    return timer


def wait_for_settings(
    error: ConfigError,
    reload: Callable[[], Settings],
    watch: Path | None,
    language: str = "en",
    quit_after: float | None = None,
) -> Settings | None:
    """Exhibit mode with settings that cannot be used: show the full-screen "out of
    order" page (`kiosk.ui.out_of_order`) naming `error`'s file, line and what to do,
    and wait. Whenever the file `watch` changes, `reload()` is tried: the settings it
    returns are returned (the caller starts the kiosk with them); a `ConfigError`
    is logged as one line and shown. Returns None when asked to quit (SIGTERM,
    SIGINT, `quit_after` seconds): the caller exits 0, so a supervisor does not
    restart it in a loop. Tells systemd READY=1 and keeps its watchdog fed."""
    qInstallMessageHandler(_qt_message)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("kiosk")
    install_translator(app, language)
    page = OutOfOrderPage()
    page.set_problem(error)
    apply_exhibit_mode(page)
    watchdog = SystemdWatchdog()
    watchdog.start()
    wakeup = _quit_on_sigterm(app)
    fixed: list[Settings] = []
    watcher: SettingsWatch | None = None

    def on_changed() -> None:
        try:
            settings = reload()
        except ConfigError as exc:
            log.error("settings error: %s", exc.located())
            page.set_problem(exc, again=True)
            return
        log.info("settings are usable again: starting the kiosk")
        fixed.append(settings)
        app.exit(0)

    if watch is not None:
        watcher = SettingsWatch(watch, parent=page)
        watcher.changed.connect(on_changed)
        watcher.start()
        log.info("out of order until %s is fixed (checked every second)", watch)
    quit_timer = QTimer(page)
    quit_timer.setObjectName("out-of-order-quit-after")
    quit_timer.setSingleShot(True)
    quit_timer.timeout.connect(app.quit)
    if quit_after is not None:
        quit_timer.start(int(quit_after * 1000))
    try:
        app.exec()
    finally:
        wakeup.stop()
        quit_timer.stop()
        if watcher is not None:
            watcher.stop()
        watchdog.timer.stop()  # not stop(): STOPPING=1 would tell systemd we are leaving
        page.close()
        page.deleteLater()  # with it its guard, its stay-on-top watch and its timers
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QApplication.removePostedEvents(app, QEvent.Type.Quit)  # app.quit()'s own, if any
    return fixed[0] if fixed else None


def run_app(settings: Settings, quit_after: float | None = None) -> int:
    qInstallMessageHandler(_qt_message)
    history = crashlog.record_start(settings.data_dir)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    # once for the process, before any thread imports torch, boto3 or numpy's extras
    lighten_pyside_import_hook()
    app.setApplicationName("kiosk")
    app.setApplicationVersion(__version__)
    install_translator(app, settings.app.language)
    for note in settings_notes(settings):
        log.warning("settings: %s", note)
    kiosk = Kiosk(settings)
    kiosk.history = history
    wakeup = _quit_on_sigterm(app)

    previous_hook = sys.excepthook

    def excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None
                   ) -> None:
        kiosk.on_crash(exc.with_traceback(tb))

    sys.excepthook = excepthook
    threading.excepthook = lambda args: log.critical(
        "uncaught exception in thread %s: %s\n%s",
        args.thread.name if args.thread else "?", args.exc_value,
        "".join(traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback)),
    )
    kiosk.start()
    if quit_after is not None:
        QTimer.singleShot(int(quit_after * 1000), app.quit)
    code = 1
    ended = False  # the event loop returned: an orderly end (quit, Exit, Restart, SIGTERM)
    try:
        code = app.exec()
        ended = True
    finally:
        wakeup.stop()
        stuck = kiosk.shutdown(orderly=ended)
        sys.excepthook = previous_hook
        kiosk.window.close()
        if ended:  # the last step: a kill or a crash before it leaves the run unmarked
            crashlog.mark_clean_exit(code)
    # Restart from the admin panel without systemd: start again instead of going dark.
    restart.restart_in_place_if_unsupervised(code)
    if stuck or kiosk.load_left_running():
        # A thread is stuck in native code (a camera driver, torch), or the model load
        # was left on purpose (a stop during `import torch`): letting the interpreter
        # finalize around it aborts in C++. Everything that matters is committed and
        # the logs are flushed, so leave now with the real status.
        logging.shutdown()
        os._exit(code)
    return int(code)
