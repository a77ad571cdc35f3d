"""Adapts the controller's plain data (numpy images) to the window's Qt slots.

The controller and workers never import QtGui (import contract); images travel
as numpy arrays (camera frames BGR, catalog images RGB) and become QImages here,
on the GUI thread. Camera frames are copied (~1 ms for a 640x480 frame), so each
QImage owns its pixels and the producer may reuse its array. Catalog images are not:
they come read-only from the back end (`kiosk.recommend.images`) and are never changed,
so their QImages share the arrays' pixels. A page's images (3 × 640×640 RGB, 1.2 MB
each) are then held once, by the page-image cache and the cards together, not twice;
PySide6's QImage keeps a reference to the buffer it was made from, so an array lives
as long as a QImage over it. The attract slideshow's arrays are also held by the
adapter while the window holds their QImages (8 catalog images of at most 800×800 RGB:
up to 15 MB not copied).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from PySide6.QtGui import QImage

from kiosk.backend import Thumbnail
from kiosk.camera.capture import CameraState
from kiosk.domain import Emotion, EmotionReading, Page, RecommendMode
from kiosk.status import KioskStatus
from kiosk.ui.main_window import MainWindow


def bgr_to_qimage(image: np.ndarray) -> QImage:
    return _to_qimage(image, QImage.Format.Format_BGR888)


def rgb_to_qimage(image: np.ndarray) -> QImage:
    return _to_qimage(image, QImage.Format.Format_RGB888)


def shared_rgb_qimage(image: np.ndarray) -> QImage:
    """A QImage over a read-only RGB array's own pixels (no copy); a writable array,
    which its producer may change, is copied."""
    if image.flags.writeable:
        return rgb_to_qimage(image)
    return _shared_qimage(_pixels(image), QImage.Format.Format_RGB888)


def _to_qimage(image: np.ndarray, fmt: QImage.Format) -> QImage:
    return _shared_qimage(_pixels(image), fmt).copy()  # own the pixels: the array
    # may be reused by its producer


def _pixels(image: np.ndarray) -> np.ndarray:
    """HxWx3 uint8, C-contiguous (the same array when it already is)."""
    if image.ndim == 2:
        image = np.repeat(image[:, :, None], 3, axis=2)
    return np.ascontiguousarray(image[:, :, :3], dtype=np.uint8)


def _shared_qimage(array: np.ndarray, fmt: QImage.Format) -> QImage:
    """A QImage over `array`'s pixels: valid only while `array` lives unchanged."""
    height, width = array.shape[:2]
    return QImage(array.data, width, height, array.strides[0], fmt)


class ViewAdapter:
    """Implements `kiosk.controllers.seams.View` on top of `MainWindow`."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self._attract_pixels: list[np.ndarray] = []  # under the window's attract QImages

    def show_frame(self, image_bgr: np.ndarray,
                   boxes: Sequence[tuple[float, float, float, float, bool]]) -> None:
        self.window.show_frame(bgr_to_qimage(image_bgr),
                               [((x, y, w, h), primary) for x, y, w, h, primary in boxes])

    def show_emotion(self, reading: EmotionReading | None) -> None:
        self.window.show_emotion(reading)

    def show_page_mood(self, emotion: Emotion) -> None:
        self.window.show_page_mood(emotion)

    def cards_that_fit(self, asked: int) -> int:
        return self.window.cards_that_fit(asked)

    def show_page(self, page: Page, images: Mapping[str, np.ndarray]) -> None:
        self.window.show_page(page, {k: shared_rgb_qimage(v) for k, v in images.items()})

    def set_mode(self, mode: RecommendMode, personalization_ready: bool) -> None:
        self.window.set_mode(mode, personalization_ready)

    def set_camera_state(self, state: CameraState, message: str) -> None:
        self.window.set_camera_state(state, message)

    def set_vision_ready(self, ready: bool) -> None:
        self.window.set_vision_ready(ready)

    def set_vision_failed(self, message: str) -> None:
        self.window.set_vision_failed(message)

    def show_attract(self, images: Sequence[np.ndarray]) -> None:
        pixels = [_pixels(i) for i in images]
        self.window.show_attract(
            [_shared_qimage(p, QImage.Format.Format_RGB888) for p in pixels])
        self._attract_pixels = pixels  # the window now holds these QImages, not the old

    def drop_attract(self) -> None:
        self.window.drop_attract()
        self._attract_pixels = []  # the window holds no QImage over them any more

    def wake(self) -> None:
        self.window.wake()

    def set_page_leaving(self, leaving: bool) -> None:
        self.window.set_page_leaving(leaving)

    def set_page_held(self, held: bool) -> None:
        self.window.set_page_held(held)

    def clear_page(self) -> None:
        self.window.clear_page()

    def set_moods_with_images(self, moods: frozenset[Emotion]) -> None:
        self.window.mood.set_moods_with_images(moods)

    def show_page_not_changed(self) -> None:
        self.window.show_page_not_changed()

    def show_like_confirmed(self, item_id: str) -> None:
        self.window.show_like_confirmed(item_id)

    def show_like_failed(self, item_id: str, message: str, lasting: bool = False,
                         on_screen: bool = True) -> None:
        self.window.show_like_failed(item_id, message, lasting, on_screen)

    def clear_visitor_notice(self) -> None:
        self.window.clear_visitor_notice()

    def set_status(self, status: KioskStatus) -> None:
        self.window.set_status(status.as_dict())

    def show_message(self, text: str) -> None:
        self.window.show_message(text)

    def show_operator_result(self, text: str, failed: bool) -> None:
        self.window.show_operator_result(text, failed)

    def show_curation(self, items: Sequence[Thumbnail]) -> None:
        self.window.show_curation([(key, emotion, rgb_to_qimage(thumb), name)
                                   for key, emotion, thumb, name in items])

    def show_curation_error(self, item_id: str, message: str) -> None:
        self.window.show_curation_error(item_id, message)

    def show_waiting(self, reason: str) -> None:
        self.window.show_waiting(reason)

    def set_headline_pending(self, reason: str) -> None:
        self.window.set_headline_pending(reason)

    def open_mood_picker(self) -> None:
        self.window.open_mood_picker()

    def close_mood_picker(self) -> None:
        self.window.close_mood_picker()
