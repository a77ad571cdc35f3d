"""The admin panel: health at a glance and the operator's actions.

`set_status` takes a plain dict (so the wiring needs no UI types). Known keys:

    camera_state: str ("LIVE", "LOST (reason)", …)   camera_fps: float
    camera_detail: str (the technical reason, for the operator)
    model_device: str ("cpu, 2 threads", "cuda:0")    inference_ms: float
    online: bool      uploads_configured: bool        uploader: str (state)
    queue_depth: int  dead_letters: int  queue_spooled: int (kept in the spool file)
    catalog_counts: Mapping[str emotion, int] or int (total)
    crash_count: int  restarts_last_hour, unclean_exits_last_hour: int  crash_loop: bool

Any other key is listed under "Other" (`kiosk.ui.admin_status` words every tile;
add a caption there for a new key). Exit asks for confirmation first; Flush events
says what happens to the queue (also when uploads are not configured). While the
PIN is still the factory 0000 a warning line says so. An action's progress and then
its outcome ("Reloading the catalog…", then "Catalog reloaded: …" or why not:
`show_result`) take one notice line above the buttons; the tiles scroll when long
texts leave them too little room, so nothing is drawn over that line or the buttons.

More views (e.g. an audience view) plug in with `add_action`: a button on the
action row that emits `action_requested(name)`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QScroller,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain import AdminAction
from kiosk.ui import admin_status, theme
from kiosk.ui.widgets import TouchButton

ACTIONS = tuple(AdminAction)  # the built-in buttons, in this order
KNOWN_KEYS = admin_status.TILE_KEYS  # kept for callers of the old name


class StatusTile(QWidget):
    """A caption over a big value and a detail line."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"status-{key}")
        self._metrics = theme.Metrics()
        self.caption = QLabel(self)
        self.value = QLabel(self)
        self.value.setObjectName(f"status-{key}-value")
        self.detail = QLabel(self)
        for label in (self.caption, self.value, self.detail):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(self.caption)
        self._layout.addWidget(self.value)
        self._layout.addWidget(self.detail)
        self._layout.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_values(self, caption: str, value: str, detail: str = "", alert: bool = False) -> None:
        self.set_text(admin_status.TileText(caption, value, detail, alert))

    def set_text(self, text: admin_status.TileText) -> None:
        self.caption.setText(text.caption)
        self.value.setText(text.value)
        self.value.setVisible(bool(text.value))
        self.detail.setText(text.detail)
        self.detail.setVisible(bool(text.detail))
        color = theme.DANGER if text.alert else theme.TEXT
        self.value.setStyleSheet(f"color: {color.name()};")
        if self.width() > 0:
            self.fit_height()

    def set_metrics(self, m: theme.Metrics) -> None:
        self._metrics = m
        pad = m.px(20)
        self._layout.setContentsMargins(pad, pad, pad, pad)
        self._layout.setSpacing(m.px(4))
        self.caption.setFont(theme.font(m.small, QFont.Weight.DemiBold))
        self.caption.setStyleSheet(f"color: {theme.TEXT_MUTED.name()};")
        self.value.setFont(theme.font(m.title, QFont.Weight.Bold))
        self.detail.setFont(theme.font(m.caption))
        self.detail.setStyleSheet(f"color: {theme.TEXT_MUTED.name()};")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_height()

    def fit_height(self, width: int | None = None) -> None:
        """Ask for the height the wrapped texts need at `width` (default: the current
        width): grid rows do not ask their widgets' height-for-width."""
        need = self.heightForWidth(self.width() if width is None else width)
        if need > 0 and need != self.minimumHeight():
            self.setMinimumHeight(need)

    def paintEvent(self, event: QPaintEvent) -> None:
        theme.paint_card(self, self._metrics)


class AdminPanel(QWidget):
    """Signals:
    action_requested(str): a `kiosk.domain.AdminAction` value — "exit" (after the
        operator confirmed), "restart", "reload_catalog", "flush_events",
        "review_images" (the pending pool, approved or rejected by touch), "audience"
        (today's audience analytics) — or the name of an action added with `add_action`.
    close_requested(): Close.
    """

    action_requested = Signal(str)
    close_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._status: dict[str, Any] = {}
        self._metrics = theme.Metrics()
        self._factory_pin = False
        self._notice_key = ""
        self._columns = 0
        self._tile_columns = 0
        self.title = QLabel(self)
        self.title.setObjectName("admin-title")
        self.pin_warning = QLabel(self)
        self.pin_warning.setObjectName("admin-pin-warning")
        self.notice = QLabel(self)
        self.notice.setObjectName("admin-notice")
        for label in (self.title, self.pin_warning, self.notice):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
        self.pin_warning.hide()
        self.notice.hide()
        self.tiles = {key: StatusTile(key, self) for key in admin_status.TILES}
        self._grid = QGridLayout()
        # the tiles scroll when long texts (a problem, at 1366x768) leave them too
        # little room: the notice line and the buttons below always keep theirs
        self._tiles_host = QWidget()
        self._tiles_host.setObjectName("admin-tiles")
        host_layout = QVBoxLayout(self._tiles_host)
        host_layout.setContentsMargins(0, 0, 0, 0)
        host_layout.addLayout(self._grid)
        host_layout.addStretch(1)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(self._tiles_host)
        QScroller.grabGesture(
            self.scroll_area.viewport(), QScroller.ScrollerGestureType.TouchGesture
        )

        self.buttons: dict[str, TouchButton] = {}
        self._labels: dict[str, Callable[[], str]] = {}
        self._button_grid = QGridLayout()
        for action in ACTIONS:
            self.add_action(action, functools.partial(self._action_label, action),
                            variant="danger" if action == "exit" else "secondary")
        self.close_button = TouchButton("", variant="primary", parent=self)
        self.close_button.setObjectName("admin-close")
        self.close_button.clicked.connect(self._on_close)

        # Exit asks first: the row of actions gives way to a question.
        self.confirm = QWidget(self)
        self.confirm.setObjectName("admin-confirm")
        self.confirm_text = QLabel(self.confirm)
        self.confirm_text.setObjectName("admin-confirm-text")
        self.confirm_text.setWordWrap(True)
        self.confirm_text.setTextFormat(Qt.TextFormat.PlainText)
        self.confirm_cancel = TouchButton("", variant="secondary", parent=self.confirm)
        self.confirm_cancel.setObjectName("admin-confirm-cancel")
        self.confirm_cancel.clicked.connect(self._cancel_confirm)
        self.confirm_ok = TouchButton("", variant="danger", parent=self.confirm)
        self.confirm_ok.setObjectName("admin-confirm-exit")
        self.confirm_ok.clicked.connect(self._confirmed_exit)
        confirm_row = QHBoxLayout(self.confirm)
        confirm_row.setContentsMargins(0, 0, 0, 0)
        confirm_row.addWidget(self.confirm_text, 1)
        confirm_row.addWidget(self.confirm_cancel)
        confirm_row.addWidget(self.confirm_ok)
        self._confirm_row = confirm_row
        self.confirm.hide()

        self._actions = QWidget(self)
        self._actions.setLayout(self._button_grid)
        self._button_grid.setContentsMargins(0, 0, 0, 0)
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(self.title)
        self._layout.addWidget(self.pin_warning)
        self._layout.addWidget(self.scroll_area, 1)
        self._layout.addWidget(self.notice)
        self._layout.addWidget(self._actions)
        self._layout.addWidget(self.confirm)
        self._place_tiles()
        self._place_buttons()
        self.retranslate()

    # ------------------------------------------------------------------ API

    def add_action(
        self, name: str, label: Callable[[], str], *, variant: str = "secondary"
    ) -> TouchButton:
        """A button on the action row that emits `action_requested(name)`; `label`
        returns its (translated) text and is called again on a language change."""
        button = TouchButton(label(), variant=variant, parent=self)
        button.setObjectName(f"admin-{name}")
        button.clicked.connect(lambda _=False, a=name: self._on_action(a))
        self.buttons[name] = button
        self._labels[name] = label
        self._columns = 0  # re-place on the next layout pass
        if hasattr(self, "close_button"):
            self._place_buttons()
        return button

    def set_status(self, status: Mapping[str, Any]) -> None:
        self._status = dict(status)
        self._refresh()

    def status(self) -> dict[str, Any]:
        return dict(self._status)

    def set_factory_pin(self, factory: bool) -> None:
        """Show (or hide) the warning that the PIN is still the factory 0000."""
        self._factory_pin = factory
        self.pin_warning.setVisible(factory)
        self.retranslate()

    def reset(self) -> None:
        """Back to the plain panel (no question, no notice): on every opening."""
        self._cancel_confirm()
        self._notice_key = ""
        self.notice.hide()
        self.scroll_area.verticalScrollBar().setValue(0)

    def show_result(self, text: str) -> None:
        """An action's outcome, already translated (e.g. "Catalog reloaded: 0 added, …"),
        in the notice line that said what was under way ("Reloading the catalog…"):
        one place to read, above the buttons, nothing drawn over them."""
        self._notice_key = ""  # kept as given on a language change
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def notice_text(self) -> str:
        return self.notice.text() if self.notice.isVisible() else ""

    # ------------------------------------------------------------------ actions

    def _action_label(self, action: str) -> str:
        return {
            AdminAction.EXIT: self.tr("Exit"), AdminAction.RESTART: self.tr("Restart"),
            AdminAction.RELOAD_CATALOG: self.tr("Reload catalog"),
            AdminAction.FLUSH_EVENTS: self.tr("Flush events"),
            AdminAction.REVIEW_IMAGES: self.tr("Review images"),
            AdminAction.AUDIENCE: self.tr("Audience"),
        }[AdminAction(action)]

    def _on_action(self, action: str) -> None:
        if action == AdminAction.EXIT:
            self._actions.hide()
            self.confirm.show()
            return
        self._show_notice(action)
        self.action_requested.emit(action)

    def _cancel_confirm(self) -> None:
        self.confirm.hide()
        self._actions.show()

    def _confirmed_exit(self) -> None:
        self._cancel_confirm()
        self._show_notice(AdminAction.EXIT)
        self.action_requested.emit(AdminAction.EXIT.value)

    def _on_close(self) -> None:
        self.reset()
        self.close_requested.emit()

    def _show_notice(self, key: str) -> None:
        self._notice_key = key
        text = self._notice_for(key)
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def _notice_for(self, key: str) -> str:
        s = self._status
        if key == AdminAction.FLUSH_EVENTS:
            if not admin_status.uploads_configured(s):
                return self.tr(
                    "Uploads are not configured, so nothing is sent: the events stay on "
                    "this kiosk. Set [personalize] tracking_id to send them."
                )
            if s.get("online") is False:
                return self.tr("Offline: the queued events are sent when the network is back.")
            return self.tr("Uploading the queued events now.")
        notices: dict[str, str] = {
            AdminAction.RESTART: self.tr("Restarting the kiosk…"),
            AdminAction.RELOAD_CATALOG: self.tr("Reloading the catalog…"),
            AdminAction.REVIEW_IMAGES: self.tr("Opening the images waiting for review…"),
            AdminAction.EXIT: self.tr("Closing the kiosk…"),
        }
        return notices.get(key, "")

    # ------------------------------------------------------------------ display

    def retranslate(self) -> None:
        self.title.setText(self.tr("Admin"))
        self.pin_warning.setText(self.tr(
            "The staff PIN is still the factory PIN 0000: anyone can open this panel. "
            "Set your own with kiosk-admin pin."
        ))
        for name, button in self.buttons.items():
            button.setText(self._labels[name]())
        self.close_button.setText(self.tr("Close"))
        self.confirm_text.setText(self.tr(
            "Exit the kiosk? The screen stays dark until it is started again."
        ))
        self.confirm_cancel.setText(self.tr("Keep running"))
        self.confirm_ok.setText(self.tr("Exit now"))
        if self._notice_key:
            self._show_notice(self._notice_key)
        self._columns = 0
        self._place_buttons()
        self._refresh()

    def _refresh(self) -> None:
        for key, tile in self.tiles.items():
            tile.set_text(admin_status.TILES[key](self._status))
        self._fit_tiles()

    def _fit_tiles(self) -> None:
        """Give each tile the height its wrapped text needs at its column width (grid
        rows do not ask their widgets' height-for-width)."""
        cols = max(1, self._tile_columns)
        m = self._metrics
        width = self.scroll_area.viewport().width() or self.width() - 2 * m.margin
        column_w = (width - (cols - 1) * m.gap) / cols
        if column_w <= 0:
            return
        for i, tile in enumerate(self.tiles.values()):
            _row, col = divmod(i, cols)
            span = cols - col if i == len(self.tiles) - 1 else 1
            tile.fit_height(int(column_w * span + (span - 1) * m.gap))

    def set_metrics(self, m: theme.Metrics) -> None:
        self._metrics = m
        self._layout.setContentsMargins(m.margin, m.margin, m.margin, m.margin)
        self._layout.setSpacing(m.gap)
        self._grid.setSpacing(m.gap)
        self._button_grid.setSpacing(m.gap)
        self._confirm_row.setSpacing(m.gap)
        self.title.setFont(theme.font(m.headline, QFont.Weight.Bold))
        self.title.setStyleSheet(f"color: {theme.TEXT.name()};")
        self.pin_warning.setFont(theme.font(m.body, QFont.Weight.DemiBold))
        self.pin_warning.setStyleSheet(f"color: {theme.DANGER.name()};")
        self.notice.setFont(theme.font(m.body))
        self.notice.setStyleSheet(f"color: {theme.TEXT.name()};")
        self.confirm_text.setFont(theme.font(m.body, QFont.Weight.DemiBold))
        self.confirm_text.setStyleSheet(f"color: {theme.TEXT.name()};")
        self.scroll_area.setStyleSheet(
            "QScrollArea, QScrollArea > QWidget > QWidget { background: transparent; }"
            f" QScrollBar:vertical {{ width: {m.px(20)}px; background: {theme.SURFACE.name()}; }}"
            f" QScrollBar::handle:vertical {{ background: {theme.OUTLINE.name()};"
            f" min-height: {m.min_touch}px; border-radius: {m.px(10)}px; }}"
            " QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical { height: 0; }"
        )
        self._columns = 0
        self._place_buttons()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_tiles()
        self._place_buttons()
        self._fit_tiles()

    def _place_tiles(self) -> None:
        """Four tiles a row in landscape, two in portrait."""
        cols = 2 if self.height() > self.width() else 4
        if cols == self._tile_columns:
            return
        self._tile_columns = cols
        for tile in self.tiles.values():
            self._grid.removeWidget(tile)
        keys = list(self.tiles)
        for i, key in enumerate(keys):
            row, col = divmod(i, cols)
            last = i == len(keys) - 1
            span = cols - col if last else 1  # the last tile fills its row
            self._grid.addWidget(self.tiles[key], row, col, 1, span)
        for col in range(4):
            self._grid.setColumnStretch(col, 1 if col < cols else 0)

    def _place_buttons(self) -> None:
        """As many equal columns of buttons as fit the width, Close last."""
        buttons = [*self.buttons.values(), self.close_button]
        m = self._metrics
        avail = max(1, self.width() - 2 * m.margin)
        widest = max(b.sizeHint().width() for b in buttons)
        cols = max(1, min(len(buttons), (avail + m.gap) // (widest + m.gap)))
        if cols == self._columns:
            return
        self._columns = cols
        for button in buttons:
            self._button_grid.removeWidget(button)
        for i, button in enumerate(buttons):
            row, col = divmod(i, cols)
            self._button_grid.addWidget(button, row, col)
        for col in range(len(buttons)):
            self._button_grid.setColumnStretch(col, 1 if col < cols else 0)
