"""Find visible text that does not fit: elided ("Appro…") or clipped by its box.

Used by the tests that open every screen at every supported resolution and language,
and by `kiosk.tools.screenshots --check`. A problem is a line naming the widget, its
text and what is wrong.

Checked, for every widget shown in the window:
* a QLabel: its text needs no more room than the label has (wrapped labels: the
  height for the label's width, and no single word wider than the label);
* a widget that paints its own text (TouchButton, the mood tiles, the toast) answers
  `clipped_texts()`: the texts it would elide or cut at its current size;
* every such widget lies inside the window and inside each of its parents.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractScrollArea, QLabel, QWidget

_SLACK = 1  # px of rounding


def _name(widget: QWidget) -> str:
    return widget.objectName() or type(widget).__name__


def label_problem(label: QLabel) -> str:
    """Why `label`'s text does not fit, or ''."""
    text = label.text()
    if not text:
        return ""
    rect = label.contentsRect()
    margin = label.margin() * 2 + label.indent() if label.indent() > 0 else label.margin() * 2
    width, height = rect.width() - margin, rect.height() - label.margin() * 2
    fm = QFontMetrics(label.font())
    if label.wordWrap():
        widest = max((fm.horizontalAdvance(w) for w in re.split(r"\s+", text) if w), default=0)
        if widest > width + _SLACK:
            return f"a word is {widest} px wide in {width} px"
        need = label.heightForWidth(rect.width())
        if need > label.height() + _SLACK:
            return f"needs {need} px of height, has {label.height()}"
        return ""
    box = fm.boundingRect(QRect(0, 0, 100_000, 100_000), int(Qt.AlignmentFlag.AlignLeft), text)
    if box.width() > width + _SLACK:
        return f"needs {box.width()} px of width, has {width}"
    if box.height() > height + _SLACK + fm.descent():
        return f"needs {box.height()} px of height, has {height}"
    return ""


def _outside(widget: QWidget, window: QWidget) -> str:
    """Which ancestor (or the window) cuts `widget` off, or ''."""
    top_left = widget.mapTo(window, QPoint(0, 0))
    mine = QRect(top_left, widget.size())
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea) or (
            parent.parentWidget() is not None
            and isinstance(parent.parentWidget(), QAbstractScrollArea)
        ):
            return ""  # scrolled content: cut off on purpose, reachable by scrolling
        area = QRect(parent.mapTo(window, QPoint(0, 0)), parent.size())
        if not area.adjusted(-_SLACK, -_SLACK, _SLACK, _SLACK).contains(mine):
            return f"cut off by {_name(parent)} ({_rect(mine)} outside {_rect(area)})"
        if parent is window:
            break
        parent = parent.parentWidget()
    return ""


def _rect(r: QRect) -> str:
    return f"{r.x()},{r.y()} {r.width()}x{r.height()}"


def text_problems(window: QWidget) -> list[str]:
    """Every visible text in `window` that is elided or clipped (empty: all fits)."""
    problems: list[str] = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or widget.width() <= 0:
            continue
        texts: list[str] = []
        if isinstance(widget, QLabel):
            why = label_problem(widget)
            if why:
                problems.append(f"{_name(widget)} {widget.text()!r}: {why}")
            if widget.text():
                texts.append(widget.text())
        clipped = getattr(widget, "clipped_texts", None)
        if callable(clipped):
            for text in clipped():
                problems.append(f"{_name(widget)} {text!r}: elided")
            text_of = getattr(widget, "text", None)
            if callable(text_of) and text_of():
                texts.append(str(text_of()))
        if texts:
            cut = _outside(widget, window)
            if cut:
                problems.append(f"{_name(widget)} {texts[0]!r}: {cut}")
    return problems
