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

The operator reads a short translated summary of a rescan (`reload_summary`: counts and
the first few skipped files, ignored folders, too-small images and copies of another
item's image by name, never the report's repr: staff at a touchscreen cannot read the
log) or, when it fails, what failed and what to do (`reload_failed`). Their strings are in
`resources/translations/kiosk_ko.ts` under the context "CurationController" (lupdate
reads this file too, see `kiosk.ui.i18n`).

Signals:
    catalog_reloaded(str summary): the rescan finished (the status is then stale).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot

from kiosk.controllers.seams import CurationBackend, CurationView, Jobs
from kiosk.recommend.catalog import MIN_SIDE
from kiosk.recommend.catalog_names import escaped

log = logging.getLogger(__name__)


def _count(report: object, name: str) -> int:
    value = getattr(report, name, ())
    return len(value) if isinstance(value, (tuple, list)) else 0


SHOWN = 3  # names per kind in the summary; staff at a touchscreen cannot read the log


def _names(report: object, name: str, label: Callable[[Any], str]) -> str:
    """The first `SHOWN` of the report's `name` tuple as `label` gives them, then
    "… N more" (translated); "" when there are none."""
    value = getattr(report, name, ())
    items = list(value) if isinstance(value, (tuple, list)) else []
    text = ", ".join(label(i) for i in items[:SHOWN])
    if len(items) > SHOWN:
        text += QCoreApplication.translate("CurationController", ", … %1 more").replace(
            "%1", str(len(items) - SHOWN))
    return text


def _duplicate(d: Any) -> str:
    """`calm/x.jpg (same image as emotions/happy/x.jpg)`, translated."""
    return QCoreApplication.translate("CurationController", "%1 (same image as %2)").replace(
        "%1", escaped(str(getattr(d, "path", d)))).replace(
        "%2", escaped(str(getattr(d, "same_as", ""))))


def reload_summary(report: object) -> str:
    """The operator's line after "Reload catalog", translated: the counts, then the
    first few files skipped, folders ignored and images too small, by name (e.g.
    "Catalog reloaded: 0 added, 0 updated, 1 removed, 1 skipped. Skipped (unreadable,
    empty, another format, too large or badly named; replace or rename them):
    happy/x.gif.").

    `report` is a `kiosk.recommend.catalog.RescanReport` (its `added`, `updated`,
    `removed`, `skipped` tuples are counted; `skipped`, `ignored_folders`, `small` and
    `duplicates` named, escaped as `kiosk-admin catalog list --live` shows ids
    (`kiosk.recommend.catalog_names.escaped`: a control character, byte order mark or
    direction mark in a file name is `\\ufeff`, never a line break or reversed text in
    the list); a missing field counts as 0. Never raises."""
    text = QCoreApplication.translate(
        "CurationController", "Catalog reloaded: %1 added, %2 updated, %3 removed, %4 skipped")
    for i, name in enumerate(("added", "updated", "removed", "skipped"), start=1):
        text = text.replace(f"%{i}", str(_count(report, name)))
    details = (
        ("skipped", lambda s: escaped(str(getattr(s, "path", s))), QCoreApplication.translate(
            "CurationController",
            "Skipped (unreadable, empty, another format, too large or badly named; replace or "
            "rename them): %1.")),
        ("ignored_folders", lambda f: f"{escaped(str(f))}/", QCoreApplication.translate(
            "CurationController",
            "Folders ignored (emotion folders have lower-case English names: happy, sad, "
            "…): %1.")),
        ("small", lambda s: escaped(str(s)), QCoreApplication.translate(
            "CurationController",
            "Smaller than %2 pixels a side, shown blurry (replace them): %1.",
        ).replace("%2", str(MIN_SIDE))),
        ("duplicates", _duplicate, QCoreApplication.translate(
            "CurationController",
            "The same image as another item, shown twice (remove the copy unless it is meant "
            "to be there): %1.")),
    )
    for name, label, sentence in details:
        names = _names(report, name, label)
        if names:
            text += ". " if text[-1] not in ".:" else " "
            text += sentence.replace("%1", names)
    return text


def reload_failed(exc: BaseException) -> str:
    """The operator's line when the rescan raised `exc`: what failed, the reason, and
    what to do, translated (the reason itself is `str(exc)`, as raised)."""
    text = QCoreApplication.translate(
        "CurationController",
        "Could not reload the catalog: %1. Check the catalog folder and the log, then try again.")
    return text.replace("%1", str(exc) or type(exc).__name__)


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
                           on_error=lambda exc: self.view.show_operator_result(str(exc), True))

    def reload_catalog(self) -> None:
        """Rescan the catalog folder (admin panel's "Reload catalog")."""
        self.worker.submit(self.backend.rescan, on_result=self._on_rescanned,
                           on_error=self._on_rescan_failed)

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
        log.info("catalog reloaded: %s", report)
        summary = reload_summary(report)
        self.view.show_operator_result(summary, False)
        self.catalog_reloaded.emit(summary)

    def _on_rescan_failed(self, exc: BaseException) -> None:
        log.error("catalog reload failed: %s", exc)
        self.view.show_operator_result(reload_failed(exc), True)
