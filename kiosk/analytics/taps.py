"""Where the recorder listens: thin taps on signals the kiosk already has.

- `RecordingView` wraps the controller's view: a page put on screen is counted exactly
  when the visitor sees it, with no change to the controller.
- `record_like` counts a like once, when it is accepted: the back end calls it with
  the `Like` it has just queued durably (`KioskBackend.like_listeners`, on the events
  thread). Not from the view: a card is confirmed "Liked" again when a saved like is
  tapped again or comes back on a later page, which is no new like.
- `record_visits` counts the visit flow's visits (`VisitController.visit_began`,
  `visit_ended`, `emotion_changed`): the visit the shopper has, which goes on through
  a look-away (vision's own visits end after `vision.visit_grace_s`, so one shopper
  who looked away 4 times counted as 5 visits, and alone met `k_anonymity` 5), and
  ends when another person steps straight in (a visit of their own). Its mood is the
  one the pages answer, read or picked.
- `record_vision_result` reads one vision result: the vision latency.

They only call the recorder's O(1), thread-safe methods.
"""

from __future__ import annotations

from typing import Any

from kiosk.analytics.recorder import Recorder


class RecordingView:
    """Forwards everything to `view`; counts `show_page` (likes: `record_like`)."""

    def __init__(self, view: Any, recorder: Recorder) -> None:
        self._view = view
        self._recorder = recorder

    def show_page(self, page: Any, images: Any) -> None:
        self._view.show_page(page, images)
        if page.items:
            self._recorder.page_shown(page.visit_id, _name(page.emotion))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._view, name)


def record_like(recorder: Recorder, like: Any) -> None:
    """One accepted `kiosk.domain.Like` (durably queued) into the recorder."""
    recorder.liked(like.visit_id, _name(like.emotion), like.item_id)


def record_visits(recorder: Recorder, controller: Any) -> None:
    """Count the visits of `controller` (a `kiosk.controllers.visit.VisitController`)."""
    controller.visit_began.connect(recorder.visit_started)
    controller.visit_ended.connect(recorder.visit_ended)
    controller.emotion_changed.connect(recorder.emotion_settled)


def record_vision_result(recorder: Recorder, result: Any) -> None:
    """One `kiosk.vision.pipeline.VisionResult` into the recorder (visits and their
    moods come from the visit flow: `record_visits`)."""
    total = result.latency.get("total_ms") if result.latency else None
    if total is not None:
        recorder.vision_latency(float(total))


def _name(emotion: Any) -> str:
    return str(getattr(emotion, "value", emotion))
