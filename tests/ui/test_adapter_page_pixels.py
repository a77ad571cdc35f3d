"""A page's catalog images reach the cards without a second copy of their pixels."""

from __future__ import annotations

import gc
import weakref
from typing import Any

import numpy as np

from kiosk.domain import Emotion, Item, Page
from kiosk.ui.adapter import ViewAdapter, shared_rgb_qimage


def _page(n: int, tag: str) -> tuple[Page, dict[str, np.ndarray]]:
    items = tuple(Item(f"emotions/happy/{tag}{i}.jpg", Emotion.HAPPY, f"{tag}{i}.jpg")
                  for i in range(n))
    images = {}
    for i, item in enumerate(items):
        array = np.full((48, 64, 3), (10 * i, 200, 30), np.uint8)
        array.flags.writeable = False  # as the page-image cache hands them out
        images[item.id] = array
    return Page(items=items, emotion=Emotion.HAPPY, visit_id="v"), images


def test_the_cards_share_the_page_images_pixels_until_the_next_page(
        make_window: Any) -> None:
    """Old code copied each image into its QImage (1.2 MB more per 640x640 image)."""
    window = make_window(1280, 800)
    adapter = ViewAdapter(window)
    page, images = _page(3, "a")
    adapter.show_page(page, images)

    cards = window.main.grid.cards()
    assert [c.item_id for c in cards] == list(page.item_ids)
    for card in cards:
        shown = card._image
        assert shown.width() == 64 and shown.height() == 48
        pixels = np.frombuffer(shown.constBits(), np.uint8)
        assert np.shares_memory(pixels, images[card.item_id])
    del shown, pixels
    assert cards[2]._image.pixelColor(5, 5).name() == "#14c81e"  # (20, 200, 30)

    # The cards keep the arrays alive on their own, and let go on the next page.
    alive = [weakref.ref(a) for a in images.values()]
    del images
    gc.collect()
    assert all(ref() is not None for ref in alive)
    assert cards[1]._image.pixelColor(0, 0).name() == "#0ac81e"  # (10, 200, 30)
    next_page, next_images = _page(3, "b")
    adapter.show_page(next_page, next_images)
    gc.collect()
    assert all(ref() is None for ref in alive)


def test_a_writable_array_is_copied_not_shared() -> None:
    array = np.zeros((4, 4, 3), np.uint8)
    image = shared_rgb_qimage(array)
    array[:] = 255  # its producer may change it: the QImage must not see that
    color = image.pixelColor(0, 0)
    assert (color.red(), color.green(), color.blue()) == (0, 0, 0)
