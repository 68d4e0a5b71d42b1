"""Statistics on small aggregated series: gap p-values and change points in counts.

Gap p-value (used by ``silences``)
----------------------------------
A gap of length ``L`` hours that starts at the post at time ``s`` is scored by the
probability of seeing *no* counted post in ``[s, s + L)`` under a rate model fitted to the
``lookback`` days before ``s`` (default 28; at least ``min_lookback`` = 7 days of the series'
record are required, otherwise the p-value is null):

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
PELT (``ruptures.Pelt``) on daily counts with a Poisson segment cost (``-2 log L`` at the
segment's own mean, from cumulative sums) scaled by a variance inflation ``phi`` estimated
from day-to-day differences, so over-dispersed series are not cut at every burst (a
quasi-Poisson cost). Penalty ``2 * ln(n)`` per change point, segments at least
``min_size`` = 7 days.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import ruptures as rpt

GAP_METHOD = (
    "p_value = P(no counted post in [start, start+hours)) under a negative-binomial "
    "(gamma-mixed Poisson) rate model fitted to the {lookback} days before the gap: level = posts "
    "per day in that lookback; multiplicative hour-of-day and day-of-week (UTC) factors from "
    "the lookback's posts, shrunk with a pseudo-count of 1; dispersion 1/r by moments of the "
    "lookback's daily counts around their weekday expectation (0 = Poisson); "
    "p = (1 + Lambda/r)^-r with Lambda the seasonally expected count in the gap. Null when "
    "the series has fewer than {min_lookback} days of record before the gap or no post in "
    "the lookback."
)

CHANGE_METHOD = (
    "PELT (ruptures) on the outlet's zero-filled daily counts over baseline start .. period "
    "end, quasi-Poisson cost (Poisson -2logL divided by a dispersion phi estimated from "
    "day-to-day differences), penalty 2 ln(n) per change, segments >= {min_size} days; "
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


def change_points(
    counts: np.ndarray[Any, Any], *, min_size: int = 7, penalty: float | None = None
) -> list[int]:
    """Indices where a new segment of the count series starts (PELT, quasi-Poisson)."""
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
    lookback_start: datetime,
    day_hour_counts: list[tuple[datetime, int, int]],
    *,
    pseudo: float = 1.0,
) -> dict[str, float]:
    """Fit the seasonal negative-binomial model on the lookback and score the gap.

    ``day_hour_counts``: (day start, hour of day, posts) for posts in
    ``[lookback_start, start]``. Returns p_value, expected (Lambda), inv_r and rate_per_day.
    """
    days_span = (start - lookback_start).total_seconds() / 86400.0
    total = float(sum(n for _, _, n in day_hour_counts))
    if days_span <= 0 or total <= 0:
        return {}
    rho = total / days_span
    n_h = np.zeros(24)
    n_d = np.zeros(7)
    per_day: dict[datetime, float] = {}
    for day, hour, n in day_hour_counts:
        n_h[hour] += n
        n_d[day.weekday()] += n
        per_day[day] = per_day.get(day, 0.0) + n
    exposure = np.zeros(7)
    t = lookback_start
    while t < start:
        nxt = min(datetime.combine(t.date() + timedelta(days=1), datetime.min.time()), start)
        exposure[t.weekday()] += (nxt - t).total_seconds() / 86400.0
        t = nxt
    a = (n_h + pseudo) / (total / 24.0 + pseudo)
    b = np.where(exposure > 0, (n_d + pseudo) / (exposure * rho + pseudo), 1.0)
    lam = expected_in_window(start, end, rho / 24.0, a, b)
    first_full = datetime.combine(lookback_start.date(), datetime.min.time())
    if first_full < lookback_start:
        first_full += timedelta(days=1)
    xs, es = [], []
    day = first_full
    while day + timedelta(days=1) <= start:
        xs.append(per_day.get(day, 0.0))
        es.append(rho * b[day.weekday()])
        day += timedelta(days=1)
    x, e = np.array(xs), np.array(es)
    inv_r = float(max(0.0, ((x - e) ** 2 - x).sum() / (e**2).sum())) if x.size >= 3 else 0.0
    return {
        "p_value": nb_zero_probability(lam, inv_r),
        "expected": lam,
        "inv_r": inv_r,
        "rate_per_day": rho,
    }
