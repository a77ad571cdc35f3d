"""The kiosk's back end as one object two worker threads drive (no Qt).

`KioskBackend` composes the recommendation service and the event queue. Every
method may block. Two serial workers call it, each on its own state:

- `kiosk-recommend`: `open`, `page`, `learn_like`, `end_visit`, `status`,
  `check_catalog`, curation — ranking, image decoding and Personalize calls;
- `kiosk-events`: `open_events`, `commit_like` and the impressions — SQLite writes
  with fsync, which may wait on another process's lock.

So recording a like never queues behind a page or a network call, and a locked
queue never delays a page. A catalog folder that is missing at start or goes away
(an unmounted USB stick or share) is noticed by `kiosk.backend.catalog_watch`: pages
fail with the reason, logged once, and the recommender is opened or rescanned as soon
as the folder is back, on the next page or the visit controller's check. The uploader
is built by the composition root (`kiosk.app`) once `open_events` has opened the queue.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from kiosk.backend.catalog_watch import RELOAD, RESCAN, CatalogWatch
from kiosk.backend.results import LikeResult, PageResult, Thumbnail
from kiosk.backend.seams import Queue, Recommender, UploaderControl
from kiosk.code_pages import release_code_pages
from kiosk.domain import Emotion, Item, Like, Page, RecommendMode
from kiosk.errors import KioskError
from kiosk.events.errors import QueueNotOpenError
from kiosk.heap import release_free_heap
from kiosk.recommend.catalog import folder_problem, folder_stamp
from kiosk.status import BackendStatus, QueueStatus

if TYPE_CHECKING:
    from kiosk.config import Settings
    from kiosk.curation.pool import PendingPool
    from kiosk.recommend.pacing import IndexPacer

log = logging.getLogger(__name__)
IMPRESSION_REMINDER = 100  # pages whose impression was lost between two WARNINGs
REPLACE_LIMIT = 64  # unshowable images a page looks past for stand-ins, at most (a
#                    pulled file fails at its stat: a mass removal costs milliseconds)


class KioskBackend:
    """Recommendations, likes and status for the GUI, run on two worker threads (see
    the module docstring).

    Built empty on the GUI thread (`from_settings`); `open()` — the recommend
    worker's first job — rescans the catalog, `open_events()` — the events worker's
    first job — opens the queue, so start-up never blocks the window. A page left
    without a like is queued as an impression-only event (on the events thread, via
    `defer_event`) when the next page replaces it or the visit ends.

    A queue that cannot be opened leaves `queue` None and `open_error` set: likes are
    then refused (`commit_like` raises) so the screen never says "Liked" for a like
    that was not saved.

    `catalog_watch` (built by `from_settings`) keeps the catalog folder's state: while
    it is missing or unmounted, pages and the attract images raise a `KioskError`
    saying so (logged once per change); once it is there, the next page or
    `check_catalog` opens the recommender (start-up failed) or rescans it."""

    def __init__(self, recommender: Recommender | None = None, queue: Queue | None = None,
                 image_size: tuple[int, int] = (640, 640),
                 uploader: UploaderControl | None = None,
                 opener: Callable[[KioskBackend], None] | None = None,
                 events_opener: Callable[[], Queue] | None = None,
                 ) -> None:
        self._recommender = recommender  # None until `open()` ran the opener
        self.queue = queue
        self.uploader = uploader
        self.image_size = image_size
        self._opener = opener
        self._events_opener = events_opener
        self._settings: Settings | None = None
        self._unliked_page: Page | None = None
        self._liked_pages: set[tuple[str, int]] = set()  # touched on the events thread
        self._impressions_lost = 0  # impressions not queued since the last one that was
        self._liked_lock = threading.Lock()
        self.open_error = ""  # the event queue's problem
        self._recommend_error = ""  # why the recommender could not be opened
        self._open_failure: KioskError | None = None  # a known (explained) open failure
        self.catalog_watch: CatalogWatch | None = None  # set by from_settings
        self.pool: PendingPool | None = None  # opened on demand (curation screen)
        # runs an event write (impressions) on the events worker; inline by default
        self.defer_event: Callable[..., None] = lambda fn, *args: fn(*args)
        # Identity's "Forget me" gate: a forgotten user id becomes None right before use,
        # so a page or like queued before the tap never sends it (kiosk.controllers.consent).
        self.user_filter: Callable[[str | None], str | None] = _same_user
        # called with each like once it is durably queued (events thread): the audience
        # analytics count a like here, once, never from what the screen shows
        self.like_listeners: list[Callable[[Like], None]] = []
        # called with the queue when one that could not be opened at start opens later
        # (a like opened it; events thread): kiosk.app starts the uploader then
        self.late_open_listeners: list[Callable[[Queue], None]] = []

    @property
    def recommender(self) -> Recommender:
        """The recommender (recommend thread). Raises `KioskError` (the same message) when
        `open()` failed with one, e.g. a missing catalog folder: a known condition the
        worker logs once without a traceback; RuntimeError before `open()` built it."""
        if self._recommender is None:
            if self._open_failure is not None:
                error = KioskError(str(self._open_failure))
                error.logged = self._open_failure.logged
                raise error
            raise RuntimeError(self._recommend_error or "the recommender is not open yet "
                               "(KioskBackend.open runs first on the recommend worker)")
        return self._recommender

    @recommender.setter
    def recommender(self, value: Recommender) -> None:
        self._recommender = value

    @classmethod
    def from_settings(cls, settings: Settings, pacer: IndexPacer | None = None) -> KioskBackend:
        """`pacer`: the catalog indexing pauses between images until it is settled
        (vision loaded; `kiosk.recommend.pacing`)."""
        def opener(backend: KioskBackend) -> None:
            from kiosk.recommend.service import RecommendationService

            backend.recommender = RecommendationService(settings, pacer=pacer)
            backend._settings = settings

        def events_opener() -> Queue:
            from kiosk.events.queue import EventQueue

            return EventQueue.from_settings(settings)

        backend = cls(opener=opener, events_opener=events_opener)
        backend._settings = settings
        if settings.recommend.catalog_dir:
            root = Path(settings.recommend.catalog_dir).expanduser()
        else:
            from kiosk.resources import catalog_root

            root = catalog_root()
        backend.catalog_watch = CatalogWatch(root)
        return backend

    def open(self, events: bool = True) -> None:
        """Open the recommender (and with `events`, the queue too, on this thread)."""
        if self._opener is not None and self._recommender is None:
            watch = self.catalog_watch
            stamp = folder_stamp(watch.root) if watch is not None else ()
            try:
                self._opener(self)
            except Exception as exc:  # the admin panel says why no page comes
                self._recommend_error = f"recommendations unavailable: {exc}"
                if isinstance(exc, KioskError):
                    self._open_failure = exc
                    if self.catalog_watch is not None:  # logged here, once; retried
                        self.catalog_watch.went(str(exc))
                        self.catalog_watch.retry_failed()
                        exc.logged = True
                raise
            self._open_failure = None
            self._recommend_error = ""
            if watch is not None:
                watch.opened(lambda: len(self.recommender.items()))
                watch.baseline(stamp, _manifest_version(self._recommender))
        if events:
            self.open_events()

    def open_events(self) -> Queue | None:
        """Open the event queue (a damaged file is moved aside and a fresh one opened);
        returns it, or None with `open_error` set when it cannot be opened at all. Tried
        at start and again by each like while it is not open (a disk full at start and
        freed later: before, likes failed until a restart); a late open tells
        `late_open_listeners` (kiosk.app starts the uploader then)."""
        if self.queue is not None or self._events_opener is None:
            return self.queue
        try:
            self.queue = self._events_opener()
        except Exception as exc:  # likes are refused visibly; status shows why
            self.open_error = (f"likes cannot be saved: the event queue cannot be opened "
                               f"({exc})")
            log.error("%s", self.open_error)
            return None
        late = bool(self.open_error)  # it failed before (at start: a full disk, since freed)
        self.open_error = getattr(self.queue, "problem", "") or ""
        if late:
            log.warning("the event queue is open now; likes are saved again (uploads, "
                        "if configured, start now)")
            for listener in list(self.late_open_listeners):
                try:
                    listener(self.queue)
                except Exception:  # the queue is open and the like goes on regardless
                    log.exception("late-open listener %r failed", listener)
        return self.queue

    # ------------------------------------------------------------------ the catalog folder

    def check_catalog(self) -> int:
        """Recommend thread, every `catalog_watch.CHECK_S` seconds (the visit
        controller): notice the catalog folder going or coming back (one stat while
        all is well); returns `catalog_watch.generation`, which grows each time the
        catalog becomes usable or changed (0 without a watch). While it is usable,
        a changed folder is rescanned and a manifest another process changed is
        reloaded (`CatalogWatch.changes`). Never raises a `KioskError`: what it finds
        is logged once per change."""
        try:
            self._catalog_ready()
            self._watch_changes()
        except KioskError as exc:
            if not exc.logged and self.catalog_watch is not None:
                self.catalog_watch.went(str(exc))
        return self.catalog_watch.generation if self.catalog_watch is not None else 0

    def moods_with_images(self) -> frozenset[Emotion]:
        """Recommend thread: the emotions the catalog has images for (its manifest, so
        a folder away for a moment changes nothing), for the mood picker; empty while
        the recommender is not open."""
        if self._recommender is None:
            return frozenset()
        return frozenset(item.emotion for item in self._recommender.items())

    def _catalog_ready(self) -> None:
        """Raise `KioskError` while the catalog folder cannot be used (missing, or an
        empty mount point: `kiosk.recommend.catalog.folder_problem`); once it can,
        open the recommender that failed to open (paced: `CatalogWatch.due`) or
        rescan the one that lost its folder."""
        watch = self.catalog_watch
        rec = self._recommender
        if watch is None or (rec is None and self._open_failure is None):
            return  # no folder to watch, or not opened yet: `recommender` says why
        problem = folder_problem(watch.root, lambda: len(rec.items()) if rec else 0)
        if problem:
            watch.retry_now()  # no folder: open it the moment it is there
            raise watch.went(problem)
        if rec is None:
            if not watch.due():
                raise watch.went(watch.problem or str(self._open_failure))
            self.open(False)  # a failure waits longer before the next try
        elif watch.problem:  # back after going away while open
            self._rescan_watched(rec)
            watch.opened(lambda: len(rec.items()))

    def _watch_changes(self) -> None:
        """Rescan a folder that changed, reload a manifest another process changed
        (paced by `CatalogWatch.changes`; one listing, a few stats and one PRAGMA when
        nothing changed)."""
        watch, rec = self.catalog_watch, self._recommender
        if watch is None or rec is None or watch.problem:
            return
        todo = watch.changes(folder_stamp(watch.root), _manifest_version(rec))
        if todo == RESCAN:
            if getattr(self._rescan_watched(rec), "changed", True):
                watch.changed()
        elif todo == RELOAD:
            manifest = _manifest_version(rec)
            reload = getattr(rec, "reload", None)
            if reload is not None:
                reload()
            else:  # a recommender without a manifest of its own
                rec.rescan()
            watch.baseline(None, manifest)
            watch.changed()

    def _rescan_watched(self, rec: Recommender) -> object:
        """`rec.rescan()`, the watch's baseline taken before it (a change made while it
        runs is rescanned at a later check)."""
        watch = self.catalog_watch
        if watch is None:
            return rec.rescan()
        stamp, manifest = folder_stamp(watch.root), _manifest_version(rec)
        report = rec.rescan()
        watch.baseline(stamp, manifest)
        return report

    # ------------------------------------------------------------------ curation

    def _pending_pool(self) -> PendingPool:
        if self.pool is None:
            from kiosk.curation.pool import PendingPool
            from kiosk.events.queue import EventQueue
            from kiosk.recommend.service import RecommendationService

            service = self.recommender
            if not isinstance(service, RecommendationService) or self._settings is None:
                raise RuntimeError("image review needs the kiosk's catalog (not available "
                                   "with this recommender)")
            queue = self.queue if isinstance(self.queue, EventQueue) else None
            self.pool = PendingPool.from_settings(self._settings, service.catalog, queue)
        return self.pool

    def pending_thumbnails(self, max_side: int = 512) -> list[Thumbnail]:
        """The pending pool as (id, emotion, RGB thumbnail, file name) for the review
        screen."""
        return [(entry.id, entry.emotion, thumb, entry.source_name)
                for entry, thumb in self._pending_pool().thumbnails(max_side)]

    def approve(self, key: str) -> list[Thumbnail]:
        """Approve into the live catalog (atomic copy, PutItems queued), rank over it."""
        self._pending_pool().approve(key)
        self._rescan_watched(self.recommender)
        return self.pending_thumbnails()

    def reject(self, key: str) -> list[Thumbnail]:
        self._pending_pool().reject(key)
        return self.pending_thumbnails()

    def close(self) -> None:
        """Recommend-thread clean-up: the pool, the last page's impression (handed to
        the events thread) and the recommender. `close_events` closes the queue."""
        if self.pool is not None:
            self.pool.close()
        self._flush_impression()
        if self._recommender is not None:
            self._recommender.close()

    def close_events(self) -> None:
        """Events-thread clean-up: wait for the uploader (asked to stop first by the
        shutdown, so its call in flight has mostly ended by now), then close the queue."""
        if self.uploader is not None:  # its own wait: the call in flight and its ack
            self.uploader.stop()
        if self.queue is not None:
            self.queue.close()

    def wake_uploader(self) -> None:
        """Thread-safe: ask the uploader to try now, whatever its backoff (admin
        "flush events")."""
        if self.uploader is not None:
            self.uploader.retry_now()

    def attract_images(self, count: int, size: tuple[int, int] = (800, 800)) -> list[np.ndarray]:
        """A spread of catalog images for the attract slideshow, emotions interleaved,
        cover-cropped to `size`'s aspect and at most `size`, never enlarged (the
        slideshow scales them to the screen as it paints; the demo catalog's 640x640
        images stay 640x640, 1.2 MB each). Decoded outside the page-image cache: they
        must not push the visitor's pages out of it."""
        from kiosk.recommend.images import decode_scaled

        self._catalog_ready()
        # recommend.attract_emotions (pleasant ones by default), interleaved
        picked = self.recommender.attract_items(count)
        out = []
        for item in picked:
            try:
                out.append(decode_scaled(item.path, size, enlarge=False))
            except Exception as exc:
                log.warning("attract: cannot show %s: %s", item.id, exc)
        return out

    def page(self, request: int, visit_id: str, emotion: Emotion, user_id: str | None,
             mode: RecommendMode, page_size: int) -> PageResult:
        self._flush_impression()
        self._catalog_ready()
        user_id = self.user_filter(user_id)
        page = self.recommender.page(visit_id, emotion, user_id, mode, page_size)
        images: dict[str, np.ndarray] = {}
        items = list(page.items)
        gone: list[str] = []
        while True:
            for item in items:
                if item.id not in images and item.id not in gone:
                    self._decode(item, images, gone)
            missing = [i for i, item in enumerate(items) if item.id not in images]
            if not missing or len(gone) >= REPLACE_LIMIT:
                break
            # A card whose image cannot be shown (a file pulled before the paced rescan
            # saw it): the page is completed at once with the next candidates, in place.
            current = Page(items=tuple(items), emotion=page.emotion, visit_id=page.visit_id)
            stand_ins = self.recommender.replace(current, list(gone), mode)
            if not stand_ins:
                break
            for i, item in zip(missing, stand_ins, strict=False):
                items[i] = item
        shown = tuple(i for i in items if i.id in images)
        if shown != page.items:
            if len(shown) < len(page.items):
                log.info("page %d of %s: %d of %d cards could be shown", page.index,
                         emotion.value, len(shown), len(page.items))
            page = Page(items=shown, emotion=page.emotion, visit_id=page.visit_id,
                        index=page.index, mode=page.mode, source=page.source,
                        recommendation_id=page.recommendation_id, note=page.note,
                        recommended=page.recommended & {i.id for i in shown})
        self.recommender.impression(page)
        self._unliked_page = page if page.items else None
        return PageResult(page, images, self.recommender.personalization_ready(visit_id), request)

    def _decode(self, item: Item, images: dict[str, np.ndarray], gone: list[str]) -> None:
        """Decode a card's image into `images`, or add its id to `gone`: a broken or
        vanished file must not break the page (a vanished one asks for a rescan)."""
        try:
            images[item.id] = self.recommender.image(item.id, self.image_size)
        except Exception as exc:
            log.warning("cannot show %s: %s", item.id, exc)
            gone.append(item.id)
            if self.catalog_watch is not None and not Path(item.path).exists():
                self.catalog_watch.stale()  # the folder changed: the next check rescans

    def like(self, page: Page, item_id: str, tapped_at: float, user_id: str | None) -> LikeResult:
        """`commit_like` then `learn_like` on the calling thread (tools and tests)."""
        return self.learn_like(self.commit_like(page, item_id, tapped_at, user_id))

    def commit_like(self, page: Page, item_id: str, tapped_at: float, user_id: str | None,
                    tap_monotonic: float | None = None) -> Like:
        """Events thread: commit the like durably (it is a promise) and return it: in
        the queue, or, when another program holds the queue's lock past
        `SPOOL_LOCK_WAIT_S` from the tap, in its spool (fsync'd; queued from there once
        the lock goes), either way saved: the card says "Liked", the like is learnt and
        counted. Raises EventsError when neither can take it (the queue unavailable or
        read-only, no room for the spool either); then nothing was saved and the screen
        must not say "Liked". `tap_monotonic` (`time.monotonic` at the tap): the wait is
        bounded from the tap, not from when this write began (a like queued behind
        another, or behind an impression, is answered in time)."""
        queue = self.queue or self.open_events()
        if queue is None:
            # it could not be opened at start, nor now: a like fails the same until what
            # stopped it (a full disk, a file newer than this build) is put right
            raise QueueNotOpenError(self.open_error or "likes cannot be saved: the event "
                                    "queue is not open")
        user_id = self.user_filter(user_id)
        like = Like(
            event_id=str(uuid.uuid4()),
            sent_at=tapped_at,
            visit_id=page.visit_id,
            item_id=item_id,
            emotion=page.emotion,
            user_id=user_id,
            impression=page.item_ids,
            recommendation_id=page.recommendation_id_for(item_id),
        )  # the record adds {"emotion": …} to the properties itself
        started = time.perf_counter()
        queue.record_like(like, tap_monotonic=tap_monotonic)
        with self._liked_lock:  # its page's impression rides on the like
            self._liked_pages.add((page.visit_id, page.index))
        log.debug("like %s committed in %.1f ms", like.event_id,
                  (time.perf_counter() - started) * 1000)
        for listener in list(self.like_listeners):
            try:
                listener(like)
            except Exception:  # the like is saved: a listener's failure must not unsay it
                log.exception("like listener %r failed", listener)
        return like

    def learn_like(self, like: Like) -> LikeResult:
        """Recommend thread: learn from a committed like."""
        self.recommender.like(like.visit_id, like.emotion, like.item_id, like.user_id)
        return LikeResult(like.item_id, like.event_id,
                          self.recommender.personalization_ready(like.visit_id))

    def forget_users(self, user_ids: list[str]) -> int:
        """Identity's "Forget me" and retention purge: the users' likes in the
        recommender and their records still waiting in the upload queue go too."""
        removed = self.recommender.forget_users(user_ids)
        if self.queue is not None:
            removed += self.queue.forget_users(user_ids)
        return int(removed)

    def discard_page(self, page: Page) -> None:
        """The screen never drew `page` (superseded while it loaded), or the shopper
        passed it over at once (`kiosk.controllers.visit.GLANCE_S`): no impression."""
        if self._unliked_page is page:
            self._unliked_page = None

    def end_visit(self, visit_id: str, shown: Page | None) -> None:
        """The visit ended with `shown` on screen (None: no page was drawn). A page
        computed after it (still loading when the visit ended) gets no impression."""
        left = self._unliked_page
        if left is not None and (shown is None or
                                 (shown.visit_id, shown.index) != (left.visit_id, left.index)):
            self._unliked_page = None
        self._flush_impression()
        self.recommender.end_visit(visit_id)
        # the visit's page decodes are freed now; give their pages back (kiosk.heap),
        # and the code pages only rarely used since the last visit (kiosk.code_pages)
        release_free_heap("a visit")
        release_code_pages("a visit")

    def _flush_impression(self) -> None:
        page, self._unliked_page = self._unliked_page, None
        if page is not None:
            self.defer_event(self.record_impression, page)

    def record_impression(self, page: Page) -> None:
        """Events thread: queue `page` as shown and left, unless a like on it (which
        carries the impression) was committed before."""
        with self._liked_lock:
            key = (page.visit_id, page.index)
            if key in self._liked_pages:
                self._liked_pages.discard(key)
                return
        if self.queue is None:
            return
        try:
            self.queue.record_impression(
                page.visit_id, page.item_ids, emotion=page.emotion,
                recommendation_id=page.recommendation_id,
            )
        except Exception as exc:  # an impression is nice to have; a like is a promise
            self._impressions_lost += 1
            lost = self._impressions_lost
            # A queue that cannot be written (read-only or full data folder) fails every
            # page: say it once, then every IMPRESSION_REMINDER pages, not on each one.
            level = (logging.WARNING if lost == 1 or lost % IMPRESSION_REMINDER == 0
                     else logging.DEBUG)
            log.log(level, "impression of page %d not queued (%d since the last one that "
                    "was): %s", page.index, lost, exc)
            return
        if self._impressions_lost:
            log.info("impressions are queued again (%d were not)", self._impressions_lost)
            self._impressions_lost = 0

    def status(self) -> BackendStatus:
        """The back end's part of the admin panel's status (`kiosk.status`): what an
        operator needs at a glance; details stay in the logs and `kiosk-admin … status`.
        Memory reads only (the queue's counts are kept in memory)."""
        watch = self.catalog_watch
        gone = watch.problem if watch is not None else ""
        problems = [p for p in (self._recommend_error, self.open_error) if p]
        if gone and not any(gone in p for p in problems):  # the folder went while open
            problems.append(gone)
        catalog: dict[str, int] | None = None
        recommender, skipped, fallback = "", 0, ""
        fallback_reason: Mapping[str, object] | None = None
        if self._recommender is not None:
            rec = self._recommender.status()
            if rec.get("storage_problem"):  # full disk or read-only data folder
                problems.append(str(rec["storage_problem"]))
            catalog = dict(rec.get("items_by_emotion", {}))
            recommender = str(rec.get("backend", "embedded"))
            skipped = int(rec.get("skipped") or 0)
            if rec.get("last_fallback") and _newer(rec.get("last_fallback_at"), (
                    rec.get("personalize") or {}).get("last_success_at")):
                fallback = str(rec["last_fallback"])  # until it recovers
                why = rec.get("last_fallback_reason")
                fallback_reason = why if isinstance(why, Mapping) else None
        read_only = str(getattr(self.queue, "read_only", "") or "")
        if read_only and read_only not in problems:  # likes refused; uploads go on
            problems.append(read_only)
        online: bool | None = None
        retry_in_s: float | None = None
        state = upload_error = uploads_off = queue_error = ""
        if self.uploader is not None:
            up = self.uploader.status()
            online, state, retry_in_s = bool(up.online), up.state.value, up.retry_in_s
            queue_error = up.queue_error or ""
            if up.last_error and _newer(up.last_error_at, up.last_success_at):
                upload_error = up.last_error  # cleared by the next success
        elif self.queue is None and self._settings is not None and getattr(
                self._settings, "aws_events_enabled", False):
            uploads_off = "off (the event queue cannot be opened; see problem)"
        else:
            uploads_off = "off (Personalize not configured)"
        return BackendStatus(
            problem="; ".join(problems), catalog_counts=catalog, recommender=recommender,
            skipped_images=skipped, last_personalize_fallback=fallback,
            personalize_fallback=fallback_reason,
            queue=QueueStatus.of(self.queue) if self.queue is not None else None,
            online=online, uploader=state, last_upload_error=upload_error,
            retry_in_s=retry_in_s, uploads_off=uploads_off, upload_queue_error=queue_error,
        )

    def rescan(self) -> object:
        """Rescan the catalog folder (admin "Reload catalog", a sync that changed files);
        raises `KioskError` while the folder is missing or unmounted."""
        self._catalog_ready()
        return self._rescan_watched(self.recommender)


def _manifest_version(rec: Recommender | None) -> int | None:
    """The recommender's manifest version (`RecommendationService.manifest_version`);
    None when it has none or it cannot be read now."""
    version = getattr(rec, "manifest_version", None)
    if version is None:
        return None
    try:
        return int(version())
    except Exception as exc:  # a locked or closed manifest: looked at again next check
        log.debug("catalog manifest version not read: %s", exc)
        return None


def _same_user(user_id: str | None) -> str | None:
    return user_id


def _newer(problem_at: float | None, success_at: float | None) -> bool:
    """A problem line is shown until a success comes after it (epoch seconds)."""
    return success_at is None or (problem_at is not None and problem_at > success_at)
