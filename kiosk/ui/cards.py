"""Recommendation cards: an image with a big Like, laid out as a row or a column.

A Like has three states, each visibly different:
- "idle": an outlined heart and "Like"; tappable;
- "pending": the first tap plays a short pop and shows "Saving…" with the heart
  still outlined and the button disabled, so a double tap cannot count twice;
- "confirmed": a filled heart and "Liked", set only once the event queue has
  committed the like (`set_like_state("confirmed")`); a failed save reverts to
  "idle" so the visitor can tap again.
While the page is being replaced (Next, a new mood, …) its Like buttons are closed
(`CardGrid.set_likes_open(False)`): an idle one is dimmed and takes no tap, so no like
is saved for an image that leaves before it could say "Liked".
A card whose image has just been drawn (a new page, the first page of a visit, or one
card replaced in place) on screen takes no Like tap for `like_guard_s` (0.35 s by default, the
`[ui] like_guard_s` setting): a tap that soon was aimed at what was there before (a
person needs at least ~0.25 s to see a picture and react; a double tap's second tap
comes 0.08-0.3 s after the first). Its Like fades in over that time, dimmed and closed
until it is fully there; a tap then is logged at DEBUG and does nothing. A card that
shows the same image as before (a new page that keeps it in its place) is not guarded:
the finger meant that image.
A card without an item (a placeholder while the first page is on its way) shows
no Like button at all: nothing that cannot act is offered.

An image from outside the mood the page answers (`Page.off_emotion`: "For you" taste,
or exploration) says so in a small caption over its corner (`set_off_mood`): "Also
for you" on a "For you" page, "Another mood" on an Emotion page.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable

from PySide6.QtCore import (
    QAbstractAnimation,
    QEasingCurve,
    QEvent,
    QObject,
    QRectF,
    QSize,
    Qt,
    QTimer,
    QVariantAnimation,
    Signal,
)
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QHideEvent,
    QImage,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPixmap,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from kiosk.domain import RecommendMode
from kiosk.ui import icons, theme
from kiosk.ui.card_layout import capacity, card_parts, choose_grid, usual_columns
from kiosk.ui.widgets import TouchButton

LIKE_STATES = ("idle", "pending", "confirmed")
LIKE_GUARD_S = 0.35
"""Seconds a freshly drawn card's Like takes no tap (the `[ui] like_guard_s` default): past
a double tap's second tap (0.08-0.3 s) and the quickest reaction to a new picture
(~0.25 s), well short of a deliberate Like (the picture seen, then the tap: 0.6 s and
more). The same as the touch guard's settle time after a screen change."""
_PRESSES = frozenset({QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick,
                      QEvent.Type.TouchBegin})
_FADE_FROM = 0.3  # the Like's opacity when its card has just been drawn

log = logging.getLogger(__name__)


class ImageCard(QWidget):
    """One recommended image with its Like button.

    Signals:
        like_clicked(str item_id): emitted once, on the first tap of Like.
    """

    like_clicked = Signal(str)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        guard_s: float = LIKE_GUARD_S,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._guard_s = max(0.0, guard_s)
        self._guard_until: float | None = None  # Like takes no tap until then (see module)
        self._drawn_at = 0.0
        self.swallowed = 0  # Like taps in the guard so far (the log says each)
        self._item_id = ""
        self._image = QImage()
        self._pixmap: QPixmap | None = None
        self._pixmap_size = QSize()
        self._metrics = theme.Metrics()
        self._state = "idle"
        self._likes_open = True  # False while the page is being replaced
        self._burst = 0.0  # 0..1 progress of the heart burst over the image
        self._fits_cache: dict[tuple[int, int, int, str, str, str], bool] = {}
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.like_button = TouchButton(
            "", icon=icons.heart_icon(False), variant="secondary", size="big", parent=self
        )
        self.like_button.setObjectName("like-button")
        self.like_button.set_dim_when_disabled(False)
        self.like_button.set_fit_text(True)  # "좋아요 완료" on a narrow card: never "좋아요…"
        self.like_button.clicked.connect(self._on_like)
        self.like_button.installEventFilter(self)
        self._anim = QVariantAnimation(self)
        self._anim.setObjectName("like-pop")
        self._anim.setStartValue(0.0)
        self._anim.setEndValue(1.0)
        self._anim.setDuration(520)
        self._anim.setEasingCurve(QEasingCurve.Type.OutCubic)
        self._anim.valueChanged.connect(self._on_anim)
        self._anim.finished.connect(self._on_anim_finished)
        self._guard_timer = QTimer(self)
        self._guard_timer.setObjectName("like-guard")
        self._guard_timer.setSingleShot(True)
        self._guard_timer.timeout.connect(self.check_guard)
        self._fade = QVariantAnimation(self)
        self._fade.setObjectName("like-fade-in")
        self._fade.setStartValue(_FADE_FROM)
        self._fade.setEndValue(1.0)
        self._fade.setEasingCurve(QEasingCurve.Type.InQuad)
        self._fade.valueChanged.connect(self._on_fade)
        self._off_mood: RecommendMode | None = None  # the page's mode, for an off-mood image
        self.caption = QLabel(self)
        self.caption.setObjectName("off-mood-caption")
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.caption.hide()
        self._style_caption()
        self.retranslate()

    # ------------------------------------------------------------------ API

    @property
    def item_id(self) -> str:
        return self._item_id

    def like_state(self) -> str:
        return self._state

    def set_item(self, item_id: str, image: QImage | None) -> None:
        if item_id != self._item_id and self.like_button.isDown():
            # A finger is on Like while a new page swaps this card's image: the release
            # must not like an image the shopper never pressed (Qt emits no clicked for a
            # release on a button that is no longer down).
            self.like_button.setDown(False)
        self._anim.stop()
        self._burst = 0.0
        changed = item_id != self._item_id
        self._item_id = item_id
        if changed and item_id:
            self._start_guard()  # a new image under the finger
        elif changed:
            self._end_guard()  # a placeholder: no Like at all
        self._image = image if image is not None else QImage()
        self._pixmap = None
        self._off_mood = None
        self.set_like_state("idle")
        self.update()

    def set_off_mood(self, page_mode: RecommendMode | None) -> None:
        """This image is not of the mood its page answers (`page_mode`: the page's
        mode, which picks the caption's words), or None: it is."""
        self._off_mood = page_mode
        self.retranslate()

    def caption_text(self) -> str:
        """The off-mood caption as shown ("" when there is none)."""
        return self.caption.text() if not self.caption.isHidden() else ""

    def set_like_state(self, state: str) -> None:
        if state not in LIKE_STATES:
            raise ValueError(f"like state {state!r}; allowed: {', '.join(LIKE_STATES)}")
        self._state = state
        liked = state == "confirmed"
        has_item = bool(self._item_id)
        self.like_button.setVisible(has_item)
        guarded = self._guard_until is not None
        if state != "idle":
            self.like_button.set_opacity(1.0)
        self.like_button.setEnabled(
            state == "idle" and has_item and self._likes_open and not guarded)
        # pending: dimmed and outlined, so it never reads as "Liked"; closed: dimmed;
        # guarded: fading in (its own opacity, see _start_guard)
        self.like_button.set_dim_when_disabled(
            state == "pending" or (state == "idle" and not self._likes_open))
        self.like_button.set_variant("primary" if liked else "secondary")
        self.like_button.set_accent(theme.LIKE)
        self.like_button.set_icon(
            icons.heart_icon(liked), theme.ON_ACCENT if liked else theme.LIKE
        )
        self.retranslate()

    def set_metrics(self, metrics: theme.Metrics) -> None:
        self._metrics = metrics
        self._pixmap = None
        self._style_caption()
        self._place_button()

    def retranslate(self) -> None:
        texts = {"idle": self.tr("Like"), "pending": self.tr("Saving…"),
                 "confirmed": self.tr("Liked")}
        self.like_button.setText(texts[self._state])
        if self._off_mood is None or not self._item_id:
            self.caption.setText("")
            self.caption.hide()
            return
        self.caption.setText(
            self.tr("Also for you") if self._off_mood is RecommendMode.PERSONALIZED
            else self.tr("Another mood")
        )
        self.caption.show()
        self._place_caption()

    def labels_key(self) -> tuple[int, str, str, str]:
        """What `like_fits` depends on besides the size: the font size and the words."""
        return (self.like_button.font().pixelSize(), self.tr("Like"), self.tr("Saving…"),
                self.tr("Liked"))

    def like_fits(self, width: int, height: int) -> bool:
        """Whether Like, Saving… and Liked each fit whole on a Like button of this size
        (`TouchButton.fit_in`), in the current language."""
        key = (width, height, *self.labels_key())
        fits = self._fits_cache.get(key)
        if fits is None:
            fits = all(self.like_button.fit_in(text, width, height) is not None
                       for text in (self.tr("Like"), self.tr("Saving…"), self.tr("Liked")))
            if len(self._fits_cache) > 256:
                self._fits_cache.clear()
            self._fits_cache[key] = fits
        return fits

    def stop_animations(self) -> None:
        """Stop the pop and end the guard (hide, close, shutdown): a card shown again
        comes with a screen change, which the touch guard settles."""
        self._anim.stop()
        self._burst = 0.0
        self.like_button.set_icon_scale(1.0)
        self._end_guard()

    # ------------------------------------------------------------------ like

    def set_likes_open(self, likes_open: bool) -> None:
        """False while the page is being replaced: Like takes no tap (see the module)."""
        if likes_open != self._likes_open:
            self._likes_open = likes_open
            self.set_like_state(self._state)

    def likes_open(self) -> bool:
        """Whether Like takes a tap now: the page is not leaving and the card's image
        was drawn long enough ago (False while guarded)."""
        return self._likes_open and self._guard_until is None

    # ------------------------------------------------------------------ guard

    def guarded(self) -> bool:
        """True while the card's image is too new for a Like (see the module)."""
        return self._guard_until is not None

    def guard_remaining_s(self) -> float:
        """Seconds left of the guard by the clock (0 when none)."""
        if self._guard_until is None:
            return 0.0
        return max(0.0, self._guard_until - self._clock())

    def check_guard(self) -> None:
        """Open Like if the guard is over by the clock, else wait for the rest (the
        guard timer calls this; so does a test that moved its fake clock)."""
        if self._guard_until is None:
            return
        left = self._guard_until - self._clock()
        if left <= 0.0:
            self._end_guard()
        elif self.isVisible():
            self._guard_timer.start(max(1, math.ceil(left * 1000)))

    def _start_guard(self) -> None:
        self._drawn_at = self._clock()
        parent = self.parentWidget()
        on_screen = self.isVisible() or (parent is not None and parent.isVisible())
        if self._guard_s <= 0.0 or not on_screen:
            # Drawn off screen (the page came while another screen was shown): no finger
            # was on it, and the screen change that shows it has the touch guard's settle.
            self._end_guard()
            return
        self._guard_until = self._drawn_at + self._guard_s
        ms = max(1, math.ceil(self._guard_s * 1000))
        self._fade.stop()
        self._fade.setDuration(ms)
        self.like_button.set_opacity(_FADE_FROM)
        if self.isVisible():
            self._fade.start()
            self._guard_timer.start(ms)

    def _on_fade(self, value: object) -> None:
        # only a Like that will take a tap fades in; "Saving…" and "Liked" stay as they are
        t = float(value)  # type: ignore[arg-type]
        self.like_button.set_opacity(t if self._state == "idle" else 1.0)

    def _end_guard(self) -> None:
        was = self._guard_until is not None
        self._guard_until = None
        self._guard_timer.stop()
        self._fade.stop()
        self.like_button.set_opacity(1.0)
        if was:
            self.set_like_state(self._state)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        # The Like button is disabled in the guard, so Qt drops its presses: say them.
        if (obj is self.like_button and event.type() in _PRESSES
                and self._guard_until is not None and self._item_id):
            self.swallowed += 1
            log.debug("Like of %s tapped %.0f ms after its image was drawn: not taken "
                      "(ui.like_guard_s %.2f s)", self._item_id,
                      (self._clock() - self._drawn_at) * 1000, self._guard_s)
        return False

    def showEvent(self, event: QShowEvent) -> None:
        # a card new to the grid gets its image before it is shown: its guard starts here
        super().showEvent(event)
        if self._guard_until is not None:
            self.check_guard()
            if (self._guard_until is not None
                    and self._fade.state() != QAbstractAnimation.State.Running):
                self._fade.setDuration(max(1, math.ceil(self.guard_remaining_s() * 1000)))
                self._fade.start()

    def _on_like(self) -> None:
        if (self._state != "idle" or not self._item_id or not self._likes_open
                or self._guard_until is not None):
            return
        self.set_like_state("pending")
        self._anim.stop()
        self._anim.start()
        self.like_clicked.emit(self._item_id)

    def _on_anim(self, value: object) -> None:
        t = float(value)  # type: ignore[arg-type]
        self._burst = t
        self.like_button.set_icon_scale(1.0 + 0.45 * math.sin(math.pi * t))
        self.update()

    def _on_anim_finished(self) -> None:
        self._burst = 0.0
        self.like_button.set_icon_scale(1.0)
        self.update()

    def hideEvent(self, event: QHideEvent) -> None:
        self.stop_animations()
        super().hideEvent(event)

    # ------------------------------------------------------------------ layout

    def _image_rect(self) -> QRectF:
        return card_parts(self.width(), self.height(), self._metrics)[0]

    def image_rect(self) -> QRectF:
        """Where the image is drawn, in the card's coordinates."""
        return self._image_rect()

    def _place_button(self) -> None:
        # a short card (many images on a page): the button gives the image its
        # minimum first, never going below a touch target's side (kiosk.ui.card_layout)
        self.like_button.setGeometry(card_parts(self.width(), self.height(), self._metrics)[1])

    def _style_caption(self) -> None:
        m = self._metrics
        self.caption.setFont(theme.font(m.caption, QFont.Weight.DemiBold))
        pad_v, pad_h = m.px(6), m.px(14)
        self.caption.setStyleSheet(
            f"color: {theme.TEXT.name()}; background: rgba(15, 18, 24, 200);"
            f" border-radius: {m.px(16)}px; padding: {pad_v}px {pad_h}px;"
        )
        self._place_caption()

    def _place_caption(self) -> None:
        """Over the image's top-left corner, within the image (words wrap if narrow)."""
        if self.caption.isHidden():
            return
        img = self._image_rect()
        inset = self._metrics.px(12)
        room = max(1, int(img.width()) - 2 * inset)
        self._shrink_caption(room)
        self.caption.setWordWrap(False)
        hint = self.caption.sizeHint()
        if hint.width() > room:
            self.caption.setWordWrap(True)
            hint.setWidth(room)
            hint.setHeight(self.caption.heightForWidth(room))
        self.caption.setGeometry(int(img.left()) + inset, int(img.top()) + inset,
                                 hint.width(), hint.height())
        self.caption.raise_()

    def _shrink_caption(self, room: int) -> None:
        """The caption's font, smaller on a narrow image until its longest word fits
        (down to 60 %: a card of a page of 25 images)."""
        base = self._metrics.caption
        pad_h = 2 * self._metrics.px(14)
        words = self.caption.text().split()
        size = base
        for size in range(base, max(9, int(base * 0.6)) - 1, -1):
            fm = QFontMetrics(theme.font(size, QFont.Weight.DemiBold))
            if max((fm.horizontalAdvance(w) for w in words), default=0) + pad_h <= room:
                break
        if self.caption.font().pixelSize() != size:
            self.caption.setFont(theme.font(size, QFont.Weight.DemiBold))

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._pixmap = None
        self._place_button()
        self._place_caption()

    # ------------------------------------------------------------------ painting

    def _cover_pixmap(self, size: QSize) -> QPixmap:
        if self._pixmap is None or self._pixmap_size != size:
            scaled = self._image.scaled(
                size,
                Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                Qt.TransformationMode.SmoothTransformation,
            )
            x = (scaled.width() - size.width()) // 2
            y = (scaled.height() - size.height()) // 2
            self._pixmap = QPixmap.fromImage(scaled.copy(x, y, size.width(), size.height()))
            self._pixmap_size = size
        return self._pixmap

    def paintEvent(self, event: QPaintEvent) -> None:
        m = self._metrics
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(theme.SURFACE)
        p.drawRoundedRect(QRectF(self.rect()), m.radius, m.radius)

        img = self._image_rect()
        inner_radius = max(1, m.radius - m.px(10))
        clip = QPainterPath()
        clip.addRoundedRect(img, inner_radius, inner_radius)
        p.save()
        p.setClipPath(clip)
        if self._image.isNull():
            p.fillRect(img, theme.SURFACE_2)
            p.setPen(theme.TEXT_MUTED)
            p.setFont(theme.font(m.headline, QFont.Weight.Bold))
            p.drawText(img, int(Qt.AlignmentFlag.AlignCenter), "…")
        else:
            size = QSize(max(1, round(img.width())), max(1, round(img.height())))
            p.drawPixmap(img.topLeft(), self._cover_pixmap(size))
        p.restore()

        if self._burst > 0.0:
            side = min(img.width(), img.height()) * (0.3 + 0.25 * self._burst)
            p.setOpacity(max(0.0, 1.0 - self._burst) * 0.95)
            heart = QRectF(img.center().x() - side / 2, img.center().y() - side / 2, side, side)
            icons.draw_heart(p, heart, theme.LIKE, True)
            p.setOpacity(1.0)
        p.end()


class CardGrid(QWidget):
    """The page's cards in rows × columns chosen for the area (`kiosk.ui.card_layout`):
    one row in landscape, a column (or 2 columns for more than three) in portrait, or
    whatever keeps every card's image and Like usable. A page with more cards than can
    be usable there shows the first ones that are and says so (`overflow`). Card
    widgets are reused from page to page.

    Signals:
        like_requested(str item_id)
        overflow(int asked, int shown): a page of `asked` cards does not fit usable;
            `shown` are (emitted while shown, once per change).
    """

    like_requested = Signal(str)
    overflow = Signal(int, int)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        guard_s: float = LIKE_GUARD_S,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._guard_s = guard_s
        self._cards: list[ImageCard] = []
        self._count = 0  # cards on the page
        self._shown = 0  # of them, the ones that fit usable (the first ones)
        self._columns = 1
        self._told: tuple[int, int] | None = None  # the overflow said last
        self._plans: dict[tuple[object, ...], tuple[int, int]] = {}  # see _plan
        self._likes_open = True
        self._portrait = False
        self._metrics = theme.Metrics()
        self._tell = QTimer(self)
        self._tell.setObjectName("grid-overflow")
        self._tell.setSingleShot(True)
        self._tell.setInterval(0)
        self._tell.timeout.connect(self._say_overflow)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def cards(self) -> list[ImageCard]:
        """The cards on screen, in page order (the first `shown_count` of the page)."""
        return self._cards[: self._shown]

    def shown_count(self) -> int:
        return self._shown

    def fit_count(self, asked: int) -> int:
        """How many of a page of `asked` cards this grid would show at its size now
        (the first ones that fit usable); `asked` while it is not laid out yet."""
        asked = max(1, asked)
        if not self._cards or self.width() <= 0 or self.height() <= 0:
            return asked
        return min(asked, self._plan(self.width(), self.height(), asked)[0])

    def card(self, item_id: str) -> ImageCard | None:
        for card in self.cards():
            if card.item_id == item_id:
                return card
        return None

    def set_items(self, items: list[tuple[str, QImage | None]]) -> None:
        while len(self._cards) < len(items):
            card = ImageCard(self, clock=self._clock, guard_s=self._guard_s)
            card.set_likes_open(self._likes_open)
            card.set_metrics(self._metrics)
            card.like_clicked.connect(self.like_requested)
            card.hide()
            self._cards.append(card)
        for card, (item_id, image) in zip(self._cards, items, strict=False):
            card.set_item(item_id, image)
        self._count = len(items)
        self._relayout()

    def set_likes_open(self, likes_open: bool) -> None:
        """Whether the cards' Like buttons take taps (False: the page is leaving)."""
        self._likes_open = likes_open
        for card in self._cards:
            card.set_likes_open(likes_open)

    def guard_remaining_s(self) -> float:
        """Seconds until the last freshly drawn card's Like opens (0: all open)."""
        return max((c.guard_remaining_s() for c in self.cards()), default=0.0)

    def check_guards(self) -> None:
        """Open the Likes whose guard is over by the clock (`ImageCard.check_guard`)."""
        for card in self._cards:
            card.check_guard()

    def set_placeholders(self, count: int) -> None:
        """Empty cards while a page is on its way."""
        self.set_items([("", None)] * count)

    def set_portrait(self, portrait: bool) -> None:
        if portrait != self._portrait:
            self._portrait = portrait
            self._relayout()

    def set_metrics(self, metrics: theme.Metrics) -> None:
        self._metrics = metrics
        self._relayout()

    def stop_animations(self) -> None:
        for card in self._cards:
            card.stop_animations()

    def refit(self) -> None:
        """Lay the cards out again: the Like's words changed (a new language)."""
        self._relayout()

    def columns(self) -> int:
        """The columns the cards are in (as laid out at the grid's size)."""
        return self._columns

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._relayout()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._relayout()  # an overflow found while hidden is said now

    def _plan(self, w: int, h: int, n: int) -> tuple[int, int]:
        """(cards shown, columns) for `n` cards in `w`×`h` (kept: a page of many cards
        that does not fit takes ~10 ms to work out, and every page and resize asks)."""
        m, portrait = self._metrics, self._portrait
        card = self._cards[0]
        key = (w, h, n, portrait, m, card.labels_key())
        plan = self._plans.get(key)
        if plan is None:
            fits = card.like_fits
            shown = n
            choice = choose_grid(n, w, h, m, portrait=portrait, label_fits=fits)
            if choice is None:
                # not one card would be usable: an area not laid out yet (a hidden
                # screen) or absurdly small; all of them then, the usual arrangement
                shown = capacity(w, h, m, portrait=portrait, most=n, label_fits=fits) or n
                choice = choose_grid(shown, w, h, m, portrait=portrait, label_fits=fits)
            cols = choice.columns if choice is not None else min(n, usual_columns(n, portrait))
            if len(self._plans) > 64:
                self._plans.clear()
            plan = self._plans[key] = (shown, cols)
        return plan

    def _relayout(self) -> None:
        m = self._metrics
        w, h, n = self.width(), self.height(), self._count
        shown, cols = n, min(max(1, n), usual_columns(n, self._portrait))
        if n:
            shown, cols = self._plan(w, h, n)
        rows = max(1, math.ceil(shown / cols))
        gap = m.gap
        cw = max(1, (w - (cols - 1) * gap) // cols)
        ch = max(1, (h - (rows - 1) * gap) // rows)
        self._shown, self._columns = shown, cols
        for i, card in enumerate(self._cards):
            if i < shown:
                card.setGeometry((i % cols) * (cw + gap), (i // cols) * (ch + gap), cw, ch)
                card.show()
            else:
                card.hide()
        if self.isVisible():
            self._tell.start()  # once the layout has settled: not a passing size

    def _say_overflow(self) -> None:
        told = (self._count, self._shown) if self._shown < self._count else None
        if self.isVisible() and told != self._told:
            self._told = told
            if told is not None:
                self.overflow.emit(*told)

    def hideEvent(self, event: QHideEvent) -> None:
        self._tell.stop()
        super().hideEvent(event)
