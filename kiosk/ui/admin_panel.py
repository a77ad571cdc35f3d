"""The admin panel: health at a glance and the operator's actions.

`set_status` takes a plain dict (so the wiring needs no UI types). Known keys:

    camera_state: str          camera_fps: float
    model_device: str          inference_ms: float
    online: bool               queue_depth: int        dead_letters: int
    catalog_counts: Mapping[str, int] (per emotion) or int (total)
    crash_count: int
    camera_detail: str (the camera's technical reason)
    last_problem: str (the last error kept from a visitor's toast)

Any other key is listed under "Other" as `key: value`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from kiosk.ui import notices, theme
from kiosk.ui.widgets import TouchButton

ACTIONS = ("exit", "restart", "reload_catalog", "flush_events", "review_images", "audience")
KNOWN_KEYS = frozenset({
    "camera_state", "camera_fps", "model_device", "inference_ms", "online",
    "queue_depth", "dead_letters", "catalog_counts", "crash_count", "camera_detail",
    "last_problem",
})


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
        self.caption.setText(caption)
        self.value.setText(value)
        self.value.setVisible(bool(value))
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        color = theme.DANGER if alert else theme.TEXT
        self.value.setStyleSheet(f"color: {color.name()};")

    def set_metrics(self, m: theme.Metrics) -> None:
        self._metrics = m
        pad = m.px(24)
        self._layout.setContentsMargins(pad, pad, pad, pad)
        self._layout.setSpacing(m.px(6))
        self.caption.setFont(theme.font(m.small, QFont.Weight.DemiBold))
        self.caption.setStyleSheet(f"color: {theme.TEXT_MUTED.name()};")
        self.value.setFont(theme.font(m.title, QFont.Weight.Bold))
        self.detail.setFont(theme.font(m.small))
        self.detail.setStyleSheet(f"color: {theme.TEXT_MUTED.name()};")

    def paintEvent(self, event: QPaintEvent) -> None:
        m = self._metrics
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setPen(QPen(theme.OUTLINE, max(1.0, m.scale * 2)))
        p.setBrush(theme.SURFACE)
        p.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), m.radius, m.radius)
        p.end()


def _num(value: Any, fmt: str = "{:.0f}") -> str:
    try:
        return fmt.format(float(value))
    except (TypeError, ValueError):
        return "—"


class AdminPanel(QWidget):
    """Signals:
    action_requested(str): "exit", "restart", "reload_catalog", "flush_events",
        "review_images" (the pending pool, approved or rejected by touch) or "audience"
        (today's audience analytics).
    close_requested(): Close.
    """

    action_requested = Signal(str)
    close_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._status: dict[str, Any] = {}
        self._metrics = theme.Metrics()
        self.title = QLabel(self)
        self.title.setObjectName("admin-title")
        self.tiles = {
            key: StatusTile(key, self)
            for key in ("camera", "model", "network", "events", "catalog", "crashes", "other")
        }
        grid = QGridLayout()
        for i, key in enumerate(self.tiles):
            span = 2 if key == "other" else 1  # 7 tiles: "other" fills the second row
            grid.addWidget(self.tiles[key], i // 4, i % 4, 1, span)
        for col in range(4):
            grid.setColumnStretch(col, 1)
        self._grid = grid
        self.buttons: dict[str, TouchButton] = {}
        row = QHBoxLayout()
        for action in ACTIONS:
            variant = "danger" if action == "exit" else "secondary"
            button = TouchButton("", variant=variant, parent=self)
            button.setObjectName(f"admin-{action}")
            button.clicked.connect(lambda _=False, a=action: self.action_requested.emit(a))
            self.buttons[action] = button
            row.addWidget(button)
        row.addStretch(1)
        self.close_button = TouchButton("", variant="primary", parent=self)
        self.close_button.setObjectName("admin-close")
        self.close_button.clicked.connect(self.close_requested)
        row.addWidget(self.close_button)
        self._row = row
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(self.title)
        self._layout.addLayout(grid)
        self._layout.addStretch(1)
        self._layout.addLayout(row)
        self.retranslate()

    def set_status(self, status: Mapping[str, Any]) -> None:
        self._status = dict(status)
        self._refresh()

    def status(self) -> dict[str, Any]:
        return dict(self._status)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Admin"))
        self.buttons["exit"].setText(self.tr("Exit"))
        self.buttons["restart"].setText(self.tr("Restart"))
        self.buttons["reload_catalog"].setText(self.tr("Reload catalog"))
        self.buttons["flush_events"].setText(self.tr("Flush events"))
        self.buttons["review_images"].setText(self.tr("Review images"))
        self.buttons["audience"].setText(self.tr("Audience"))
        self.close_button.setText(self.tr("Close"))
        self._refresh()

    def _refresh(self) -> None:
        s = self._status
        na = "—"
        camera_state = str(s.get("camera_state", na))
        fps = self.tr("%1 fps").replace("%1", _num(s.get("camera_fps"), "{:.1f}"))
        camera_detail = str(s.get("camera_detail") or "")  # the technical reason
        self.tiles["camera"].set_values(
            self.tr("Camera"), camera_state,
            f"{fps}\n{camera_detail}" if camera_detail else fps,
            alert=camera_state.upper() in ("LOST", "STALLED"),
        )
        self.tiles["model"].set_values(
            self.tr("Model"), str(s.get("model_device", na)),
            self.tr("%1 ms per face").replace("%1", _num(s.get("inference_ms"), "{:.0f}")),
        )
        online = s.get("online")
        self.tiles["network"].set_values(
            self.tr("Network"),
            na if online is None else self.tr("Online") if online else self.tr("Offline"),
            alert=online is False,
        )
        dead = int(s.get("dead_letters", 0) or 0)
        self.tiles["events"].set_values(
            self.tr("Event queue"),
            self.tr("%1 waiting").replace("%1", str(s.get("queue_depth", na))),
            self.tr("%1 dead letters").replace("%1", str(dead)),
            alert=dead > 0,
        )
        counts = s.get("catalog_counts")
        if isinstance(counts, Mapping):
            total = sum(int(v) for v in counts.values())
            detail = ", ".join(f"{k.lower()} {v}" for k, v in counts.items())
        else:
            total, detail = (int(counts) if counts is not None else 0), ""
        self.tiles["catalog"].set_values(
            self.tr("Catalog"), self.tr("%1 images").replace("%1", str(total)), detail,
            alert=counts is not None and total == 0,
        )
        crashes = int(s.get("crash_count", 0) or 0)
        problem = str(s.get("last_problem") or "")  # kept from visitors, shown here
        self.tiles["crashes"].set_values(
            self.tr("Crashes"), str(crashes),
            notices.last_problem_caption().replace("%1", problem) if problem else "",
            alert=crashes > 0,
        )
        other = [f"{k}: {v}" for k, v in s.items() if k not in KNOWN_KEYS]
        self.tiles["other"].set_values(self.tr("Other"), "", "\n".join(other) or na)

    def set_metrics(self, m: theme.Metrics) -> None:
        self._metrics = m
        self._layout.setContentsMargins(m.margin, m.margin, m.margin, m.margin)
        self._layout.setSpacing(m.gap)
        self._grid.setSpacing(m.gap)
        self._row.setSpacing(m.gap)
        self.title.setFont(theme.font(m.headline, QFont.Weight.Bold))
        self.title.setStyleSheet(f"color: {theme.TEXT.name()};")
