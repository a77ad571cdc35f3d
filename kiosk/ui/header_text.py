"""The main screen's headline and the line under it, at a height that does not jump.

The two lines change with what the screen says ("Because you look happy", "Step
closer — we'll pick images for your mood", "For you · Calm", …), and at some widths
one of them wraps onto a second line where another does not: in Korean at 1080×1920
"Step closer…" takes two lines, "Because you look surprised" one, so the preview and
the cards under them moved down a line when the visitor left and back up when the
next one came. `HeaderText` is as tall as the tallest pair of texts it may show at
its width (`candidates`), the texts at its top: the layout under it stays put.

It places its two labels itself, without a layout: Qt asks a widget with a layout
for that layout's height-for-width, never the widget's own (`QWidgetItem`), and a
minimum height set after a resize left the cards under it laid out for a stale
height until the next layout pass (the impressions counted cards not drawn).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

Candidates = Callable[[], Sequence[tuple[str, str]]]
"""() -> every (headline, subline) pair the screen may show now."""

_UNBOUNDED = 1_000_000


def _wrapped_height(label: QLabel, text: str, width: int) -> int:
    """Height of `text` in `label`'s font word-wrapped at `width` pixels, as a plain
    text QLabel lays it out (`QFontMetrics.boundingRect` with `TextWordWrap`)."""
    if not text or width <= 0:
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
    """`headline` over `subline`, as tall as the tallest of `candidates` (and of what
    it shows) at the width its layout gives it (`heightForWidth`); call `refit` when
    the candidates or the fonts change."""

    def __init__(self, candidates: Candidates, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._candidates = candidates
        self._spacing = 0
        self._reserve = True  # reserve the tallest candidate (`set_reserve`)
        self._needed: dict[int, int] = {}  # width -> needed_height (until `refit`)
        self.headline = _label(self, "headline")
        self.subline = _label(self, "subline")
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def set_reserve(self, reserve: bool) -> None:
        """Reserve the tallest candidate's height (True), or only what is shown: the
        main screen reserves in portrait, where the header sits above the preview with
        room to spare; in landscape the cards beside the sidebar need the height (at
        800x800 a reserved header left room for 2 of a page's 3 cards)."""
        if reserve != self._reserve:
            self._reserve = reserve
            self.refit()

    def set_spacing(self, px: int) -> None:
        self._spacing = max(0, px)
        self.refit()

    def _pair_height(self, headline: str, subline: str, width: int) -> int:
        return (_wrapped_height(self.headline, headline, width) + self._spacing
                + _wrapped_height(self.subline, subline, width))

    def needed_height(self, width: int) -> int:
        """The tallest candidate pair at `width` pixels, with the spacing between (0
        when not reserving)."""
        if width <= 0 or not self._reserve:
            return 0
        if width not in self._needed:  # layouts ask often; the texts change rarely
            self._needed[width] = max((self._pair_height(h, s, width)
                                       for h, s in self._candidates()), default=0)
        return self._needed[width]

    def refit(self) -> None:
        """The candidates or fonts changed: the layout asks `heightForWidth` again."""
        self._needed.clear()
        self._place()
        self.updateGeometry()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        shown = self._pair_height(self.headline.text(), self.subline.text(), width)
        return max(shown, self.needed_height(width))

    def sizeHint(self) -> QSize:
        width = max(self.width(), 200)
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.heightForWidth(max(self.width(), 1)))

    def _place(self) -> None:
        """The headline at the top, the subline under it, both as wide as this."""
        width = self.width()
        head = _wrapped_height(self.headline, self.headline.text(), width)
        sub = _wrapped_height(self.subline, self.subline.text(), width)
        self.headline.setGeometry(0, 0, width, head)
        self.subline.setGeometry(0, head + self._spacing, width, sub)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:  # a label's text changed
            self._place()
            self.updateGeometry()  # a text that is not a candidate may need more room
        return super().event(event)
