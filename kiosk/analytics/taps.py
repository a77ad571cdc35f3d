"""Where the recorder listens: thin taps on signals the kiosk already has.

- `RecordingView` wraps the controller's view: a page put on screen and a like
  confirmed on screen are counted exactly when the visitor sees them, with no change
  to the controller.
- `record_vision_result` reads one vision result: visit start and end, the settled
  emotion, the vision latency.

Both run on the GUI thread and only call the recorder's O(1) methods.
"""

from __future__ import annotations

from typing import Any

from kiosk.analytics.recorder import Recorder


class RecordingView:
    """Forwards everything to `view`; counts `show_page` and `show_like_confirmed`."""

    def __init__(self, view: Any, recorder: Recorder) -> None:
        self._view = view
        self._recorder = recorder
        self._page: Any = None

    def show_page(self, page: Any, images: Any) -> None:
        self._view.show_page(page, images)
        self._page = page
        if page.items:
            self._recorder.page_shown(page.visit_id, _name(page.emotion))

    def show_like_confirmed(self, item_id: str) -> None:
        self._view.show_like_confirmed(item_id)
        page = self._page
        if page is not None and item_id in page.item_ids:
            self._recorder.liked(page.visit_id, _name(page.emotion), item_id)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._view, name)


def record_vision_result(recorder: Recorder, result: Any) -> None:
    """One `kiosk.vision.pipeline.VisionResult` into the recorder."""
    if result.visit_ended and result.ended_visit_id:
        recorder.visit_ended(result.ended_visit_id)
    if result.visit_started and result.visit_id:
        recorder.visit_started(result.visit_id)
    if result.reading is not None and result.visit_id:
        recorder.emotion_settled(result.visit_id, _name(result.reading.emotion))
    total = result.latency.get("total_ms") if result.latency else None
    if total is not None:
        recorder.vision_latency(float(total))


def _name(emotion: Any) -> str:
    return str(getattr(emotion, "value", emotion))
