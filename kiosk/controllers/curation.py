"""Image review and the catalog, from the admin panel: what the operator approves or
rejects, and "Reload catalog".

`CurationController` owns the curation screen's requests: the pending pool's thumbnails
(`open_review`), Approve and Reject (`on_approve` / `on_reject`, keyed by the pending
image's id), and the catalog rescan (`reload_catalog`). The work runs on the recommend
worker (the pool and the catalog are the recommend thread's, `KioskBackend`); the
answers come back on the GUI thread. An image that cannot be approved or rejected is
reported on its tile; the pool itself failing to open is a message.

The admin panel's buttons reach it through `kiosk.controllers.admin.AdminController`
(the one dispatcher of admin actions); the screen's Approve/Reject are wired in
`kiosk.app`.

Signals:
    catalog_reloaded(str report): the rescan finished (the status is then stale).
"""

from __future__ import annotations

import functools
import logging

from PySide6.QtCore import QObject, Signal, Slot

from kiosk.controllers.seams import CurationBackend, CurationView, Jobs

log = logging.getLogger(__name__)


class CurationController(QObject):
    """Image review and catalog reload (module docstring)."""

    catalog_reloaded = Signal(str)

    def __init__(self, view: CurationView, worker: Jobs, backend: CurationBackend,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.worker = worker  # the recommend worker: the pool and catalog live there
        self.backend = backend

    def open_review(self) -> None:
        """Show the pending pool (admin panel's "Review images")."""
        self.worker.submit(self.backend.pending_thumbnails, on_result=self.view.show_curation,
                           on_error=lambda exc: self.view.show_message(str(exc)))

    def reload_catalog(self) -> None:
        """Rescan the catalog folder (admin panel's "Reload catalog")."""
        self.worker.submit(self.backend.rescan, on_result=self._on_rescanned)

    @Slot(str)
    def on_approve(self, key: str) -> None:
        """Approve pending image `key` into the live catalog; the screen gets the rest."""
        self.worker.submit(self.backend.approve, key, on_result=self.view.show_curation,
                           on_error=functools.partial(self._on_curation_error, key))

    @Slot(str)
    def on_reject(self, key: str) -> None:
        """Reject pending image `key`; the screen gets the rest."""
        self.worker.submit(self.backend.reject, key, on_result=self.view.show_curation,
                           on_error=functools.partial(self._on_curation_error, key))

    def _on_curation_error(self, key: str, exc: BaseException) -> None:
        log.error("curation of %s failed: %s", key, exc)
        self.view.show_curation_error(key, str(exc))

    def _on_rescanned(self, report: object) -> None:
        self.view.show_message(f"Catalog reloaded: {report}")
        self.catalog_reloaded.emit(str(report))
