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

In landscape the cards beside the sidebar need the height, so the tallest text is
not reserved there (`set_reserve(False)`); the labels fit instead (`set_fit`): a
text wider than the header is set in a smaller font, down to `HEADLINE_FLOOR` (the
headline) or `SUBLINE_FLOOR` (the line under it) of the normal size, on the one
line the normal font takes, and wraps only when it does not fit even then. At
1920x1080 in Korean "Because you look surprised" took one line and "Step closer…" two,
so the cards moved down 76 px and shrank when the visitor left, and back when the
next one came (2026-12-02); at 1366x768 in English "Because you look surprised"
and "…happy" alone moved them 44 px.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from kiosk.ui.label_fit import one_line_font

Candidates = Callable[[], Sequence[tuple[str, str]]]
"""() -> every (headline, subline) pair the screen may show now."""

_UNBOUNDED = 1_000_000
# The smallest share of the normal font size a fitted text is set in (`set_fit`): the
# headline stays clearly a headline (52 px at 1080p: 36 px, above the 28 px body), the
# line under it readable from a metre (28 px: 24 px, the theme's `small`).
HEADLINE_FLOOR = 0.7
SUBLINE_FLOOR = 0.84


def _wrapped_height(font: QFont, text: str, width: int) -> int:
    """Height of `text` in `font` word-wrapped at `width` pixels, as a plain text
    QLabel lays it out (`QFontMetrics.boundingRect` with `TextWordWrap`)."""
    if not text or width <= 0:
        return 0
    flags = int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignLeft)
    rect = QFontMetrics(font).boundingRect(QRect(0, 0, width, _UNBOUNDED), flags, text)
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
    it shows) at the width its layout gives it (`heightForWidth`), or, fitting
    (`set_fit`), each text on one line of its normal font's height where it can be.
    Set the fonts with `set_fonts`; call `refit` when the candidates change."""

    def __init__(self, candidates: Candidates, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._candidates = candidates
        self._spacing = 0
        self._reserve = True  # reserve the tallest candidate (`set_reserve`)
        self._fit = False  # shrink a text to fit one line (`set_fit`)
        self._needed: dict[int, int] = {}  # width -> needed_height (until `refit`)
        self.headline = _label(self, "headline")
        self.subline = _label(self, "subline")
        self._fonts = (self.headline.font(), self.subline.font())
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def set_fonts(self, headline: QFont, subline: QFont) -> None:
        """The labels' normal fonts (fitting sets smaller copies of them)."""
        self._fonts = (QFont(headline), QFont(subline))
        self.headline.setFont(headline)
        self.subline.setFont(subline)
        self.refit()

    def set_reserve(self, reserve: bool) -> None:
        """Reserve the tallest candidate's height (True), or only what is shown: the
        main screen reserves in portrait, where the header sits above the preview with
        room to spare; in landscape the cards beside the sidebar need the height (at
        800x800 a reserved header left room for 2 of a page's 3 cards), and it fits
        the texts instead (`set_fit`)."""
        if reserve != self._reserve:
            self._reserve = reserve
            self.refit()

    def set_fit(self, fit: bool) -> None:
        """Set a text too wide for one line in a smaller font, down to
        `HEADLINE_FLOOR` / `SUBLINE_FLOOR` of the normal size, in a line as tall as
        the normal font's (True); else each text wraps in the normal font."""
        if fit != self._fit:
            self._fit = fit
            align = Qt.AlignmentFlag.AlignVCenter if fit else Qt.AlignmentFlag.AlignTop
            for label in (self.headline, self.subline):
                label.setAlignment(Qt.AlignmentFlag.AlignLeft | align)
            self.refit()

    def set_spacing(self, px: int) -> None:
        self._spacing = max(0, px)
        self.refit()

    def _line(self, which: int, text: str, width: int) -> tuple[QFont, int]:
        """The font `text` is set in at `width` pixels on the headline (0) or the
        subline (1), and the height its label takes."""
        base = self._fonts[which]
        if not self._fit or not text or width <= 0:
            return base, _wrapped_height(base, text, width)
        floor = HEADLINE_FLOOR if which == 0 else SUBLINE_FLOOR
        font = one_line_font(base, text, width, floor)
        # the normal font's one line: a shrunk text does not make the header shorter
        return font, max(_wrapped_height(base, text, _UNBOUNDED),
                         _wrapped_height(font, text, width))

    def _pair_height(self, headline: str, subline: str, width: int) -> int:
        return (self._line(0, headline, width)[1] + self._spacing
                + self._line(1, subline, width)[1])

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
        """The headline at the top, the subline under it, both as wide as this, each
        in its (fitted) font."""
        width = self.width()
        top = 0
        for which, label in enumerate((self.headline, self.subline)):
            font, height = self._line(which, label.text(), width)
            if label.font() != font:
                label.setFont(font)
            label.setGeometry(0, top, width, height)
            top += height + self._spacing

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:  # a label's text changed
            self._place()
            self.updateGeometry()  # a text that is not a candidate may need more room
        return super().event(event)
