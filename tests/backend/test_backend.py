"""KioskBackend on the real recommendation service and event queue (demo catalog)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.backend import KioskBackend
from kiosk.config import load_settings
from kiosk.domain import Emotion, RecommendMode
from kiosk.events.errors import EventsError
from kiosk.events.queue import EventQueue


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[KioskBackend]:
    settings = load_settings(env={}, overrides={"app.data_dir": str(tmp_path / "data")})
    b = KioskBackend.from_settings(settings)
    b.image_size = (64, 64)
    b.open()
    yield b
    b.close()


def kinds(b: KioskBackend) -> dict[str, int]:
    assert b.queue is not None
    return {k: n for k, n in b.queue.counts().pending.items() if n}


def test_page_has_decoded_images_and_no_uploader_offline(backend: KioskBackend) -> None:
    result = backend.page(1, "v1", Emotion.HAPPY, None, RecommendMode.AUTO, 3)
    assert result.request == 1 and len(result.page.items) == 3
    for item in result.page.items:
        assert result.images[item.id].shape == (64, 64, 3)
    assert backend.uploader is None  # AWS not configured: nothing is uploaded
    status = backend.status()
    assert status.catalog_counts is not None and status.catalog_counts["happy"] == 24
    assert status.uploads_off.startswith("off")


def test_like_is_committed_with_the_page_context(backend: KioskBackend) -> None:
    page = backend.page(1, "v1", Emotion.SAD, None, RecommendMode.AUTO, 3).page
    result = backend.like(page, page.item_ids[1], tapped_at=1_700_000_000.0, user_id=None)
    assert result.item_id == page.item_ids[1]
    assert kinds(backend) == {"event": 1}  # the liked page's impression rides on the like
    assert isinstance(backend.queue, EventQueue)
    rows = backend.queue.next_batch(["event"])
    assert rows is not None
    body = rows.bodies[0]
    assert body["itemId"] == page.item_ids[1]
    assert body["impression"] == list(page.item_ids)
    assert '"emotion": "SAD"' in body["properties"]
    assert rows.session_id == "v1"


def test_page_left_without_like_becomes_an_impression(backend: KioskBackend) -> None:
    backend.page(1, "v1", Emotion.CALM, None, RecommendMode.AUTO, 3)
    second = backend.page(2, "v1", Emotion.CALM, None, RecommendMode.AUTO, 3).page  # Next
    assert kinds(backend) == {"impression": 1}
    backend.end_visit("v1", second)  # the second page was left too
    assert kinds(backend) == {"impression": 2}


def test_a_page_still_loading_when_the_visit_ends_is_no_impression(
    backend: KioskBackend,
) -> None:
    first = backend.page(1, "v1", Emotion.CALM, None, RecommendMode.AUTO, 3).page
    # Next, never drawn: the visit ended
    backend.page(2, "v1", Emotion.CALM, None, RecommendMode.AUTO, 3)
    assert kinds(backend) == {"impression": 1}  # the first page, left for the second
    backend.end_visit("v1", first)
    assert kinds(backend) == {"impression": 1}
    backend.page(1, "v2", Emotion.CALM, None, RecommendMode.AUTO, 3)  # drawn? the visit ended first
    backend.end_visit("v2", None)
    assert kinds(backend) == {"impression": 1}


def test_attract_images_interleave_emotions(backend: KioskBackend) -> None:
    images = backend.attract_images(8, size=(32, 32))
    assert len(images) == 8
    assert all(i.shape == (32, 32, 3) for i in images)


def test_attract_images_are_not_enlarged(backend: KioskBackend) -> None:
    """The demo catalog's images are 640x640: asked for 800x800 (the default), they
    stay 640x640 (1.2 MB each, not 1.9 MB of upscaled pixels)."""
    images = backend.attract_images(4)
    assert images and all(i.shape == (640, 640, 3) for i in images)


def test_review_and_approve_a_pending_image(tmp_path: Path) -> None:
    """The admin panel's review: thumbnails, approve → live catalog + PutItems queued."""
    import shutil

    from PIL import Image

    from kiosk.curation.pool import PendingPool
    from kiosk.resources import catalog_root

    catalog = tmp_path / "catalog"
    shutil.copytree(catalog_root() / "calm", catalog / "calm")
    settings = load_settings(env={}, overrides={
        "app.data_dir": str(tmp_path / "data"), "recommend.catalog_dir": str(catalog)})
    b = KioskBackend.from_settings(settings)
    b.open()
    try:
        new = tmp_path / "sunrise.png"
        sunrise = Image.new("RGB", (640, 480), (250, 180, 90))
        sunrise.paste((40, 40, 120), (0, 300, 640, 480))  # not one flat colour: not empty
        sunrise.save(new)
        pool = b._pending_pool()
        assert isinstance(pool, PendingPool)
        entry = pool.add_file(new, Emotion.HAPPY)
        thumbs = b.pending_thumbnails(max_side=64)
        assert [(key, emotion, name) for key, emotion, _, name in thumbs] == [
            (entry.id, Emotion.HAPPY, "sunrise.png")]
        assert max(thumbs[0][2].shape[:2]) == 64
        assert b.approve(entry.id) == []  # the pool is empty again
        assert (catalog / "happy" / "sunrise.png").is_file()
        assert (b.status().catalog_counts or {})["happy"] == 1  # ranked over at once
        assert kinds(b) == {"item": 1}  # PutItems queued
    finally:
        b.close()


def test_forget_users_removes_their_likes_and_queued_records(backend: KioskBackend) -> None:
    """Identity's "Forget me": the person's like history and their records still
    waiting for upload go; other visitors' records stay."""
    page = backend.page(1, "v1", Emotion.HAPPY, "user-a", RecommendMode.AUTO, 3).page
    backend.like(page, page.item_ids[0], tapped_at=1.0, user_id="user-a")
    other = backend.page(2, "v2", Emotion.HAPPY, "user-b", RecommendMode.AUTO, 3).page
    backend.like(other, other.item_ids[0], tapped_at=2.0, user_id="user-b")
    assert backend.queue is not None
    backend.queue.record_user("user-a", Emotion.HAPPY)
    backend.recommender.embedded.flush()  # type: ignore[attr-defined]
    assert backend.forget_users(["user-a"]) >= 3  # 1 like event, 1 PutUsers, 1 history row
    assert kinds(backend) == {"event": 1}
    assert isinstance(backend.queue, EventQueue)
    batch = backend.queue.next_batch(["event"])
    assert batch is not None and batch.user_id == "user-b"
    history = backend.recommender.embedded._user_history  # type: ignore[attr-defined]
    assert history("user-a") == [] and history("user-b") == [other.item_ids[0]]


def test_like_listeners_hear_each_saved_like_once(backend: KioskBackend) -> None:
    heard: list[str] = []

    def broken(_like: object) -> None:
        raise RuntimeError("listener bug")

    backend.like_listeners.extend([broken, lambda like: heard.append(like.item_id)])
    page = backend.page(1, "v1", Emotion.SAD, None, RecommendMode.AUTO, 3).page
    like = backend.commit_like(page, page.item_ids[0], 1_700_000_000.0, None)  # still saved
    assert heard == [like.item_id] and kinds(backend) == {"event": 1}
    queue = backend.queue
    assert queue is not None

    def refused(_like: object, **_: object) -> int:
        raise EventsError("the disk is full")

    saving, queue.record_like = queue.record_like, refused  # type: ignore[method-assign,assignment]
    try:
        with pytest.raises(EventsError):
            backend.commit_like(page, page.item_ids[1], 1_700_000_001.0, None)
    finally:
        queue.record_like = saving  # type: ignore[method-assign]
    assert heard == [like.item_id]  # a like that was not saved is not heard


def test_the_end_of_a_visit_gives_the_free_heap_back(
    backend: KioskBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kiosk.backend import kiosk_backend

    trims: list[str] = []
    monkeypatch.setattr(kiosk_backend, "release_free_heap", lambda why="": trims.append(why))
    def release_code_pages(why: str = "") -> int:
        trims.append(f"code pages after {why}")
        return 0

    monkeypatch.setattr(kiosk_backend, "release_code_pages", release_code_pages)
    page = backend.page(1, "v1", Emotion.CALM, None, RecommendMode.AUTO, 3).page
    assert trims == []  # not per page
    backend.end_visit("v1", page)
    assert trims == ["a visit", "code pages after a visit"]


def test_a_like_with_a_queue_that_never_opened_fails_as_lasting(backend: KioskBackend) -> None:
    """The queue is opened once, at start: when that failed (a file newer than this build,
    no room), every like of the run fails the same way, so the error is one the visit
    controller recognises as lasting (the visitor reads "Likes can't be saved right now",
    not "Please try again"). Old code: a plain EventsError."""
    from kiosk.events import QueueNotOpenError

    def refused() -> EventQueue:
        raise EventsError("the event queue is version 5, newer than this kiosk")

    page = backend.page(1, "v1", Emotion.HAPPY, None, RecommendMode.AUTO, 3).page
    fresh = KioskBackend(events_opener=refused)
    assert fresh.open_events() is None
    with pytest.raises(QueueNotOpenError, match="newer than this kiosk"):
        fresh.commit_like(page, page.item_ids[0], 1_700_000_000.0, None)


def test_a_queue_that_could_not_open_at_start_is_opened_by_a_later_like(
        backend: KioskBackend, tmp_path: Path) -> None:
    """A disk full when the kiosk starts, freed later: the next like opens the queue
    and is saved (old code: every like of the run failed until a restart, while the
    admin panel said the disk was OK; fresh tester round 9)."""
    from kiosk.events import QueueNotOpenError

    full = [True]

    def opener() -> EventQueue:
        if full[0]:
            raise EventsError("the disk is full (0 MB free)")
        return EventQueue(tmp_path / "events.sqlite3")

    page = backend.page(1, "v1", Emotion.HAPPY, None, RecommendMode.AUTO, 3).page
    fresh = KioskBackend(events_opener=opener)
    assert fresh.open_events() is None
    with pytest.raises(QueueNotOpenError, match="0 MB free"):
        fresh.commit_like(page, page.item_ids[0], 1_700_000_000.0, None)
    full[0] = False  # space freed
    like = fresh.commit_like(page, page.item_ids[0], 1_700_000_001.0, None)
    assert fresh.queue is not None and fresh.open_error == ""
    assert fresh.queue.counts().pending.get("event") == 1 and like.item_id == page.item_ids[0]
    fresh.queue.close()
