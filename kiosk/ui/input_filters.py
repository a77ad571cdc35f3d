"""One application event filter for the window's input watchers.

The corner hold, the activity watch, the touch guard and, in exhibit mode, the escape
key guard each need to see the whole application's input, so each was an application
event filter of its own. Qt calls every application filter for every event of every
object on the GUI thread: timers, paints, layout requests, queued signals, not only
input. With four filters written in Python, every such event entered Python four
times, and each entry takes the GIL: while the models load on the vision thread, that
thread holds it for up to the switch interval at a time, so the GUI thread waits at
every entry. Counted on the attract screen with `kiosk.startup`'s 5 ms watch running:
about 1,400 entries into Python a second, 85 % of them the filters.

`InputFilters` is the one filter installed instead: it reads the event's type once
and passes only the types some watcher asked for to the watchers, in their order
(the first one added runs first, as the last one installed would); a watcher that
returns True ends the chain and the event is swallowed, as with Qt's own chain.

The window installs the filter only while it is shown (`hidden` False). A watcher
added with `while_hidden=True` (exhibit mode's key guard, which was an application
filter for the window's whole life) keeps watching while the window is hidden or
minimised, alone: a window-manager close request then still finds it (`while_hidden`
says whether the filter must stay installed).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject


class InputFilters(QObject):
    """The application filter that hands the listed event types to `add`ed watchers."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("input-filters")
        self._chain: list[tuple[QObject, frozenset[QEvent.Type], bool]] = []
        self._types: frozenset[QEvent.Type] = frozenset()
        self.hidden = False  # the window is hidden: only `while_hidden` watchers run

    def add(self, watcher: QObject, types: Iterable[QEvent.Type], *,
            while_hidden: bool = False) -> None:
        """`watcher.eventFilter(obj, event)` sees the events of `types`, after the
        watchers added before it (when they let the event pass); also while the window
        is hidden when `while_hidden`."""
        wanted = frozenset(types)
        self._chain.append((watcher, wanted, while_hidden))
        self._types = self._types | wanted

    @property
    def while_hidden(self) -> bool:
        """Some watcher must keep watching while the window is hidden."""
        return any(always for _, _, always in self._chain)

    def watchers(self) -> list[QObject]:
        return [watcher for watcher, _, _ in self._chain]

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        etype = event.type()
        if etype not in self._types:
            return False
        for watcher, types, always in self._chain:
            if self.hidden and not always:
                continue
            if etype in types and watcher.eventFilter(obj, event):
                return True
        return False
