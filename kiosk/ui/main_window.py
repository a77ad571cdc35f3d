"""The kiosk's one window: a stack of screens driven only through slots and signals.

The wiring (kiosk.app) calls the slots on the GUI thread with data its workers
already prepared (decoded QImages, readings, pages); the window does no I/O and
starts no threads. Screens: attract → main ⇄ mood picker, and the hidden
corner gesture → PIN pad → admin panel.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QTimer, Signal, Slot
from PySide6.QtGui import (
    QCloseEvent,
    QHideEvent,
    QImage,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QLayout,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.camera.capture import CameraState
from kiosk.config import Settings
from kiosk.domain import Emotion, EmotionReading, Page, RecommendMode
from kiosk.ui import card_layout, notices, theme
from kiosk.ui.admin_panel import AdminPanel
from kiosk.ui.attract import AttractScreen
from kiosk.ui.audience_view import AudienceView
from kiosk.ui.camera_view import FaceBoxes
from kiosk.ui.cards import LIKE_GUARD_S
from kiosk.ui.curation_screen import CurationScreen, PendingItem
from kiosk.ui.exhibit import CornerHold
from kiosk.ui.input_filters import InputFilters
from kiosk.ui.main_screen import MainScreen
from kiosk.ui.mood_picker import MoodPicker
from kiosk.ui.pin_pad import PinPad
from kiosk.ui.privacy import PrivacyNotice
from kiosk.ui.touch_guard import SETTLE_S, TouchGuard
from kiosk.ui.widgets import Toast


class Screen(enum.StrEnum):
    """The window's screens (`MainWindow.current_screen`), in stacking order. The value
    is the screen widget's key and what the log and the tests read."""

    ATTRACT = "attract"
    MAIN = "main"
    MOOD = "mood"
    PIN = "pin"
    ADMIN = "admin"
    CURATION = "curation"
    AUDIENCE = "audience"


OWN_PRIVACY_NOTICE = frozenset({Screen.ATTRACT, Screen.MAIN})
OPERATOR_SCREENS = frozenset({Screen.ADMIN, Screen.CURATION, Screen.AUDIENCE})  # technical toasts
NOTICE_MS = 3500  # a toast's time on screen
LIKE_NOTICE_MS = 6000  # a failed like's notice: long enough to read, in either language
OPERATOR_PANELS = frozenset({Screen.PIN, Screen.ADMIN})  # the admin idle timeout runs
ADMIN_IDLE_S = 90.0
ACTIVITY_THROTTLE_S = 0.25
log = logging.getLogger(__name__)

_ACTIVITY_EVENTS = frozenset({
    QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress,
})


class MainWindow(QWidget):
    """The kiosk UI.

    Slots (call on the GUI thread):
        show_frame(image: QImage, face_boxes: list[tuple[box, bool is_primary]])
            box: QRectF/QRect, (x, y, w, h) or domain.Box, in image pixels.
        show_emotion(reading: EmotionReading | None)
        show_page(page: Page, images: Mapping[str item_id, QImage])
        show_waiting(reason: str)   # "", "no_face", "unsure", "slow", "failed"
        set_headline_pending(reason: str)   # "", "no_face", "unsure": over a page
        open_mood_picker()
        set_mode(mode: RecommendMode, personalization_ready: bool)
        set_camera_state(state: CameraState, message: str)
        set_vision_ready(ready: bool);  set_vision_failed(message: str)
        set_privacy(text_flags: Mapping[str, bool])   # cloud_fallback, identity
        show_attract(images: Sequence[QImage]);  wake();  drop_attract()
        set_status(status: Mapping[str, Any])      # see kiosk.ui.admin_panel
        show_like_confirmed(item_id: str)
        show_like_failed(item_id: str, message: str, lasting: bool, on_screen: bool)
        show_message(text: str)
        show_operator_result(text: str, failed: bool)   # an admin action's outcome

    Signals:
        next_requested()
        like_requested(str item_id)       once per card, however often it is tapped
        mode_requested(str)               RecommendMode value, "emotion" | "personalized"
                                          (toggle); "auto" is never emitted by the toggle
        mood_picked(str emotion)          Emotion value, e.g. "HAPPY"
        mood_picker_requested()           the visitor opened the mood picker
        main_screen_visible(bool)         the main screen (the visitor's page) came on
                                          screen (True) or another covers it (False)
        admin_action_requested(str)       AdminAction value ("exit", "restart",
                                          "reload_catalog", "flush_events",
                                          "review_images", "audience")
        approve_requested(str), reject_requested(str)   a pending image id (curation)
        user_activity()                   any touch/press/key in the window (≤ 4 per s)

    Every screen change starts the touch guard (`kiosk.ui.touch_guard`): a release
    without its press, and presses in the first `touch_settle_s` seconds, are ignored.
    Every page draw starts the Like guard of its new cards (`kiosk.ui.cards`): a card's
    Like takes no tap in the first `like_guard_s` seconds after its image was drawn.
    """

    next_requested = Signal()
    like_requested = Signal(str)
    mode_requested = Signal(str)
    mood_picked = Signal(str)
    mood_picker_requested = Signal()
    main_screen_visible = Signal(bool)
    admin_action_requested = Signal(str)
    approve_requested = Signal(str)
    reject_requested = Signal(str)
    user_activity = Signal()

    def __init__(
        self,
        *,
        page_size: int = 3,
        admin_pin_hash: str = "",
        corner_hold_s: float = 5.0,
        show_fps: bool = False,
        clock: Callable[[], float] = time.monotonic,
        touch_settle_s: float = SETTLE_S,
        like_guard_s: float = LIKE_GUARD_S,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("kiosk-main-window")
        self.setWindowTitle("Kiosk")
        self._clock = clock
        self._metrics = theme.Metrics()
        self._camera_off = False  # no mood from the camera: it is off, or vision failed
        self._camera_state, self._camera_message = CameraState.OPENING, ""
        self._vision_failed: str | None = None  # why vision stopped (set_vision_failed)
        self._vision_ready = True  # False: moods cannot be read yet (set_vision_ready)
        self.last_problem = ""  # the last detail kept from a visitor (admin panel)
        self._return_to = Screen.ATTRACT
        self._mood_return = Screen.MAIN
        self._metrics_applied = False
        self._last_activity = -1e9
        self._pending_attract = False
        self._page_size = page_size
        self._fit_said: tuple[int, int, int, int] | None = None  # see cards_that_fit
        self._too_big_said: tuple[int, int, int, int] | None = None  # see _page_too_big

        self.attract = AttractScreen(self, clock=clock)
        self.main = MainScreen(self, page_size=page_size, clock=clock,
                               like_guard_s=like_guard_s)
        self.main.camera.set_show_fps(show_fps)
        self.mood = MoodPicker(self)
        self.pin = PinPad(admin_pin_hash, self, clock=clock)
        self.admin = AdminPanel(self)
        self.admin.set_factory_pin(self.pin.is_factory_pin())
        self.curation = CurationScreen(self)
        self.audience = AudienceView(self)
        self.stack = QStackedWidget(self)
        self._screens: dict[Screen, QWidget] = {
            Screen.ATTRACT: self.attract, Screen.MAIN: self.main, Screen.MOOD: self.mood,
            Screen.PIN: self.pin, Screen.ADMIN: self.admin, Screen.CURATION: self.curation,
            Screen.AUDIENCE: self.audience,
        }
        for name in Screen:
            self.stack.addWidget(self._screens[name])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # The window's size is the screen's: never push size hints to the platform.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        layout.addWidget(self.stack, 1)
        # The screens without a notice of their own (mood picker, PIN pad, admin, review…)
        # show this one: the notice is on screen wherever the camera is analysed.
        self._footer = QWidget(self)
        self._footer.setObjectName("privacy-footer")
        self._footer.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._footer_layout = QVBoxLayout(self._footer)
        self.privacy = PrivacyNotice(self._footer, compact=True)  # one quiet line
        self.privacy.setObjectName("window-privacy")
        self._footer_layout.addWidget(self.privacy)
        layout.addWidget(self._footer)
        self.toast = Toast(self)

        self._admin_idle = QTimer(self)
        self._admin_idle.setObjectName("admin-idle-timer")
        self._admin_idle.setSingleShot(True)
        self._admin_idle.setInterval(round(ADMIN_IDLE_S * 1000))
        self._admin_idle.timeout.connect(self._leave_admin)

        self.corner_hold = CornerHold(self, corner_hold_s, dp=lambda: self._metrics.dp)
        self.corner_hold.triggered.connect(self.open_pin_pad)
        # A screen that has just appeared takes no touch that began before it.
        self.touch_guard = TouchGuard(self, settle_s=touch_settle_s, clock=clock)
        # The three watch the application's input through one filter (kiosk.ui.input_filters),
        # in this order: the corner hold and the activity watch see every touch, then
        # the touch guard may swallow it (exhibit mode adds its key guard last).
        self.input_filters = InputFilters(self)
        self.input_filters.add(self.corner_hold, CornerHold.EVENTS)
        self.input_filters.add(self, _ACTIVITY_EVENTS)
        self.input_filters.add(self.touch_guard, TouchGuard.EVENTS)
        self.stack.currentChanged.connect(self._on_screen_changed)

        self._connect()
        self.stack.setCurrentWidget(self.attract)
        self._footer.hide()  # attract has its own notice
        self.setAutoFillBackground(False)

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: Any) -> MainWindow:
        return cls(
            page_size=settings.recommend.page_size,
            admin_pin_hash=settings.ui.admin_pin_hash,
            corner_hold_s=settings.ui.admin_corner_hold_s,
            show_fps=settings.ui.show_fps,
            like_guard_s=settings.ui.like_guard_s,
            **kwargs,
        )

    def _connect(self) -> None:
        self.main.next_clicked.connect(self.next_requested)
        self.main.like_requested.connect(self.like_requested)
        self.main.mode_selected.connect(self.mode_requested)
        self.main.mood_clicked.connect(self.open_mood_picker)
        self.main.message.connect(self.show_notice)
        self.main.toggle_notice.connect(self.show_toggle_notice)
        self.main.grid.overflow.connect(self._page_too_big)
        self.attract.touched.connect(self.wake)
        self.attract.mood_clicked.connect(self.open_mood_picker)
        self.mood.picked.connect(self._on_mood_picked)
        self.mood.back.connect(self._mood_back)
        self.pin.accepted.connect(self._open_admin)
        self.pin.cancelled.connect(self._leave_admin)
        self.admin.action_requested.connect(self.admin_action_requested)
        self.admin.close_requested.connect(self._leave_admin)
        self.curation.approve_requested.connect(self.approve_requested)
        self.curation.reject_requested.connect(self.reject_requested)
        self.curation.approve_requested.connect(self._admin_idle.start)
        self.curation.reject_requested.connect(self._admin_idle.start)
        self.curation.close_requested.connect(self._open_admin)
        self.audience.close_requested.connect(self._open_admin)

    # ------------------------------------------------------------------ slots

    def show_frame(self, image: QImage, face_boxes: FaceBoxes = ()) -> None:
        self.main.show_frame(image, face_boxes)

    def show_emotion(self, reading: EmotionReading | None) -> None:
        self.main.show_emotion(reading)

    def show_page_mood(self, emotion: Emotion) -> None:
        self.main.show_page_mood(emotion)

    def cards_that_fit(self, asked: int) -> int:
        """How many images of a page of `asked` the main screen shows at this size (the
        controller asks for no more: only images on screen count as shown). Fewer than
        `asked` is said to the operator as a grid overflow is (`_page_too_big`)."""
        fit = self.main.cards_that_fit(asked)
        said = (asked, fit, self.width(), self.height())
        if fit < asked and said != self._fit_said:  # once, not for every page
            self._page_too_big(asked, fit)
        self._fit_said = said
        return fit

    def show_page(self, page: Page, images: Mapping[str, QImage]) -> None:
        self.main.show_page(page, images)
        self._drop_page_notice()  # a new page came: "no new images" is out of date

    def set_mode(self, mode: RecommendMode, personalization_ready: bool) -> None:
        self.main.set_mode(mode, personalization_ready)

    def show_waiting(self, reason: str) -> None:
        """Why the main screen has no page yet (see `MainScreen.show_waiting`)."""
        self.main.show_waiting(reason)

    def set_headline_pending(self, reason: str) -> None:
        """The page's headline waits for whoever is in front (see
        `MainScreen.set_headline_pending`)."""
        self.main.set_headline_pending(reason)

    def set_camera_state(self, state: CameraState, message: str) -> None:
        self._camera_state, self._camera_message = state, message
        self._show_camera()

    def set_vision_failed(self, message: str) -> None:
        """Vision stopped for good: only the mood picker works, as with the camera off,
        but a camera that is on stays shown and the texts say it is on and that
        nothing is analysed (tester round 15: "The camera is off" over a live
        picture). `message` is for the admin panel."""
        self._vision_failed = message
        self._show_camera()

    def _show_camera(self) -> None:
        """The camera's state and vision's, together, on every screen."""
        state, message = self._camera_state, self._camera_message
        reading = self._vision_failed is None
        was_off = self._camera_off
        off = state.off or not reading
        self._camera_off = off
        if not reading and not state.off:
            message = self._vision_failed or message  # the operator's reason: vision's
        self.main.set_mood_reading(reading)
        self.main.set_camera_state(state, message)
        self.attract.set_camera_available(not state.off)
        for notice in (self.attract.privacy, self.privacy):
            notice.set_mood_reading(reading)
        self.privacy.set_camera_active(not state.off)
        self._fit_footer()
        # no camera on purpose (NONE) is no fault: the picker just invites a choice
        self.mood.set_camera_off(state is CameraState.LOST)
        self.mood.set_reading_off(not reading and not state.off)
        # a lost camera sends the visitor to the picker; failed vision once, not again
        # at each later camera report (they may have picked a mood since)
        if off and (state.off or not was_off) and self.current_screen() is Screen.MAIN:
            self._show(Screen.MOOD)

    def set_vision_ready(self, ready: bool) -> None:
        """False while the camera cannot read moods (models still loading after a short
        grace, or failed): the attract screen invites to the mood picker instead of
        "Step closer", and a touch opens the picker (`VisitView.set_vision_ready`)."""
        self._vision_ready = ready
        self.attract.set_vision_ready(ready)

    def _mood_only(self) -> bool:
        """Only the mood picker works now: no camera, or no mood reading yet."""
        return self._camera_off or not self._vision_ready

    def set_privacy(self, text_flags: Mapping[str, object]) -> None:
        self.main.set_privacy(text_flags)
        self.attract.privacy.set_flags(text_flags)
        self.privacy.set_flags(text_flags)
        self._fit_footer()

    def show_attract(self, images: Sequence[QImage]) -> None:
        """Idle: the slideshow, and a fresh start for the next visitor."""
        self.attract.set_images(images)
        self.main.clear_page()
        self.main.show_emotion(None)
        if self.current_screen() in OPERATOR_PANELS:
            self._pending_attract = True  # go there when the operator is done
            self._return_to = Screen.ATTRACT
            return
        self._show(Screen.ATTRACT)

    def drop_attract(self) -> None:
        """Let go of the slideshow's images while the attract screen is not shown (the
        next `show_attract` brings them again); on it, or on the way back to it from
        an operator panel, they stay."""
        if self.current_screen() is not Screen.ATTRACT and not self._pending_attract:
            self.attract.set_images([])

    def wake(self) -> None:
        """Someone is here: leave the attract screen (to the mood picker when the
        camera is off or cannot read moods yet). Does nothing on the other screens."""
        if self.current_screen() is Screen.ATTRACT:
            self._show(Screen.MOOD if self._mood_only() else Screen.MAIN)

    def set_status(self, status: Mapping[str, Any]) -> None:
        """The admin panel's status, plus the technical details visitors are spared:
        the camera's reason (`camera_detail`) and the last problem (`last_problem`)."""
        merged = dict(status)
        if self.main.camera_detail and "camera_detail" not in merged:
            merged["camera_detail"] = self.main.camera_detail
        if self.last_problem:
            merged.setdefault("last_problem", self.last_problem)
        self.admin.set_status(merged)

    def set_page_leaving(self, leaving: bool) -> None:
        """The page is being replaced: its Like buttons close (`MainScreen.set_page_leaving`)."""
        self.main.set_page_leaving(leaving)

    def set_page_held(self, held: bool) -> None:
        """A newcomer waits for a like's answer: Next and the toggle are dimmed
        (`MainScreen.set_page_held`)."""
        self.main.set_page_held(held)

    def clear_page(self) -> None:
        """No page for this visitor (`MainScreen.clear_page`): placeholders, and the
        header says why."""
        self.main.clear_page()
        self._drop_page_notice()  # the header says it now: not two messages at once

    def _drop_page_notice(self) -> None:
        """Hide the toast if it is Next's "No new images could be shown just now"
        (`show_page_not_changed`): a page drawn, or the header saying these images
        could not be shown, supersedes it (fresh tester round 9: both on screen)."""
        if self.toast.isVisible() and self.toast.text() == str(notices.page_not_shown()):
            self.toast.hide()

    def show_page_not_changed(self) -> None:
        """The page asked for could not be made: the visitor is told (a toast)."""
        self.show_notice(notices.page_not_shown())

    def show_like_confirmed(self, item_id: str) -> None:
        self.main.set_like_state(item_id, "confirmed")

    def show_like_failed(self, item_id: str, message: str, lasting: bool = False,
                         on_screen: bool = True) -> None:
        """`message` is the technical reason (log, admin panel) unless it is a
        `notices.VisitorText`; the visitor reads a short translated sentence, for
        `LIKE_NOTICE_MS`: "try again", or, when the cause lasts (`lasting`: a full disk,
        a read-only queue) and a retry would fail too, to tell a member of staff. A like
        whose card is no longer on screen (`on_screen` False: its page was replaced while
        it was Saving…) is told as "A like on an earlier page could not be saved.", so no
        card on screen (another like still Saving…) reads as the one that failed."""
        if on_screen:
            self.main.set_like_state(item_id, "idle")
        if isinstance(message, notices.VisitorText):
            self.show_notice(message, LIKE_NOTICE_MS)
            return
        told = (notices.likes_unavailable() if lasting else notices.like_not_saved()
                if on_screen else notices.earlier_like_not_saved())
        if message:
            log.warning("like of %s not saved (%s); the visitor was told %r", item_id, message,
                        str(told))
            self.last_problem = f"like of {item_id}: {message}"
        self.show_notice(told, LIKE_NOTICE_MS)

    def show_message(self, text: str) -> None:
        """A toast from the back end. On the operator's screens (admin, review) it
        is shown as is; on a visitor screen only `notices.VisitorText` is, and any
        other text (an exception, a path, a config key) becomes a short translated
        sentence while the text itself goes to the log and the admin panel. On the
        admin panel it is the panel's own notice line (e.g. "Catalog reloaded: …"
        replaces "Reloading the catalog…"), not a toast over the panel's buttons."""
        if self.current_screen() is Screen.ADMIN:
            self.admin.show_result(text)
            return
        if isinstance(text, notices.VisitorText) or self.current_screen() in OPERATOR_SCREENS:
            self.show_notice(text)
            return
        self._record_problem(text)
        self.show_notice(notices.something_went_wrong())

    def show_operator_result(self, text: str, failed: bool = False) -> None:
        """The outcome of an action the operator started ("Catalog reloaded: …", or
        why not), translated. On the admin panel it is the panel's notice line, on the
        other operator screens a toast. When the operator has closed the panel before it
        came back, a visitor may be in front: nothing is shown (no "Something went
        wrong" for a normal action); it is logged, and a failure is kept as the last
        problem, which the panel shows when it is opened again."""
        screen = self.current_screen()
        if screen is Screen.ADMIN:
            self.admin.show_result(text)
        elif screen in OPERATOR_SCREENS:
            self.show_notice(text)
        elif failed:
            self._record_problem(text)
        else:
            log.info("admin action finished after the panel closed: %s", text)

    def show_notice(self, text: str, duration_ms: int = NOTICE_MS) -> None:
        """Show `text` in the toast as is (it must be visitor-friendly), clear of the
        current screen's buttons (Next, "Choose my mood", Like) and of every privacy
        notice on screen (the main screen's, the attract screen's, the footer's): the
        toast never hides what happens to the visitor's face. Where there is room it
        keeps off the screen's other text too (headline, the read emotion, a title):
        `Toast.show_text`."""
        self.toast.set_metrics(self._metrics)
        screen = self.stack.currentWidget()
        must: list[QWidget] = [self.privacy]  # the footer's, under screens without one
        rather: list[QWidget] = []
        if screen is not None:
            must += screen.findChildren(QAbstractButton)
            must += screen.findChildren(PrivacyNotice)
            rather += screen.findChildren(QLabel)
        self.toast.show_text(text, duration_ms, avoid=self._rects(must),
                             rather_avoid=self._rects(rather))

    def show_toggle_notice(self, text: str) -> None:
        """A notice about the main screen's toggle ("Like a few images first, then
        “For you” opens up."): beside the toggle where it fits (landscape: over the
        header's text, for its 3.5 s), else over the toggle itself (portrait, where the
        toggle spans the screen between the privacy notice and the first card), so it
        reads as the toggle's answer (`kiosk.ui.placement.near_spot`); never over a
        card (its picture, Like and caption), a button, a privacy notice, the camera
        tile or the mood badge. Taps go through it (`Toast`) to the toggle. Before, it
        went where any notice goes (as low as it fits): at 1080x1920 over the top of the
        third picture, far below the toggle tapped, and at the landscape sizes in the
        bottom row, the width of the screen away from it."""
        self.toast.set_metrics(self._metrics)
        main = self.main
        must: list[QWidget] = [self.privacy, main.camera, main.badge]
        must += main.findChildren(QAbstractButton)
        must += main.findChildren(PrivacyNotice)
        must += main.grid.cards()
        toggle = self._rects([main.mode_toggle])
        header = self._rects([main.header_text])  # landscape: the notice covers it whole
        self.toast.show_text(text, NOTICE_MS, avoid=self._rects(must),
                             near=toggle[0] if toggle else None,
                             cover=header[0] if header else None)

    def _rects(self, widgets: Sequence[QWidget]) -> list[QRect]:
        """The shown ones' rectangles, in this window's coordinates."""
        return [QRect(w.mapTo(self, QPoint(0, 0)), w.size())
                for w in widgets if w.isVisibleTo(self)]

    def clear_visitor_notice(self) -> None:
        """The visit ended (a newcomer, the attract screen): a toast on a visitor screen
        was for the visitor who left, so it goes at once rather than at its timeout. An
        operator's toast (admin, review, audience screens) stays."""
        if self.toast.isVisible() and self.current_screen() not in OPERATOR_SCREENS:
            self.toast.hide()

    @Slot(int, int)
    def _page_too_big(self, asked: int, shown: int) -> None:
        """A page of `asked` images does not fit this screen with every image and Like
        usable (`kiosk.ui.card_layout`): the first `shown` are on screen. Said to the
        operator (log, admin panel's "Last problem"), naming the setting and the fix."""
        said = (asked, shown, self.width(), self.height())
        if said == self._too_big_said:  # the grid and the controller both report it
            return
        self._too_big_said = said
        m = self._metrics
        detail = (f"[recommend] page_size = {max(asked, self._page_size)} does not fit this "
                  f"{self.width()}x{self.height()} screen: at most {shown} images per page "
                  f"keep an image of {card_layout.min_image_side(m)} px and a Like of "
                  f"{m.min_touch} px with its words whole, so a page of {asked} shows its "
                  f"first {shown}; set [recommend] page_size to {shown} or less")
        log.warning("%s", detail)
        self.last_problem = detail

    def _record_problem(self, detail: str) -> None:
        log.warning("not shown to the visitor: %s", detail)
        self.last_problem = detail

    # ------------------------------------------------------------------ navigation

    def current_screen(self) -> Screen:
        current = self.stack.currentWidget()
        return next((n for n, w in self._screens.items() if w is current), Screen.ATTRACT)

    def _show(self, name: Screen) -> None:
        if name is not Screen.ATTRACT:
            self.attract.stop()
        if name not in OPERATOR_PANELS:
            self._admin_idle.stop()
        self.stack.setCurrentWidget(self._screens[name])
        if name is Screen.ATTRACT and self.isVisible():
            self.attract.start()

    def _on_screen_changed(self, _index: int) -> None:
        self.touch_guard.screen_changed()
        # a page counts as seen only while the main screen shows it (impressions)
        self.main_screen_visible.emit(self.current_screen() is Screen.MAIN)
        # main and attract carry their own notice; every other screen shows the footer
        self._footer.setVisible(self.current_screen() not in OWN_PRIVACY_NOTICE)
        self._fit_footer()

    def _fit_footer(self) -> None:
        """The footer takes exactly the height its wrapped notice needs at this width
        (left to the layout, a tall screen's minimum height would squeeze it to half
        the window for a moment)."""
        if self._footer.isHidden() or self.width() <= 0:
            return
        notice_layout = self.privacy.layout()
        if notice_layout is not None:
            notice_layout.invalidate()  # resized while hidden: stale until redone
        self._footer.setFixedHeight(max(1, self._footer.heightForWidth(self.width())))

    def open_mood_picker(self) -> None:
        here = self.current_screen()
        if here in (Screen.ATTRACT, Screen.MAIN):
            self._mood_return = here
        self._show(Screen.MOOD)
        self.mood_picker_requested.emit()

    def close_mood_picker(self) -> None:
        """The picker gives way to the main screen, where the visit's page is (the
        camera read the mood, the visit ended, nobody touched it for a while): not while
        only the picker works (no camera, or no mood reading yet), nor on another screen.
        Before, a picker nobody closed stayed on top for whole visits of other people,
        their pages drawn unseen behind it and their first tap taken as a mood."""
        if self.current_screen() is Screen.MOOD and not self._mood_only():
            self._show(Screen.MAIN)

    def _on_mood_picked(self, emotion: str) -> None:
        self.main.clear_page()
        self._show(Screen.MAIN)
        self.mood_picked.emit(emotion)

    def _mood_back(self) -> None:
        back = self._mood_return
        self._show(Screen.ATTRACT if back is Screen.ATTRACT and not self._camera_off
                   else Screen.MAIN)

    def open_pin_pad(self) -> None:
        here = self.current_screen()
        if here in OPERATOR_PANELS:
            return
        self._return_to = here
        self.pin.reset()
        self._show(Screen.PIN)
        self._admin_idle.start()

    def show_curation(self, items: Sequence[PendingItem]) -> None:
        """The pending pool for review (from the admin panel); refreshes in place."""
        self.curation.set_pending(items)
        if self.current_screen() in (Screen.ADMIN, Screen.CURATION):
            self._show(Screen.CURATION)
            self._admin_idle.start()

    def show_audience(self, report: Mapping[str, Any]) -> None:
        """Today's audience numbers (from the admin panel's Audience button)."""
        self.audience.set_report(report)
        if self.current_screen() in (Screen.ADMIN, Screen.AUDIENCE):
            self._show(Screen.AUDIENCE)
            self._admin_idle.start()

    def show_curation_error(self, item_id: str, message: str) -> None:
        self.curation.set_item_error(item_id, message)

    def _open_admin(self) -> None:
        if self.current_screen() not in (Screen.CURATION, Screen.AUDIENCE):
            self.admin.reset()  # a fresh panel, no question or notice from last time
        self._show(Screen.ADMIN)
        self._admin_idle.start()

    def _leave_admin(self) -> None:
        self._admin_idle.stop()
        self.pin.reset()
        target = Screen.ATTRACT if self._pending_attract else self._return_to
        self._pending_attract = False
        self._show(target)

    # ------------------------------------------------------------------ events

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY_EVENTS and self._is_ours(obj):
            now = self._clock()
            if self.current_screen() in OPERATOR_PANELS:
                self._admin_idle.start()
            if now - self._last_activity >= ACTIVITY_THROTTLE_S:
                self._last_activity = now
                self.user_activity.emit()
        return False

    def _is_ours(self, obj: QObject) -> bool:
        if isinstance(obj, QWidget):
            return obj.window() is self
        handle = self.windowHandle()
        return handle is not None and obj is handle

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.apply_metrics()
        self._fit_footer()
        # Hidden stack pages get no resize event until shown: tell them now.
        portrait = self.height() > self.width()
        self.main.set_portrait(portrait)
        self.mood.set_portrait(portrait)

    def apply_metrics(self) -> None:
        """Re-derive every size from the window size and screen density."""
        m = theme.metrics_for_widget(self)
        if m == self._metrics and self._metrics_applied:
            return
        self._metrics = m
        self._metrics_applied = True
        self._footer_layout.setContentsMargins(m.margin, m.gap // 2, m.margin, m.gap // 2)
        for widget in self.findChildren(QWidget):
            setter = getattr(widget, "set_metrics", None)
            if callable(setter):
                setter(m)

    def metrics(self) -> theme.Metrics:
        return self._metrics

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.privacy.retranslate()
        self._fit_footer()
        for screen in (self.attract, self.main, self.mood, self.pin, self.admin,
                       self.curation):
            screen.retranslate()

    def _set_app_filters(self, on: bool) -> None:
        """Watch the whole application's input (touches reach child widgets first)
        only while shown; exhibit mode's key guard watches while hidden too (a
        minimised window still refuses the window manager's close)."""
        app = QApplication.instance()
        if app is None:
            return
        app.removeEventFilter(self.input_filters)
        self.input_filters.hidden = not on
        if on or self.input_filters.while_hidden:
            app.installEventFilter(self.input_filters)

    def showEvent(self, event: QShowEvent) -> None:
        self._set_app_filters(True)
        self.apply_metrics()
        if self.current_screen() is Screen.ATTRACT:
            self.attract.start()

    def hideEvent(self, event: QHideEvent) -> None:
        self._set_app_filters(False)
        self.stop_timers()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stop_timers()
        super().closeEvent(event)

    def stop_timers(self) -> None:
        """Stop every timer and animation (hide, close, shutdown)."""
        self.attract.stop()
        self.corner_hold.stop()
        self._admin_idle.stop()
        self.toast.hide()
        self.main.stop_animations()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), theme.BG)
        p.end()
