"""Verification metrics from distance scores (lower distance = more alike), numpy only.

Conventions (ISO/IEC 19795-1 vocabulary):

- a *genuine* comparison is a pair of the same person, an *impostor* comparison a pair of two
  people; a pair is accepted when ``distance <= threshold``;
- FMR(t) = impostors accepted / impostors, FNMR(t) = genuines rejected / genuines,
  TAR(t) = 1 - FNMR(t);
- a comparison that could not be made (failure to enrol) has distance ``inf``: it is rejected at
  every threshold, which is what a deployed system does with it.

Every function is deterministic: ties are resolved by sorting, never by random choice.
"""

from __future__ import annotations

import math
from typing import Dict, List, Optional, Sequence

import numpy as np


def _as_array(values: Sequence[float]) -> np.ndarray:
    return np.asarray(values, dtype=np.float64).reshape(-1)


def error_curves(genuine: Sequence[float], impostor: Sequence[float]) -> Dict[str, np.ndarray]:
    """FMR and FNMR at every distinct finite score used as a threshold (ascending thresholds).

    Returns ``{"threshold", "fmr", "fnmr", "tar"}``; the first point rejects everything
    (threshold below every score: FMR 0, FNMR 1).
    """
    g = np.sort(_as_array(genuine))
    i = np.sort(_as_array(impostor))
    if g.size == 0 or i.size == 0:
        raise ValueError("error curves need at least one genuine and one impostor comparison")
    scores = np.concatenate([g, i])
    finite = np.unique(scores[np.isfinite(scores)])
    lowest = finite[0] - 1.0 if finite.size else 0.0
    thresholds = np.concatenate([[lowest], finite])
    # searchsorted(side="right") = number of scores <= threshold (inf is never <= a finite one).
    accepted_g = np.searchsorted(g, thresholds, side="right")
    accepted_i = np.searchsorted(i, thresholds, side="right")
    fmr = accepted_i / i.size
    tar = accepted_g / g.size
    return {"threshold": thresholds, "fmr": fmr, "fnmr": 1.0 - tar, "tar": tar}


def equal_error_rate(curves: Dict[str, np.ndarray]) -> Dict[str, float]:
    """The EER: where FMR and FNMR cross, linearly interpolated between the two thresholds that
    bracket the crossing. Returns ``{"eer", "threshold"}``."""
    fmr, fnmr, thr = curves["fmr"], curves["fnmr"], curves["threshold"]
    diff = fnmr - fmr  # starts at 1 (reject all) and decreases as the threshold grows
    below = np.nonzero(diff <= 0)[0]
    if below.size == 0:  # FNMR never falls to FMR (e.g. every genuine failed to enrol)
        k = int(np.argmin(np.abs(diff)))
        return {"eer": float((fmr[k] + fnmr[k]) / 2), "threshold": float(thr[k])}
    k = int(below[0])
    if k == 0 or diff[k] == 0:
        return {"eer": float((fmr[k] + fnmr[k]) / 2), "threshold": float(thr[k])}
    # Interpolate between point k-1 (diff > 0) and k (diff < 0).
    w = diff[k - 1] / (diff[k - 1] - diff[k])
    eer_a = fmr[k - 1] + w * (fmr[k] - fmr[k - 1])
    eer_b = fnmr[k - 1] + w * (fnmr[k] - fnmr[k - 1])
    threshold = thr[k - 1] + w * (thr[k] - thr[k - 1])
    return {"eer": float((eer_a + eer_b) / 2), "threshold": float(threshold)}


def tar_at_fmr(
    curves: Dict[str, np.ndarray], target_fmr: float, impostors: int
) -> Dict[str, object]:
    """The best TAR among thresholds whose FMR does not exceed ``target_fmr``.

    ``resolvable`` is False when the impostor set is too small to measure that FMR (one accepted
    impostor already exceeds it, so the answer is the TAR at FMR = 0 and says little).
    """
    ok = np.nonzero(curves["fmr"] <= target_fmr + 1e-15)[0]
    k = int(ok[-1])  # FMR is non-decreasing in the threshold: the last admissible is the best
    return {
        "target_fmr": target_fmr,
        "tar": float(curves["tar"][k]),
        "fmr": float(curves["fmr"][k]),
        "threshold": float(curves["threshold"][k]),
        "resolvable": impostors * target_fmr >= 1.0,
    }


def accuracy_at(genuine: np.ndarray, impostor: np.ndarray, threshold: float) -> float:
    """Fraction of pairs decided correctly when accepting ``distance <= threshold``."""
    correct = int(np.count_nonzero(genuine <= threshold)) + int(
        np.count_nonzero(impostor > threshold)
    )
    return correct / (genuine.size + impostor.size)


def best_threshold(genuine: np.ndarray, impostor: np.ndarray) -> float:
    """The threshold maximising accuracy on these pairs; among equally good thresholds the
    midpoint of the first best interval (deterministic)."""
    scores = np.unique(np.concatenate([genuine, impostor]))
    scores = scores[np.isfinite(scores)]
    if scores.size == 0:
        return 0.0
    candidates = np.concatenate(
        [[scores[0] - 1e-6], (scores[:-1] + scores[1:]) / 2, [scores[-1] + 1e-6]]
    )
    g = np.sort(genuine)
    i = np.sort(impostor)
    correct = np.searchsorted(g, candidates, side="right") + (
        i.size - np.searchsorted(i, candidates, side="right")
    )
    return float(candidates[int(np.argmax(correct))])


def kfold_accuracy(
    distances: Sequence[float], same: Sequence[bool], folds: Sequence[int]
) -> Optional[Dict[str, object]]:
    """LFW-style cross-validated accuracy: for each fold, the threshold that maximises accuracy
    on the other folds is applied to that fold. None when fewer than two folds are present."""
    d = _as_array(distances)
    s = np.asarray(same, dtype=bool)
    f = np.asarray(folds)
    fold_ids = sorted(int(x) for x in np.unique(f))
    if len(fold_ids) < 2:
        return None
    per_fold: List[Dict[str, float]] = []
    for k in fold_ids:
        test = f == k
        train = ~test
        t = best_threshold(d[train & s], d[train & ~s])
        acc = accuracy_at(d[test & s], d[test & ~s], t)
        per_fold.append(
            {"fold": k, "threshold": t, "accuracy": acc, "pairs": int(np.count_nonzero(test))}
        )
    accs = np.array([p["accuracy"] for p in per_fold])
    return {
        "folds": len(fold_ids),
        "mean": float(accs.mean()),
        # LFW reports the standard error of the mean over the folds.
        "std": float(accs.std(ddof=1)),
        "standard_error": float(accs.std(ddof=1) / math.sqrt(len(fold_ids))),
        "per_fold": per_fold,
    }


def timing_summary(milliseconds: Sequence[float]) -> Dict[str, float]:
    """Mean, median, p95, min, max and count of per-item times in milliseconds."""
    t = _as_array(milliseconds)
    if t.size == 0:
        return {"count": 0}
    return {
        "count": int(t.size),
        "mean_ms": float(t.mean()),
        "p50_ms": float(np.percentile(t, 50)),
        "p95_ms": float(np.percentile(t, 95)),
        "min_ms": float(t.min()),
        "max_ms": float(t.max()),
        "total_s": float(t.sum() / 1000.0),
    }
