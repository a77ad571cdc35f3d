"""Fit the per-class calibration of the emotion models, by cross-validation.

The calibration is a log-space bias per FER class added to the (averaged) model
probabilities: 7 numbers, so little to overfit with ~240 labelled faces. It is fit
by minimising the mean negative log-likelihood plus ``l2 * |b|^2``; the strength
`l2` is chosen by grouped K-fold cross-validation (photos of one person never sit
in both the training and the test fold), by out-of-fold macro-F1. The reported
figures are out-of-fold: each face is scored by a bias fit without it.

Views: the probabilities may be given per view, (V, N, 7) (the plain and the
mirrored crop, `kiosk.vision.ensemble`). One bias is then fit on all views pooled,
applied to each view, and a face is scored by the average of its calibrated (and,
in `rare_table`, folded) views: what the kiosk's smoother settles to.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from kiosk.vision.evaluate import metrics
from kiosk.vision.mini_xception import FER_LABELS

L2_GRID = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0)


def person_of(image: str) -> str:
    """The person a photo shows, from its file name (`images/Tony_Blair_0009.jpg` ->
    `Tony_Blair`, `images/Dwarakish_95.jpg` -> `Dwarakish`)."""
    stem = image.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return re.sub(r"_?\d+$", "", stem) or stem


def fit_bias(probs: np.ndarray, labels: np.ndarray, l2: float, steps: int = 300) -> np.ndarray:
    """(7,) bias minimising NLL + l2*|b|^2 of softmax(log p + b) on (N, 7) probs, or on
    (V, N, 7) views pooled (each view a sample with the face's label)."""
    if probs.ndim == 3:
        probs, labels = probs.reshape(-1, probs.shape[-1]), np.tile(labels, len(probs))
    logp = torch.from_numpy(np.log(np.clip(probs, 1e-12, 1.0)))
    y = torch.from_numpy(labels.astype(np.int64))
    b = torch.zeros(probs.shape[1], dtype=logp.dtype, requires_grad=True)
    opt = torch.optim.LBFGS([b], lr=0.5, max_iter=steps, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(logp + b, y) + l2 * (b * b).sum()
        loss.backward()
        return loss

    with torch.enable_grad():
        opt.step(closure)
    return b.detach().numpy().copy()


def group_folds(groups: Sequence[str], k: int, seed: int = 0) -> list[np.ndarray]:
    """K test-index arrays; every group's rows fall in one fold."""
    names = sorted(set(groups))
    rng = np.random.default_rng(seed)
    rng.shuffle(names)
    # Greedy: biggest groups first, each into the currently smallest fold.
    sizes = {g: sum(1 for x in groups if x == g) for g in names}
    folds: list[list[str]] = [[] for _ in range(k)]
    load = [0] * k
    for g in sorted(names, key=lambda n: -sizes[n]):
        i = int(np.argmin(load))
        folds[i].append(g)
        load[i] += sizes[g]
    return [np.array([i for i, g in enumerate(groups) if g in set(f)]) for f in folds]


def apply_bias(probs: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """`probs` (..., 7) with the bias added in log space, renormalised."""
    logits = np.log(np.clip(probs, 1e-12, 1.0)) + bias
    logits -= logits.max(axis=-1, keepdims=True)
    out = np.exp(logits)
    return out / out.sum(axis=-1, keepdims=True)


def out_of_fold(probs: np.ndarray, labels: np.ndarray, folds: Sequence[np.ndarray],
                l2: float) -> np.ndarray:
    """`probs` ((N, 7) or (V, N, 7)) calibrated fold by fold with a bias fit on the
    other folds."""
    oof = np.zeros_like(probs)
    for test in folds:
        train = np.setdiff1d(np.arange(len(labels)), test)
        oof[..., test, :] = apply_bias(probs[..., test, :],
                                       fit_bias(probs[..., train, :], labels[train], l2))
    return oof


def _scores(labels: np.ndarray, probs: np.ndarray) -> dict[str, Any]:
    if probs.ndim == 3:
        probs = probs.mean(axis=0)
    truth = [FER_LABELS[i] for i in labels]
    pred = [FER_LABELS[i] for i in probs.argmax(1)]
    m = metrics(truth, pred, FER_LABELS)
    return {"accuracy": round(m["accuracy"], 4), "macro_f1": round(m["macro_f1"], 4),
            "per_class_recall": {k: round(v, 3) for k, v in m["per_class_recall"].items()}}


@dataclass(frozen=True)
class CalibrationFit:
    bias: np.ndarray
    l2: float
    report: dict[str, Any]


def cross_validate(probs: np.ndarray, labels: np.ndarray, groups: Sequence[str],
                   k: int = 5, grid: Sequence[float] = L2_GRID) -> CalibrationFit:
    """Choose `l2` by grouped K-fold out-of-fold macro-F1, then fit on everything.
    `report`: uncalibrated figures, out-of-fold figures per `l2`, the choice."""
    folds = group_folds(groups, k)
    per_l2: dict[str, Any] = {}
    best: tuple[float, float] | None = None
    oof_best: np.ndarray | None = None
    for l2 in grid:
        oof = out_of_fold(probs, labels, folds, l2)
        s = _scores(labels, oof)
        per_l2[str(l2)] = {"accuracy": s["accuracy"], "macro_f1": s["macro_f1"]}
        if best is None or s["macro_f1"] > best[1]:
            best, oof_best = (l2, s["macro_f1"]), oof
    assert best is not None and oof_best is not None
    bias = fit_bias(probs, labels, best[0])
    report = {
        "folds": k, "grouped_by": "person (from the file name)", "n": len(labels),
        "uncalibrated": _scores(labels, probs),
        "out_of_fold_by_l2": per_l2,
        "chosen_l2": best[0],
        "out_of_fold": _scores(labels, oof_best),
    }
    return CalibrationFit(bias, best[0], report)


def rare_table(labels: np.ndarray, probs: np.ndarray, thresholds: Sequence[float]
               ) -> list[dict[str, Any]]:
    """For each threshold: out-of-sample accuracy / macro-F1 when disgust and fear
    below it are folded into the next likeliest emotion (in each view, before the
    views are averaged), and how many rare calls remain and how many of those are
    right."""
    from kiosk.vision.ensemble import fold_rare

    rows = []
    rare = {FER_LABELS.index("disgust"), FER_LABELS.index("fear")}
    views = probs if probs.ndim == 3 else probs[None]
    for t in thresholds:
        folded = (np.stack([[fold_rare(p, t) for p in view] for view in views]) if t > 0
                  else views).mean(axis=0)
        s = _scores(labels, folded)
        pred = folded.argmax(1)
        shown = [i for i, p in enumerate(pred) if p in rare]
        rows.append({"fold_rare_below": t, "accuracy": s["accuracy"],
                     "macro_f1": s["macro_f1"], "rare_shown": len(shown),
                     "rare_right": int(sum(pred[i] == labels[i] for i in shown))})
    return rows
