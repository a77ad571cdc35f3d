"""The admin panel's "Audience" screen: today's numbers and three small charts, and
what the like rates and top items hold back below k visits (`kiosk.ui.audience_note`,
the sentence `kiosk-admin report` prints, in the operator's language).

`set_report` takes the plain dict of `kiosk.analytics.report` (built on a worker
thread), so this module needs no analytics types. The charts are bars drawn with
QPainter (`BarChart`, ~80 lines): a plotting library would bring more than the three
bar charts need — pyqtgraph adds its own import time to the GUI thread and pulls
QtOpenGL/QtSvg, which the bundle leaves out; matplotlib is tens of MB. Sizes follow
`theme.Metrics`, and the charts stack vertically on a portrait screen.

Signals:
    close_requested(): Back to the admin panel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen, QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from kiosk.domain import Emotion
from kiosk.ui import theme
from kiosk.ui.admin_panel import StatusTile
from kiosk.ui.audience_note import held_back_text
from kiosk.ui.texts import emotion_name
from kiosk.ui.widgets import TouchButton

EMOTION_COLORS = {
    "HAPPY": "#f2b705", "SURPRISED": "#f28705", "CALM": "#4aa3a2", "SAD": "#3b6ea8",
    "ANGRY": "#c0392b", "FEAR": "#7d3c98", "DISGUSTED": "#5b8c2a", "CONFUSED": "#95a5a6",
}


class BarChart(QWidget):
    """A titled bar chart: one bar per label, the value over the bar when it fits."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"chart-{name}")
        self._metrics = theme.Metrics()
        self.title = ""
        self.empty_text = ""
        self.labels: list[str] = []
        self.values: list[float] = []
        self.colors: list[QColor] = []
        self.value_format = "{:.0f}"
        self.label_every = 1
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_data(self, labels: Sequence[str], values: Sequence[float],
                 colors: Sequence[QColor] | None = None, value_format: str = "{:.0f}",
                 label_every: int = 1) -> None:
        self.labels, self.values = list(labels), [float(v) for v in values]
        self.colors = list(colors) if colors else [theme.NEUTRAL_ACCENT] * len(self.labels)
        self.value_format, self.label_every = value_format, max(1, label_every)
        self.update()

    def set_metrics(self, m: theme.Metrics) -> None:
        self._metrics = m
        # 220: room for the held-back sentence (3 lines in Korean) at 1366x768 and 1280x800
        self.setMinimumHeight(m.px(220))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        m = self._metrics
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        box = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        p.setPen(QPen(theme.OUTLINE, max(1.0, m.scale * 2)))
        p.setBrush(theme.SURFACE)
        p.drawRoundedRect(box, m.radius, m.radius)
        pad = m.px(20)
        inner = box.adjusted(pad, pad, -pad, -pad)
        title_font = theme.font(m.small, QFont.Weight.DemiBold)
        label_font = theme.font(m.caption)
        p.setFont(title_font)
        p.setPen(theme.TEXT_MUTED)
        title_h = QFontMetrics(title_font).height()
        p.drawText(QRectF(inner.left(), inner.top(), inner.width(), title_h),
                   Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.title)
        plot = inner.adjusted(0, title_h + m.px(8), 0, 0)
        top = max(self.values, default=0.0)
        if top <= 0:
            p.setPen(theme.TEXT_MUTED)
            p.setFont(label_font)
            p.drawText(plot, Qt.AlignmentFlag.AlignCenter, self.empty_text)
            p.end()
            return
        label_h = QFontMetrics(label_font).height()
        bars = plot.adjusted(0, label_h, 0, -label_h - m.px(4))
        slot = bars.width() / len(self.values)
        gap = slot * 0.2
        p.setFont(label_font)
        for i, (label, value) in enumerate(zip(self.labels, self.values, strict=True)):
            h = bars.height() * value / top
            x = bars.left() + i * slot + gap / 2
            rect = QRectF(x, bars.bottom() - h, slot - gap, h)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(self.colors[i % len(self.colors)])
            p.drawRect(rect)
            p.setPen(theme.TEXT)
            text = self.value_format.format(value)
            if value > 0 and QFontMetrics(label_font).horizontalAdvance(text) <= slot:
                p.drawText(QRectF(x - gap / 2, rect.top() - label_h, slot, label_h),
                           Qt.AlignmentFlag.AlignCenter, text)
            if i % self.label_every == 0:
                p.setPen(theme.TEXT_MUTED)
                p.drawText(QRectF(x - gap / 2 - slot, bars.bottom() + m.px(4), slot * 3,
                                  label_h), Qt.AlignmentFlag.AlignCenter, label)
        p.end()


class AudienceView(QWidget):
    """Today's audience: six tiles, three charts, the top items, and Back."""

    close_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("audience")
        self._report: dict[str, Any] = {}
        self.title = QLabel(self)
        self.title.setObjectName("audience-title")
        self.title.setWordWrap(True)  # a long zone name (America/Los_Angeles) on a portrait screen
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        # what the like rates and top items leave out, as `kiosk-admin report` says it
        self.held_back = QLabel(self)
        self.held_back.setObjectName("audience-held-back")
        self.held_back.setWordWrap(True)
        self.held_back.setTextFormat(Qt.TextFormat.PlainText)
        self.held_back.hide()
        self.tiles = {key: StatusTile(f"audience-{key}", self) for key in
                      ("visits", "attention", "dwell", "likes", "mood", "camera")}
        self._tile_grid = QGridLayout()
        for i, tile in enumerate(self.tiles.values()):
            self._tile_grid.addWidget(tile, i // 3, i % 3)
        self.charts = {key: BarChart(key, self) for key in ("hours", "emotions", "like_rate")}
        self._charts_box = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        for chart in self.charts.values():
            self._charts_box.addWidget(chart, 1)
        self.top_items = QLabel(self)
        self.top_items.setObjectName("audience-top-items")
        self.top_items.setWordWrap(True)
        self.top_items.setTextFormat(Qt.TextFormat.PlainText)
        self.back_button = TouchButton("", variant="primary", parent=self)
        self.back_button.setObjectName("audience-back")
        self.back_button.clicked.connect(self.close_requested)
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(self.title)
        self._layout.addWidget(self.note)
        self._layout.addWidget(self.held_back)
        self._layout.addLayout(self._tile_grid)
        self._layout.addLayout(self._charts_box, 1)
        self._layout.addWidget(self.top_items)
        self._layout.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignRight)
        self.retranslate()

    def set_report(self, report: Mapping[str, Any]) -> None:
        self._report = dict(report)
        self._refresh()

    def retranslate(self) -> None:
        self.back_button.setText(self.tr("Back"))
        self._refresh()

    def changeEvent(self, event: Any) -> None:
        if event.type() == event.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        portrait = self.height() > self.width()
        self._charts_box.setDirection(QBoxLayout.Direction.TopToBottom if portrait
                                      else QBoxLayout.Direction.LeftToRight)
        super().resizeEvent(event)

    def _refresh(self) -> None:
        r = self._report
        t: Mapping[str, Any] = r.get("totals", {})
        na = "—"
        zone = str(r.get("timezone") or "")  # the store's: [analytics] timezone
        self.title.setText(self.tr("Audience today (%1)").replace("%1", zone) if zone
                           else self.tr("Audience today"))
        visits = int(t.get("visits") or 0)
        self.note.setText(self.tr(
            "Counted on this kiosk only, without images or per-person records. Emotions, "
            "like rates and items cover at least %1 visits; smaller groups are merged or "
            "left out.").replace("%1", str(r.get("k", 5))))
        held = held_back_text(r)
        self.held_back.setText(held)
        self.held_back.setVisible(bool(held))
        self.tiles["visits"].set_values(self.tr("Visits"), str(visits),
                                        self.tr("%1 passers-by").replace(
                                            "%1", str(t.get("passers_by", 0) or 0)))
        engaged = int(t.get("engaged") or 0)
        share = f"{100 * engaged / visits:.0f} %" if visits else na
        self.tiles["attention"].set_values(self.tr("Attention"), share,
                                           self.tr("%1 stayed").replace("%1", str(engaged)))
        p50, p90 = t.get("dwell_p50_s"), t.get("dwell_p90_s")
        self.tiles["dwell"].set_values(
            self.tr("Dwell time"), na if p50 is None else self.tr("%1 s").replace(
                "%1", f"{p50:.0f}"),
            "" if p90 is None else self.tr("90 % under %1 s").replace("%1", f"{p90:.0f}"))
        rate = t.get("like_rate")
        self.tiles["likes"].set_values(
            self.tr("Likes"), str(t.get("likes", 0) or 0),
            self.tr("%1 pages, %2 % liked").replace("%1", str(t.get("pages", 0) or 0)).replace(
                "%2", na if rate is None else f"{100 * rate:.0f}"))
        self.tiles["mood"].set_values(
            self.tr("Mood picker"), str(t.get("mood_picks", 0) or 0),
            self.tr("Consent %1 yes, %2 no").replace("%1", str(t.get("consent_yes", 0) or 0))
            .replace("%2", str(t.get("consent_no", 0) or 0)))
        live = t.get("camera_live_pct")
        self.tiles["camera"].set_values(
            self.tr("Camera live"), na if live is None else f"{live:.0f} %",
            self.tr("%1 crashes").replace("%1", str(t.get("crashes", 0) or 0)),
            alert=live is not None and live < 90)
        hours = r.get("visits_by_hour", {})
        chart = self.charts["hours"]
        chart.title, chart.empty_text = self.tr("Visits by hour"), self.tr("No visits yet")
        chart.set_data([str(h) for h in range(24)],
                       [hours.get(str(h), 0) for h in range(24)], label_every=6)
        mix = r.get("emotion_mix", {})
        chart = self.charts["emotions"]
        chart.title = self.tr("Emotions")
        chart.empty_text = self.tr("Not enough visits yet")
        chart.set_data([_emotion(e) for e in mix], list(mix.values()),
                       [QColor(EMOTION_COLORS.get(e, "#7DD3FC")) for e in mix])
        rates = r.get("like_rate_by_emotion", {})
        chart = self.charts["like_rate"]
        chart.title = self.tr("Like rate by emotion")
        chart.empty_text = self.tr("Not enough visits yet")
        chart.set_data([_emotion(e) for e in rates], [100 * v for v in rates.values()],
                       [QColor(EMOTION_COLORS.get(e, "#7DD3FC")) for e in rates], "{:.0f}%")
        items = r.get("top_items", [])[:5]
        self.top_items.setText(self.tr("Top items: %1").replace(
            "%1", ", ".join(f"{i['item'].rsplit('/', 1)[-1]} ({i['likes']})" for i in items)
            or na))

    def set_metrics(self, m: theme.Metrics) -> None:
        self._layout.setContentsMargins(m.margin, m.margin, m.margin, m.margin)
        self._layout.setSpacing(m.gap)
        self._tile_grid.setSpacing(m.gap)
        self._charts_box.setSpacing(m.gap)
        self.title.setFont(theme.font(m.headline, QFont.Weight.Bold))
        self.title.setStyleSheet(f"color: {theme.TEXT.name()};")
        for label in (self.note, self.held_back, self.top_items):
            label.setFont(theme.font(m.small))
            label.setStyleSheet(f"color: {theme.TEXT_MUTED.name()};")


def _emotion(name: str) -> str:
    try:
        return emotion_name(Emotion.parse(name))
    except ValueError:
        return name
