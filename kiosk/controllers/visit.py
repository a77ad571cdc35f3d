"""The visit flow: who is in front, what they feel, which page they see.

`VisitController` owns the shopper loop: the visit, the emotion, the pages, likes,
the attract screen, the camera tile and the preview. (The admin panel's actions and
status are `kiosk.controllers.admin`'s, image review is `kiosk.controllers.curation`'s,
opt-in identity is `kiosk.controllers.consent`'s.) It runs on the GUI thread and never
blocks: back-end work (ranking, image decoding, recording likes)
is submitted to the `kiosk-recommend` SerialWorker, likes are committed on the
`kiosk-events` one (so a like never waits behind a page or a network call), vision
arrives as signals, and the preview polls the capture's newest frame on a timer.

Flow:
* a face appears → a visit starts (its id is the Personalize sessionId);
* the settled emotion changes → a fresh page for that emotion (in "For you" too);
  a fresh face's emotion only once it is steady (`VisionResult.reading_steady`: its
  first readings, which may still flip it at once, are in and leave it clearly ahead;
  0.2 s at 10 fps for a clear face), so a newcomer's first page is not replaced before
  they could see it;
  for a shopper using the grid, once the new mood has held a while and their finger
  is away (`kiosk.controllers.mood_hold`); the badge shows the mood of the page on
  screen, so a new mood shows on both when its page is drawn;
* a page is asked for while one is on screen → that page's Like buttons close until
  the new one is drawn (or the old one stays: none came), so no like is saved for an
  image that leaves before it could say "Liked";
* the face leaves → its box goes and the emotion card says the kiosk is looking
  for the visitor; the page, the likes and "For you" stay;
* the face gone for `vision.visit_grace_s` → the page stays, but its headline
  ("Because you look happy") gives way to "Step closer…" (`set_headline_pending`):
  whoever comes next is read afresh, and vision's verdict on them comes a step after
  the camera tile shows them; the visitor recognised back (`VisionResult.returning`)
  gets it back at once, a face not known either way reads "Still reading your mood…"
  until its first steady mood (the headline again when the page answers it, else with
  the page of their mood), and someone else gets a visit of their own (below);
* the face returns, or the screen is touched, within `[app] idle_timeout_s` →
  the same visit goes on (vision may have started a new reading for the face:
  `vision.visit_grace_s` only bounds how long a smoothed emotion is kept); a face
  back after that grace that is known to be someone else (`VisionResult.someone_else`:
  face descriptors apart, `kiosk.vision.face_identity`) is a newcomer, with a visit
  of their own (as below), touched or not: a touch keeps the visit from ending while
  nobody is in view, it never makes a new face the visitor's; a face not known either
  way goes on in the visit;
* nobody in view and no touch for `idle_timeout_s` → the visit ends (likes and
  "For you" are forgotten), vision state is reset and the attract screen shows;
  while one of the visit's likes is still being saved the visit waits for its answer
  (at most `LIKE_SAVE_WAIT_S` from the tap: the queue's own wait), and the idle
  wait counts from that answer, so the visitor reads "Liked" or "not saved" (the
  visitor waiting on "Saving…" is not idle; black box 2026-12-02: a like held by a
  locked queue showed "Saving…" until the visit ended under it, and its failure went
  only to the log);
* Next → the next page (no repeats within the visit); with no emotion yet →
  the mood picker, which gives way to the page when the camera reads the mood; any
  picker closes when its visit ends (a newcomer sees their own page) or after
  `idle_timeout_s` with no touch (`VisitView.close_mood_picker`); Like → the card
  shows "Saving…" until the event queue commit returns, then "Liked" (or the like is
  reported not saved and can be tapped again), then it is learned; a second tap is
  ignored;
* a page that leaves the screen within `GLANCE_S` (1 s) of being drawn (Next, a new
  mood, the toggle, a newcomer, the visit's end) was not looked at: no
  impression-only event for it (a liked page's impression rides on its like); the
  second counts only while the main screen shows the page (`on_main_screen_visible`:
  not behind the mood picker or the admin panel);
* no page after `WAIT_EXPLAIN_S` on the main screen → the view is told why
  (`show_waiting`: nobody in view, mood not read yet, slow, or failed);
* vision's models still loading `VISION_GRACE_S` after start (a first start under
  load), or failed → the attract screen offers the mood picker ("Tell us your mood"),
  and a touch opens it, until vision is ready (`VisitView.set_vision_ready`);
* camera lost, or "Choose my mood" → the mood picker; a picked mood drives the
  same recommendations as a detected one, and belongs to whoever picked it: the
  face in view then (vision's visit), or, with nobody in view, the first face that
  arrives within `MANUAL_ADOPT_S` of a touch (the camera now sees the picker). While
  that face stays, comes back after a look-away looking like itself
  (`VisionResult.returning`), or nobody is seen, the choice holds; another face (the
  picker's ended and a new one, not known to be theirs, started) is a newcomer: the
  camera reads their mood afresh;
* another person steps straight into the visitor's place (no empty moment, so
  vision's visit goes on: `VisionResult.new_person`) → the visit ends (its page,
  likes and "For you" stay its own) and the newcomer's begins, read by the camera;
  so does a face vision saw beside the visitor that is still there when vision's
  visit of the visitor ends (`new_person` on the frame its own vision visit starts);
  a newcomer (any of the ways above) who comes while one of the visit's likes is being
  saved, or less than `LIKED_SEEN_S` after its "Liked" came (`LIKE_NOTICE_SEEN_S` after
  "not saved"), begins their visit once that answer has been on screen that long
  (waiting at most `NEWCOMER_WAIT_S` for it): the finger that tapped gets its answer
  on the card it tapped. Meanwhile the page takes no likes and asks for no page (its
  Like buttons, Next and the toggle are dimmed and take no taps: before, round 22's
  D3/D4, the toggle changed under a tap with no page to match and Next did nothing
  visible), the newcomer's face feeds no mood to it, a mood picked ends the wait at
  once (it is the newcomer's), and a newcomer gone again before their visit began
  leaves the visit as it was (nobody in view). (Before, a Like tapped 50 ms before a
  newcomer stepped in was saved for the departed visit, but the page cleared under the
  finger at once and no card ever said "Liked"; issue 15.)
* only the visitor's (primary) face counts as someone in view: a bystander in the
  background keeps neither the visit nor its dwell going;
* every `CHECK_S` (2 s) the back end checks the catalog folder (`check_catalog`, one
  stat): when it has become usable again (mounted after start, or back after going
  away), the attract images are fetched afresh and a visitor left without a page
  gets one, without anyone touching the screen;
* the attract slideshow's images (8 decoded catalog images, 9.4 MB for the demo's
  640x640 ones) are held only around the attract screen: let go when a visitor
  wakes it (`VisitView.drop_attract`), fetched again `ATTRACT_PREFETCH_S` before
  the idle timeout would bring it back, so a visit's pages are decoded in the memory
  they took, and the slideshow is ready when the visit ends. A fetch still queued
  when a visitor wakes the screen is not decoded at all: on a first start the
  start-up's fetch waits behind the catalog indexing, and decoding it then, as the
  first pages are made, raised the start's peak memory by about 8 MB (issue #15).

The view and the back end are protocols (`kiosk.controllers.seams`: `VisitView`,
`VisitBackend`, `Jobs`): the window adapted by `kiosk.ui.adapter`, `KioskBackend` and
the serial workers, or a test's fakes.

Signals (audience analytics count these visits: `kiosk.analytics.taps.record_visits`):
    page_shown(float seconds): time from the emotion change to its grid (benchmark).
    visit_began(str visit_id): a visit (one person) began.
    visit_ended(str visit_id, float dwell_s): it ended (idle timeout, or another
        person stepped straight in); `dwell_s` runs from its start to the last time
        the visitor was seen or touched the screen (not the idle wait after them).
    emotion_changed(str visit_id, str emotion): the visit's mood (read or picked)
        changed (an `Emotion` value).
"""

from __future__ import annotations

import functools
import logging
import math
import threading
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from kiosk.backend import LikeResult, PageResult
from kiosk.backend.catalog_watch import CHECK_S
from kiosk.camera.capture import CameraState
from kiosk.config import Settings
from kiosk.controllers.mood_hold import MoodHold
from kiosk.controllers.seams import Jobs, VisitBackend, VisitView
from kiosk.domain import Emotion, EmotionReading, Frame, Like, Page, RecommendMode
from kiosk.errors import DiskFullError, KioskError
from kiosk.events import QueueNotOpenError, QueueReadOnlyError
from kiosk.events.rows import SPOOL_LOCK_WAIT_S

if TYPE_CHECKING:
    import numpy as np

    from kiosk.controllers.consent import ConsentFlow
    from kiosk.vision.pipeline import VisionResult

log = logging.getLogger(__name__)

WAIT_EXPLAIN_S = 4.0
"""Seconds the main screen may say "Finding images for you…" before it says why not."""
WAITING_REASONS = ("", "no_face", "unsure", "slow", "failed")
"""`VisitView.show_waiting` reasons: "" none (a page is on screen or just asked for);
"no_face" nobody in view; "unsure" a face, but no mood read yet; "slow" the page
was asked for long ago; "failed" the page could not be made (Next retries)."""
LIKE_SAVE_WAIT_S = SPOOL_LOCK_WAIT_S + 5.0
"""Seconds from a Like tap the idle timeout waits for that like's answer: under another
program's lock the event queue waits for a like until `SPOOL_LOCK_WAIT_S` (2 s) after
its own tap (the tap is passed with the write), however long it waited behind another
like or an impression on the events worker (an impression waits at most as long, and
not at all once the queue was found locked), then keeps it in its spool (fsync'd) and
answers "Liked"; so an answer comes within this unless the events worker is stuck.
(Before round 22 a locked like was retried until `LOCK_WAIT_S`, 20 s, after its tap and
then refused, and this was 25 s: a like tapped as a newcomer came was answered after
their visit began, and logged as lost. Before round 19, an impression retried for 20 s
of its own ahead of a like: answered 27-37 s after its tap; before that, a second like
during one lock was answered up to ~40 s after its tap.)"""
ATTRACT_PREFETCH_S = 5.0
"""Seconds before `[app] idle_timeout_s` runs out at which the attract images are
fetched again (decoding 8 takes about 0.1 s of the recommend worker)."""
MANUAL_ADOPT_S = 15.0
"""Seconds after the last touch within which a face that arrives after a mood was
picked with nobody in view is taken to be the picker's (the camera sees them now);
a face arriving later is a newcomer, read by the camera."""
GLANCE_S = 1.0
"""A page that leaves the screen within this many seconds of being drawn (Next tapped
at once: rapid taps leave a page on screen about 0.4 s; a new mood, the toggle, a
newcomer, the visit's end) was not looked at: it is not queued as an impression-only
event. Personalize reads an impression as items shown and not chosen, so a flashed
page would count as three rejections. 1 s is the IAB/MRC viewable-impression rule
(continuous time on screen); a liked page counts at once (its like carries it)."""
LIKED_SEEN_S = 0.8
"""Seconds a like's "Liked" stays on its card before a newcomer's visit clears the page
(the heart fills at the answer; a word of five letters and an icon are read in about
0.3-0.6 s): a newcomer who steps in while the visitor's like is being saved, or just
after its "Liked" came, begins their visit once it has been on screen this long."""
LIKE_NOTICE_SEEN_S = 2.0
"""As `LIKED_SEEN_S` for a like that was not saved: its notice is a sentence ("Your like
could not be saved. Please try again.": 9 words, about 2 s at 250 words a minute)."""
NEWCOMER_WAIT_S = SPOOL_LOCK_WAIT_S + 0.5
"""Seconds from a newcomer's arrival their visit waits, at most, for the answer to a like
of the visitor's still being saved (a commit answers in milliseconds unless the event
queue is locked; then the like waits for the lock `SPOOL_LOCK_WAIT_S` from its tap,
which was before the newcomer came, and is kept in the spool: the 0.5 s is for that
append and fsync); an answer within it is then shown for its `LIKED_SEEN_S` or
`LIKE_NOTICE_SEEN_S`, so a newcomer sees the previous page for 4.5 s at the very most,
and for about 0.8 s after a like tapped as they came (2.8 s under a lock)."""
VISION_GRACE_S = 10.0
"""Seconds from start during which the attract screen invites visitors to step closer
while vision's models load (ready in 2-6.3 s on a normal start, so no text flickers);
if they are still loading after that (a first start under load takes 30-42 s), the
attract screen offers the mood picker until vision is ready."""


class VisitController(QObject):
    """The shopper loop (module docstring). Signals: `page_shown(float seconds)`,
    `visit_began(str)`, `visit_ended(str, float)`, `emotion_changed(str, str)`."""

    page_shown = Signal(float)
    visit_began = Signal(str)
    visit_ended = Signal(str, float)
    emotion_changed = Signal(str, str)

    def __init__(
        self,
        settings: Settings,
        view: VisitView,
        worker: Jobs,
        backend: VisitBackend,
        *,
        latest_frame: Callable[[], Frame | None] | None = None,
        reset_vision: Callable[[], None] | None = None,
        identity: ConsentFlow | None = None,
        events_worker: Jobs | None = None,
        vision_loads: bool = False,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.view = view
        self.worker = worker
        self.events_worker = events_worker or worker  # commits likes
        self.backend = backend
        self._latest_frame = latest_frame
        self._reset_vision = reset_vision
        self.identity = identity  # kiosk.controllers.consent.ConsentFlow, or None (identity off)
        self._clock = clock  # time.monotonic: a like's tap on it also bounds its write
        # vision's models: "loading" (until on_vision_ready/on_vision_failed), "ready",
        # "failed", or "none" (no camera, so no vision: the camera state says so)
        self.vision_state = "loading" if vision_loads else "none"
        self._vision_ready_shown = True  # what the view was last told
        self._started_at = clock()

        self.visit_id: str | None = None
        self._visit_began_at = clock()
        self._end_counted: str | None = None  # the visit whose visit_ended was emitted
        self.emotion: Emotion | None = None
        self.manual = False  # the visitor picked their mood by hand
        self._manual_face: str | None = None  # vision's visit of the picker (None: unseen)
        self.mode = RecommendMode(settings.recommend.mode)
        self.page: Page | None = None
        self.attract = False
        self.camera_state = CameraState.OPENING
        self._liked: set[str] = set()  # tapped this visit (being saved, or saved)
        self._liked_saved: set[str] = set()  # of those, saved
        # of those, still being saved: item id -> when tapped (clock); the idle timeout
        # waits for their answers (`_idle_for`)
        self._likes_saving: dict[str, float] = {}
        self._like_answered_at = float("-inf")  # the last answer to one of them
        self._idle_waits_logged = False  # "the visit waits for a like" said once
        # until when the last answer to one of them ("Liked", "not saved") is being read:
        # a newcomer's visit waits for it (`_next_person`)
        self._answer_seen_until = float("-inf")
        # a newcomer's visit held for such an answer: (their vision visit, why, what to do
        # once it began), and when they came
        self._held_switch: tuple[str, str, Callable[[], None] | None] | None = None
        self._ready_shown = False  # "For you" open on the toggle, as last told
        self._switch_held_at = 0.0
        self._held_result: VisionResult | None = None  # the held newcomer's last result
        self._request = 0
        # One page request at a time: Next taps while a page loads are answered by that
        # page; other reasons to re-rank (mood, mode, identity) ask once it is back,
        # and the superseded page is discarded without an impression (issue 18).
        self._in_flight: int | None = None
        self._again = False
        # the mood and mode of the newest request, and of the request whose page is on
        # screen: a failed request for the same keeps that page (`_no_new_page`)
        self._asked: tuple[Emotion, RecommendMode] | None = None
        self._shown_ask: tuple[Emotion, RecommendMode] | None = None
        self._failed_before: int | None = None  # a request made while "failed" showed
        self._vision_visit: str | None = None  # vision's visit feeding this one
        self._face_in_view = False
        self._waiting_since: float | None = None  # awake on main, no page yet
        self._waiting = ""
        self._page_error = ""  # the last page failure logged; repeats go to DEBUG
        self._emotion_changed_at: float | None = None
        # a new mood held back from the page of a shopper using the grid
        self._mood_hold = MoodHold(clock)
        # the newest reading of the page's mood not shown yet: the badge says the mood
        # the page on screen answers, so a new mood shows when its page is drawn
        self._unshown_reading: EmotionReading | None = None
        # the page on screen is being replaced (a page was asked for): its cards take
        # no likes, so none is saved for an image that then leaves unconfirmed
        self._page_leaving = False
        # the page's headline waits for whoever is in front (`_set_headline_pending`):
        # "no_face" once the visitor's face has been gone for vision's grace, "unsure"
        # while a face not known to be theirs is read; "" the page's own headline
        self._headline_pending = ""
        # whoever is in front has a mood of their own now (read steady, or picked): the
        # page drawn next answers them, and ends the wait
        self._pending_ends_with_page = False
        # impressions: a page counts once on screen (the main screen shown, not covered
        # by the mood picker or the admin panel) for `GLANCE_S` at a stretch
        self._main_visible = True  # the view's main screen is on screen
        self._page_on_screen_since: float | None = None  # this stretch (None: hidden)
        self._page_looked_at = False  # an earlier stretch lasted `GLANCE_S`
        # the picker was opened by Next before the camera read a mood: that reading
        # closes it (`_set_emotion`)
        self._picker_for_mood = False
        self._picker_idle_closed = False  # closed after no touch (until the next touch)
        self._last_activity = clock()
        self._last_tap = float("-inf")  # the last touch of the screen (not a face)
        # when the visitor's face was last lost (None while it is in view): a touch
        # after it, with nobody in view, is the next face's (`_picker_is_newcomers`)
        self._visitor_gone_at: float | None = None
        # the mood was picked with nobody in view after the visitor's face was lost: the
        # picker may be them back or a stranger, for the next face's descriptor to say
        self._picked_after_leave = False
        self._last_seq = -1
        self._boxes: list[tuple[float, float, float, float, bool]] = []
        self._attract_images: list[np.ndarray] = []  # only around the attract screen
        self._attract_fetching = False
        self._attract_fetched = False  # a fetch has come back since start (kept or not)
        # set by a fetch, cleared when a visitor wakes the screen; read by the fetch's
        # job on the recommend worker, which then skips the decode (`_attract_job`)
        self._attract_wanted = threading.Event()

        self.preview_timer = QTimer(self)
        self.preview_timer.setObjectName("preview")
        self.preview_timer.setInterval(max(10, int(1000 / max(1.0, settings.camera.fps))))
        self.preview_timer.timeout.connect(self._show_preview)
        self.idle_timer = QTimer(self)
        self.idle_timer.setObjectName("idle")
        self.idle_timer.setInterval(500)
        self.idle_timer.timeout.connect(self._check_idle)
        self.catalog_timer = QTimer(self)
        self.catalog_timer.setObjectName("catalog check")
        self.catalog_timer.setInterval(int(CHECK_S * 1000))
        self.catalog_timer.timeout.connect(self._check_catalog)
        self.switch_timer = QTimer(self)  # the end of a newcomer's wait (`_hold_switch`)
        self.switch_timer.setObjectName("newcomer wait")
        self.switch_timer.setSingleShot(True)
        self.switch_timer.timeout.connect(self._check_held_switch)
        self._catalog_generation: int | None = None  # the back end's, last answer
        self._catalog_checking = False

    # ------------------------------------------------------------------ life cycle

    def start(self) -> None:
        self._started_at = self._clock()
        if self._latest_frame is not None:
            self.preview_timer.start()
        self.idle_timer.start()
        self.catalog_timer.start()
        self._enter_attract()

    def recover(self) -> None:
        """After an unexpected error: drop the visit and show the attract screen."""
        self._enter_attract()

    def stop(self) -> None:
        for timer in (self.preview_timer, self.idle_timer, self.catalog_timer,
                      self.switch_timer):
            timer.stop()
        # a visit open at shutdown: the analytics (stopped after this) count its dwell
        # up to the visitor's last face or touch, as any visit's, not up to now
        self._count_visit_end()
        if self.identity is not None:
            self.identity.stop()

    # ------------------------------------------------------------------ vision

    @Slot(object)
    def on_vision_result(self, result: VisionResult) -> None:
        if self.identity is not None:
            self.identity.observe(result)
        # Boxes only for faces in this very frame: no stale box on an empty picture.
        self._boxes = [
            (t.box.x1, t.box.y1, t.box.width, t.box.height, t.id == result.primary_track_id)
            for t in result.tracks if t.visible
        ] if result.faces else []
        if self._primary_in_view(result):  # the visitor's face, not any face in view
            self._touch()
            if self.attract:
                self._wake()
        held = self._held_switch
        if result.visit_ended and held is not None and result.ended_visit_id == held[0]:
            log.info("the newcomer (vision visit %s) left before their visit began: visit "
                     "%s goes on", held[0], self.visit_id)
            self._drop_held_switch(keep_page=True)
            if self.emotion is not None and (self.emotion, self.mode) != self._shown_ask:
                # the toggle tapped meanwhile, or a page then on its way (dropped)
                self._request_page()
        if result.visit_ended and result.ended_visit_id == self._vision_visit:
            # Vision lost the face for longer than its grace: the visit goes on (it
            # ends only with the attract screen); a returning face is read afresh.
            log.info("face of visit %s gone; the visit stays until idle", self.visit_id)
            self._vision_visit = None
            self._visitor_gone_at = self._clock()
            if self.visit_id is not None and not self.manual:
                # whoever comes next is read afresh: the page stays, its headline ("you
                # look happy") waits for them to be the visitor, or to have that mood
                self._set_headline_pending("no_face")
            if self.identity is not None:
                # Consent and a recognised identity belong to the face that gave it:
                # whoever appears next is asked afresh (likes and pages stay).
                self.identity.visit_ended()
        if result.visit_started and result.visit_id:
            if self.manual and result.visit_id != self._manual_face:
                self._face_after_pick(result.visit_id, result.returning,
                                      self._known_other(result))
            if self.visit_id is None:
                self._begin_visit(result.visit_id)
            elif self._vision_visit is None and self._someone_else_came(result):
                self._next_person(result.visit_id,
                                  "a face unlike the visitor's came after they left")
            elif self._vision_visit is None:
                log.info("visitor back in view: visit %s goes on", self.visit_id)
                if self.identity is not None:
                    self.identity.visit_began(self.visit_id)
                if self._headline_pending:  # their headline at once; else once read
                    self._set_headline_pending(
                        "" if result.returning or self.manual else "unsure")
            self._vision_visit = result.visit_id
            self._visitor_gone_at = None  # someone is in view again (after the checks)
        elif (result.new_person and self.visit_id is not None and result.visit_id is not None
                and result.visit_id == self._vision_visit):
            # Someone stepped straight into the visitor's place (no empty frames, so
            # vision's visit goes on): a newcomer, with a visit of their own.
            self._next_person(result.visit_id)
        in_view = self._primary_in_view(result)
        camera_visit = self.visit_id is not None and not self.manual
        if camera_visit and not in_view and self._face_in_view:
            self.view.show_emotion(None)  # "Looking for you…", not a stale reading
        self._face_in_view = in_view
        if self._held_switch is not None:
            # the newcomer's face: read for their own visit, once it begins (its last
            # result then, not the one after it: `_release_held_switch`)
            self._held_result = result
            return
        self._take_reading(result, in_view, camera_visit)

    def _take_reading(self, result: VisionResult, in_view: bool, camera_visit: bool) -> None:
        """The visitor's steady reading in `result`: their mood, a page for it."""
        reading: EmotionReading | None = result.reading
        if (not camera_visit or not in_view or result.visit_id is None
                or result.visit_id != self._vision_visit):
            return
        if reading is None or not result.reading_steady:
            # A fresh face's first readings may still change its mood at once (the
            # smoother's warmup): no page, no badge until it is steady, so a newcomer's
            # first page is the one their mood stays on. Before, a page for the first
            # look was drawn and replaced ~40 ms later: a flash, counted as an impression.
            return
        fresh = self._headline_pending != ""  # a face not known to be the visitor's
        if fresh:
            # their own first steady mood: the page's headline is theirs if it answers
            # it, else once the page of their mood is drawn
            self._pending_ends_with_page = True
            if self.page is not None and reading.emotion is self.page.emotion:
                self._set_headline_pending("")
        if reading.emotion == self.emotion:
            self._mood_hold.reset()  # a misread that did not last: the page stays
            self._show_reading(reading)
        elif not self._mood_hold.holds(reading.emotion, first=self.emotion is None
                                       or self.page is None or fresh,
                                       last_tap=self._visit_tap()):
            self._set_emotion(reading)
        elif self.page is not None:
            self._show_page_mood(self.page)

    def _show_page_mood(self, page: Page) -> None:
        """A new mood is held back from the shopper's page: the badge keeps the page's
        mood (never another beside its headline), without a figure. Before, it kept
        that mood's last live confidence, read as the face changed ("Happy, 13 %
        confidence" beside an angry face: tester round 10)."""
        self._unshown_reading = None  # a reading of a mood the camera no longer reads
        self.view.show_page_mood(page.emotion)

    def _visit_tap(self) -> float:
        """This visit's last touch of the screen (-inf without one): the previous
        shopper's last tap is not the newcomer's use of the grid."""
        return self._last_tap if self._last_tap >= self._visit_began_at else float("-inf")

    def _show_reading(self, reading: EmotionReading) -> None:
        """The badge shows the mood the page on screen answers, never another beside
        its headline ("Because you look a little sad" beside "Happy 42 %"): a new
        mood's reading waits for its page (`_on_page`)."""
        page = self.page
        if page is not None and page.emotion is not reading.emotion:
            self._unshown_reading = reading
            return
        self._unshown_reading = None
        self.view.show_emotion(reading)

    def _someone_else_came(self, result: VisionResult) -> bool:
        """A face starts vision's visit after the visitor's ended (out of view longer
        than `vision.visit_grace_s`), and it is known to be someone else
        (`VisionResult.someone_else`: its face descriptor over 0.5 from theirs before the
        gap, `kiosk.vision.face_identity`; with `vision.identity_check` off, looks under
        `vision.switch_similarity`), whether or not the screen was touched while nobody
        was in view: a touch keeps the visit from ending (`_check_idle`), but says
        nothing of whose face comes next. (Until 2026-12-02 a touch within
        `MANUAL_ADOPT_S` made any face the toucher's: with Next tapped every 2.3 s, three
        different people shared one visit, its likes and its "For you" pages, and the
        taps held each newcomer's mood off the page.) Without descriptors, a face not
        known either way by its looks goes on in the visit, read afresh: the looks of
        one person after a head turn and of two people overlap too much to end a visit
        on them. Within the grace, vision asks the same of a face that follows the
        visitor's lost track (`new_person`); before, past it any face went on in the
        visit and saw "For you" pages made from the previous shopper's likes. A picked
        mood's owner is `_face_after_pick`'s to decide; with the switch check off the
        camera cannot tell faces apart, except a face vision saw beside the visitor (a
        bystander who stayed: `new_person` on the frame its vision visit starts)."""
        if self.manual:
            return False
        return self._known_other(result)

    def _known_other(self, result: VisionResult) -> bool:
        """The face starting vision's visit is known not to be the visitor's before the
        gap (`_someone_else_came`'s test, whatever the picked mood)."""
        if result.new_person:  # vision saw this face beside the visitor: not them back
            return True
        # not known to be someone else: the visit goes on, read afresh
        return self.settings.vision.switch_similarity > 0 and result.someone_else

    def _face_after_pick(self, vision_visit: str, returning: bool,
                         other: bool = False) -> None:
        """A face arrived that is not the one in view when the mood was picked: the
        picker back after a look-away (vision: `returning`, it looks like the picker's
        face before the gap), the picker seen at last (nobody was in view, a touch
        just now), or a newcomer, whose mood the camera reads (not theirs)."""
        if self._manual_face is not None and returning:
            log.info("the picker's face is back after a look-away: their choice holds")
            self._manual_face = vision_visit
            return
        if self._manual_face is None and self._clock() - self._last_tap <= MANUAL_ADOPT_S:
            if self._picked_after_leave and other:
                self._picker_of_their_own(vision_visit)
                return
            log.info("a face arrived just after a mood was picked unseen: the picker's")
            self._manual_face = vision_visit
            return
        self._newcomer_after_pick(vision_visit)

    def _next_person(self, vision_visit: str,
                     why: str = "another person stepped into the visitor's place",
                     then: Callable[[], None] | None = None) -> None:
        """Another person took the visitor's place: the visit ends (its page gets its
        impression, its likes and "For you" stay its own) and the newcomer's begins,
        read by the camera, with "For you" locked until their own likes open it; then
        `then` runs. While a like of the visit waits for its answer, or its answer is
        being read, that waits first (`_hold_switch`)."""
        held = self._held_switch
        if held is not None:  # already waiting: the newest face is the newcomer
            if held[0] != vision_visit:
                log.info("%s (vision visit %s) while a newcomer waited: theirs is the "
                         "visit that begins", why, vision_visit)
                self._held_switch = (vision_visit, why, then)
            self._vision_visit = vision_visit
            return
        if self._likes_saving or self._clock() < self._answer_seen_until:
            self._hold_switch(vision_visit, why, then)
            return
        self._switch_visit(vision_visit, why, then)

    def _switch_visit(self, vision_visit: str, why: str,
                      then: Callable[[], None] | None) -> None:
        log.info("%s: a visit of their own", why)
        self._end_visit(keep_screen=False)
        self._begin_visit(uuid.uuid4().hex)
        self._vision_visit = vision_visit
        self._waiting_since = self._clock()  # "Finding images for you…" says why, if long
        if then is not None:
            then()

    def _hold_switch(self, vision_visit: str, why: str,
                     then: Callable[[], None] | None) -> None:
        """A newcomer came while a like of the visit is being saved, or its answer was
        shown just now: their visit begins once that answer has been on screen for
        `LIKED_SEEN_S` ("not saved": `LIKE_NOTICE_SEEN_S`), waiting at most
        `NEWCOMER_WAIT_S` for it. Meanwhile the face in front is theirs (it feeds this
        visit no mood), and the page takes no likes (a tap now may be theirs) and
        gets no other page (one on its way is dropped: it would take the card away)."""
        self._held_switch = (vision_visit, why, then)
        self._switch_held_at = self._clock()
        self._vision_visit = vision_visit
        self._leave_page()
        self.view.set_page_held(True)  # Next and the toggle too: a tap may be theirs
        self._request += 1  # a page on its way is not drawn (`_on_page`: superseded)
        self._again = False
        if self._likes_saving:
            log.info("%s, while %d like(s) of visit %s are being saved: their visit begins "
                     "once the visitor has read the answer (waiting at most %.1f s for it)",
                     why, len(self._likes_saving), self.visit_id, NEWCOMER_WAIT_S)
        else:
            log.info("%s, %.2f s after a like of visit %s was answered: their visit begins "
                     "once the visitor has read it", why,
                     self._clock() - self._like_answered_at, self.visit_id)
        self._check_held_switch()

    def _switch_wait_s(self) -> float:
        """Seconds the held newcomer's visit waits still (0: it begins now)."""
        now = self._clock()
        if self._likes_saving and now - self._switch_held_at < NEWCOMER_WAIT_S:
            return NEWCOMER_WAIT_S - (now - self._switch_held_at)  # or until the answer
        return max(0.0, self._answer_seen_until - now)

    def _check_held_switch(self) -> None:
        """The held newcomer's visit begins if its wait is over (`switch_timer`, a like's
        answer, the idle tick), else the timer is set for the rest."""
        held = self._held_switch
        if held is None:
            return
        left = self._switch_wait_s()
        if left > 0.0:
            self.switch_timer.start(max(1, math.ceil(left * 1000)))
            return
        self._release_held_switch("the like's answer was read" if not self._likes_saving
                                  else "no answer in time")

    def _release_held_switch(self, reason: str) -> None:
        held, last = self._held_switch, self._held_result
        assert held is not None
        self._drop_held_switch()
        log.info("the newcomer's visit begins %.2f s after they came (%s)",
                 self._clock() - self._switch_held_at, reason)
        # the visitor's time here ends when the newcomer came: the face in view since
        # (which counts as activity) was the newcomer's
        self._last_activity = min(self._last_activity, self._switch_held_at)
        self._switch_visit(*held)
        if last is not None and last.visit_id == self._vision_visit and not self.manual:
            # the newcomer's mood as last read, now: no wait for the next vision step
            # (0.1-0.4 s; none comes while the camera is gone)
            self._take_reading(last, self._primary_in_view(last), self.visit_id is not None)

    def _drop_held_switch(self, keep_page: bool = False) -> None:
        """No newcomer waits any more: their visit begins, or the visit ends, or they
        left before it began (`keep_page`: the page stays, and takes likes again)."""
        if self._held_switch is not None:
            self.view.set_page_held(False)
        self._held_switch = None
        self._held_result = None
        self.switch_timer.stop()
        if keep_page:
            self._keep_page()

    def _picker_of_their_own(self, vision_visit: str) -> None:
        """The mood was picked with nobody in view after the visitor left, and the face
        that came is known to be someone else: the picker, with a visit of their own and
        their picked mood; the visitor's likes and "For you" stay the visitor's. (Tester
        round 14: the pick went into the visitor's open visit and the stranger who made
        it was shown "For you" from the last shopper's likes, their likes filed there.)"""
        picked = self.emotion
        self._next_person(vision_visit,
                          "a face unlike the visitor's picked a mood after they left",
                          None if picked is None
                          else functools.partial(self._adopt_pick, vision_visit, picked))

    def _adopt_pick(self, vision_visit: str, picked: Emotion) -> None:
        """The newcomer's visit began: the mood they picked is theirs."""
        self.manual = True
        self._manual_face = vision_visit
        self._set_emotion(EmotionReading(picked, 1.0, {picked: 1.0}, source="manual"))

    def _newcomer_after_pick(self, vision_visit: str) -> None:
        """Not the picker: a newcomer, with a visit of their own (as `_next_person`):
        the picker's page gets its impression, their likes and "For you" stay theirs,
        and the camera reads the newcomer's mood. Before, the newcomer went on in the
        picker's visit and was shown "For you" pages made from the picker's likes."""
        self._next_person(vision_visit, "a new face after a picked mood, not the picker's")

    @staticmethod
    def _primary_in_view(result: VisionResult) -> bool:
        """Is the visitor's (primary) face in this frame?"""
        if not result.faces or result.primary_track_id is None:
            return False
        return any(t.id == result.primary_track_id and t.visible for t in result.tracks)

    @Slot(str, str)
    def on_camera_state(self, state: str, message: str) -> None:
        """`state`: a `CameraState` value (the bridge's signal carries it as str)."""
        camera = CameraState(state)
        self.camera_state = camera
        if camera.off or camera is CameraState.STALLED:
            self._boxes = []
        self.view.set_camera_state(camera, message)

    @Slot(str)
    def on_vision_failed(self, message: str) -> None:
        # The camera tile says so in the visitor's words; the detail is for the log
        # and the admin panel (via the camera state's message), not for a toast.
        log.error("vision stopped: %s", message)
        self.vision_state = "failed"
        # not the camera's LOST: the camera is still on (and shown), and the screens
        # must not say it is off (tester round 15)
        self.view.set_vision_failed(message)
        # for good: a camera that reports LIVE later still reads no moods
        self._show_vision_ready(False)

    @Slot(str)
    def on_vision_ready(self, device: str) -> None:
        self.vision_state = "ready"
        self._show_vision_ready(True)

    def _show_vision_ready(self, ready: bool) -> None:
        if ready != self._vision_ready_shown:
            self._vision_ready_shown = ready
            self.view.set_vision_ready(ready)

    def _check_vision_grace(self) -> None:
        """Models still loading after `VISION_GRACE_S`: offer the mood picker."""
        if (self.vision_state == "loading"
                and self._clock() - self._started_at >= VISION_GRACE_S):
            self._show_vision_ready(False)

    # ------------------------------------------------------------------ visitor input

    @Slot()
    def on_user_activity(self) -> None:
        self._tap()
        if self.attract:
            self._wake()

    @Slot(str)
    def on_mood_picked(self, value: str) -> None:
        self._tap()
        emotion = Emotion.parse(value)
        if self._held_switch is not None:  # picked by the newcomer in front
            self._release_held_switch("they picked a mood")
        if self.visit_id is None:
            self._begin_visit(uuid.uuid4().hex)
        self._picked_after_leave = (self._vision_visit is None
                                    and self._visitor_gone_at is not None)
        self.manual = True
        self._manual_face = self._vision_visit  # None: picked with nobody in view
        self._picker_for_mood = False
        self._shown_ask = None  # the picker left the main screen without its page
        self._wake()
        self._set_emotion(EmotionReading(emotion, 1.0, {emotion: 1.0}, source="manual"))

    @Slot()
    def on_next(self) -> None:
        """The next page; with no mood to answer yet, the mood picker (never nothing).
        Not while a newcomer waits for the visitor's like's answer: Next is dimmed then
        (`VisitView.set_page_held`), and their own page comes with their visit."""
        self._tap()
        if self._held_switch is not None:
            log.info("Next while a newcomer waits for a like's answer: not taken (their "
                     "page comes when their visit begins)")
            return
        if self.visit_id is not None and self.emotion is not None:
            if self._in_flight is not None:
                log.debug("Next while a page loads: the page on its way answers it")
                return
            self._request_page()
        else:
            log.info("Next with no mood yet: the mood picker")
            self._picker_for_mood = True  # the camera may read it a moment later
            self.view.open_mood_picker()

    @Slot(str)
    def on_mode(self, mode: str) -> None:
        """`mode`: a `RecommendMode` value (the toggle sends "emotion"/"personalized").
        Not while a newcomer waits for the visitor's like's answer: the toggle is dimmed
        then (`VisitView.set_page_held`), and one that changed anyway is set back."""
        self._tap()
        if self._held_switch is not None:
            log.info("toggle (%s) while a newcomer waits for a like's answer: not taken",
                     mode)
            if self.page is not None:
                self._show_mode(self._shown_mode(self.page.mode), self._ready_shown)
            return
        try:
            self.mode = RecommendMode(mode)
        except ValueError:
            log.warning("unknown recommendation mode %r ignored", mode)
            return
        if self.visit_id is not None and self.emotion is not None:
            self._request_page()

    @Slot(str)
    def on_like(self, item_id: str) -> None:
        self._tap()
        page = self.page
        if page is None or item_id not in page.item_ids:
            return  # not on screen
        if self._page_leaving:
            # the view closed the page's Like buttons already; a tap queued before
            # that is not saved either: its card leaves before it could say "Liked"
            log.info("Like of %s while its page is being replaced: not saved", item_id)
            return
        if item_id in self._liked:
            # Counted once per visit. A like already saved that comes back on a later
            # page (a new mood ranks afresh) has its card set to "Liked" again; one
            # still being saved gets that from its own confirmation.
            if item_id in self._liked_saved:
                self.view.show_like_confirmed(item_id)
            return
        self._liked.add(item_id)
        tapped = self._clock()  # the queue's clock too: its wait for a lock ends from it
        self._likes_saving[item_id] = tapped
        tapped_at = time.time()
        user_id = self.user_id
        self.events_worker.submit(
            self.backend.commit_like, page, item_id, tapped_at, user_id, tapped,
            on_result=self._on_like_committed,
            on_error=functools.partial(self._on_like_failed, page.visit_id, item_id),
        )

    @property
    def face_in_view(self) -> bool:
        """Whether the primary visitor's face was in the last vision result."""
        return self._face_in_view

    @property
    def user_id(self) -> str | None:
        """The visit's user id: only with identity on, consent given and a match/enrolment."""
        return self.identity.user_id if self.identity is not None else None

    @Slot(str)
    def on_user_changed(self, user_id: str) -> None:
        """Identity found (or forgot) the visitor: re-rank with (or without) their id."""
        if self.visit_id is not None and self.emotion is not None:
            self._request_page()

    # ------------------------------------------------------------------ internals

    def _begin_visit(self, visit_id: str) -> None:
        if self.visit_id is not None and self.visit_id != visit_id:
            self._end_visit(keep_screen=True)
        log.info("visit %s started", visit_id)
        self.visit_id = visit_id
        self._visit_began_at = self._clock()
        self.visit_began.emit(visit_id)
        if self.identity is not None:
            self.identity.visit_began(visit_id)
        self.emotion = None
        self.page = None
        self._liked.clear()
        self._liked_saved.clear()
        self._forget_likes_saving(None)

    def _end_visit(self, keep_screen: bool) -> None:
        ended = self.visit_id
        if self._held_switch is not None:  # the attract screen: nobody's visit begins
            log.info("visit %s ends while a newcomer waited (vision visit %s): the next "
                     "face is read afresh", ended, self._held_switch[0])
            self._drop_held_switch()
        if self.visit_id is not None:
            # The ended visit's page, headline and likes are not the next person's:
            # placeholders until theirs is drawn, or the screen says why none came.
            # Before, the page stayed (Like buttons dimmed) until the newcomer's page
            # replaced it, and when none came (the catalog folder unmounted) the
            # newcomer saw the last shopper's page and "Liked" hearts for minutes.
            self.view.clear_page()
            # a picker opened in this visit is not the next visitor's: their page shows;
            # unless it was opened just now with nobody in view: then it is theirs
            keep_picker = self._picker_is_newcomers()
            if keep_picker and not self._main_visible:  # a picker (or panel) is up
                log.info("the mood picker was opened just before this face came, with "
                         "nobody in view: it stays, for them")
            else:
                self.view.close_mood_picker()
            log.info("visit %s ended", self.visit_id)
            # the page on screen: one still loading gets no impression (issue 18), nor
            # one drawn less than GLANCE_S ago (a newcomer stepped in at once)
            self.worker.submit(self.backend.end_visit, self.visit_id,
                               None if self._glanced() else self.page)
            if self.identity is not None:
                self.identity.visit_ended()
            self._count_visit_end()
        self.visit_id = None
        self._vision_visit = None
        self.emotion = None
        self.page = None
        self.manual = False
        self._manual_face = None
        self._picker_for_mood = self._picker_for_mood and self._picker_is_newcomers()
        self._visitor_gone_at = None
        self._picked_after_leave = False
        self._forget_likes_saving(ended)
        self._mood_hold.reset()
        self._unshown_reading = None
        self._page_leaving = False  # no page on screen (cleared above) to take likes
        self._set_headline_pending("")  # the next visitor's page has its own headline
        self._shown_ask = None
        self._liked.clear()
        self._liked_saved.clear()
        self._request += 1  # pages still in flight belong to the old visit
        self._again = False
        self._set_waiting("")
        self._waiting_since = None
        # The next visitor starts from the configured mode, with "For you" locked
        # until their own likes open it (a lock they can see, not a dead toggle).
        self.mode = RecommendMode(self.settings.recommend.mode)
        self._show_mode(self._shown_mode(RecommendMode.EMOTION), False)
        # A notice for the visitor ("Your like could not be saved…") is theirs: the
        # next person, or the attract screen, does not see it.
        self.view.clear_visitor_notice()
        if not keep_screen:
            self.view.show_emotion(None)

    def _count_visit_end(self) -> None:
        """`visit_ended` for the visit on now, once (at its end, or at `stop`): the
        visitor's time here, up to their last face or touch, not the idle wait."""
        if self.visit_id is None or self.visit_id == self._end_counted:
            return
        self._end_counted = self.visit_id
        self.visit_ended.emit(self.visit_id,
                              max(0.0, self._last_activity - self._visit_began_at))

    def _set_emotion(self, reading: EmotionReading) -> None:
        log.info("emotion settled: %s (%.0f %%, %s)", reading.emotion.value,
                 reading.confidence * 100, reading.source)
        self.emotion = reading.emotion
        self._mood_hold.reset()
        self._pending_ends_with_page = self._headline_pending != ""  # theirs: read or picked
        self._emotion_changed_at = self._clock()
        if self.visit_id is not None:
            self.emotion_changed.emit(self.visit_id, reading.emotion.value)
        self._show_reading(reading)
        if self._picker_for_mood and reading.source != "manual":
            # Next opened the picker a moment before the mood settled: the page of the
            # read mood is the answer (before, the picker stayed the whole visit, and the
            # next visitor's first tap picked a mood)
            log.info("the camera read the mood Next opened the picker for: the picker "
                     "gives way to the page")
            self._picker_for_mood = False
            self.view.close_mood_picker()
        self._request_page()

    def _request_page(self) -> None:
        assert self.visit_id is not None and self.emotion is not None
        if self._held_switch is not None:
            # Next, the toggle, identity: the page is the visitor's a moment longer, and
            # the tap may be the newcomer's, whose own page comes with their mood
            log.debug("no page for visit %s while a newcomer waits for its like's answer",
                      self.visit_id)
            return
        self._pass_over_glanced()
        self._leave_page()
        if self._in_flight is not None:
            self._again = True  # asked for once the page on its way is back
            return
        self._request += 1
        self._in_flight = self._request
        self._asked = (self.emotion, self.mode)
        # asked while the screen says a page failed: a failure again is said again
        self._failed_before = self._request if self._waiting == "failed" else None
        if self._waiting_since is None or self._waiting == "failed":
            self._waiting_since = self._clock()
        self._set_waiting("")
        # only the images the screen can show: the page is what counts as shown (its
        # impression, for the learner and Personalize), so none may be off screen
        size = self.settings.recommend.page_size
        size = max(1, min(size, self.view.cards_that_fit(size)))
        self.worker.submit(
            self.backend.page, self._request, self.visit_id, self.emotion, self.user_id, self.mode,
            size, on_result=self._on_page,
            on_error=functools.partial(self._on_page_failed, self._request),
        )

    def _glanced(self) -> bool:
        """The page on screen was not looked at: never on screen for `GLANCE_S` at a
        stretch (drawn less than that ago, or behind the mood picker or the admin panel
        and replaced, or left, before the main screen was shown long enough)."""
        if self.page is None or self._page_looked_at:
            return False
        since = self._page_on_screen_since
        return since is None or self._clock() - since < GLANCE_S

    @Slot(bool)
    def on_main_screen_visible(self, visible: bool) -> None:
        """The view's main screen came on screen, or another (the mood picker, the admin
        panel, the attract screen) covers it: a page's time on screen, which makes it an
        impression (`_glanced`), counts only while it is shown. Before, a page drawn
        behind the picker or the admin panel was queued as an impression (items shown
        and not chosen) though nobody could see it."""
        if visible == self._main_visible:
            return
        self._main_visible = visible
        if visible:
            self._page_on_screen_since = self._clock() if self.page is not None else None
            # the picker Next opened is gone (backed out of, or given way): a picker the
            # visitor opens later is theirs, and the camera's reading must not close it
            self._picker_for_mood = False
            return
        self._page_looked_at = self.page is not None and not self._glanced()
        self._page_on_screen_since = None

    def _pass_over_glanced(self) -> None:
        """The page on screen is being replaced: one drawn less than `GLANCE_S` ago gets
        no impression (the discard runs before the next page, which would queue it)."""
        if self._glanced() and not self._page_leaving:
            assert self.page is not None
            log.debug("page %d left within %.0f s of being drawn: no impression",
                      self.page.index, GLANCE_S)
            self.worker.submit(self.backend.discard_page, self.page)

    def _leave_page(self) -> None:
        """The page on screen is about to be replaced (Next, a new mood, the toggle,
        the picker, identity, a new visitor): its Like buttons close until the next
        page is drawn, or the old one turns out to stay (`_keep_page`). Before, a Like
        tapped on the old page after Next was saved, and its "Liked" then had no card
        to show on: a like the shopper never saw confirmed."""
        if self.page is not None and not self._page_leaving:
            self._page_leaving = True
            self.view.set_page_leaving(True)

    def _keep_page(self) -> None:
        """No new page came (it failed, or had no images): the one on screen stays,
        and takes likes again."""
        if self._page_leaving:
            self._page_leaving = False
            self.view.set_page_leaving(False)

    def _page_back(self, request: int) -> bool:
        """A page request ended; True when another was wanted meanwhile (now asked)."""
        if request == self._in_flight:
            self._in_flight = None
        if self._again and self._in_flight is None:
            self._again = False
            if self.visit_id is not None and self.emotion is not None:
                self._request_page()
                return True
        return False

    def _on_page_failed(self, request: int, exc: BaseException) -> None:
        if self._page_back(request) or request != self._request:
            return  # an older request: a newer one is on its way
        mood = self.emotion.value if self.emotion else "-"
        message = str(exc) or type(exc).__name__
        if message == self._page_error or (isinstance(exc, KioskError) and exc.logged):
            # e.g. no catalog folder: logged once already (here, or where it was found)
            log.debug("no page for %s again: %s", mood, message)
        elif isinstance(exc, KioskError):  # the worker logged it as an ERROR already
            log.warning("no page for %s: %s", mood, message)
        else:
            log.error("no page for %s: %s", mood, message)
        self._page_error = message
        self._no_new_page(request)

    def _on_page(self, result: PageResult) -> None:
        superseded = result.request != self._request or result.page.visit_id != self.visit_id
        if superseded or self._again:
            # Never drawn: no impression for it (the discard runs before the next page).
            self.worker.submit(self.backend.discard_page, result.page)
        if self._page_back(result.request) or superseded:
            return  # stale: the emotion or the visitor changed meanwhile
        if not result.page.items:
            # Nothing to show (no images for this mood, or none could be read, stand-ins
            # included): as a failed page (`_no_new_page`).
            log.warning("no images to show for %s (%s)", result.page.emotion.value,
                        result.page.note or "empty page")
            self._no_new_page(result.request)
            return
        self._waiting_since = None
        self._set_waiting("")
        self._page_error = ""
        self.page = result.page
        self._shown_ask = self._asked
        self._page_on_screen_since = self._clock() if self._main_visible else None
        self._page_looked_at = False
        self._page_leaving = False  # the view's new page takes likes
        log.info("page %d %s: %s, %s, %d items%s", result.page.index,
                 "shown" if self._main_visible
                 else "drawn behind another screen (seen once the main screen shows)",
                 result.page.emotion.value, result.page.mode, len(result.page.items),
                 f" ({result.page.note})" if result.page.note else "")
        self.view.show_page(result.page, result.images)
        if self._pending_ends_with_page:  # the page of their own mood: its headline too
            self._set_headline_pending("")
        unshown = self._unshown_reading
        if unshown is not None and unshown.emotion is result.page.emotion:
            self._unshown_reading = None
            self.view.show_emotion(unshown)  # the new mood, beside its page
        elif self._mood_hold.held is not None and not self.manual and self._face_in_view:
            self._show_page_mood(result.page)  # Next while a new mood is held
        for item_id in result.page.item_ids:
            if item_id in self._liked_saved:  # liked earlier this visit: say so
                self.view.show_like_confirmed(item_id)
        self._show_mode(self._shown_mode(result.page.mode), result.personalization_ready)
        if self.identity is not None:
            self.identity.page_shown(self.manual)
        if self._emotion_changed_at is not None:
            self.page_shown.emit(self._clock() - self._emotion_changed_at)
            self._emotion_changed_at = None

    def _no_new_page(self, request: int) -> None:
        """The page asked for (`request`, the newest) failed or had no images. The page
        on screen stays if it answers what was asked (the same mood and mode: Next,
        identity), and the visitor is told (`show_page_not_changed`); otherwise (a new
        mood, "For you", a new visitor) it goes: the screen says these images could not
        be shown, beside the mood asked for, never the last page's headline or likes.
        A failure right after one already on screen (Next tapped again) is said again.
        Before, the view kept whatever page it had: a newcomer saw the last shopper's
        headline and "Liked" hearts beside their own mood, and Next did nothing visible
        (tester round 8, the catalog folder unmounted)."""
        again = self._failed_before == request
        if self.page is not None and self._shown_ask == self._asked:
            self._keep_page()
            self._set_waiting("failed")  # not shown over a page; Next asks afresh
            self.view.show_page_not_changed()
            return
        self.page = None
        self._page_leaving = False
        self.view.clear_page()
        unshown, self._unshown_reading = self._unshown_reading, None
        if unshown is not None:  # the mood asked for, beside "could not be shown"
            self.view.show_emotion(unshown)
        self._set_waiting("failed")
        if again:
            self.view.show_page_not_changed()

    def _on_like_committed(self, like: Like) -> None:
        """The like is durable: only now does the card say "Liked"; then learn it. A
        like of a visit that has ended meanwhile is learnt, but its "Liked" is not shown
        on the next visitor's screen (their card of that image is theirs)."""
        if like.visit_id == self.visit_id:
            self._like_answered(like.item_id, LIKED_SEEN_S)
            self._liked_saved.add(like.item_id)
            self.view.show_like_confirmed(like.item_id)
        self.worker.submit(self.backend.learn_like, like, on_result=self._on_liked)
        self._check_held_switch()  # a newcomer waiting for this answer: theirs soon

    def _on_liked(self, result: LikeResult) -> None:
        if self.page is not None:
            self._show_mode(self._shown_mode(self.page.mode), result.personalization_ready)

    def _on_like_failed(self, visit_id: str, item_id: str, exc: BaseException) -> None:
        """The like was not saved: its visitor is told ("try again", or "Likes can't be
        saved right now" when a retry cannot help: a full disk, a read-only queue, a queue
        that did not open at start; "A like on an earlier page…" when its card is no
        longer on screen); once their visit
        has ended (a newcomer, the attract screen) nobody is: the notice belongs to the
        visitor who tapped, and the failure is in the log."""
        if visit_id != self.visit_id:
            # neither the queue nor its spool took it (a full disk, a read-only folder, a
            # queue not open, a stuck events worker): gone, and its visitor was not told
            log.error("like of %s (visit %s, ended since) was not saved and is lost "
                      "(neither the queue nor its spool could take it; its visit had "
                      "ended, so nobody was told): %s", item_id, visit_id, exc)
            return
        self._like_answered(item_id, LIKE_NOTICE_SEEN_S)
        self._liked.discard(item_id)
        # its page may have been replaced meanwhile (Next while it was Saving…): then the
        # notice names an earlier page, never a card on screen (black box 2026-12-02: "not
        # saved" shown beside the only card Saving…, a later like that was then saved)
        on_screen = self.page is not None and item_id in self.page.item_ids
        log.error("like of %s was not saved (the visitor is told%s): %s", item_id,
                  " and may tap it again" if on_screen else ", its page is no longer shown",
                  exc)
        # a full disk, a read-only queue or one that never opened fails every retry: the
        # visitor is not asked to
        self.view.show_like_failed(item_id, str(exc), isinstance(
            exc, DiskFullError | QueueReadOnlyError | QueueNotOpenError), on_screen)
        self._check_held_switch()  # a newcomer waiting for this answer: theirs once read

    def _check_catalog(self) -> None:
        """Ask the back end whether the catalog folder came back (one check at a time)."""
        if self._catalog_checking:
            return
        self._catalog_checking = True
        self.worker.submit(self.backend.check_catalog, on_result=self._on_catalog_checked,
                           on_error=self._on_catalog_check_failed)

    def _on_catalog_checked(self, generation: int) -> None:
        """The catalog became usable again (its generation moved on): fetch the attract
        images afresh and give a visitor still without a page one."""
        self._catalog_checking = False
        if generation == self._catalog_generation:
            return
        first, self._catalog_generation = self._catalog_generation is None, generation
        if generation:  # opened, back or changed: the picker offers what it has
            self.worker.submit(self.backend.moods_with_images,
                               on_result=self.view.set_moods_with_images)
        if generation == 0 or (first and (self._attract_fetching or self._attract_fetched)):
            return  # never opened yet, or the start-up's own images are on their way
        self._attract_images = []  # of the catalog before: fetched afresh when needed
        if self.attract or self._attract_due():
            self._fetch_attract(again=True)
        if (self.visit_id is not None and self.emotion is not None and self.page is None
                and self._in_flight is None):
            self._request_page()

    def _on_catalog_check_failed(self, exc: BaseException) -> None:
        self._catalog_checking = False  # the worker logged it; the next tick tries again

    def _fetch_attract(self, again: bool = False) -> None:
        """Ask for the attract images unless a fetch is on its way (`again`: the
        catalog changed, so one on its way may be of the old one: ask anyway)."""
        self._attract_wanted.set()  # wanted again: one on its way is decoded after all
        if self._attract_fetching and not again:
            return
        self._attract_fetching = True
        self.worker.submit(self._attract_job, 8, on_result=self._on_attract_images,
                           on_error=self._on_attract_failed)

    def _attract_job(self, count: int) -> list[np.ndarray] | None:
        """On the recommend worker: the attract images, or None without decoding any
        when a visitor woke the screen after the fetch was asked for (the job waited
        behind others, such as a first start's catalog indexing)."""
        if not self._attract_wanted.is_set():
            return None
        return self.backend.attract_images(count)

    def _attract_due(self) -> bool:
        """Not on the attract screen, but it is less than `ATTRACT_PREFETCH_S` away."""
        idle_for = self._idle_for()
        return (not self.attract
                and idle_for >= self.settings.app.idle_timeout_s - ATTRACT_PREFETCH_S)

    def _on_attract_images(self, images: list[np.ndarray] | None) -> None:
        self._attract_fetching = False
        if images is None:  # not decoded: a visit began while the job waited
            log.debug("attract images not decoded: a visit began before the worker got "
                      "to them (fetched again before it ends)")
            if self.attract or self._attract_due():  # wanted again meanwhile
                self._fetch_attract()
            return
        self._attract_fetched = self._attract_fetched or bool(images)
        if not (self.attract or self._attract_due()):
            log.debug("attract images not kept: a visit is on (fetched again before it ends)")
            return
        self._attract_images = images
        if self.attract:
            self.view.show_attract(images)

    def _on_attract_failed(self, exc: BaseException) -> None:
        self._attract_fetching = False  # the worker logged it; the next attract asks again

    def _show_mode(self, mode: RecommendMode, personalization_ready: bool) -> None:
        self._ready_shown = personalization_ready  # what the toggle was last told
        self.view.set_mode(mode, personalization_ready)

    def _shown_mode(self, page_mode: str) -> RecommendMode:
        """The toggle's segment: the mode asked for, or in AUTO what the page is."""
        return self.mode if self.mode is not RecommendMode.AUTO else RecommendMode(page_mode)

    def _touch(self) -> None:
        self._last_activity = self._clock()

    def _picker_is_newcomers(self) -> bool:
        """The screen was touched after the visitor's face was lost, with nobody in
        view, within `MANUAL_ADOPT_S`: whoever opened the mood picker then is the face
        that comes next (they walked up from the side), so a visit ending for that face
        keeps it open (black box 2026-12-02: "Choose my mood" tapped 0.5 s before the
        camera saw the tapper, and their picker closed under their finger)."""
        gone = self._visitor_gone_at
        return (gone is not None and self._last_tap > gone
                and self._clock() - self._last_tap <= MANUAL_ADOPT_S)

    def _tap(self) -> None:
        """The screen was touched (activity, and who picked a mood is near)."""
        self._touch()
        self._last_tap = self._last_activity
        self._picker_idle_closed = False

    def _wake(self) -> None:
        if self.attract:
            self.attract = False
            self._waiting_since = self._clock()
            self.view.wake()
            self._attract_images = []  # fetched again shortly before the visit ends
            self._attract_wanted.clear()  # a fetch still queued is not decoded
            self.view.drop_attract()

    def _set_headline_pending(self, reason: str) -> None:
        """The page's headline waits for whoever is in front (`reason`: "no_face",
        "unsure"; `VisitView.set_headline_pending`), or is shown again (""). Vision's
        verdict on a new face comes a step after the camera tile shows it (0.1-0.3 s
        on the black box, the first time with the identity net's load): before, the
        previous shopper's "You look happy" stood over the newcomer until then, and
        over a face not known either way until its first steady mood."""
        if reason == "":
            self._pending_ends_with_page = False
        if reason != self._headline_pending:
            self._headline_pending = reason
            self.view.set_headline_pending(reason)

    def _set_waiting(self, reason: str) -> None:
        if reason != self._waiting:
            self._waiting = reason
            self.view.show_waiting(reason)

    def _check_waiting(self) -> None:
        """A loading state that lasts explains itself (and never lasts silently)."""
        since = self._waiting_since
        if self.attract or self.page is not None or since is None or self._waiting == "failed":
            return
        if self._clock() - since < WAIT_EXPLAIN_S:
            return
        if self.emotion is not None:
            reason = "slow"
        elif self._face_in_view:
            reason = "unsure"
        else:
            reason = "no_face"
        self._set_waiting(reason)

    def _enter_attract(self) -> None:
        self._end_visit(keep_screen=False)
        if self._reset_vision is not None:
            self._reset_vision()
        self.attract = True
        self.view.show_attract(self._attract_images)
        if not self._attract_images:
            self._fetch_attract()  # shown when they come

    def _like_answered(self, item_id: str, read_s: float) -> None:
        """A like of this visit came back (saved, or not): the idle wait counts from now,
        and a newcomer's visit waits `read_s` for the visitor to read the answer."""
        if self._likes_saving.pop(item_id, None) is not None:
            self._like_answered_at = self._clock()
        self._answer_seen_until = max(self._answer_seen_until, self._clock() + read_s)

    def _forget_likes_saving(self, visit_id: str | None) -> None:
        """`visit_id` ended: answers still to come are the log's (`_on_like_failed`)."""
        if self._likes_saving:
            log.warning("visit %s ends with %d like(s) still being saved (%s): their "
                        "answers go to the log only", visit_id,
                        len(self._likes_saving), ", ".join(self._likes_saving))
        self._likes_saving.clear()
        self._like_answered_at = float("-inf")
        self._answer_seen_until = float("-inf")
        self._idle_waits_logged = False

    def _like_awaited(self) -> bool:
        """One of the visit's likes is being saved, tapped less than `LIKE_SAVE_WAIT_S` ago."""
        now = self._clock()
        return any(now - tapped < LIKE_SAVE_WAIT_S for tapped in self._likes_saving.values())

    def _idle_for(self) -> float:
        """Seconds the visit has been idle: since the visitor was last seen or touched
        the screen, or since the answer to one of their likes, whichever is later (a
        visitor waiting on "Saving…" is not idle); 0 while a like is still awaited."""
        if self._like_awaited():
            return 0.0
        return self._clock() - max(self._last_activity, self._like_answered_at)

    def _check_idle(self) -> None:
        self._check_held_switch()  # the timer's job; the tick in case the clock jumped
        idle_for = self._idle_for()
        no_one_for = self._clock() - self._last_activity
        if (not self.attract and self._likes_saving and not self._idle_waits_logged
                and no_one_for >= self.settings.app.idle_timeout_s):
            self._idle_waits_logged = True
            log.info("nobody in view and no touch for %.0f s, but a like of visit %s is "
                     "still being saved: the visit waits for its answer (up to %.0f s "
                     "from the tap)", no_one_for, self.visit_id, LIKE_SAVE_WAIT_S)
        if not self.attract and idle_for >= self.settings.app.idle_timeout_s:
            # the answer is named only when it is what the visit waited for (tester round
            # 21: every idle-out said "(8 s since a like's answer)": two clock reads apart)
            answer = (f" ({idle_for:.0f} s since a like's answer)"
                      if self._like_answered_at > self._last_activity else "")
            log.info("nobody in view and no touch for %.0f s%s: %s", no_one_for, answer,
                     "the visit ends, attract mode" if self.visit_id is not None
                     else "attract mode")
            self._enter_attract()
        elif not self._attract_images and self._attract_due():
            self._fetch_attract()  # ready when the idle timeout brings the attract screen
        if (not self.attract and not self._picker_idle_closed
                and self._clock() - self._last_tap >= self.settings.app.idle_timeout_s):
            # a picker nobody touches (faces in view keep the visit, not the picker)
            self._picker_idle_closed = True
            self.view.close_mood_picker()
        self._check_vision_grace()
        self._check_waiting()

    def _show_preview(self) -> None:
        if self._latest_frame is None:
            return
        frame = self._latest_frame()
        if frame is None or frame.seq == self._last_seq:
            return
        if self._last_seq < 0:
            log.info("first frame shown")
        self._last_seq = frame.seq
        self.view.show_frame(frame.image, self._boxes)
