"""Decline of output at network level: change points, peak-to-current change, rolling rates.

Method (every number below is reported with the parameters that produced it):

* **Series.** Counted posts (``--of``, ``--include-forwards``) are counted per UTC day by the
  shared engine (one Ibis expression, DuckDB or Spark) and zero-filled over the observed
  window: ``--from``/``--to`` when given, else the first to the last day of any post in the
  store, so days on which only supporters posted count as zero official output.
* **Change points.** PELT (``ruptures.Pelt``, ``jump=1``) on the daily counts with a
  negative-binomial cost: each segment has its own mean ``mu`` and a shared dispersion ``r``;
  the cost of a segment is ``-2 * loglik`` up to terms that do not depend on ``mu``. ``r`` is
  estimated once by moments of successive differences (robust to level shifts:
  ``1/r = sum(d^2/2 - m) / sum(m^2)``, ``d`` the day-to-day difference and ``m`` the mean of
  the two days). Over-dispersion and weekly seasonality are thus not mistaken for level shifts.
  Penalty: ``2 * ln(n)`` per change point (BIC with two parameters per segment: its mean and
  its start) unless ``penalty`` is given; segments are at least ``min_size`` days long.
* **Peak-to-current.** Calendar periods (``every``: week from Monday, or month); rates per
  day so periods of different lengths compare. Peak = the full period with the highest rate;
  current = the last full period. Change = (peak - current) / peak.
* **Rolling rates.** Sum over the trailing ``window`` days, divided by ``window``, with an
  interval at ``level``: ``poisson`` = exact (Garwood) Poisson interval on the window total;
  ``negbin`` (default) = the same interval on the effective count ``K / phi`` scaled back by
  ``phi``, where ``phi = 1 + mu / r`` is the negative-binomial variance inflation at the
  window's mean daily rate ``mu``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import ibis
import numpy as np
import pandas as pd
import ruptures as rpt
from scipy import stats as sps

from mutewatch.errors import UsageError
from mutewatch.measure.derived import counted_days
from mutewatch.measure.engine import Engine
from mutewatch.measure.params import Params

INTERVALS = ("poisson", "negbin")
EVERY = ("week", "month")


class NegBinCost(rpt.base.BaseCost):  # type: ignore[misc]
    """Negative-binomial segment cost for counts, with a dispersion ``r`` shared by segments.

    ``r = inf`` gives the Poisson cost. The cost uses cumulative sums, so each segment costs
    O(1) to evaluate.
    """

    model = "negbin"
    min_size = 1

    def __init__(self, r: float = math.inf) -> None:
        self.r = r
        self.cumsum: list[float] = [0.0]
        self.signal: np.ndarray[Any, Any] = np.zeros((0, 1))

    def fit(self, signal: np.ndarray[Any, Any]) -> NegBinCost:
        """Remember the cumulative sums of the counts."""
        self.signal = np.asarray(signal, dtype=float).reshape(-1, 1)
        self.cumsum = [0.0, *np.cumsum(self.signal[:, 0]).tolist()]
        return self

    def error(self, start: int, end: int) -> float:
        """-2 log-likelihood of counts[start:end] at their own mean (mu-free terms dropped)."""
        total = self.cumsum[end] - self.cumsum[start]
        n = end - start
        if total <= 0:
            return 0.0
        mu = total / n
        r = self.r
        if math.isinf(r):
            return -2.0 * (total * math.log(mu) - total)
        return -2.0 * (n * r * math.log(r / (r + mu)) + total * math.log(mu / (r + mu)))


def dispersion(counts: Sequence[float]) -> float:
    """Negative-binomial size ``r`` by moments of successive differences (inf = Poisson)."""
    x = np.asarray(counts, dtype=float)
    if x.size < 3:
        return math.inf
    d = np.diff(x)
    m = (x[1:] + x[:-1]) / 2.0
    excess = float(np.sum(d * d / 2.0 - m))
    scale = float(np.sum(m * m))
    if excess <= 0 or scale <= 0:
        return math.inf
    return scale / excess


def change_points(
    counts: Sequence[float],
    *,
    penalty: float | None = None,
    min_size: int = 7,
    r: float | None = None,
) -> list[int]:
    """Indices where a new segment starts (PELT, negative-binomial cost); [] if none."""
    x = np.asarray(counts, dtype=float)
    n = x.size
    if n < 2 * min_size or float(x.sum()) == 0.0:
        return []
    size = dispersion(counts) if r is None else r
    pen = 2.0 * math.log(n) if penalty is None else penalty
    algo = rpt.Pelt(custom_cost=NegBinCost(size), min_size=min_size, jump=1).fit(x.reshape(-1, 1))
    breaks: list[int] = [int(b) for b in algo.predict(pen=pen)]
    return [b for b in breaks if b < n]


def segments(
    days: Sequence[date], counts: Sequence[float], starts: Sequence[int]
) -> list[dict[str, Any]]:
    """The segments between change points, each with its days, posts and rate per day."""
    bounds = [0, *starts, len(counts)]
    out: list[dict[str, Any]] = []
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        posts = int(sum(counts[lo:hi]))
        out.append(
            {
                "start": days[lo].isoformat(),
                "end": days[hi - 1].isoformat(),
                "days": hi - lo,
                "posts": posts,
                "per_day": round(posts / (hi - lo), 4),
            }
        )
    return out


def describe_changes(segs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per change point: when, the rate before and after, and the relative change."""
    rows: list[dict[str, Any]] = []
    for before, after in zip(segs[:-1], segs[1:], strict=True):
        b, a = before["per_day"], after["per_day"]
        rows.append(
            {
                "at": after["start"],
                "before_per_day": b,
                "after_per_day": a,
                "change": round((a - b) / b, 4) if b > 0 else None,
            }
        )
    return rows


def garwood(k: float, level: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) two-sided interval for a Poisson mean given the count ``k``."""
    alpha = 1.0 - level
    low = 0.0 if k <= 0 else float(sps.chi2.ppf(alpha / 2.0, 2.0 * k)) / 2.0
    high = float(sps.chi2.ppf(1.0 - alpha / 2.0, 2.0 * k + 2.0)) / 2.0
    return low, high


def rate_interval(
    total: float, days: int, *, level: float = 0.95, interval: str = "negbin", r: float = math.inf
) -> tuple[float, float]:
    """Interval for a rate per day from ``total`` posts over ``days`` days."""
    if interval not in INTERVALS:
        raise UsageError(
            f"unknown interval {interval!r}", hint=f"use one of {', '.join(INTERVALS)}"
        )
    phi = 1.0
    if interval == "negbin" and not math.isinf(r) and days > 0:
        phi = 1.0 + (total / days) / r
    low, high = garwood(total / phi, level)
    return low * phi / days, high * phi / days


def rolling_rates(
    days: Sequence[date],
    counts: Sequence[float],
    *,
    window: int = 28,
    level: float = 0.95,
    interval: str = "negbin",
    r: float = math.inf,
) -> list[dict[str, Any]]:
    """Trailing ``window``-day rate per day on each day with a full window, with its interval."""
    if window < 1:
        raise UsageError(f"window must be at least 1 day, got {window}", hint="pass --window 28")
    if interval not in INTERVALS:
        raise UsageError(
            f"unknown interval {interval!r}", hint=f"use one of {', '.join(INTERVALS)}"
        )
    cs = np.concatenate([[0.0], np.cumsum(np.asarray(counts, dtype=float))])
    if len(counts) < window:
        return []
    totals = cs[window:] - cs[:-window]  # totals[j] = sum of counts[j : j + window]
    phi = np.ones_like(totals)
    if interval == "negbin" and not math.isinf(r):
        phi = 1.0 + (totals / window) / r
    k = totals / phi
    alpha = 1.0 - level
    low = np.where(k > 0, sps.chi2.ppf(alpha / 2.0, 2.0 * np.maximum(k, 1e-12)) / 2.0, 0.0)
    high = sps.chi2.ppf(1.0 - alpha / 2.0, 2.0 * k + 2.0) / 2.0
    low, high = low * phi / window, high * phi / window
    return [
        {
            "date": days[j + window - 1].isoformat(),
            "window_start": days[j].isoformat(),
            "posts": int(totals[j]),
            "per_day": round(float(totals[j]) / window, 4),
            "low": round(float(low[j]), 4),
            "high": round(float(high[j]), 4),
        }
        for j in range(len(totals))
    ]


@dataclass(frozen=True, slots=True)
class Period:
    """A calendar period: label, first and last day, and whether the series covers it whole."""

    label: str
    start: date
    end: date
    full: bool


def period_start(day: date, every: str) -> date:
    """The first day of the calendar period holding ``day``."""
    if every == "week":
        return day - timedelta(days=day.weekday())
    if every == "month":
        return day.replace(day=1)
    raise UsageError(f"unknown period {every!r}", hint=f"use one of {', '.join(EVERY)}")


def next_period(start: date, every: str) -> date:
    """The first day of the period after the one starting at ``start``."""
    if every == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def period_rates(
    days: Sequence[date], counts: Sequence[float], every: str = "month"
) -> list[dict[str, Any]]:
    """Posts and rate per day per calendar period; ``full`` = the series covers all of it."""
    if not days:
        return []
    first, last = days[0], days[-1]
    index = {d: i for i, d in enumerate(days)}
    rows: list[dict[str, Any]] = []
    start = period_start(first, every)
    while start <= last:
        end = next_period(start, every) - timedelta(days=1)
        lo, hi = max(start, first), min(end, last)
        covered = (hi - lo).days + 1
        posts = int(sum(counts[index[lo] : index[hi] + 1]))
        label = start.isoformat()[:7] if every == "month" else start.isoformat()
        rows.append(
            {
                "period": label,
                "start": lo.isoformat(),
                "end": hi.isoformat(),
                "days": covered,
                "full": lo == start and hi == end,
                "posts": posts,
                "per_day": round(posts / covered, 4),
            }
        )
        start = next_period(start, every)
    return rows


def peak_to_current(periods: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """Peak (highest-rate full period) vs current (last full period); None if too short."""
    full = [p for p in periods if p["full"]] or list(periods)
    if not full:
        return None
    peak = max(full, key=lambda p: (p["per_day"], p["start"]))
    current = full[-1]
    change = None
    if peak["per_day"] > 0:
        change = round((peak["per_day"] - current["per_day"]) / peak["per_day"], 4)
    return {"peak": peak, "current": current, "change": change}


def zero_fill(
    daily: dict[date, int], first: date | None, last: date | None
) -> tuple[list[date], list[int]]:
    """Days from ``first`` to ``last`` (defaults: the data's own range) and their counts."""
    if first is None or last is None:
        if not daily:
            return [], []
        first = first or min(daily)
        last = last or max(daily)
    days: list[date] = []
    counts: list[int] = []
    day = first
    while day <= last:
        days.append(day)
        counts.append(int(daily.get(day, 0)))
        day += timedelta(days=1)
    return days, counts


def analyse(
    days: Sequence[date],
    counts: Sequence[float],
    *,
    every: str = "month",
    window: int = 28,
    level: float = 0.95,
    interval: str = "negbin",
    penalty: float | None = None,
    min_size: int = 7,
) -> dict[str, Any]:
    """All trend statistics of one zero-filled daily series (pure; no store access)."""
    if not 0.0 < level < 1.0:
        raise UsageError(f"level must be between 0 and 1, got {level}", hint="pass --level 0.95")
    if min_size < 1:
        raise UsageError(
            f"min-size must be at least 1 day, got {min_size}", hint="pass --min-size 7"
        )
    r = dispersion(counts)
    starts = change_points(counts, penalty=penalty, min_size=min_size, r=r)
    segs = segments(days, counts, starts) if days else []
    periods = period_rates(days, counts, every)
    n = len(counts)
    return {
        "series": {
            "start": days[0].isoformat() if days else None,
            "end": days[-1].isoformat() if days else None,
            "days": n,
            "posts": int(sum(counts)),
            "per_day": round(sum(counts) / n, 4) if n else None,
        },
        "dispersion": {"r": None if math.isinf(r) else round(r, 4), "poisson": math.isinf(r)},
        "change_points": describe_changes(segs),
        "segments": segs,
        "periods": periods,
        "peak_to_current": peak_to_current(periods),
        "rolling": rolling_rates(days, counts, window=window, level=level, interval=interval, r=r),
        "penalty": round(2.0 * math.log(n), 4) if penalty is None and n > 1 else penalty,
    }


def monotone_trend(values: Sequence[float | None], alpha: float = 0.05) -> dict[str, Any]:
    """Direction of a per-period series: Kendall's tau (with p-value) and Theil-Sen slope.

    Non-parametric and computed on the period values themselves, so bursty or over-dispersed
    posting does not inflate its significance. ``direction`` is ``rising``/``falling`` when
    the p-value is below ``alpha``, else ``flat``; None values are left out.
    """
    pairs = [(i, float(v)) for i, v in enumerate(values) if v is not None]
    if len(pairs) < 3 or len({v for _, v in pairs}) < 2:
        return {
            "periods": len(pairs),
            "kendall_tau": None,
            "p_value": None,
            "slope_per_period": None,
            "direction": "flat",
            "alpha": alpha,
        }
    xs = np.array([p[0] for p in pairs], dtype=float)
    ys = np.array([p[1] for p in pairs], dtype=float)
    tau = sps.kendalltau(xs, ys)
    slope = float(sps.theilslopes(ys, xs)[0])
    p_value = float(tau.pvalue)
    direction = "flat"
    if p_value < alpha:
        direction = "rising" if float(tau.statistic) > 0 else "falling"
    return {
        "periods": len(pairs),
        "kendall_tau": round(float(tau.statistic), 4),
        "p_value": float(f"{p_value:.3g}"),
        "slope_per_period": round(slope, 6),
        "direction": direction,
        "alpha": alpha,
    }


# ----------------------------------------------------------------------------- data
def observed_window(eng: Engine, params: Params) -> tuple[date | None, date | None]:
    """``--from``/``--to`` when given, else the first and last day of any post in the store."""
    first, last = params.date_from, params.date_to
    if first is None or last is None:
        if eng.derived:  # every post, counted or not, per day
            d = eng.daily()
            expr = d.aggregate(lo=d.first.min(), hi=d.last.max())
        else:
            t = eng.table("posts")
            expr = t.aggregate(lo=t.ts.min(), hi=t.ts.max())
        row = eng.execute(expr).iloc[0]
        if first is None and not pd.isna(row["lo"]):
            first = pd.Timestamp(row["lo"]).date()
        if last is None and not pd.isna(row["hi"]):
            last = pd.Timestamp(row["hi"]).date()
    return first, last


def daily_counts(eng: Engine, params: Params) -> dict[date, int]:
    """Counted posts per UTC day (one Ibis aggregation on the engine)."""
    d = counted_days(eng.daily(), params)
    expr = d.group_by("day").aggregate(n=d.n.sum().cast("int64"))
    df = eng.execute(expr)
    return {pd.Timestamp(d).date(): int(n) for d, n in zip(df["day"], df["n"], strict=True)}


def daily_series(eng: Engine, params: Params) -> tuple[list[date], list[int]]:
    """The zero-filled daily series of counted posts over the observed window."""
    first, last = observed_window(eng, params)
    return zero_fill(daily_counts(eng, params), first, last)


def measure(
    eng: Engine,
    params: Params,
    *,
    every: str = "month",
    window: int = 28,
    level: float = 0.95,
    interval: str = "negbin",
    penalty: float | None = None,
    min_size: int = 7,
) -> dict[str, Any]:
    """``mutewatch trend`` on an open engine: the JSON object the command prints."""
    if every not in EVERY:
        raise UsageError(f"--every {every!r} is not known", hint=f"use one of {', '.join(EVERY)}")
    days, counts = daily_series(eng, params)
    result = analyse(
        days,
        counts,
        every=every,
        window=window,
        level=level,
        interval=interval,
        penalty=penalty,
        min_size=min_size,
    )
    used_penalty = result.pop("penalty")
    echo = params.echo()
    echo.update(
        every=every,
        window=window,
        level=level,
        interval=interval,
        penalty=used_penalty,
        min_size=min_size,
    )
    return {"parameters": echo, "method": METHOD, **result}


def trend(store_path: str | Path, **options: Any) -> dict[str, Any]:
    """Library entry: the same as ``run_measurement("trend", store, **options)``."""
    from mutewatch.measure.registry import run_measurement  # the registry imports this module

    return run_measurement("trend", Path(store_path), **options)


METHOD = {
    "series": "counted posts per UTC day, zero-filled over --from..--to (default: the first "
    "to the last day of any post in the store)",
    "change_points": "PELT (ruptures, jump=1) with a negative-binomial cost: per-segment mean, "
    "dispersion r shared, estimated by moments of successive differences; penalty per change "
    "point 2 ln(n) unless --penalty; segments at least --min-size days",
    "peak_to_current": "(peak - current) / peak of posts per day over full calendar periods "
    "(--every); peak = highest full period, current = last full period",
    "rolling": "trailing --window-day sum / window, interval at --level: poisson = exact "
    "Garwood interval; negbin = Garwood on the effective count K/phi, scaled by phi = 1 + mu/r",
}


# ----------------------------------------------------------------------------- buckets
BUCKETS = ("day", "week", "month")
_TRUNCATE = {"day": "D", "week": "W", "month": "M"}


def check_every(every: str) -> str:
    """Validate a bucket size (day, week from Monday, calendar month)."""
    if every not in BUCKETS:
        raise UsageError(f"--every {every!r} is not known", hint=f"use one of {', '.join(BUCKETS)}")
    return every


def bucket(ts: Any, every: str) -> Any:
    """An Ibis expression: the start of the bucket holding ``ts`` (weeks start on Monday)."""
    return ts.truncate(_TRUNCATE[check_every(every)])


def bucket_rows(first: date, last: date, every: str) -> list[dict[str, Any]]:
    """Every bucket from ``first`` to ``last``: start, label, days observed and ``full``."""
    out: list[dict[str, Any]] = []
    start = first if check_every(every) == "day" else period_start(first, every)
    while start <= last:
        nxt = start + timedelta(days=1) if every == "day" else next_period(start, every)
        lo, hi = max(start, first), min(nxt - timedelta(days=1), last)
        out.append(
            {
                "period": start.isoformat()[:7] if every == "month" else start.isoformat(),
                "start": start,
                "days": (hi - lo).days + 1,
                "full": lo == start and hi == nxt - timedelta(days=1),
            }
        )
        start = nxt
    return out


NOTHING_TO_MEASURE = "the store holds no posts in the window: nothing to measure"


def empty_periodic(
    echo: dict[str, Any], method: dict[str, str], trends: tuple[str, ...], notes: list[str]
) -> dict[str, Any]:
    """A per-period result for a store (or --from/--to window) without any post."""
    return {
        "parameters": echo,
        "method": method,
        "rows": [],
        "total": None,
        "trend": {name: monotone_trend([]) for name in trends},
        "notes": [*notes, NOTHING_TO_MEASURE],
    }


def window_of(eng: Engine, params: Params) -> tuple[date, date]:
    """The observed window, or a UsageError when the store holds no posts at all."""
    first, last = observed_window(eng, params)
    if first is None or last is None:
        raise UsageError(
            "the store holds no posts to measure",
            hint="ingest an archive first (`mutewatch ingest PATH`) or run `mutewatch demo`",
        )
    return first, last


def date_filter(table: Any, params: Params) -> Any:
    """``table`` restricted to ``--from``/``--to`` on its ``ts`` column."""
    preds = []
    if params.ts_from is not None:
        preds.append(table.ts >= ibis.literal(params.ts_from, type="timestamp"))
    if params.ts_to is not None:
        preds.append(table.ts < ibis.literal(params.ts_to, type="timestamp"))
    return table.filter(*preds) if preds else table
