"""RankingModel's running sums stay equal to a recount of its counts."""

from __future__ import annotations

from typing import Any

import numpy as np

from kiosk.domain import Item
from kiosk.recommend.ranking import EMOTIONS, RankerParams, RankingModel


def test_group_and_folder_sums_follow_every_count(synthetic_items: Any) -> None:
    items, feats, _ = synthetic_items(per_emotion=10, clusters=3, seed=5)
    copies = [Item(id=i.id.replace(".jpg", "-copy.jpg"), emotion=i.emotion, path="")
              for i in items[:20]]  # near-duplicates: groups of two
    model = RankingModel(RankerParams(), np.random.default_rng(0))
    stored = [(items[3].id, "happy", 2, 5, 1, 3), (copies[3].id, "happy", 1, 1, 1, 1)]
    model.set_catalog([*items, *copies], np.concatenate([feats, feats[:20]]), stored)
    assert model.n_groups == len(items)  # each copy joined its original
    rng = np.random.default_rng(1)
    for _ in range(300):
        k, e = int(rng.integers(len(model.ids))), int(rng.integers(len(EMOTIONS)))
        like = int(rng.random() < 0.3)
        model.count(k, e, likes=like, imps=1, pool=bool(rng.random() < 0.5))
    for kind, values in enumerate((model.likes, model.imps, model.plikes, model.pimps)):
        for e in range(len(EMOTIONS)):
            recount = np.bincount(model.group, values[e], minlength=model.n_groups)
            np.testing.assert_allclose(model.group_counts[kind, e], recount)
            if kind >= 2:
                by_folder = np.bincount(model.folder, values[e], minlength=len(EMOTIONS))
                np.testing.assert_allclose(model.folder_pooled[kind - 2, e], by_folder)
    np.testing.assert_allclose(model.group_seen, np.bincount(model.group, model.imps.sum(0)))
