"""Can the event queue take a new record now? Checked for real, for an operator's
command (`kiosk-admin events status`) that reads the file read-only and so never meets
what makes the kiosk refuse a like: a full disk, a folder or file it cannot write,
another program holding the write lock.

Each check is cheap and never waits long: one statvfs (free space against the queue's
own threshold `kiosk.diskspace.FULL_BELOW_MB`, and the mount's read-only flag), an
`os.access` of the folder and the file (a read-only mount; permissions for a user
other than root), and a lock probe of at most `LOCK_PROBE_S`
(`kiosk.storage.sqlite.write_lock_held`: it takes the lock only for an instant, so
the kiosk's own saves go on). Nothing is created or written.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kiosk.diskspace import looks_full, mounted_read_only
from kiosk.errors import DiskFullError
from kiosk.events.errors import KEPT
from kiosk.events.readonly import read_only_message, what_is_lost
from kiosk.storage.sqlite import write_lock_held

LOCK_PROBE_S = 0.5
"""How long the lock probe waits for the write lock: a save of the kiosk takes a few
milliseconds, so a lock still held after this is another program's (an sqlite3 shell,
a backup) and a like saved now would wait for it, then be refused."""


@dataclass(frozen=True)
class QueueHealth:
    """Why a new record cannot be saved now: each an operator sentence, "" when fine."""

    disk_full: str = ""
    read_only: str = ""
    locked: str = ""

    def problems(self) -> list[str]:
        return [p for p in (self.disk_full, self.read_only, self.locked) if p]


def cannot_write(path: Path) -> str:
    """'' when the file `path` (or, when it is not there, its folder) can be written,
    else why not ("Read-only file system", "Permission denied"): the mount's read-only
    flag, then `os.access` (which also says EROFS; root passes permission bits, as
    root's writes do)."""
    folder = path.parent
    if mounted_read_only(folder):
        return "Read-only file system"
    for target in (folder, path):
        if target.exists() and not os.access(target, os.W_OK):
            return f"{target} is not writable: Permission denied"
    return ""


def check(path: Path, name: str = "event queue", kept: str = KEPT) -> QueueHealth:
    """The queue file `path`'s health now (see the module docstring). A folder that
    cannot be written is not also probed for space or for the lock: nothing can be
    saved there whatever they say."""
    why = cannot_write(path)
    if why:
        return QueueHealth(read_only=read_only_message(path, why, name))
    if looks_full(path.parent):
        return QueueHealth(disk_full=str(DiskFullError(path, f"save to the {name}", kept=kept)))
    if write_lock_held(path, LOCK_PROBE_S):
        return QueueHealth(locked=locked_message(path, name))
    return QueueHealth()


def locked_message(path: Path, name: str = "event queue") -> str:
    """The operator sentence for a queue another program keeps locked."""
    kept = (f"new likes and impressions are kept in its spool file ({path.name}.spool) and "
            "queued when it lets go, so none is lost" if name == "event queue"
            else f"{what_is_lost(name)} while it holds the lock (nothing queued is lost)")
    return (f"the {name} {path} is locked by another program: {kept}. Close any tool "
            "that has it open (an sqlite3 shell, a backup, a second kiosk or kiosk-admin)")
