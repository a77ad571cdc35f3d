"""The main screen: live preview, the read emotion, the privacy notice, the page
of recommendations with Like buttons, the Emotion / For you toggle and Next.

Landscape: a sidebar (preview, emotion, privacy, "Choose my mood") beside the
header, cards and Next. Portrait: header, then preview beside emotion and
privacy, the cards as a column, and a bottom row with "Choose my mood" and Next.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from kiosk.camera.capture import CameraState
from kiosk.domain import Emotion, EmotionReading, Page, RecommendMode
from kiosk.ui import icons, notices, texts, theme
from kiosk.ui.camera_view import CameraView, FaceBoxes
from kiosk.ui.cards import LIKE_GUARD_S, CardGrid
from kiosk.ui.header_text import HeaderText
from kiosk.ui.icons import FaceIcon
from kiosk.ui.privacy import PrivacyNotice
from kiosk.ui.widgets import SegmentedControl, TouchButton

NEXT_DEBOUNCE_S = 0.4
FACE_SEEN_HOLD_S = 0.5  # the badge's "Reading your mood…" outlasts a face missed this long
log = logging.getLogger(__name__)
_SHOWN_MODES = (RecommendMode.EMOTION, RecommendMode.PERSONALIZED)  # a toggle segment each
PRIVACY_MIN_SHARE = 0.75  # the landscape privacy text shrinks to this share of `small`…
PRIVACY_MIN_PX = 14  # …and never under this (see MainScreen._fit_sidebar)


def _label(parent: QWidget, name: str) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class EmotionBadge(QWidget):
    """The settled emotion: drawn face, name in the accent colour, confidence and a bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._metrics = theme.Metrics()
        self._reading: EmotionReading | None = None
        self._live = True  # the reading is the camera's now (not only the page's mood)
        self._camera_off = False
        self._face_seen = False  # the visitor's face is boxed in the preview
        self.face = FaceIcon(self)
        self.name = _label(self, "emotion-name")
        self.detail = _label(self, "emotion-detail")
        for label in (self.name, self.detail):
            # one line, shrunk to fit (see _fit_text): the card has a fixed height, so a
            # wrapped second line ("Looking for you…" in a narrow column) would be clipped
            label.setWordWrap(False)
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            label.setMinimumWidth(0)
        text = QVBoxLayout()
        text.setSpacing(0)
        text.addStretch(1)
        text.addWidget(self.name)
        text.addWidget(self.detail)
        text.addStretch(1)
        self._layout = QHBoxLayout(self)
        self._layout.addWidget(self.face, 0, Qt.AlignmentFlag.AlignVCenter)
        self._layout.addLayout(text, 1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.retranslate()

    def set_reading(self, reading: EmotionReading | None, *, live: bool = True) -> None:
        """`live` False: `reading` is the page's mood while the camera reads another
        (`MainScreen.show_page_mood`): no confidence, no bar."""
        self._reading = reading
        self._live = live
        self.retranslate()

    def set_camera_off(self, off: bool) -> None:
        self._camera_off = off
        self.retranslate()

    def set_face_seen(self, seen: bool) -> None:
        """The visitor's face is in the preview (boxed): with no reading yet the badge
        says their mood is being read, not "Looking for you…" under a boxed face."""
        if seen != self._face_seen:
            self._face_seen = seen
            if self._reading is None:
                self.retranslate()

    def set_metrics(self, m: theme.Metrics) -> None:
        self._metrics = m
        pad = m.px(22)
        self._layout.setContentsMargins(pad, pad, pad, pad + m.px(10))
        self._layout.setSpacing(m.px(20))
        self.face.set_side(m.px(96))
        self.name.setFont(theme.font(m.title, QFont.Weight.Bold))
        self.detail.setFont(theme.font(m.body))
        self.setFixedHeight(m.px(96) + 2 * pad + m.px(10))
        self.retranslate()

    def accent(self) -> QColor:
        r = self._reading
        return theme.accent_for(r.emotion) if r is not None else QColor(theme.TEXT)

    def retranslate(self) -> None:
        r = self._reading
        self.face.set_emotion(r.emotion if r is not None else None)
        if r is None and self._face_seen and not self._camera_off:
            self.name.setText(self.tr("Reading your mood…"))
            self.detail.setText(self.tr("Hold still a moment"))
        elif r is None:
            self.name.setText(self.tr("Looking for you…"))
            self.detail.setText(
                self.tr("Or choose your mood below") if self._camera_off
                else self.tr("Look at the camera")
            )
        else:
            self.name.setText(texts.emotion_name(r.emotion))
            if r.source == "manual":
                self.detail.setText(self.tr("Your choice"))
            elif not self._live:
                self.detail.setText(self.tr("Mood of these images"))
            elif r.uncertain:
                self.detail.setText(self.tr("Not sure yet"))
            else:
                self.detail.setText(
                    self.tr("%1 confidence").replace("%1", texts.percent(r.confidence))
                )
        name_color = self.accent() if r is not None else theme.TEXT
        self.name.setStyleSheet(f"color: {name_color.name()}; background: transparent;")
        self.detail.setStyleSheet(f"color: {theme.TEXT_MUTED.name()}; background: transparent;")
        self._fit_text()
        self.update()

    def _fit_text(self) -> None:
        """Shrink the name and detail fonts (down to 55 %) until each line fits."""
        m = self._metrics
        for label, size, weight in ((self.name, m.title, QFont.Weight.Bold),
                                    (self.detail, m.body, QFont.Weight.Normal)):
            width = label.width()
            font = theme.font(size, weight)
            if width > 0:
                floor = max(1, int(font.pixelSize() * 0.55)) if font.pixelSize() > 0 else 0
                while (QFontMetrics(font).horizontalAdvance(label.text()) > width
                       and font.pixelSize() > floor):
                    font.setPixelSize(font.pixelSize() - 1)
            label.setFont(font)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_text()

    def paintEvent(self, event: QPaintEvent) -> None:
        m = self._metrics
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        rect = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        p.setPen(QPen(theme.OUTLINE, max(1.0, m.scale * 2)))
        p.setBrush(theme.SURFACE)
        p.drawRoundedRect(rect, m.radius * 0.75, m.radius * 0.75)
        r = self._reading
        if r is not None and r.source != "manual" and self._live:
            inset = m.px(22)
            bar_h = m.px(8)
            track = QRectF(rect.left() + inset, rect.bottom() - inset * 0.75 - bar_h,
                           rect.width() - 2 * inset, bar_h)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(theme.SURFACE_2)
            p.drawRoundedRect(track, bar_h / 2, bar_h / 2)
            fill = QRectF(track)
            fill.setWidth(track.width() * max(0.0, min(1.0, r.confidence)))
            p.setBrush(self.accent())
            p.drawRoundedRect(fill, bar_h / 2, bar_h / 2)
        p.end()


class MainScreen(QWidget):
    """Signals:
    next_clicked(): the visitor tapped Next (debounced: one per 0.4 s; and none in the
        `like_guard_s` after a new page was drawn: that tap was aimed at the page before,
        and the new page already answers it).
    like_requested(str item_id): first tap of a card's Like.
    mode_selected(str): "emotion" or "personalized" from the toggle.
    mood_clicked(): "Choose my mood".
    message(str): something to tell the visitor in a toast.
    toggle_notice(str): why the toggle did not change ("For you" is locked until the
        visitor's likes open it), for a toast beside the toggle.
    """

    next_clicked = Signal()
    like_requested = Signal(str)
    mode_selected = Signal(str)
    mood_clicked = Signal()
    message = Signal(str)
    toggle_notice = Signal(str)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        page_size: int = 3,
        clock: Callable[[], float] = time.monotonic,
        like_guard_s: float = LIKE_GUARD_S,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._guard_s = max(0.0, like_guard_s)
        self._page_drawn_at = -1e9  # when a page with new images was last drawn
        self._page_size = page_size
        self._page: Page | None = None
        self._reading: EmotionReading | None = None
        self._mode = RecommendMode.EMOTION
        self._ready = False
        self._waiting = ""
        self._headline_pending = ""  # `set_headline_pending`: over a page, not its headline
        self._camera_off = False  # no mood from the camera: off, or reading off
        self._mood_reading = True  # False: vision failed, the camera reads no moods
        self._camera_state = CameraState.OPENING
        self.camera_detail = ""  # the technical reason, for the admin panel
        self._portrait: bool | None = None
        self._last_next = -1e9
        self._face_seen_at = -1e9  # the last preview frame with the visitor's face boxed
        self._metrics = theme.Metrics()

        self.camera = CameraView(self, clock=clock)
        self.badge = EmotionBadge(self)
        self.privacy = PrivacyNotice(self)
        self.header_text = HeaderText(self._header_candidates, self)
        self.headline = self.header_text.headline
        self.subline = self.header_text.subline
        self.mode_toggle = SegmentedControl(self)
        self.mode_toggle.add_segment(RecommendMode.EMOTION, "")
        self.mode_toggle.add_segment(RecommendMode.PERSONALIZED, "", icons.draw_sparkle)
        self.mode_toggle.set_current(RecommendMode.EMOTION)
        self.mode_toggle.selected.connect(self._on_mode)
        self.grid = CardGrid(self, clock=clock, guard_s=self._guard_s)
        self.grid.like_requested.connect(self.like_requested)
        self.grid.set_placeholders(page_size)
        self.next_button = TouchButton(
            "", icon=icons.chevron_icon("right"), variant="primary", size="big",
            icon_after=True, parent=self,
        )
        self.next_button.setObjectName("next-button")
        self.next_button.clicked.connect(self._on_next)
        self.mood_button = TouchButton(
            "", icon=icons.face_icon(Emotion.HAPPY), variant="secondary", parent=self
        )
        self.mood_button.setObjectName("mood-button")
        self.mood_button.clicked.connect(self.mood_clicked)
        self._body: QWidget | None = None
        self._root = QVBoxLayout(self)
        self._root.setContentsMargins(0, 0, 0, 0)
        self._apply_accent()
        self.retranslate()
        self._relayout(portrait=False)

    # ------------------------------------------------------------------ API

    def show_frame(self, image: QImage, face_boxes: FaceBoxes) -> None:
        self.camera.show_frame(image, face_boxes)
        now = self._clock()
        if any(primary for _, primary in face_boxes):
            self._face_seen_at = now
        # a face missed in a frame or two does not flip the badge back and forth
        self.badge.set_face_seen(now - self._face_seen_at < FACE_SEEN_HOLD_S)

    def show_emotion(self, reading: EmotionReading | None) -> None:
        self._reading = reading
        self.badge.set_reading(reading)
        self._apply_accent()
        self._refresh_header()

    def show_page_mood(self, emotion: Emotion) -> None:
        """The badge shows the page's mood without a confidence: the camera reads
        another mood now, held back from the shopper's page."""
        self._reading = EmotionReading(emotion, 0.0, {})
        self.badge.set_reading(self._reading, live=False)
        self._apply_accent()
        self._refresh_header()

    def show_page(self, page: Page, images: Mapping[str, QImage]) -> None:
        before = [card.item_id for card in self.grid.cards()]
        if before != [item.id for item in page.items]:
            self._page_drawn_at = self._clock()  # new images under the finger
        self._page = page
        self.grid.set_likes_open(True)
        self.grid.set_items([(item.id, images.get(item.id)) for item in page.items])
        off = {item.id for item in page.off_emotion}  # said on the card, not hidden
        for card in self.grid.cards():
            card.set_off_mood(RecommendMode(page.mode) if card.item_id in off else None)
        if page.mode in _SHOWN_MODES:
            self._mode = RecommendMode(page.mode)
            self.mode_toggle.set_current(page.mode)
        self._apply_accent()
        self._refresh_header()

    def show_waiting(self, reason: str) -> None:
        """Why there is no page yet, shown while there is none: "" (finding images),
        "no_face" (nobody in view), "unsure" (mood not read yet), "slow", "failed"."""
        self._waiting = reason
        self._refresh_header()

    def set_headline_pending(self, reason: str) -> None:
        """Whose mood the page on screen answers is not known to be whoever is in front:
        "no_face" (the visitor's face has been gone for vision's grace) or "unsure" (a
        face not known to be theirs, its mood not read yet) puts that reason's waiting
        text in the header over the page, which stays; "" gives the page its own
        headline back ("Because you look happy"). Without a page, `show_waiting` says."""
        self._headline_pending = reason
        self._refresh_header()

    def clear_page(self) -> None:
        """Forget the page (a new visit): placeholder cards until the next one."""
        self._page = None
        self.grid.set_likes_open(True)
        # as many as a page will have (`cards_that_fit`): not an overflow said each visit
        self.grid.set_placeholders(self.grid.fit_count(self._page_size))
        self._apply_accent()
        self._refresh_header()

    def page(self) -> Page | None:
        return self._page

    def cards_that_fit(self, asked: int) -> int:
        """How many cards of a page of `asked` the grid shows at its size now."""
        return self.grid.fit_count(asked)

    def set_mode(self, mode: RecommendMode, personalization_ready: bool) -> None:
        """Which toggle segment is lit (EMOTION or PERSONALIZED; AUTO changes nothing)
        and whether "For you" is open."""
        self._ready = personalization_ready
        if mode in _SHOWN_MODES:
            self._mode = RecommendMode(mode)
        self.mode_toggle.set_current(self._mode)
        self.mode_toggle.button(RecommendMode.PERSONALIZED).set_icon(
            icons.draw_sparkle if personalization_ready else icons.draw_lock
        )
        self._apply_accent()

    def set_camera_state(self, state: CameraState, message: str) -> None:
        """`message` is technical (for the admin panel, kept in `camera_detail`);
        the tile shows a short translated line instead."""
        off = state.off
        hand_only = off or not self._mood_reading  # no mood from the camera
        if hand_only != self._camera_off:
            self._camera_off = hand_only
            self.header_text.refit()  # "Tell us your mood" instead of "Step closer"
        self._camera_state, self.camera_detail = state, message
        if state is CameraState.NONE:
            self.camera.set_unavailable(notices.no_camera())
        elif off:
            self.camera.set_unavailable(notices.camera_off())
        elif state is CameraState.OPENING:
            self.camera.set_unavailable(notices.camera_starting())
        else:
            self.camera.set_unavailable(None)
        self.privacy.set_camera_active(not off)
        self._size_fixed_parts()  # the notice's text changed
        self.badge.set_camera_off(self._camera_off)
        self._refresh_header()  # "Step closer" would ask for what the camera cannot see

    def set_mood_reading(self, on: bool) -> None:
        """False: vision failed, no mood is read from the camera. The camera may
        still be on: its tile keeps the picture and the privacy notice says nothing is
        analysed, while the badge and the headlines ask for a mood by hand, as with
        the camera off."""
        self._mood_reading = on
        self.privacy.set_mood_reading(on)
        self.set_camera_state(self._camera_state, self.camera_detail)

    def set_privacy(self, flags: Mapping[str, object]) -> None:
        self.privacy.set_flags(flags)
        self._size_fixed_parts()  # more lines may need a shorter preview, smaller text

    def set_page_leaving(self, leaving: bool) -> None:
        """The page is being replaced (True): its Like buttons are dimmed and take no
        taps until the next `show_page`; False: it stays after all, likes reopen."""
        self.grid.set_likes_open(not leaving)

    def set_page_held(self, held: bool) -> None:
        """A newcomer waits for the visitor's like's answer (True): Next and the toggle
        are dimmed and take no taps until their visit begins (False: taps again)."""
        self.next_button.setEnabled(not held)
        self.mode_toggle.setEnabled(not held)

    def set_like_state(self, item_id: str, state: str) -> bool:
        card = self.grid.card(item_id)
        if card is None:
            return False
        card.set_like_state(state)
        return True

    def stop_animations(self) -> None:
        self.grid.stop_animations()

    # ------------------------------------------------------------------ behaviour

    def _on_next(self) -> None:
        now = self._clock()
        if now - self._last_next < NEXT_DEBOUNCE_S:
            return
        if now - self._page_drawn_at < self._guard_s:
            # decided before the new page was there (a double tap, or a tap aimed at
            # the page a new mood replaced): the new page answers it; another Next
            # would skip it unseen
            log.debug("Next tapped %.0f ms after a new page was drawn: not taken "
                      "(ui.like_guard_s %.2f s)", (now - self._page_drawn_at) * 1000,
                      self._guard_s)
            return
        self._last_next = now
        self.next_clicked.emit()

    def _on_mode(self, key: str) -> None:
        if key == RecommendMode.PERSONALIZED and not self._ready:
            self.mode_toggle.set_current(self._mode)
            self.toggle_notice.emit(
                self.tr("Like a few images first, then “For you” opens up."))
            return
        self._mode = RecommendMode(key)
        self._apply_accent()
        self.mode_selected.emit(key)

    def accent(self) -> QColor:
        page = self._page
        if self._mode is RecommendMode.PERSONALIZED and (
                page is None or page.mode == RecommendMode.PERSONALIZED):
            return QColor(theme.FOR_YOU_ACCENT)
        if self._page is not None:
            return theme.accent_for(self._page.emotion)
        if self._reading is not None:
            return theme.accent_for(self._reading.emotion)
        return QColor(theme.NEUTRAL_ACCENT)

    def _apply_accent(self) -> None:
        accent = self.accent()
        self.next_button.set_accent(accent)
        self.mode_toggle.set_accent(accent)
        reading = self._reading
        self.camera.set_accent(
            theme.accent_for(reading.emotion) if reading is not None else accent
        )

    def _refresh_header(self) -> None:
        page = self._page
        if page is None or self._headline_pending:
            headline, subline = self._waiting_texts(
                self._waiting if page is None else self._headline_pending)
            self.headline.setText(headline)
            self.subline.setText(subline)
            return
        if page.mode == RecommendMode.PERSONALIZED:
            # A "For you" page answers the current mood too, and says so.
            self.headline.setText(
                self.tr("For you · %1").replace("%1", texts.emotion_name(page.emotion))
            )
            self.subline.setText(self.tr("Picked from what you liked, to suit this mood."))
            return
        manual = self._reading is not None and self._reading.source == "manual"
        self.headline.setText(
            texts.because_you_chose(page.emotion) if manual
            else texts.because_you_look(page.emotion)
        )
        self.subline.setText(self.tr("Tap Like on the images you love, or Next for more."))

    def _header_candidates(self) -> list[tuple[str, str]]:
        """Every (headline, subline) pair `_refresh_header` may show in this language
        and camera mode (`HeaderText` is as tall as the tallest)."""
        pairs = [self._waiting_texts(r) for r in ("", "no_face", "unsure", "slow", "failed")]
        tap = self.tr("Tap Like on the images you love, or Next for more.")
        for_you = self.tr("For you · %1")
        picked = self.tr("Picked from what you liked, to suit this mood.")
        for emotion in Emotion:
            pairs += [(texts.because_you_look(emotion), tap),
                      (texts.because_you_chose(emotion), tap),
                      (for_you.replace("%1", texts.emotion_name(emotion)), picked)]
        return pairs

    def _waiting_texts(self, reason: str) -> tuple[str, str]:
        if reason == "no_face" and self._camera_off:
            return (self.tr("Tell us your mood — we'll pick images for it"),
                    self.tr("Tap “Choose my mood”."))
        if reason == "no_face":
            # short enough for one line in landscape (`HeaderText.set_fit`)
            return (self.tr("Step closer"),
                    self.tr("Images for your mood — or tap “Choose my mood”."))
        if reason == "unsure":
            return (self.tr("Still reading your mood…"),
                    self.tr("Look at the camera, or tap “Choose my mood”."))
        if reason == "slow":
            return (self.tr("Finding images for you…"),
                    self.tr("This is taking longer than usual. Tap Next to try again."))
        if reason == "failed":
            return (self.tr("These images could not be shown"),
                    self.tr("Tap Next to try again, or choose another mood."))
        return self.tr("Finding images for you…"), self.tr("This takes only a moment.")

    def retranslate(self) -> None:
        self.mode_toggle.button(RecommendMode.EMOTION).setText(self.tr("Emotion"))
        self.mode_toggle.button(RecommendMode.PERSONALIZED).setText(self.tr("For you"))
        self.next_button.setText(self.tr("Next"))
        self.mood_button.setText(self.tr("Choose my mood"))
        self.badge.retranslate()
        self.privacy.retranslate()
        self._size_fixed_parts()  # the notice in another language: another height
        for card in self.grid.cards():
            card.retranslate()
        self.grid.refit()  # the words on Like may need other card sizes now
        if self.camera.is_unavailable():  # its line in the new language
            self.set_camera_state(self._camera_state, self.camera_detail)
        self.header_text.refit()  # the texts in another language: another height
        self._refresh_header()

    # ------------------------------------------------------------------ layout

    def set_metrics(self, m: theme.Metrics) -> None:
        self._metrics = m
        self.headline.setStyleSheet(f"color: {theme.TEXT.name()}; background: transparent;")
        self.subline.setStyleSheet(f"color: {theme.TEXT_MUTED.name()}; background: transparent;")
        self.header_text.set_fonts(theme.font(m.headline, QFont.Weight.Bold), theme.font(m.body))
        self._relayout(portrait=self._portrait or False, force=True)

    def set_portrait(self, portrait: bool) -> None:
        self._relayout(portrait, force=False)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._size_fixed_parts()

    def _size_fixed_parts(self) -> None:
        m = self._metrics
        width = self.window().width()  # this page may be hidden and not yet resized
        if self._portrait:
            w = int(min(width * 0.42, m.px(480)))
        else:
            w = int(min(width * 0.27, m.px(560)))
        if self._portrait:
            self.camera.setFixedSize(w, w * 3 // 4)
            self.privacy.set_text_px(None)
        else:
            self._fit_sidebar(w)
        if not self._portrait:
            self.badge.setFixedWidth(w)
            self.privacy.setFixedWidth(w)
            self.mood_button.setFixedWidth(w)
            self.next_button.setFixedWidth(max(m.px(380), self.next_button.sizeHint().width()))
        else:
            self.badge.setMinimumWidth(0)
            self.badge.setMaximumWidth(16_777_215)
            self.privacy.setMinimumWidth(0)
            self.privacy.setMaximumWidth(16_777_215)
            self.mood_button.setMinimumWidth(0)
            self.mood_button.setMaximumWidth(16_777_215)
            self.next_button.setMinimumWidth(0)
            self.next_button.setMaximumWidth(16_777_215)

    def _fit_sidebar(self, w: int) -> None:
        """The landscape sidebar (preview, emotion, privacy, "Choose my mood") within the
        window's height: with every privacy option on, the notice at its usual size ran
        under "Choose my mood" and off the screen (548 px tall at 1920×1080). The
        preview gets shorter first (4:3 down to 16:9, a centre crop), then the
        notice's text smaller, to `PRIVACY_MIN_SHARE` of its size (and `PRIVACY_MIN_PX`):
        the notice stays complete and readable."""
        m = self._metrics
        tall = w * 3 // 4
        short = w * 9 // 16
        room = (self.window().height() - 2 * m.margin - self.badge.height()
                - self.mood_button.sizeHint().height() - 3 * m.gap)
        usual = m.small
        least = max(PRIVACY_MIN_PX, round(usual * PRIVACY_MIN_SHARE))
        steps = 4
        tries = [(tall - (tall - short) * i // steps, usual) for i in range(steps + 1)]
        tries += [(short, px) for px in range(usual - 1, least - 1, -1)]
        camera_h, px = tries[-1]
        for camera_h, px in tries:
            if self.privacy.height_for(w, px) <= room - camera_h:
                break
        else:
            log.debug("the privacy notice needs %d px, the sidebar has %d",
                      self.privacy.height_for(w, px), room - camera_h)
        self.camera.setFixedSize(w, camera_h)
        self.privacy.set_text_px(None if px == usual else px)

    def _relayout(self, portrait: bool, force: bool = False) -> None:
        if portrait == self._portrait and not force:
            return
        self._portrait = portrait
        m = self._metrics
        # Build the new arrangement on a fresh body widget: adding the parts to its
        # layouts reparents them there, and the old body is then dropped empty.
        old, body = self._body, QWidget(self)
        self._body = body
        self.grid.set_portrait(portrait)
        self.mode_toggle.setSizePolicy(
            QSizePolicy.Policy.Expanding if portrait else QSizePolicy.Policy.Fixed,
            QSizePolicy.Policy.Fixed,
        )
        self.header_text.set_spacing(m.px(8))
        self.header_text.set_reserve(portrait)  # see HeaderText.set_reserve
        self.header_text.set_fit(not portrait)

        root: QBoxLayout
        if portrait:
            root = QVBoxLayout(body)
            root.addWidget(self.header_text)
            top = QHBoxLayout()
            top.setSpacing(m.gap)
            top.addWidget(self.camera, 0, Qt.AlignmentFlag.AlignTop)
            info = QVBoxLayout()
            info.setSpacing(m.gap)
            info.addWidget(self.badge)
            info.addWidget(self.privacy)
            info.addStretch(1)
            top.addLayout(info, 1)
            root.addLayout(top)
            toggle_row = QHBoxLayout()
            toggle_row.addWidget(self.mode_toggle, 1)
            root.addLayout(toggle_row)
            root.addWidget(self.grid, 1)
            bottom = QHBoxLayout()
            bottom.setSpacing(m.gap)
            bottom.addWidget(self.mood_button, 2)
            bottom.addWidget(self.next_button, 3)
            root.addLayout(bottom)
        else:
            root = QHBoxLayout(body)
            side = QVBoxLayout()
            side.setSpacing(m.gap)
            side.addWidget(self.camera)
            side.addWidget(self.badge)
            side.addWidget(self.privacy)
            side.addStretch(1)
            side.addWidget(self.mood_button)
            root.addLayout(side)
            content = QVBoxLayout()
            content.setSpacing(m.gap)
            header = QHBoxLayout()
            header.addWidget(self.header_text, 1)
            header.addWidget(self.mode_toggle, 0, Qt.AlignmentFlag.AlignTop)
            content.addLayout(header)
            content.addWidget(self.grid, 1)
            bottom = QHBoxLayout()
            bottom.addStretch(1)
            bottom.addWidget(self.next_button)
            content.addLayout(bottom)
            root.addLayout(content, 1)
        root.setContentsMargins(m.margin, m.margin, m.margin, m.margin)
        root.setSpacing(m.margin if not portrait else m.gap)
        self._root.addWidget(body)
        if old is not None:
            self._root.removeWidget(old)
            old.hide()
            old.deleteLater()
        self._size_fixed_parts()
