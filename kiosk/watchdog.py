"""systemd notification: READY=1 at start and WATCHDOG=1 from the GUI event loop.

The ping is sent by a QTimer on the GUI thread, so a hung event loop stops the
pings and systemd (`WatchdogSec=` in the unit) restarts the kiosk. Without
`NOTIFY_SOCKET` (not started by systemd) this does nothing.
"""

from __future__ import annotations

import logging
import os
import socket

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)


def sd_notify(message: str, env: dict[str, str] | None = None) -> bool:
    """Send one datagram to systemd's notify socket; False when there is none."""
    address = (env if env is not None else os.environ).get("NOTIFY_SOCKET", "")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]  # abstract namespace
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.connect(address)
            sock.sendall(message.encode())
    except OSError as exc:
        log.warning("sd_notify failed: %s", exc)
        return False
    return True


class SystemdWatchdog(QObject):
    def __init__(self, env: dict[str, str] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._env = dict(os.environ if env is None else env)
        self.timer = QTimer(self)
        self.timer.setObjectName("systemd-watchdog")
        usec = int(self._env.get("WATCHDOG_USEC", "0") or 0)
        # ping at a third of the watchdog period (systemd recommends half or less)
        self.timer.setInterval(max(500, usec // 3000) if usec else 10_000)
        self.timer.timeout.connect(self.ping)
        self.enabled = bool(self._env.get("NOTIFY_SOCKET"))

    def start(self) -> None:
        if not self.enabled:
            return
        sd_notify("READY=1", self._env)
        self.timer.start()
        log.info("systemd watchdog: pinging every %d ms", self.timer.interval())

    def ping(self) -> None:
        sd_notify("WATCHDOG=1", self._env)

    def stop(self) -> None:
        self.timer.stop()
        if self.enabled:
            sd_notify("STOPPING=1", self._env)
