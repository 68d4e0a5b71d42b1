"""Decline of output at network level: change points, peak-to-current change, rolling rates.

Method (every number below is reported with the parameters that produced it):

* **Series.** Counted posts (``--of``, ``--include-forwards``) are counted per UTC day by the
  shared engine (one Ibis expression, DuckDB or Spark) and zero-filled over the observed
  window: ``--from``/``--to`` when given, else the first to the last day of any post in the
  store, so days on which only supporters posted count as zero official output. A window
  wholly outside the archive's coverage (no day of it collected) is not measured: no rate,
  change point, peak-to-current or rolling rate (``series.per_day`` null, ``notes`` says so).
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
  current = the last full period. Change = (peak - current) / peak. Without a full period,
  or when no full period holds a counted post (a peak of 0 a day is no peak), there is no
  peak-to-current (null) and ``notes`` says why.
* **Rolling rates.** Sum over the trailing ``window`` days, divided by ``window``, with an
  interval at ``level``: ``poisson`` = exact (Garwood) Poisson interval on the window total;
  ``negbin`` (default) = the same interval on the effective count ``K / phi`` scaled back by
  ``phi``, where ``phi = 1 + mu / r`` is the negative-binomial variance inflation at the
  window's mean daily rate ``mu``.

Outlet filter (``--outlet NAME``, repeatable; exact names as ``mutewatch outlets list``
prints them, ``output.chosen_outlets``): only the chosen outlets' posts count, read against
their own channels' coverage (``status.outlet_coverage``: the days an export of their
channels covers, its last window running on to the archive's end; the union for several
outlets; a chosen outlet without coverage rows counts as collected over the archive's span,
so the union is that span: ``coverage.basis`` ``archive``, ``coverage.fallback`` names
those outlets and a warning counts them, as ``output --outlet`` does with
``coverage_basis`` and ``coverage_fallback``). The series is clipped
to the first and last covered day of the window, and uncovered days (before a channel was
collected, holes between exports) are left out rather than read as zeros: the dispersion
pairs only consecutive covered days, PELT runs on the covered days in order, segments and
periods divide their posts by their covered days (a period without one has ``per_day``
null and is never peak or current; ``full`` = every day of it covered), and a rolling
window holding an uncovered day is not reported. ``coverage`` and ``notes`` say how many
days were left out; ``parameters.outlets`` echoes the names (sorted).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
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
from mutewatch.measure.outlet_days import fallback_warnings, read_chosen
from mutewatch.measure.output import chosen_outlets, known_outlets, of_warnings
from mutewatch.measure.params import DateRange, Params, check_option_values
from mutewatch.measure.status import archive_span

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


def dispersion(counts: Sequence[float], covered: Sequence[bool] | None = None) -> float:
    """Negative-binomial size ``r`` by moments of successive differences (inf = Poisson);
    with ``covered``, only differences between two consecutive covered days count."""
    x = np.asarray(counts, dtype=float)
    if x.size < 3:
        return math.inf
    d = np.diff(x)
    m = (x[1:] + x[:-1]) / 2.0
    if covered is not None:
        c = np.asarray(covered, dtype=bool)
        pair = c[1:] & c[:-1]
        d, m = d[pair], m[pair]
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
    """One row per change point: when, the rate before and after, and the relative change.

    The change is of the segments' exact rates (posts / days), not of the rates rounded to
    4 decimals: at 9 posts in 177 days (0.0508 a day) the rounding made a rise to 14.00 a
    day +27459% where it is +27433%."""
    rows: list[dict[str, Any]] = []
    for before, after in zip(segs[:-1], segs[1:], strict=True):
        b, a = _exact_rate(before), _exact_rate(after)
        rows.append(
            {
                "at": after["start"],
                "before_per_day": before["per_day"],
                "after_per_day": after["per_day"],
                "change": round((a - b) / b, 4) if b > 0 else None,
            }
        )
    return rows


def _exact_rate(seg: dict[str, Any]) -> float:
    """A segment's posts per day unrounded (its ``per_day`` when it carries no counts)."""
    if seg.get("days") and seg.get("posts") is not None:
        return float(seg["posts"]) / float(seg["days"])
    return float(seg["per_day"])


def garwood(k: float, level: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) two-sided interval for a Poisson mean given the count ``k``."""
    alpha = 1.0 - level
    low = 0.0 if k <= 0 else float(sps.chi2.ppf(alpha / 2.0, 2.0 * k)) / 2.0
    high = float(_upper_quantile(alpha, 2.0 * k + 2.0)) / 2.0
    return low, high


def _upper_quantile(alpha: float, df: Any) -> Any:
    """``chi2.ppf(1 - alpha / 2, df)``; where ``1 - alpha / 2`` rounds to 1 (a level within
    a few 1e-16 of 1, which the bounds allow) the same quantile by ``isf``, which stays
    finite: ``ppf(1.0)`` is infinity, and JSON has none."""
    if 1.0 - alpha / 2.0 < 1.0:
        return sps.chi2.ppf(1.0 - alpha / 2.0, df)
    return sps.chi2.isf(alpha / 2.0, df)


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
    _check(window=window, level=level)
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
    high = _upper_quantile(alpha, 2.0 * k + 2.0) / 2.0
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
    """Peak (highest-rate full period) vs current (last full period); None without a full
    period: a period the window holds only in part is never peak or current (its rate over
    a few days, labelled as the whole period, made a peak of six days). None too when no
    full period holds a post: a peak of 0 posts a day is no peak, and printing it as one
    ("Peak 2016-02 (0.00 a day)") named an empty month the record's busiest
    (``empty_peak_note`` says why)."""
    full = [p for p in periods if p["full"]]
    if not full:
        return None
    peak = max(full, key=lambda p: (p["per_day"], p["start"]))
    if not peak["per_day"] > 0:
        return None
    current = full[-1]
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


def _check(**options: Any) -> None:
    """UsageError for a numeric option outside its bounds (``params.OPTION_BOUNDS``: a level
    above 0 and below 1, a window and a segment of at least a whole day, a penalty above
    0), in the words the CLI's and the API's refusal give: a caller of ``analyse`` or
    ``measure`` (findings, a script) passing NaN or 2.5 days met a crash, or other words."""
    check_option_values(options, command="trend")


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
    covered: Sequence[bool] | None = None,
) -> dict[str, Any]:
    """All trend statistics of one zero-filled daily series (pure; no store access).

    ``covered``: per day, whether it was collected (``--outlet``); uncovered days then
    enter no rate, dispersion, change point or rolling window, segments and periods carry
    ``uncovered_days`` and the series its own (see the module docstring's outlet filter).
    """
    _check(level=level, min_size=min_size, window=window, penalty=penalty)
    mask = [True] * len(counts) if covered is None else list(covered)
    kept = [i for i, k in enumerate(mask) if k]
    kdays, kcounts = [days[i] for i in kept], [counts[i] for i in kept]
    r = dispersion(counts, covered)
    starts = change_points(kcounts, penalty=penalty, min_size=min_size, r=r)
    segs = segments(kdays, kcounts, starts) if kdays else []
    periods = period_rates(days, counts, every)
    if covered is not None:
        segs = _covered_segments(days, mask, segs)
        periods = covered_period_rates(days, counts, mask, every)
    rolling = rolling_rates(days, counts, window=window, level=level, interval=interval, r=r)
    cc = np.concatenate([[0], np.cumsum(np.asarray(mask, dtype=int))])
    n, posts = len(kcounts), sum(kcounts)
    series: dict[str, Any] = {
        "start": kdays[0].isoformat() if kdays else None,
        "end": kdays[-1].isoformat() if kdays else None,
        "days": n,
        "posts": int(posts),
        "per_day": round(posts / n, 4) if n else None,
    }
    if covered is not None:
        series["uncovered_days"] = len(days) - n
    return {
        "series": series,
        "dispersion": {"r": None if math.isinf(r) else round(r, 4), "poisson": math.isinf(r)},
        "change_points": describe_changes(segs),
        "segments": segs,
        "periods": periods,
        "peak_to_current": peak_to_current([p for p in periods if p["per_day"] is not None]),
        # a window holding an uncovered day is not reported
        "rolling": [w for j, w in enumerate(rolling) if cc[j + window] - cc[j] == window],
        "penalty": round(2.0 * math.log(n), 4) if penalty is None and n > 1 else penalty,
    }


# ----------------------------------------------------------------------------- covered days
def covered_mask(days: Sequence[date], ranges: Sequence[DateRange]) -> list[bool]:
    """Per day of ``days``: whether one of the inclusive ``ranges`` holds it."""
    return [any(r.start <= d <= r.end for r in ranges) for d in days]


def _runs(days: Sequence[date], keep: Sequence[bool]) -> list[dict[str, Any]]:
    """The runs of consecutive days whose ``keep`` is true: from, to and days."""
    out: list[dict[str, Any]] = []
    for day, k in zip(days, keep, strict=True):
        if not k:
            continue
        if out and out[-1]["to"] == (day - timedelta(days=1)).isoformat():
            out[-1]["to"], out[-1]["days"] = day.isoformat(), out[-1]["days"] + 1
        else:
            out.append({"from": day.isoformat(), "to": day.isoformat(), "days": 1})
    return out


def covered_period_rates(
    days: Sequence[date], counts: Sequence[float], covered: Sequence[bool], every: str
) -> list[dict[str, Any]]:
    """``period_rates`` over covered days only: ``days`` and ``posts`` are those of the
    period's covered days, ``per_day`` their rate (None without a covered day),
    ``uncovered_days`` the series' other days in it and ``full`` whether the whole
    period is in the series and covered."""
    if not days:
        return []
    rows: list[dict[str, Any]] = []
    start = period_start(days[0], every)
    i = 0
    while start <= days[-1]:
        end = next_period(start, every) - timedelta(days=1)
        j = i
        while j < len(days) and days[j] <= end:
            j += 1
        cov = int(sum(covered[i:j]))
        posts = int(sum(c for c, k in zip(counts[i:j], covered[i:j], strict=True) if k))
        rows.append(
            {
                "period": start.isoformat()[:7] if every == "month" else start.isoformat(),
                "start": days[i].isoformat(),
                "end": days[j - 1].isoformat(),
                "days": cov,
                "uncovered_days": j - i - cov,
                "full": days[i] == start and days[j - 1] == end and cov == j - i,
                "posts": posts,
                "per_day": round(posts / cov, 4) if cov else None,
            }
        )
        start, i = next_period(start, every), j
    return rows


def _covered_segments(
    days: Sequence[date], covered: Sequence[bool], segs: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """``segs`` (of the covered days) with the uncovered days each one's span holds."""
    index = {d: i for i, d in enumerate(days)}
    for seg in segs:
        lo, hi = index[date.fromisoformat(seg["start"])], index[date.fromisoformat(seg["end"])]
        seg["uncovered_days"] = hi - lo + 1 - int(sum(covered[lo : hi + 1]))
    return segs


def chosen_coverage(
    eng: Engine, chosen: dict[str, int], first: date, last: date
) -> tuple[list[DateRange], dict[str, Any]]:
    """The days from ``first`` to ``last`` the ``chosen`` outlets' channels cover (their
    union; a chosen outlet without coverage rows counts as collected over the archive's
    span) and the ``coverage`` key's ``basis``, ``outlet_coverage`` and ``fallback`` (as
    ``output --outlet`` prints them: ``outlet_days.read_chosen``)."""
    read = read_chosen(eng, chosen, first, last)
    return read.union, {
        "basis": read.basis,
        "outlet_coverage": read.rows,
        "fallback": read.fallback,
    }


def _filtered(
    eng: Engine, params: Params, chosen: dict[str, int], options: dict[str, Any]
) -> dict[str, Any]:
    """The trend statistics of the ``chosen`` outlets' posts over their covered days, with
    ``coverage`` and ``notes`` saying what was left out."""
    first, last = observed_window(eng, params)
    days, counts = zero_fill(daily_counts(eng, params, sorted(chosen.values())), first, last)
    covered: list[bool] = []
    cover: dict[str, Any] = {"basis": "outlet" if len(chosen) == 1 else "outlets"}
    if first is not None and last is not None:
        ranges, cover = chosen_coverage(eng, chosen, first, last)
        covered = covered_mask(days, ranges)
    if any(covered):  # clipped to the first and last covered day
        lo, hi = covered.index(True), len(covered) - 1 - covered[::-1].index(True)
    else:
        lo, hi = 0, len(days) - 1
    cut = slice(lo, hi + 1)
    result = analyse(days[cut], counts[cut], covered=covered[cut], **options)
    left = [not k for k in covered]
    off_posts = int(sum(c for c, k in zip(counts, covered, strict=True) if not k))
    result["coverage"] = {
        **cover,
        "window": DateRange(first, last).echo() if first and last else None,
        "covered_days": int(sum(covered)),
        "uncovered_days": int(sum(left)),
        "uncovered": _runs(days, left),
        "posts_on_uncovered_days": off_posts,
    }
    result["notes"] = _notes(result, len(chosen), options["every"])
    return result


def _notes(result: dict[str, Any], n: int, every: str) -> list[str]:
    """What the covered days leave out, in words (names stand in parameters.outlets only)."""
    cov = result["coverage"]
    whose = "the chosen outlet's channels" if n == 1 else "the chosen outlets' channels (any)"
    total = cov["covered_days"] + cov["uncovered_days"]
    if not cov["covered_days"]:
        return [
            f"{whose} were collected on none of the window's {total} days: nothing to "
            "measure (no rate, change point or peak-to-current; zeros there say nothing)"
        ]
    notes = []
    if cov["uncovered_days"]:
        notes.append(
            f"{cov['uncovered_days']} of the window's {total} days were left out as uncovered "
            f"({whose} were not collected on them): they enter no rate, change point or "
            "rolling window"
        )
    empty = [p["period"] for p in result["periods"] if p["per_day"] is None]
    if empty:
        notes.append(
            f"{len(empty)} period{'s' if len(empty) > 1 else ''} ({', '.join(empty)}) "
            "had no covered day: rate unknown (per_day null), never peak or current"
        )
    return (
        notes + partial_note(result["periods"], every) + empty_peak_note(result["periods"], every)
    )


def partial_note(periods: Sequence[dict[str, Any]], every: str) -> list[str]:
    """Why there is no peak-to-current when the window holds no full period (with a rate)."""
    rated = [p["period"] for p in periods if p["per_day"] is not None]
    if not rated or any(p["full"] for p in periods):
        return []
    unit = "calendar month" if every == "month" else "week (Monday to Sunday)"
    return [
        f"the window holds no full {unit} ({', '.join(rated)} only in part): no "
        "peak-to-current, as a period held only in part is never peak or current; its "
        "posts and days still count in the series (per period: periods in --json)"
    ]


def empty_peak_note(periods: Sequence[dict[str, Any]], every: str) -> list[str]:
    """Why there is no peak-to-current when the window's full periods (with a rate) hold no
    counted post: a peak of 0 posts a day is no peak."""
    words = empty_full_periods(periods, every)
    if words is None:
        return []
    which, where = words
    return [
        f"no counted post in {which} of the window: no peak-to-current, as a peak of 0 posts "
        f"a day is no peak{where}"
    ]


def empty_full_periods(periods: Sequence[dict[str, Any]], every: str) -> tuple[str, str] | None:
    """The full periods (with a rate) when none holds a counted post, in words (``the 3
    full calendar months 2016-02 to 2016-04``), and where the posts are instead (``; the 3
    counted posts fall in months held only in part (2016-01, 2016-03), which are never peak
    or current``, or ``""``); None when a full period holds a post or there is none.
    ``trend``'s note and ``findings``' skipped decline both say it."""
    rated = [p for p in periods if p["per_day"] is not None]
    full = [p for p in rated if p["full"]]
    if not full or any(p["posts"] for p in full):
        return None
    unit = "calendar month" if every == "month" else "week"
    which = (
        f"the full {unit} {full[0]['period']}"
        if len(full) == 1
        else f"the {len(full)} full {unit}s {full[0]['period']} to {full[-1]['period']}"
    )
    partial = [p for p in rated if not p["full"] and p["posts"]]
    posts = sum(int(p["posts"]) for p in partial)
    fall = "the counted post falls" if posts == 1 else f"the {posts} counted posts fall"
    held = (
        f"a {every} held only in part ({partial[0]['period']}), which is never peak or current"
        if len(partial) == 1
        else f"{every}s held only in part ({', '.join(p['period'] for p in partial)}), which "
        "are never peak or current"
    )
    where = f"; {fall} in {held}" if posts else ""
    return which, where


def monotone_trend(values: Sequence[float | None], alpha: float = 0.05) -> dict[str, Any]:
    """Direction of a per-period series: Kendall's tau (with p-value) and Theil-Sen slope.

    Non-parametric and computed on the period values themselves, so bursty or over-dispersed
    posting does not inflate its significance. ``direction`` is ``rising``/``falling`` when
    the p-value is below ``alpha``, else ``flat``; None values are left out. ``tested`` is
    False when fewer than 3 values are left (``direction`` then reads ``flat`` too, though
    nothing was tested; the text says "not tested"); a series of 3 or more equal values is
    tested and flat (no tau, no p-value).
    """
    pairs = [(i, float(v)) for i, v in enumerate(values) if v is not None]
    if len(pairs) < 3 or len({v for _, v in pairs}) < 2:
        return {
            "periods": len(pairs),
            "kendall_tau": None,
            "p_value": None,
            "slope_per_period": None,
            "direction": "flat",
            "tested": len(pairs) >= 3,
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
        "tested": True,
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


def periodic_window(eng: Engine, params: Params) -> tuple[date, date] | None:
    """The days a per-period measurement (``supporters``, ``platforms``) reads, or None
    when there is nothing to measure: no post in the store, or ``--from``/``--to`` wholly
    after its last post or before its first, given both as given one (given both, the
    window was zero-filled periods of days nobody collected, each a measured zero)."""
    first, last = observed_window(eng, params)
    if first is None or last is None or last < first:
        return None
    if params.date_from is not None and params.date_to is not None:
        lo, hi = observed_window(eng, replace(params, date_from=None, date_to=None))
        if lo is None or hi is None or last < lo or first > hi:
            return None
    return first, last


def daily_counts(eng: Engine, params: Params, ids: Sequence[int] = ()) -> dict[date, int]:
    """Counted posts per UTC day (one Ibis aggregation on the engine), only of the outlets
    ``ids`` when given."""
    d = counted_days(eng.daily(), params)
    if ids:
        d = d.filter(d.outlet_id.isin(list(ids)))
    expr = d.group_by("day").aggregate(n=d.n.sum().cast("int64"))
    df = eng.execute(expr)
    return {pd.Timestamp(d).date(): int(n) for d, n in zip(df["day"], df["n"], strict=True)}


def window_rate(eng: Engine, params: Params, first: date, last: date) -> dict[str, Any]:
    """Counted posts from ``first`` to ``last`` (inclusive UTC days, zero-filled as the
    series is) and their rate per day, as a ``periods`` row whose ``period`` is ``A..B``
    (``full`` false: a window, not a calendar period)."""
    days, counts = zero_fill(daily_counts(eng, params), first, last)
    posts = int(sum(counts))
    return {
        "period": f"{first.isoformat()}..{last.isoformat()}",
        "start": first.isoformat(),
        "end": last.isoformat(),
        "days": len(days),
        "full": False,
        "posts": posts,
        "per_day": round(posts / len(days), 4) if days else None,
    }


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
    outlets: Sequence[str] | None = (),
) -> dict[str, Any]:
    """``mutewatch trend`` on an open engine: the JSON object the command prints;
    ``outlets``: the names ``--outlet`` chooses (see the module docstring)."""
    if every not in EVERY:
        raise UsageError(f"--every {every!r} is not known", hint=f"use one of {', '.join(EVERY)}")
    wanted = [outlets] if isinstance(outlets, str) else list(outlets or ())
    names = eng.outlet_names() if wanted else None
    chosen = chosen_outlets(known_outlets(names), wanted) if names is not None else {}
    options: dict[str, Any] = {
        "every": every,
        "window": window,
        "level": level,
        "interval": interval,
        "penalty": penalty,
        "min_size": min_size,
    }
    uncollected = False  # a network window without a collected day: nothing to measure
    if chosen:
        result = _filtered(eng, params, chosen, options)
    else:
        days, counts = daily_series(eng, params)
        uncollected = _uncollected(eng, days)
        result = analyse(days, counts, covered=[False] * len(days) if uncollected else None,
                         **options)  # fmt: skip
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
    if not chosen:
        notes = partial_note(result["periods"], every) + empty_peak_note(result["periods"], every)
        notes = [NOT_COLLECTED] if uncollected else notes
        return {
            "parameters": echo,
            "method": METHOD,
            **result,
            **({"notes": notes} if notes else {}),
        }
    echo["outlets"] = list(chosen)
    method = {**METHOD, "outlets": _method_sentence(result["coverage"], len(chosen))}
    out = {"parameters": echo, "method": method, **result}
    warnings = of_warnings(names, chosen, params) if names is not None else []
    fallback = result["coverage"].get("fallback") or []
    warnings += fallback_warnings(fallback, len(chosen), key="coverage.fallback")
    if warnings:
        out["warnings"] = warnings
    return out


NOT_COLLECTED = (
    "not measured: the window holds no collected day (it lies wholly outside the archive's "
    "coverage), so there is no rate, change point, peak-to-current or rolling rate"
)


def _uncollected(eng: Engine, days: Sequence[date]) -> bool:
    """Whether the window ``days`` holds no day of the archive's covered span (its days
    were left as given, zero-filled: ``status.clip_dates``); a store that records no
    coverage keeps every day."""
    span, _ = archive_span(eng)
    return bool(days) and span is not None and (days[-1] < span.start or days[0] > span.end)


def _method_sentence(cov: dict[str, Any], n: int) -> str:
    """The outlet filter in one sentence, with the days this run left out."""
    total = cov["covered_days"] + cov["uncovered_days"]
    return (
        "--outlet: only the chosen outlets' posts count, read against their own channels' "
        "coverage (the union of their covered days; the archive's span when one has no "
        "coverage rows); the series runs from the first to the last covered day and "
        "uncovered days are left out, not read as zeros: rates divide by covered days, "
        "the dispersion pairs consecutive covered days only, PELT runs on the covered days "
        "in order, a period without a covered day is never peak or current, and a rolling "
        f"window holding an uncovered day is not reported. This run counts {n} "
        f"outlet{'s' if n > 1 else ''} and left out {cov['uncovered_days']} of the "
        f"window's {total} days as uncovered."
    )


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
