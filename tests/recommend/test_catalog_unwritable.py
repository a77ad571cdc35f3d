"""A data folder the catalog manifest cannot be written to (read-only, or full on a
first start) still shows the catalog: the manifest is indexed in memory for the run.
Real faults (EROFS, ENOSPC) on a tmpfs in a user namespace (tests/events/tmpfs.py)."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from kiosk.resources import catalog_root
from tests.events.tmpfs import require_unshare, run_in_tmpfs

# In the child: make the data folder read-only or full, open the catalog, print what it
# shows. Before the fix, a first start there raised CatalogError ("cannot be created").
_CHILD = r"""
import json, os, sqlite3, sys
from pathlib import Path
from tests.events.tmpfs import remount
from kiosk.recommend.catalog import Catalog

data, root, fault = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
if fault == "seeded-ro":  # a manifest from an earlier run, then the folder turns read-only
    first = Catalog(root, data / "catalog.sqlite3")
    first.rescan()
    first.close()
    fault = "ro"
if fault == "killed-ro":  # an earlier run killed: its -wal and -shm stay, then read-only
    pid = os.fork()
    if pid == 0:
        Catalog(root, data / "catalog.sqlite3").rescan()
        sqlite3.connect(data / "catalog.sqlite3").execute(  # an empty -wal, as a tester
            "PRAGMA wal_checkpoint(TRUNCATE)")                # found it
        os._exit(0)
    os.waitpid(pid, 0)
    fault = "ro"
if fault == "ro":
    remount(data, "ro")
else:  # full: fill the tmpfs to the last byte
    try:
        with open(data / "filler.bin", "wb", buffering=0) as filler:
            while True:
                filler.write(b"\0" * 4096)
    except OSError:
        pass
catalog = Catalog(root, data / "catalog.sqlite3")
report = catalog.rescan()
out = {"items": len(catalog.items()), "counts": catalog.counts(),
       "versions": [catalog.manifest_version() for _ in range(3)],
       "added": len(report.added), "unchanged": report.unchanged,
       "read_only": catalog.read_only, "in_memory": catalog.in_memory,
       "files": sorted(p.name for p in data.iterdir() if p.name != "filler.bin")}
catalog.close()
print(json.dumps(out))
"""


def _small_catalog(target: Path) -> tuple[Path, int]:
    count = 0
    for folder in catalog_root().iterdir():
        if folder.is_dir():
            (target / folder.name).mkdir(parents=True)
            for image in sorted(folder.iterdir())[:2]:
                shutil.copy(image, target / folder.name / image.name)
                count += 1
    return target, count


@pytest.mark.parametrize(("fault", "cause"), [
    ("ro", "writable"),
    ("full", "is full"),
    ("seeded-ro", "writable"),
    ("killed-ro", "writable"),
])
def test_an_unwritable_data_folder_still_shows_the_catalog(
    tmp_path: Path, fault: str, cause: str
) -> None:
    require_unshare()
    root, count = _small_catalog(tmp_path / "catalog")
    data = tmp_path / "data"
    proc = run_in_tmpfs(data, 4096, [sys.executable, "-c", _CHILD, str(data), str(root), fault])
    assert proc.returncode == 0, proc.stderr[-3000:]
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    assert seen["items"] == count > 0  # every image can be shown
    assert seen["in_memory"] is True
    assert cause in seen["read_only"] and "catalog manifest" in seen["read_only"]
    assert "indexed in memory for this run" in seen["read_only"]
    assert "indexed in memory for this run" in proc.stderr  # one clear log line
    # nobody changes it: the kiosk's catalog watch must not see another program's
    # commit (before, a read-only mount with a killed run's -wal/-shm was read from
    # the file, "writable", and its PRAGMA data_version moved on at every look)
    assert len(set(seen["versions"])) == 1
    if fault.endswith("-ro"):  # the manifest on disk is used: nothing decoded again
        assert (seen["added"], seen["unchanged"]) == (0, count)
        assert seen["files"][0] == "catalog.sqlite3"
    else:
        assert seen["added"] == count
