"""The ruptures reference of ``stats.pelt``: ``ruptures.Pelt`` with the quasi-Poisson cost
of ``stats`` (slow; the tests check that ``pelt`` finds the same optimum). Apart from
``stats`` so that ruptures, and scipy.stats with it, are imported only when it is used."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import ruptures as rpt

from mutewatch.measure.stats import dispersion_phi


class QuasiPoissonCost(rpt.base.BaseCost):  # type: ignore[misc]
    """Poisson -2 log-likelihood of a segment at its own mean, divided by ``phi``."""

    model = "quasipoisson"
    min_size = 1

    def __init__(self, phi: float = 1.0) -> None:
        self.phi = max(phi, 1.0)
        self.cumsum = np.zeros(1)
        self.signal = np.zeros((0, 1))

    def fit(self, signal: np.ndarray[Any, Any]) -> QuasiPoissonCost:
        """Remember the cumulative sums of the counts."""
        values = np.asarray(signal, dtype=float).reshape(-1)
        self.signal = values.reshape(-1, 1)
        self.cumsum = np.concatenate([[0.0], np.cumsum(values)])
        return self

    def error(self, start: int, end: int) -> float:
        """Cost of counts[start:end] (terms free of the mean dropped)."""
        total = float(self.cumsum[end] - self.cumsum[start])
        if total <= 0.0:
            return 0.0
        return -2.0 * total * (math.log(total / (end - start)) - 1.0) / self.phi


def change_points_ruptures(
    counts: np.ndarray[Any, Any], *, min_size: int = 7, penalty: float | None = None
) -> list[int]:
    """Reference: ``ruptures.Pelt`` with the same cost on the daily series (slow)."""
    x = np.asarray(counts, dtype=float)
    n = x.size
    if n < 2 * min_size or x.sum() <= 0:
        return []
    cost = QuasiPoissonCost(dispersion_phi(x))
    pen = penalty if penalty is not None else 2.0 * math.log(n)
    algo = rpt.Pelt(custom_cost=cost, min_size=min_size, jump=1).fit(x)
    return [int(b) for b in algo.predict(pen=pen) if b < n]
