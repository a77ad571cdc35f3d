"""What the controllers ask of the rest of the kiosk: protocols, so that they depend on
no window, worker or back end in particular. The real parts (`kiosk.ui.adapter.ViewAdapter`,
`kiosk.workers.runner.SerialWorker`, `kiosk.backend.KioskBackend`) and the tests' fakes
both satisfy them, and mypy checks both (tests are type-checked too).

Each controller names the slice it uses (`VisitView` / `VisitBackend`, `AdminView` /
`AdminBackend`, `CurationView` / `CurationBackend`); `View` and `Backend` are the whole,
what the window's adapter and `KioskBackend` implement.

Images are decoded arrays: camera frames BGR, catalog images and thumbnails RGB,
(height, width, 3) uint8.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, TypeVar

from kiosk.backend import LikeResult, PageResult, Thumbnail
from kiosk.camera.capture import CameraState
from kiosk.domain import Emotion, EmotionReading, Like, Page, RecommendMode

if TYPE_CHECKING:
    import numpy as np

    from kiosk.status import BackendStatus, KioskStatus

T = TypeVar("T")


class Jobs(Protocol):
    """Where GUI-thread code sends work: a `SerialWorker`, or a test's synchronous
    stand-in. `submit` returns at once (it may run `fn` before returning, as a test's
    worker does); `on_result(fn(*args))` or `on_error(exception)` is then called on the
    GUI thread. Controllers depend on this, not on `SerialWorker`.

    `on_result` must take what `fn` returns (mypy ties the two through `T`); `fn`'s own
    arguments are not checked against `args` (a ParamSpec would need `**kwargs`, which
    the keyword callbacks after `*args` rule out), so pass a `functools.partial` where
    keywords are needed."""

    def submit(
        self,
        fn: Callable[..., T],
        *args: object,
        on_result: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None: ...


# ---------------------------------------------------------------------- the view

class VisitView(Protocol):
    """The shopper's screens, as the visit controller drives them."""

    def show_frame(self, image_bgr: np.ndarray, boxes: list[tuple[float, float, float, float, bool]]
                   ) -> None: ...
    def show_emotion(self, reading: EmotionReading | None) -> None: ...
    def show_page_mood(self, emotion: Emotion) -> None:
        """The badge shows `emotion`, the mood of the page on screen, without a
        confidence: the camera reads another mood now, held back from the shopper's
        page (`kiosk.controllers.mood_hold`), so no live figure belongs to it."""
    def show_page(self, page: Page, images: dict[str, np.ndarray]) -> None: ...
    def cards_that_fit(self, asked: int) -> int:
        """How many images of a page of `asked` the screen shows (the first ones; fewer
        when `[recommend] page_size` is more than fit usable): the controller asks for
        only these, so only images a shopper saw count as shown (impressions)."""
        return asked
    def set_mode(self, mode: RecommendMode, personalization_ready: bool) -> None: ...
    def set_camera_state(self, state: CameraState, message: str) -> None: ...
    def set_vision_ready(self, ready: bool) -> None:
        """False: the camera cannot read moods now (its models are still loading after
        `kiosk.controllers.visit.VISION_GRACE_S`, or failed): the attract screen invites
        to the mood picker, and a touch opens it. True again once vision is ready."""
    def set_vision_failed(self, message: str) -> None:
        """Vision stopped for good (`message`: why, for the admin panel): no mood is
        read from the camera, which may still be on and shown. The screens offer the
        mood picker as with no camera, but say the camera is on and nothing is
        analysed, not that it is off (tester round 15)."""
    def show_attract(self, images: list[np.ndarray]) -> None: ...
    def drop_attract(self) -> None:
        """Let go of the attract images (off screen until the next `show_attract`)."""
    def wake(self) -> None: ...
    def set_page_leaving(self, leaving: bool) -> None:
        """True: the page on screen is being replaced (Next, a new mood, the toggle, the
        picker, a new visitor): its Like buttons take no taps, visibly, until the next
        `show_page`. False: no new page came, the one on screen takes likes again."""
    def set_page_held(self, held: bool) -> None:
        """True: a newcomer waits for the answer to the visitor's like (the newcomer
        hold, `kiosk.controllers.visit.NEWCOMER_WAIT_S`): Next and the Emotion / For you
        toggle take no taps, visibly (dimmed, as the page's Like buttons are then), until
        the newcomer's visit begins or the visit goes on (False)."""
    def clear_page(self) -> None:
        """The controller has no page for this visitor (a new visit, or the page asked
        for could not be made for the mood or mode on screen): placeholder cards, and
        the header says why (`show_waiting`); the last page, its headline and its likes
        go."""
    def show_page_not_changed(self) -> None:
        """The page asked for could not be made and the one on screen stays (or none
        was there already): a short notice tells the visitor, so Next is never a dead
        button."""
    def show_like_confirmed(self, item_id: str) -> None: ...
    def show_like_failed(self, item_id: str, message: str, lasting: bool = False,
                         on_screen: bool = True) -> None:
        """A like was not saved (`message`: why, for the log). `lasting`: a retry would
        fail too (a full disk, a read-only queue). `on_screen` False: its page was
        replaced while it was Saving…, so the notice names an earlier page, not a card
        on screen."""
    def set_moods_with_images(self, moods: frozenset[Emotion]) -> None:
        """The moods the catalog has images for: the mood picker offers only these
        (all of them while none has: its pages then say they could not be shown)."""
    def clear_visitor_notice(self) -> None:
        """A visit ended: a notice shown to its visitor (a failed like's "try again",
        "something went wrong") goes, so the next person never reads it."""
    def show_waiting(self, reason: str) -> None: ...
    def set_headline_pending(self, reason: str) -> None:
        """Whose mood the page on screen answers is not known to be whoever is in
        front: "no_face" (the visitor's face has been gone for `vision.visit_grace_s`:
        whoever comes next is read afresh) or "unsure" (a face not known to be the
        visitor's, its mood not read yet) puts that reason's waiting text in the header
        ("Step closer…", "Still reading your mood…") over the page, which stays; ""
        gives the page its headline back ("Because you look happy"). A new page or
        `clear_page` does not end it: the controller says "" when it ends."""
    def open_mood_picker(self) -> None: ...
    def close_mood_picker(self) -> None:
        """The mood picker, if it is on screen, gives way to the main screen (the visit's
        page): the camera read the mood Next opened it for, its visit ended, or nobody
        touched the screen for `[app] idle_timeout_s`. It stays while it is the only way
        to a page (no camera, or vision cannot read moods yet)."""


class AdminView(Protocol):
    """The admin panel: its status lines and a short message."""

    def set_status(self, status: KioskStatus) -> None: ...
    def show_message(self, text: str) -> None: ...


class CurationView(Protocol):
    """The image review screen (and a short message for what is not about one image)."""

    def show_message(self, text: str) -> None: ...
    def show_operator_result(self, text: str, failed: bool) -> None:
        """The outcome of an action the operator started (e.g. "Catalog reloaded: …"),
        translated; it may come back after the operator closed the panel."""
    def show_curation(self, items: list[Thumbnail]) -> None: ...
    def show_curation_error(self, item_id: str, message: str) -> None: ...


class View(VisitView, AdminView, CurationView, Protocol):
    """The whole window as the controllers see it (`kiosk.ui.adapter.ViewAdapter`)."""


# ---------------------------------------------------------------------- the back end

class VisitBackend(Protocol):
    """Pages and likes. Every method runs on a worker thread, never on the GUI thread
    (`commit_like` on the events worker, the rest on the recommend worker); errors
    arrive through the worker's `on_error`. `commit_like`'s `tap_monotonic` is the tap
    on `time.monotonic`: under another program's lock the queue waits for that like
    until `SPOOL_LOCK_WAIT_S` after it (however long the like waited behind other writes
    on the events worker), then keeps it in its spool and `commit_like` returns it as
    saved; it raises only when neither can take the like."""

    def attract_images(self, count: int) -> list[np.ndarray]: ...
    def page(self, request: int, visit_id: str, emotion: Emotion, user_id: str | None,
             mode: RecommendMode, page_size: int) -> PageResult: ...
    def commit_like(self, page: Page, item_id: str, tapped_at: float, user_id: str | None,
                    tap_monotonic: float | None = None) -> Like: ...
    def learn_like(self, like: Like) -> LikeResult: ...
    def discard_page(self, page: Page) -> None: ...
    def end_visit(self, visit_id: str, shown: Page | None) -> None: ...
    def check_catalog(self) -> int: ...
    def moods_with_images(self) -> frozenset[Emotion]: ...


class AdminBackend(Protocol):
    """The back end's part of the admin panel's status (recommend worker)."""

    def status(self) -> BackendStatus: ...


class CurationBackend(Protocol):
    """The pending pool and the catalog (recommend worker)."""

    def rescan(self) -> object: ...
    def pending_thumbnails(self) -> list[Thumbnail]: ...
    def approve(self, key: str) -> list[Thumbnail]: ...
    def reject(self, key: str) -> list[Thumbnail]: ...


class Backend(VisitBackend, AdminBackend, CurationBackend, Protocol):
    """The whole back end as the controllers see it: `kiosk.backend.KioskBackend`,
    or a test's fake (mypy checks both against this)."""
