"""The "out of order" page an exhibit screen shows when the settings cannot be used,
and the watch that notices when the settings file is fixed.

On an unattended screen (`--kiosk`, started by the systemd unit or the autostart
entry) a bad settings file used to leave the screen black while the service
restarted the kiosk in a loop. Instead `kiosk.app.wait_for_settings` shows this
page full screen: a plain "Out of order" for visitors and, below it, for staff,
the file, the line, the problem and what to do. `SettingsWatch` checks the file
every second (a `stat`, no reading) and reports a change, so a saved fix starts
the kiosk without anyone touching the screen.

Every sentence is translated (context "OutOfOrder"); the problem itself is the
settings loader's message, as in the log.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTime, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPalette, QResizeEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from kiosk.config import ConfigError
from kiosk.ui import theme

translate = QCoreApplication.translate

Signature = tuple[int, int, int] | None  # (inode, size, mtime ns); None: no such file


def file_signature(path: Path, stat: Callable[[Path], os.stat_result] = os.stat
                   ) -> Signature:
    """What changes when a file is saved, replaced or removed (None: not there)."""
    try:
        st = stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


class SettingsWatch(QObject):
    """Checks `path` every `interval_ms` on the GUI thread (one `stat`).

    Signals:
        changed(): the file was saved, replaced, created or removed since the last
            check (an editor's save-by-rename counts too).
    """

    changed = Signal()

    def __init__(self, path: Path, interval_ms: int = 1000, parent: QObject | None = None,
                 stat: Callable[[Path], os.stat_result] = os.stat) -> None:
        super().__init__(parent)
        self.path = path
        self._stat = stat
        self._last = file_signature(path, stat)
        self.timer = QTimer(self)
        self.timer.setObjectName("settings-watch")
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def check(self) -> bool:
        """Compare with the last check; emits `changed` and returns True on a change."""
        now = file_signature(self.path, self._stat)
        if now == self._last:
            return False
        self._last = now
        self.changed.emit()
        return True


class OutOfOrderPage(QWidget):
    """Full-screen page: "Out of order" for visitors, the settings problem for staff.

    `set_problem(error, again=…)` shows a `ConfigError` (file, line, message);
    `again` adds that the file changed and still has a problem. The texts follow a
    language change at once.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("out-of-order")
        self.setWindowTitle("kiosk")
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, theme.BG)
        palette.setColor(QPalette.ColorRole.WindowText, theme.TEXT)
        self.setPalette(palette)
        self._error: ConfigError | None = None
        self._again_at = ""
        self.title = self._label("title")
        self.visitor = self._label("visitor")
        self.staff = self._label("staff")
        self.problem = self._label("problem")
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.todo = self._label("todo")
        self.status = self._label("status")
        self._layout = layout = QVBoxLayout(self)
        layout.addStretch(2)
        for label in (self.title, self.visitor):
            layout.addWidget(label)
        layout.addStretch(1)
        for label in (self.staff, self.problem, self.todo, self.status):
            layout.addWidget(label)
        layout.addStretch(2)
        self._apply_metrics()
        self.retranslate()

    def _label(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(f"out-of-order-{name}")
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter)
        label.setTextFormat(Qt.TextFormat.PlainText)
        return label

    def set_problem(self, error: ConfigError, *, again: bool = False) -> None:
        self._error = error
        self._again_at = QTime.currentTime().toString("HH:mm:ss") if again else ""
        self.retranslate()

    def texts(self) -> list[str]:
        """Every visible text, top to bottom (tests, the text-fit checker)."""
        labels = (self.title, self.visitor, self.staff, self.problem, self.todo, self.status)
        return [label.text() for label in labels if label.text()]

    def retranslate(self) -> None:
        self.title.setText(translate("OutOfOrder", "Out of order"))
        self.visitor.setText(translate(
            "OutOfOrder", "This screen is being looked after. Please come back a little later."))
        error = self._error
        if error is None:
            for label in (self.staff, self.problem, self.todo, self.status):
                label.clear()
            return
        if error.file and error.line:
            staff = translate(
                "OutOfOrder", "For staff: the settings file %1 has a problem on line %2:"
            ).replace("%1", error.file).replace("%2", str(error.line))
        elif error.file:
            staff = translate(
                "OutOfOrder", "For staff: the settings file %1 has a problem:"
            ).replace("%1", error.file)
        else:
            staff = translate(
                "OutOfOrder",
                "For staff: a setting given to the kiosk (an environment variable KIOSK_… "
                "or the command line) has a problem:")
        self.staff.setText(staff)
        self.problem.setText(str(error))
        if error.file:
            todo = translate(
                "OutOfOrder",
                "Correct it and save the file: the kiosk starts by itself within a few "
                "seconds. Every setting is explained in kiosk.example.toml.")
        else:
            todo = translate(
                "OutOfOrder",
                "Correct it where the kiosk is started (the systemd unit or the autostart "
                "entry), then restart the kiosk.")
        self.todo.setText(todo)
        self.status.setText(translate(
            "OutOfOrder", "The file changed at %1 and still has a problem."
        ).replace("%1", self._again_at) if self._again_at else "")

    def _apply_metrics(self) -> None:
        m = theme.metrics_for_widget(self)
        margin = m.margin * 2
        self._layout.setContentsMargins(margin, margin, margin, margin)
        self._layout.setSpacing(m.gap)
        self.title.setFont(theme.font(m.display, QFont.Weight.Bold))
        self.visitor.setFont(theme.font(m.title))
        for label in (self.staff, self.problem, self.todo):
            label.setFont(theme.font(m.body))
        self.status.setFont(theme.font(m.small))
        muted = self.staff.palette()
        muted.setColor(QPalette.ColorRole.WindowText, theme.TEXT_MUTED)
        for label in (self.staff, self.todo, self.status):
            label.setPalette(muted)
        warn = self.problem.palette()
        warn.setColor(QPalette.ColorRole.WindowText, QColor(theme.DANGER))
        self.problem.setPalette(warn)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._apply_metrics()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
