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
from datetime import datetime
from typing import Any

import numpy as np

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
    return float(nb_zero_probabilities(np.array([expected]), np.array([inv_r]))[0])


def nb_zero_probabilities(expected: Any, inv_r: Any) -> Any:
    """Vectorised ``nb_zero_probability``: (1 + mu/r)^-r, exp(-mu) where 1/r = 0."""
    mu = np.maximum(np.asarray(expected, dtype=float), 0.0)
    k = np.asarray(inv_r, dtype=float)
    safe = np.where(k > 1e-12, k, 1.0)
    return np.where(k > 1e-12, np.exp(-np.log1p(mu * safe) / safe), np.exp(-mu))


_MONDAY = np.datetime64("1970-01-05T00:00", "us")


def _week_hours(times: Any) -> Any:
    """Hours since Monday 1970-01-05 00:00 UTC (float)."""
    return (np.asarray(times, dtype="datetime64[us]") - _MONDAY).astype("int64") / 3.6e9


def expected_in_windows(starts: Any, ends: Any, hourly_rate: Any, a: Any, b: Any) -> Any:
    """Seasonally expected counts in [start, end) for many windows at once.

    ``a``: (G, 24) hour-of-day factors; ``b``: (G, 7) weekday factors (Monday = 0). The
    hour-of-week profile ``a[h % 24] * b[h // 24]`` is integrated exactly (fractions of
    hours included) with its cumulative sum, whole weeks at a time.
    """
    a = np.atleast_2d(np.asarray(a, dtype=float))
    b = np.atleast_2d(np.asarray(b, dtype=float))
    profile = a[:, np.arange(168) % 24] * b[:, np.arange(168) // 24]
    cum = np.concatenate([np.zeros((profile.shape[0], 1)), np.cumsum(profile, axis=1)], axis=1)
    rows = np.arange(profile.shape[0])

    def position(hours: Any) -> Any:
        weeks = np.floor(hours / 168.0)
        offset = hours - weeks * 168.0
        whole = np.minimum(np.floor(offset).astype(int), 167)
        part = offset - whole
        return weeks * cum[:, 168] + cum[rows, whole] + profile[rows, whole] * part

    span = position(_week_hours(ends)) - position(_week_hours(starts))
    return np.asarray(hourly_rate, dtype=float) * np.maximum(span, 0.0)


def expected_in_window(
    start: datetime, end: datetime, hourly_rate: float, a: np.ndarray[Any, Any], b: Any
) -> float:
    """Seasonally expected count in [start, end): sum of rate * a[hour] * b[weekday]."""
    if end <= start or hourly_rate <= 0:
        return 0.0
    got = expected_in_windows([start], [end], np.array([hourly_rate]), a, np.asarray(b))
    return float(got[0])


def gap_p_values(
    starts: Any,
    ends: Any,
    first_days: Any,
    daily: Any,
    valid: Any,
    hour_counts: Any,
    *,
    pseudo: float = 1.0,
) -> dict[str, Any]:
    """Fit the seasonal negative-binomial model per gap and score every gap at once.

    ``daily`` (G, L): counts of the lookback's whole UTC days, from ``first_days`` (day
    numbers since 1970-01-01) on; ``valid`` (G, L) marks the days inside each lookback;
    ``hour_counts`` (G, 24): counts per hour of day over them. Returns arrays p_value,
    expected, inv_r and rate_per_day (NaN where the lookback is empty or silent).
    """
    x = np.where(valid, np.asarray(daily, dtype=float), 0.0)
    n_days = valid.sum(axis=1).astype(float)
    total = x.sum(axis=1)
    ok = (n_days > 0) & (total > 0)
    rho = np.where(ok, total / np.maximum(n_days, 1.0), 0.0)
    weekday = (np.asarray(first_days)[:, None] + np.arange(x.shape[1])[None, :] + 3) % 7
    n_d = np.zeros((x.shape[0], 7))
    exposure = np.zeros((x.shape[0], 7))
    for d in range(7):
        on = weekday == d
        n_d[:, d] = np.where(on, x, 0.0).sum(axis=1)
        exposure[:, d] = (on & valid).sum(axis=1)
    a = (np.asarray(hour_counts, dtype=float) + pseudo) / (total[:, None] / 24.0 + pseudo)
    b = np.where(exposure > 0, (n_d + pseudo) / (exposure * rho[:, None] + pseudo), 1.0)
    lam = expected_in_windows(starts, ends, rho / 24.0, a, b)
    e = np.where(valid, rho[:, None] * np.take_along_axis(b, weekday, axis=1), 0.0)
    num = (((x - e) ** 2 - x) * valid).sum(axis=1)
    den = (e**2).sum(axis=1)
    inv_r = np.where((n_days >= 3) & (den > 0), np.maximum(0.0, num / np.where(den > 0, den, 1)), 0)
    p = nb_zero_probabilities(lam, inv_r)
    nan = np.full(x.shape[0], np.nan)
    return {
        "p_value": np.where(ok, p, nan),
        "expected": np.where(ok, lam, nan),
        "inv_r": np.where(ok, inv_r, nan),
        "rate_per_day": np.where(ok, rho, nan),
    }


def gap_p_value(
    start: datetime,
    end: datetime,
    first_day: datetime,
    daily: np.ndarray[Any, Any],
    hour_counts: np.ndarray[Any, Any],
    *,
    pseudo: float = 1.0,
) -> dict[str, float]:
    """One gap: ``gap_p_values`` for a lookback of whole days from ``first_day`` on.

    Returns p_value, expected (Lambda), inv_r and rate_per_day; empty when the lookback is
    empty or silent.
    """
    x = np.asarray(daily, dtype=float)[None, :]
    day0 = int(np.datetime64(first_day, "D").astype("int64"))
    out = gap_p_values(
        [start],
        [end],
        np.array([day0]),
        x,
        np.ones_like(x, dtype=bool),
        np.asarray(hour_counts, dtype=float)[None, :],
        pseudo=pseudo,
    )
    if not np.isfinite(out["p_value"][0]):
        return {}
    return {k: float(v[0]) for k, v in out.items()}


def __getattr__(name: str) -> Any:
    """``QuasiPoissonCost`` and ``change_points_ruptures``, the ruptures reference the tests
    check ``pelt`` against, from ``_ruptures_reference``: importing ruptures (and scipy.stats
    with it) costs every one-shot measurement 0.7-0.9 s, and only the reference needs it."""
    if name in ("QuasiPoissonCost", "change_points_ruptures"):
        from mutewatch.measure import _ruptures_reference

        return getattr(_ruptures_reference, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
