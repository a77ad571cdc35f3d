"""Near-duplicate images: one threshold on the catalog's content features.

Two catalog images are *near-duplicates* when the cosine similarity of their
catalog-centred feature vectors (`centre`, over `kiosk.recommend.features`) is at
least `NEAR_DUPLICATE_COS`. The recommender never puts two near-duplicates on one
page, avoids near-duplicates of the previous page, and lets a group of look-alikes
share one like/impression record for exploration (`groups`), so that trying one
member counts as trying the look.

Calibration (`resources/catalog`, 192 images, regenerated with 8 motifs per
emotion; the demo-catalog test keeps it true): a copy cropped by 10 % scores at or
above the threshold for 97 % of the images, shifted by 1/8 for 97 %, re-encoded at
JPEG quality 50 for 82 %, mirrored for 81 %, downscaled to a third for 100 %, 12 %
brighter for 47 % and 12 % more saturated for 61 % (the features are
colour-sensitive). Two images of one motif score 0.93 at the median; the closest
two distinct images of the bundled catalog score 0.987 (the generator keeps a
margin of 0.003 below the threshold).

Two images can be far apart in features and still show the same scene (two
lightning storms in different reds score well below the threshold), so a catalog
may also tag each image with its *motif*, in the file name:
`<emotion>/<emotion>-<motif>-<NN>.<ext>` (`angry/angry-lightning-02.jpg`: motif
`lightning`; `motif_of`). The rule: **one page holds at most one image per motif
(Emotion and For you pages alike), and a page avoids the previous page's motifs**,
both exactly as for near-duplicates (the same relaxations, only when the pool has
too few distinct motifs). Motifs are per folder; files named otherwise are
untagged and have no motif constraint, so operator catalogs keep working as they
are (near-duplicates are still caught by the threshold). The bundled demo
catalog tags every image (8 or more motifs per emotion, at most 3 images each).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePosixPath

import numpy as np

from kiosk.domain import Item
from kiosk.recommend.features import normalize

NEAR_DUPLICATE_COS = 0.99
_CHUNK = 512
_TAGGED = re.compile(r"(?P<motif>[a-z][a-z0-9_]*(?:-[a-z][a-z0-9_]*)*)-\d+")
NO_MOTIF = -1


def motif_of(item: Item) -> str | None:
    """The motif tag of an item named `<emotion>-<motif>-<NN>.<ext>` (lower case,
    the emotion its folder's), e.g. "lightning" for `angry-lightning-02.jpg`; None
    for any other name (untagged: no motif constraint)."""
    stem = PurePosixPath(item.id).stem
    prefix = f"{item.emotion.folder}-"
    if not stem.startswith(prefix):
        return None
    match = _TAGGED.fullmatch(stem[len(prefix):])
    return match["motif"] if match else None


def motif_labels(items: Sequence[Item]) -> np.ndarray:
    """A motif label per item (int64, n): items of one folder with one motif tag share
    a label; untagged items get `NO_MOTIF` (-1)."""
    labels: dict[tuple[str, str], int] = {}
    out = np.full(len(items), NO_MOTIF, np.int64)
    for k, item in enumerate(items):
        motif = motif_of(item)
        if motif is not None:
            out[k] = labels.setdefault((item.emotion.folder, motif), len(labels))
    return out


def centre(features: np.ndarray | None, n: int) -> np.ndarray:
    """Centre feature vectors (n × D) on the mean of the non-zero rows and
    re-normalise, so cosine similarity measures what sets images apart rather than
    what they all share. Missing (all-zero) rows stay zero; None gives n × 0.

    Raises ValueError when the row count is not `n`."""
    if features is None or features.size == 0 or n == 0:
        return np.zeros((n, 0), np.float32)
    if features.shape[0] != n:
        raise ValueError(f"features has {features.shape[0]} rows for {n} items")
    f = np.asarray(features, dtype=np.float32)
    present = np.abs(f).sum(axis=1) > 0
    if not present.any():
        return np.zeros((n, f.shape[1]), np.float32)
    centred = f - f[present].mean(axis=0)
    centred[~present] = 0.0
    return normalize(centred)


def near_duplicate_pairs(
    centred: np.ndarray, threshold: float = NEAR_DUPLICATE_COS
) -> list[tuple[int, int]]:
    """All pairs (i < j) of rows of `centred` (n × D, unit rows) at or above the
    threshold; computed in chunks, so memory stays O(n · chunk)."""
    n = centred.shape[0]
    out: list[tuple[int, int]] = []
    if n < 2 or centred.shape[1] == 0:
        return out
    for start in range(0, n, _CHUNK):
        block = centred[start:start + _CHUNK] @ centred[start:].T
        rows, cols = np.nonzero(block >= threshold)
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            i, j = start + r, start + c
            if i < j:
                out.append((i, j))
    return out


def groups(
    centred: np.ndarray, folder: np.ndarray, threshold: float = NEAR_DUPLICATE_COS
) -> np.ndarray:
    """A group label per item (int64, n): near-duplicates within one folder share
    a label (connected components of the near-duplicate graph); every other item
    has its own. Folders are compared separately, which keeps a 10,000-item
    catalog at about a tenth of a second."""
    n = centred.shape[0]
    parent = np.arange(n)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = int(parent[i])
        return i

    if centred.shape[1] and n > 1:
        for f in np.unique(folder):
            members = np.flatnonzero(folder == f)
            for i, j in near_duplicate_pairs(centred[members], threshold):
                a, b = find(int(members[i])), find(int(members[j]))
                if a != b:
                    parent[max(a, b)] = min(a, b)
    labels = np.array([find(i) for i in range(n)], np.int64)
    _, dense = np.unique(labels, return_inverse=True)
    return dense.astype(np.int64)


def page_pairs(centred: np.ndarray, rows: list[int] | np.ndarray,
               threshold: float = NEAR_DUPLICATE_COS) -> int:
    """How many pairs of the given rows (one page) are near-duplicates."""
    if len(rows) < 2 or centred.shape[1] == 0:
        return 0
    sub = centred[np.asarray(rows)]
    sim = sub @ sub.T
    return int(np.count_nonzero(np.triu(sim >= threshold, k=1)))
