"""The admin panel's actions and its status lines.

`AdminController` is the one dispatcher of the panel's buttons (`AdminAction`): Exit
and Restart (`exit_requested`), Flush events (wakes the uploader), and it hands Review
images and Reload catalog to `kiosk.controllers.curation.CurationController` and
Audience to the report the composition root gives it (`audience`). An action a
deployment added to the panel (`AdminPanel.add_action`) is that deployment's own: it
is logged and left alone here.

It also owns the panel's status (`refresh_status`, every 2 s while started, and after
an action that changes it): the back end's part (`KioskBackend.status`, read on the
recommend worker) joined with the app's part (`app_status`, read on the GUI thread)
into one `kiosk.status.KioskStatus` (queue depth, uploader, camera, problems ...).

Signals:
    exit_requested(int code): the operator asked to exit (0) or restart
        (`RESTART_EXIT_CODE`, 3); `kiosk.app` ends the event loop with it.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from kiosk import restart
from kiosk.controllers.seams import AdminBackend, AdminView, Jobs
from kiosk.domain import AdminAction
from kiosk.status import AppStatus, BackendStatus, KioskStatus

if TYPE_CHECKING:
    from kiosk.controllers.curation import CurationController

log = logging.getLogger(__name__)

RESTART_EXIT_CODE = restart.RESTART_EXIT_CODE
STATUS_INTERVAL_MS = 2000
"""How often the admin panel's status is read while the kiosk runs."""


class AdminController(QObject):
    """Admin actions and status (module docstring)."""

    exit_requested = Signal(int)

    def __init__(
        self,
        view: AdminView,
        worker: Jobs,
        backend: AdminBackend,
        *,
        curation: CurationController | None = None,
        app_status: Callable[[], AppStatus] | None = None,
        wake_uploader: Callable[[], None] | None = None,
        audience: Callable[[], None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.view = view
        self.worker = worker  # the recommend worker: the back end's status is read there
        self.backend = backend
        self.curation = curation
        self._app_status = app_status
        self._wake_uploader = wake_uploader
        self._audience = audience
        self.status_timer = QTimer(self)
        self.status_timer.setObjectName("status")
        self.status_timer.setInterval(STATUS_INTERVAL_MS)
        self.status_timer.timeout.connect(self.refresh_status)
        if curation is not None:  # a reloaded catalog changes the counts shown
            curation.catalog_reloaded.connect(self.refresh_status)

    def start(self) -> None:
        """Read the status now and every `STATUS_INTERVAL_MS`."""
        self.status_timer.start()
        self.refresh_status()

    def stop(self) -> None:
        self.status_timer.stop()

    @Slot(str)
    def on_admin_action(self, name: str) -> None:
        """`name`: an `AdminAction` value (the window's `admin_action_requested`)."""
        log.info("admin action: %s", name)
        try:
            action = AdminAction(name)
        except ValueError:
            return  # a deployment's own button (module docstring)
        if action is AdminAction.EXIT:
            self.exit_requested.emit(0)
        elif action is AdminAction.RESTART:
            self.exit_requested.emit(RESTART_EXIT_CODE)
        elif action is AdminAction.FLUSH_EVENTS:
            if self._wake_uploader is not None:
                self._wake_uploader()
            # the admin panel itself says what happens (also when uploads are off)
            self.refresh_status()
        elif action is AdminAction.RELOAD_CATALOG and self.curation is not None:
            self.curation.reload_catalog()
        elif action is AdminAction.REVIEW_IMAGES and self.curation is not None:
            self.curation.open_review()
        elif action is AdminAction.AUDIENCE and self._audience is not None:
            self._audience()

    @Slot()
    def refresh_status(self) -> None:
        """The back end's part (recommend thread) joined with the app's part (read now,
        on the GUI thread) into one `KioskStatus` for the admin panel."""
        app = self._app_status() if self._app_status is not None else AppStatus()
        self.worker.submit(self.backend.status, on_result=functools.partial(self._show, app))

    def _show(self, app: AppStatus, part: BackendStatus) -> None:
        self.view.set_status(KioskStatus(part, app))
