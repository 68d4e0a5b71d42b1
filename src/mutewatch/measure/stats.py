"""Statistics on small aggregated series: gap p-values and change points in counts.

Gap p-value (used by ``silences``)
----------------------------------
A gap of length ``L`` hours that starts at the post at time ``s`` is scored by the
probability of seeing *no* counted post in ``[s, s + L)`` under a rate model fitted to the
``lookback`` whole UTC days before the day of ``s`` (default 28, fewer when the series'
record starts later; at least ``min_lookback`` = 7 days are required, otherwise the p-value
is null):

1. Level: ``rho`` = posts per day in the lookback (``N / D``, ``D`` the lookback in days).
2. Seasonality, multiplicative: an hour-of-day factor ``a[h] = (n_h + c) / (N/24 + c)`` and a
   day-of-week factor ``b[d] = (n_d + c) / (E_d * rho + c)`` with ``E_d`` the exposure (days)
   of weekday ``d`` in the lookback and ``c = 1`` a pseudo-count that shrinks sparse bins
   towards a flat profile (a gamma prior with the overall mean). Both are fitted on the
   lookback's posts, hour and weekday in UTC.
3. Expected count in the gap: ``Lambda = sum over the hours of [s, s+L) of
   rho/24 * a[h] * b[d] * (fraction of the hour inside the gap)``.
4. Over-dispersion: counts are negative binomial (a gamma-mixed Poisson: the level of the
   gap window varies around ``Lambda`` with variance ``Lambda^2 / r``). ``1/r`` is estimated by
   moments from the lookback's whole days: ``1/r = max(0, sum((x_i - e_i)^2 - x_i) / sum(e_i^2))``
   with ``x_i`` the day's count and ``e_i = rho * b[weekday]`` its seasonal expectation; ``1/r = 0``
   is the Poisson case.
5. ``p = P(N = 0) = (1 + Lambda / r)^(-r)`` (``exp(-Lambda)`` when ``1/r = 0``).

Bursty channels (large ``1/r``) thus get far larger p-values than a Poisson model would give,
and a night-time or Friday lull is expected where the lookback shows one. The p-value is per
gap; with many gaps, expect some small values by chance (no multiplicity correction).

Change points (used by ``outlets status``)
------------------------------------------
PELT on daily counts with a Poisson segment cost (``-2 log L`` at the segment's own mean,
from cumulative sums) scaled by a variance inflation ``phi`` estimated from day-to-day
differences, so over-dispersed series are not cut at every burst (a quasi-Poisson cost).
Penalty ``2 * ln(n)`` per change point (n = days), segments at least ``min_size`` = 7 days.
For speed the search runs on 7-day blocks (exposure-weighted, so a short last block is
fair) with an exact numpy PELT (``pelt``; the same optimum as ``ruptures.Pelt`` with this
cost, which the tests check via ``QuasiPoissonCost``), and each change is then refined to
the day that maximises the two-segment likelihood within a week either side.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import ruptures as rpt

GAP_METHOD = (
    "p_value = P(no counted post in [start, start+hours)) under a negative-binomial "
    "(gamma-mixed Poisson) rate model fitted to the {lookback} whole UTC days before the day "
    "the gap starts (from the series' first day if later): level = posts "
    "per day in that lookback; multiplicative hour-of-day and day-of-week (UTC) factors from "
    "the lookback's posts, shrunk with a pseudo-count of 1; dispersion 1/r by moments of the "
    "lookback's daily counts around their weekday expectation (0 = Poisson); "
    "p = (1 + Lambda/r)^-r with Lambda the seasonally expected count in the gap. Null when "
    "the series has fewer than {min_lookback} days of record before the gap or no post in "
    "the lookback."
)

CHANGE_METHOD = (
    "PELT on the outlet's zero-filled daily counts over baseline start .. period end, "
    "quasi-Poisson cost (Poisson -2logL divided by a dispersion phi estimated from "
    "day-to-day differences), penalty 2 ln(n) per change, segments >= {min_size} days; "
    "searched on 7-day blocks (exact numpy PELT, same optimum as ruptures.Pelt with this "
    "cost) and refined to the day within a week either side; "
    "changed_at = first day of the segment after the largest level shift in the direction of "
    "the outlet's status (drop for silenced/dormant, rise for new, either for active)."
)


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


def dispersion_phi(counts: np.ndarray[Any, Any]) -> float:
    """Variance inflation of counts from successive differences (1 = Poisson)."""
    x = np.asarray(counts, dtype=float)
    if x.size < 3 or x.sum() <= 0:
        return 1.0
    diff = np.diff(x)
    mean = (x[1:] + x[:-1]) / 2.0
    denom = mean.sum()
    return float(max(1.0, (diff**2 / 2.0).sum() / denom)) if denom > 0 else 1.0


def pelt(
    counts: np.ndarray[Any, Any],
    exposure: np.ndarray[Any, Any] | None = None,
    *,
    penalty: float,
    min_size: int = 1,
    phi: float = 1.0,
) -> list[int]:
    """Exact PELT (Killick et al. 2012) with the quasi-Poisson cost, vectorised with numpy.

    Same optimum as ``ruptures.Pelt(custom_cost=QuasiPoissonCost(phi), jump=1)`` (checked in
    the tests), without a Python call per cost evaluation. ``exposure`` gives each point's
    length (days) so blocks of unequal length compare; returns the segment starts (> 0).
    """
    x = np.asarray(counts, dtype=float)
    n = x.size
    e = np.ones(n) if exposure is None else np.asarray(exposure, dtype=float)
    cs = [0.0, *np.cumsum(x).tolist()]
    ce = [0.0, *np.cumsum(e).tolist()]
    scale = -2.0 / max(phi, 1.0)
    log = math.log
    best = [math.inf] * (n + 1)
    best[0] = -penalty
    last = [0] * (n + 1)
    admissible: list[int] = []
    # the admissible set stays small after pruning: plain floats beat numpy here
    for t in range(min_size, n + 1):
        new = t - min_size
        if new == 0 or new >= min_size:
            admissible.append(new)
        if not admissible:
            continue
        seg = []
        for s in admissible:
            total = cs[t] - cs[s]
            c = scale * total * (log(total / (ce[t] - ce[s])) - 1.0) if total > 0 else 0.0
            seg.append(best[s] + c)
        i = min(range(len(seg)), key=seg.__getitem__)
        best[t] = seg[i] + penalty
        last[t] = admissible[i]
        admissible = [s for s, v in zip(admissible, seg, strict=True) if v <= best[t]]
    out: list[int] = []
    t = n
    while t > 0 and math.isfinite(best[t]):
        t = last[t]
        if t > 0:
            out.append(t)
    return sorted(out)


def change_points(
    counts: np.ndarray[Any, Any], *, min_size: int = 7, penalty: float | None = None
) -> list[int]:
    """Indices where a new segment of the daily count series starts.

    PELT runs on 7-day blocks (``min_size`` rounded up to whole blocks, the last block
    shorter), then each change is refined to the day: the split within a week either side
    that maximises the two-segment likelihood of the daily counts.
    """
    x = np.asarray(counts, dtype=float)
    n = x.size
    if n < 2 * min_size or x.sum() <= 0:
        return []
    phi = dispersion_phi(x)
    pen = penalty if penalty is not None else 2.0 * math.log(n)
    starts = np.arange(0, n, 7)
    blocks = np.add.reduceat(x, starts)
    exposure = np.diff(np.append(starts, n)).astype(float)
    weekly = pelt(blocks, exposure, penalty=pen, min_size=max(1, -(-min_size // 7)), phi=phi)
    # a change inside a block shows as that block alone between two changes: merge
    # changes on adjacent blocks and search the day across both
    groups: list[list[int]] = []
    for k in weekly:
        if groups and k - groups[-1][-1] == 1:
            groups[-1].append(k)
        else:
            groups.append([k])
    spans = [(int(starts[g[0]]), int(starts[g[-1]])) for g in groups]
    bounds = [0, *[a for a, _ in spans], n]
    refined = []
    for i, (first, lastd) in enumerate(spans):
        lo, hi = bounds[i], bounds[i + 2]
        candidates = np.arange(max(lo + min_size, first - 6), min(hi - min_size, lastd + 6) + 1)
        if candidates.size == 0:
            refined.append(first)
            continue
        cs = np.concatenate([[0.0], np.cumsum(x[lo:hi])])
        ks = candidates - lo
        left, right = cs[ks], cs[-1] - cs[ks]
        with np.errstate(divide="ignore", invalid="ignore"):
            ll = np.where(left > 0, left * np.log(left / ks), 0.0) + np.where(
                right > 0, right * np.log(right / (hi - lo - ks)), 0.0
            )
        refined.append(int(candidates[int(np.argmax(ll))]))
        bounds[i + 1] = refined[-1]
    return refined


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


def main_change(counts: np.ndarray[Any, Any], direction: str, **kwargs: Any) -> dict[str, Any]:
    """The largest level shift in ``direction`` (down, up, any): index and rates around it."""
    x = np.asarray(counts, dtype=float)
    cps = change_points(x, **kwargs)
    if not cps:
        return {}
    bounds = [0, *cps, x.size]
    means = [float(x[a:b].mean()) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    best: dict[str, Any] = {}
    best_score = 0.0
    for i, cp in enumerate(cps):
        before, after = means[i], means[i + 1]
        shift = math.log((after + 0.5) / (before + 0.5))
        score = -shift if direction == "down" else shift if direction == "up" else abs(shift)
        if score > best_score:
            best_score = score
            best = {"index": cp, "before_per_day": before, "after_per_day": after}
    return best


def nb_zero_probability(expected: float, inv_r: float) -> float:
    """P(N = 0) for a negative binomial with mean ``expected`` and dispersion ``1/r``."""
    if expected <= 0:
        return 1.0
    if inv_r <= 1e-12:
        return math.exp(-expected)
    return math.exp(-math.log1p(expected * inv_r) / inv_r)


def expected_in_window(
    start: datetime, end: datetime, hourly_rate: float, a: np.ndarray[Any, Any], b: Any
) -> float:
    """Seasonally expected count in [start, end): sum of rate * a[hour] * b[weekday]."""
    if end <= start or hourly_rate <= 0:
        return 0.0
    first = start.replace(minute=0, second=0, microsecond=0)
    hours = int(math.ceil((end - first).total_seconds() / 3600.0))
    grid = np.array([first + timedelta(hours=i) for i in range(hours + 1)], dtype="datetime64[us]")
    lo = np.maximum(grid[:-1], np.datetime64(start, "us"))
    hi = np.minimum(grid[1:], np.datetime64(end, "us"))
    frac = np.clip((hi - lo).astype("int64") / 3.6e9, 0.0, 1.0)
    hod = (grid[:-1].astype("datetime64[h]").astype("int64")) % 24
    days = grid[:-1].astype("datetime64[D]").astype("int64")
    dow = (days + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    return float(hourly_rate * (frac * a[hod] * np.asarray(b)[dow]).sum())


def gap_p_value(
    start: datetime,
    end: datetime,
    first_day: datetime,
    daily: np.ndarray[Any, Any],
    hour_counts: np.ndarray[Any, Any],
    *,
    pseudo: float = 1.0,
) -> dict[str, float]:
    """Fit the seasonal negative-binomial model on the lookback and score the gap.

    The lookback is the whole UTC days ``first_day .. first_day + len(daily) - 1`` (the days
    before the one the gap starts on); ``daily`` holds their counts and ``hour_counts`` the
    counts per hour of day (24) over them. Returns p_value, expected (Lambda), inv_r and
    rate_per_day; empty when the lookback is empty or silent.
    """
    x = np.asarray(daily, dtype=float)
    total = float(x.sum())
    if x.size == 0 or total <= 0:
        return {}
    rho = total / x.size
    weekday = (np.arange(x.size) + first_day.weekday()) % 7
    n_d = np.bincount(weekday, weights=x, minlength=7)
    exposure = np.bincount(weekday, minlength=7).astype(float)
    a = (np.asarray(hour_counts, dtype=float) + pseudo) / (total / 24.0 + pseudo)
    b = np.where(exposure > 0, (n_d + pseudo) / (exposure * rho + pseudo), 1.0)
    lam = expected_in_window(start, end, rho / 24.0, a, b)
    e = rho * b[weekday]
    inv_r = float(max(0.0, ((x - e) ** 2 - x).sum() / (e**2).sum())) if x.size >= 3 else 0.0
    return {
        "p_value": nb_zero_probability(lam, inv_r),
        "expected": lam,
        "inv_r": inv_r,
        "rate_per_day": rho,
    }
