"""The curation screen: images waiting for review, as thumbnails with big Approve and
Reject buttons, for the operator at the kiosk.

No disk I/O here: the wiring decodes the images on a worker and hands them over
with `set_pending([(id, emotion, QImage, file name), …])`, then calls it again after
each decision. Each tile names the imported file (elided in the middle when long, the
whole name in its tooltip) above the pool id that `kiosk-admin catalog` takes. A tap
disables that tile's buttons at once (no double approval) until the next `set_pending`
or `set_item_error`.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QFont,
    QImage,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPixmap,
    QResizeEvent,
)
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

from kiosk.domain import Emotion
from kiosk.ui import texts, theme
from kiosk.ui.widgets import TouchButton

PendingItem = tuple[str, Emotion | str, QImage, str]


class ElidedLabel(QLabel):
    """One line of plain text elided in the middle ("행복한 고…진 1.jpg") to the label's
    width, never widening its layout; the whole text is its tooltip."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._full = text
        self.setToolTip(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._elide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = self.contentsRect().width()
        metrics = self.fontMetrics()
        self.setText(self._full if width <= 0 else metrics.elidedText(
            self._full, Qt.TextElideMode.ElideMiddle, width))


class Thumbnail(QWidget):
    """A QImage fitted (letterboxed) into rounded corners."""

    def __init__(self, image: QImage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image = image
        self._pixmap: QPixmap | None = None
        self._metrics = theme.Metrics()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def image(self) -> QImage:
        return self._image

    def set_metrics(self, m: theme.Metrics) -> None:
        self._metrics = m
        self.setMinimumHeight(m.px(220))
        self._pixmap = None

    def sizeHint(self) -> QSize:
        return QSize(self._metrics.px(320), self._metrics.px(280))

    def paintEvent(self, event: QPaintEvent) -> None:
        m = self._metrics
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        rect = QRectF(self.rect())
        clip = QPainterPath()
        radius = max(1, m.radius - m.px(10))
        clip.addRoundedRect(rect, radius, radius)
        p.setClipPath(clip)
        p.fillRect(rect, theme.SURFACE_2)
        if self._image.isNull():
            p.setPen(theme.TEXT_MUTED)
            p.setFont(theme.font(m.headline, QFont.Weight.Bold))
            p.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), "…")
        else:
            size = self.size()
            if self._pixmap is None or self._pixmap.size() != self._image.size().scaled(
                size, Qt.AspectRatioMode.KeepAspectRatio
            ):
                self._pixmap = QPixmap.fromImage(self._image.scaled(
                    size, Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                ))
            x = (size.width() - self._pixmap.width()) // 2
            y = (size.height() - self._pixmap.height()) // 2
            p.drawPixmap(x, y, self._pixmap)
        p.end()


class PendingTile(QWidget):
    """One pending image: thumbnail, the imported file's name, emotion, id, Approve and
    Reject (texts set by the screen, so all of them translate in the screen's context)."""

    def __init__(self, key: str, emotion: Emotion, image: QImage, name: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.emotion = emotion
        self.setObjectName(f"pending-{key}")
        self._metrics = theme.Metrics()
        self.thumbnail = Thumbnail(image, self)
        self.name_label = ElidedLabel(name, self)
        self.name_label.setObjectName("curation-name")
        self.name_label.setVisible(bool(name))
        self.emotion_label = QLabel(self)
        self.id_label = QLabel(key, self)
        self.error_label = QLabel(self)
        for label in (self.emotion_label, self.id_label, self.error_label):
            label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.approve_button = TouchButton(variant="primary", accent=theme.EMOTION_ACCENTS[
            Emotion.CALM], parent=self)
        self.approve_button.setObjectName("curation-approve")
        self.reject_button = TouchButton(variant="danger", parent=self)
        self.reject_button.setObjectName("curation-reject")
        buttons = QHBoxLayout()
        buttons.addWidget(self.reject_button, 1)
        buttons.addWidget(self.approve_button, 1)
        self._buttons = buttons
        captions = QHBoxLayout()
        captions.addWidget(self.emotion_label)
        captions.addStretch(1)
        captions.addWidget(self.id_label)
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(self.thumbnail, 1)
        self._layout.addWidget(self.name_label)
        self._layout.addLayout(captions)
        self._layout.addWidget(self.error_label)
        self._layout.addLayout(buttons)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_texts(self, approve: str, reject: str) -> None:
        self.approve_button.setText(approve)
        self.reject_button.setText(reject)
        self.emotion_label.setText(texts.emotion_name(self.emotion))
        self._fit_buttons()

    def set_busy(self, busy: bool) -> None:
        self.approve_button.setEnabled(not busy)
        self.reject_button.setEnabled(not busy)

    def set_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))
        self.set_busy(False)

    def set_metrics(self, m: theme.Metrics) -> None:
        self._metrics = m
        pad = m.px(16)
        self._layout.setContentsMargins(pad, pad, pad, pad)
        self._layout.setSpacing(m.px(10))
        self._buttons.setSpacing(m.px(12))
        self.thumbnail.set_metrics(m)
        accent = theme.accent_for(self.emotion)
        self.emotion_label.setFont(theme.font(m.body, QFont.Weight.DemiBold))
        self.emotion_label.setStyleSheet(f"color: {accent.name()}; background: transparent;")
        self.name_label.setFont(theme.font(m.body))
        self.name_label.setStyleSheet(f"color: {theme.TEXT.name()}; background: transparent;")
        self.id_label.setFont(theme.font(m.caption))
        self.id_label.setStyleSheet(
            f"color: {theme.TEXT_MUTED.name()}; background: transparent;"
        )
        self.error_label.setFont(theme.font(m.small))
        self.error_label.setStyleSheet(f"color: {theme.DANGER.name()}; background: transparent;")
        self._fit_buttons()

    def _fit_buttons(self) -> None:
        """Never narrower than their text (no "Appro…"), in any language."""
        m = self._metrics
        for button in (self.approve_button, self.reject_button):
            button.set_metrics(m)
            button.setMinimumSize(max(m.touch(120), button.sizeHint().width()), m.button_h)

    def minimum_width(self) -> int:
        m = self._metrics
        buttons = sum(b.minimumWidth() for b in (self.approve_button, self.reject_button))
        return buttons + m.px(12) + 2 * m.px(16)

    def paintEvent(self, event: QPaintEvent) -> None:
        theme.paint_card(self, self._metrics)


class CurationScreen(QWidget):
    """Signals:
    approve_requested(str id): the operator tapped Approve on a pending image.
    reject_requested(str id): the operator tapped Reject.
    close_requested(): Close.
    """

    approve_requested = Signal(str)
    reject_requested = Signal(str)
    close_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._metrics = theme.Metrics()
        self._tiles: list[PendingTile] = []
        self._columns = 0
        self.title = QLabel(self)
        self.title.setObjectName("curation-title")
        self.count_label = QLabel(self)
        self.count_label.setObjectName("curation-count")
        self.empty_label = QLabel(self)
        self.empty_label.setObjectName("curation-empty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        for label in (self.title, self.count_label, self.empty_label):
            label.setTextFormat(Qt.TextFormat.PlainText)
        self._grid_host = QWidget()
        self._grid_host.setObjectName("curation-grid")
        self._grid = QGridLayout(self._grid_host)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(self._grid_host)
        QScroller.grabGesture(
            self.scroll_area.viewport(), QScroller.ScrollerGestureType.TouchGesture
        )
        self.close_button = TouchButton(variant="primary", parent=self)
        self.close_button.setObjectName("curation-close")
        self.close_button.clicked.connect(self.close_requested)
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addStretch(1)
        header.addWidget(self.count_label)
        footer = QHBoxLayout()
        footer.addStretch(1)
        footer.addWidget(self.close_button)
        self._header, self._footer = header, footer
        self._layout = QVBoxLayout(self)
        self._layout.addLayout(header)
        self._layout.addWidget(self.scroll_area, 1)
        self._layout.addWidget(self.empty_label, 1)
        self._layout.addLayout(footer)
        self.retranslate()
        self._refresh_state()

    # ------------------------------------------------------------------ API

    def set_pending(self, items: Iterable[PendingItem]) -> None:
        """Show these pending images (replacing the ones shown), oldest first."""
        for tile in self._tiles:
            self._grid.removeWidget(tile)
            tile.hide()
            tile.deleteLater()
        self._tiles = []
        for key, emotion, image, name in items:
            emo = emotion if isinstance(emotion, Emotion) else Emotion.parse(emotion)
            tile = PendingTile(key, emo, image, name, self._grid_host)
            tile.set_metrics(self._metrics)
            tile.approve_button.clicked.connect(lambda _=False, t=tile: self._decide(t, True))
            tile.reject_button.clicked.connect(lambda _=False, t=tile: self._decide(t, False))
            self._tiles.append(tile)
        self._columns = 0
        self.retranslate()
        self._relayout()
        self._refresh_state()

    def pending_ids(self) -> list[str]:
        return [t.key for t in self._tiles]

    def tile(self, key: str) -> PendingTile | None:
        return next((t for t in self._tiles if t.key == key), None)

    def set_item_error(self, key: str, text: str) -> None:
        """A decision failed (e.g. the disk is full): say why and enable the tile again."""
        tile = self.tile(key)
        if tile is not None:
            tile.set_error(text)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Review new images"))
        self.count_label.setText(self.tr("%1 waiting").replace("%1", str(len(self._tiles))))
        self.empty_label.setText(self.tr(
            "No images are waiting for review.\nImport images with kiosk-admin catalog "
            "import, or make new ones with kiosk-admin generate."
        ))
        self.close_button.setText(self.tr("Close"))
        approve, reject = self.tr("Approve"), self.tr("Reject")
        for tile in self._tiles:
            tile.set_texts(approve, reject)

    def set_metrics(self, m: theme.Metrics) -> None:
        self._metrics = m
        self._layout.setContentsMargins(m.margin, m.margin, m.margin, m.margin)
        self._layout.setSpacing(m.gap)
        self._grid.setSpacing(m.gap)
        self.title.setFont(theme.font(m.headline, QFont.Weight.Bold))
        self.title.setStyleSheet(f"color: {theme.TEXT.name()}; background: transparent;")
        self.count_label.setFont(theme.font(m.title, QFont.Weight.DemiBold))
        self.count_label.setStyleSheet(
            f"color: {theme.TEXT_MUTED.name()}; background: transparent;"
        )
        self.empty_label.setFont(theme.font(m.title))
        self.empty_label.setStyleSheet(
            f"color: {theme.TEXT_MUTED.name()}; background: transparent;"
        )
        self.close_button.set_metrics(m)
        self.scroll_area.setStyleSheet(
            f"QScrollArea, QScrollArea > QWidget > QWidget {{ background: {theme.BG.name()}; }}"
            f" QScrollBar:vertical {{ width: {m.px(20)}px; background: {theme.SURFACE.name()}; }}"
            f" QScrollBar::handle:vertical {{ background: {theme.OUTLINE.name()};"
            f" min-height: {m.min_touch}px; border-radius: {m.px(10)}px; }}"
            " QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical { height: 0; }"
        )
        for tile in self._tiles:
            tile.set_metrics(m)
        self._columns = 0
        self._relayout()

    # ------------------------------------------------------------------ internals

    def _decide(self, tile: PendingTile, approve: bool) -> None:
        if not tile.approve_button.isEnabled():
            return
        tile.set_busy(True)
        (self.approve_requested if approve else self.reject_requested).emit(tile.key)

    def columns(self) -> int:
        """Tiles per row for the current width (1 to 4)."""
        m = self._metrics
        width = self.width() - 2 * m.margin - m.px(20)  # the margins and the scroll bar
        tile_w = max(m.px(360), self._tiles[0].minimum_width() if self._tiles else 0)
        return max(1, min(4, (width + m.gap) // (tile_w + m.gap)))

    def _relayout(self) -> None:
        cols = self.columns()
        if cols == self._columns:
            return
        self._columns = cols
        for tile in self._tiles:
            self._grid.removeWidget(tile)
        for c in range(self._grid.columnCount()):
            self._grid.setColumnStretch(c, 0)
        for i, tile in enumerate(self._tiles):
            self._grid.addWidget(tile, i // cols, i % cols)
            tile.setMinimumHeight(self._metrics.px(420))
            tile.show()
        for c in range(cols):
            self._grid.setColumnStretch(c, 1)
        self._grid.setRowStretch(self._grid.rowCount(), 1)

    def _refresh_state(self) -> None:
        empty = not self._tiles
        self.empty_label.setVisible(empty)
        self.scroll_area.setVisible(not empty)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._relayout()
