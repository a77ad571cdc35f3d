"""The main screen's headline and the line under it, at a height that does not jump.

The two lines change with what the screen says ("Because you look happy", "Step
closer — we'll pick images for your mood", "For you · Calm", …), and at some widths
one of them wraps onto a second line where another does not: in Korean at 1080×1920
"Step closer…" takes two lines, "Because you look surprised" one, so the preview and
the cards under them moved down a line when the visitor left and back up when the
next one came. `HeaderText` is as tall as the tallest pair of texts it may show at
its width (`candidates`), the texts at its top: the layout under it stays put.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

Candidates = Callable[[], Sequence[tuple[str, str]]]
"""() -> every (headline, subline) pair the screen may show now."""

_UNBOUNDED = 1_000_000


def _wrapped_height(label: QLabel, text: str, width: int) -> int:
    """Height of `text` in `label`'s font word-wrapped at `width` pixels, as a plain
    text QLabel lays it out (`QFontMetrics.boundingRect` with `TextWordWrap`)."""
    if not text:
        return 0
    flags = int(Qt.TextFlag.TextWordWrap) | int(label.alignment())
    rect = QFontMetrics(label.font()).boundingRect(QRect(0, 0, width, _UNBOUNDED), flags, text)
    return rect.height()


def _label(parent: QWidget, name: str) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    return label


class HeaderText(QWidget):
    """`headline` over `subline`, at least as tall as the tallest of `candidates` at
    this widget's width; call `refit` when the candidates or the fonts change (a
    resize refits by itself)."""

    def __init__(self, candidates: Candidates, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._candidates = candidates
        self.headline = _label(self, "headline")
        self.subline = _label(self, "subline")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.headline)
        self._layout.addWidget(self.subline)
        self._layout.addStretch(1)  # a shorter pair keeps to the top

    def set_spacing(self, px: int) -> None:
        self._layout.setSpacing(px)
        self.refit()

    def needed_height(self, width: int) -> int:
        """The tallest candidate pair at `width` pixels, with the spacing between."""
        if width <= 0:
            return 0
        gap = self._layout.spacing()
        return max((_wrapped_height(self.headline, headline, width) + max(gap, 0)
                    + _wrapped_height(self.subline, subline, width)
                    for headline, subline in self._candidates()), default=0)

    def refit(self) -> None:
        need = self.needed_height(self.width())
        if need > 0 and need != self.minimumHeight():
            self.setMinimumHeight(need)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.refit()
