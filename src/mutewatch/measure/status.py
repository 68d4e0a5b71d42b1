"""Outlet status: who was active in a baseline, who fell silent in a period, and when.

Method: counted posts (``--of``, ``--include-forwards``) are counted per outlet in the
baseline ``A..B`` and the period ``C..D`` (inclusive UTC dates) in one Ibis aggregation.
Each window is first narrowed to ``--from``/``--to`` and then to the archive's covered
span; posts and days are both taken from the narrowed (effective) window, which the output
echoes under ``baseline`` and ``period`` (the requested windows stay under
``parameters``). Rates are per day (posts / days of the effective window) so windows of
different length compare; ``ratio = period_per_day / baseline_per_day``. Status:
``no_posts`` (a registered outlet with nothing in either window), ``new`` (nothing in the
baseline), ``dormant`` (active in the baseline, nothing in the period), ``silenced`` (ratio
<= threshold), ``active`` otherwise. The threshold test is exact: ``period_posts *
baseline_days <= threshold * period_days * baseline_posts`` in rational numbers, the
threshold read as the decimal it is written as, so a ratio of exactly 0.1 is silenced at
0.10; it is made once, in the status, and the summary (and findings) count statuses.

Listing: every registered outlet of the kind ``--of`` counts (official ones for
``official``, the others for ``supporter``, all for ``all``) is listed, ``no_posts`` when
it has nothing counted in either window (it may have posted outside them), so the
registry's size shows. Accounts that no registry names stand as their own (non-official)
outlets, count under ``--of supporter|all`` and are listed when they posted in a window.

Coverage: the archive's covered span runs from the earliest ``first_time`` to the latest
``last_time`` its ``sources`` and ``coverage`` tables record (the posts' own first and last
times when they record none), in whole UTC days (a day the span touches counts as
covered). A window reaching beyond the span is clipped to it, so rates are per covered
day, and ``warnings`` says so; a window wholly outside it is refused. Days inside the span
are all covered: a channel's export ends at its last post, so a channel's own coverage
cannot tell an uncollected day from a silent one (``mutewatch silences`` weighs coverage
per channel).

Summary: ``silenced`` counts outlets active in the baseline whose status is ``silenced``
or ``dormant`` (ratio <= threshold); ``share_silenced = silenced / active_in_baseline``;
``registered`` is the number of registered outlets listed and ``registered_no_posts`` how
many of them had no posts in either window (``by_status["no_posts"]``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from mutewatch.errors import UsageError
from mutewatch.measure import stats
from mutewatch.measure.derived import counted_days
from mutewatch.measure.engine import Engine
from mutewatch.measure.params import (
    DateRange,
    Params,
    iso,
    parse_range,
    require_period_after_baseline,
)

__all__ = [
    "SILENCED",
    "STATUSES",
    "Windows",
    "archive_span",
    "covered_span",
    "is_silenced",
    "measure",
    "outlet_coverage",
    "windows",
]

#: Statuses, in the order ``summary.by_status`` lists them.
STATUSES = ("silenced", "dormant", "new", "active", "no_posts")
#: Statuses that count as silenced (ratio <= threshold): the summary's and findings' test.
SILENCED = ("silenced", "dormant")
_DIRECTION = {"silenced": "down", "dormant": "down", "new": "up", "active": "any"}


def is_silenced(row: Mapping[str, Any]) -> bool:
    """True when a row of ``outlets`` counts as silenced (dormant included)."""
    return row.get("status") in SILENCED


def exact_threshold(threshold: float) -> Fraction:
    """The threshold as the decimal it is written as (0.1 -> 1/10, not the float's binary)."""
    return Fraction(repr(float(threshold)))


def _status(base: int, period: int, ratio: Fraction | None, threshold: Fraction) -> str:
    if base == 0:
        return "new" if period else "no_posts"
    if period == 0:
        return "dormant"
    return "silenced" if ratio is not None and ratio <= threshold else "active"


# ----------------------------------------------------------------------------- windows
@dataclass(frozen=True)
class Windows:
    """The effective baseline and period, the archive's covered span and the warnings."""

    baseline: DateRange
    period: DateRange
    coverage: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


def _day(value: Any) -> date | None:
    stamp = pd.Timestamp(value) if value is not None else pd.NaT
    return None if pd.isna(stamp) else stamp.date()


#: ``read(table, *columns) -> DataFrame``: a small table of the store, whole (``Engine.read``,
#: or the same over a ``Store``'s connection for the report's charts).
Reader = Callable[..., pd.DataFrame]


def _recorded_span(read: Reader) -> tuple[date | None, date | None]:
    """Earliest first_time and latest last_time of the ``sources`` and ``coverage`` tables."""
    firsts: list[date] = []
    lasts: list[date] = []
    for table in ("sources", "coverage"):
        frame = read(table, "first_time", "last_time")
        first = _day(pd.to_datetime(frame["first_time"]).min()) if len(frame) else None
        last = _day(pd.to_datetime(frame["last_time"]).max()) if len(frame) else None
        firsts += [first] if first else []
        lasts += [last] if last else []
    return (min(firsts) if firsts else None, max(lasts) if lasts else None)


def _posts_span(engine: Engine) -> tuple[date | None, date | None]:
    """First and last UTC day with any post (of any kind) in the store."""
    d = engine.daily()
    row = engine.execute(d.aggregate(first=d.first.min(), last=d.last.max()))
    if row.empty:
        return None, None
    return _day(row["first"].iloc[0]), _day(row["last"].iloc[0])


def covered_span(
    read: Reader, posts_span: Callable[[], tuple[Any, Any]]
) -> tuple[DateRange | None, str]:
    """The archive's covered span in whole UTC days and its basis (see the module doc):
    ``sources`` (source and coverage tables), ``posts`` (they record no times; ``posts_span``
    gives the first and last time of any post) or ``none``. The one rule behind
    ``archive_span`` and the report's charts (``show.charts.covered_days``)."""
    first, last = _recorded_span(read)
    if first is not None and last is not None and first <= last:
        return DateRange(first, last), "sources"
    first, last = (_day(v) for v in posts_span())
    if first is not None and last is not None:
        return DateRange(first, last), "posts"
    return None, "none"


def archive_span(engine: Engine) -> tuple[DateRange | None, str]:
    """The archive's covered span in whole UTC days and its basis (``covered_span``)."""
    return covered_span(engine.read, lambda: _posts_span(engine))


def outlet_coverage(read: Reader, until: date | None = None) -> dict[int, list[DateRange]]:
    """Per outlet id, the UTC days its own channels' archive covers, as merged ranges.

    Each ``coverage`` row of a channel (an account attributed to the outlet) covers the
    days of its source's window, from the earlier of its own and its source's
    ``first_time`` to the later of its own and its source's ``last_time``: a source was
    collected from its first to its last post, every chat in it too. The last range runs
    on to ``until`` (the archive's last covered day): an export ends at its last post, so
    the end of a channel's last window cannot tell silence from the end of collection and
    the days after it count as covered, as ``outlets status`` counts them (a dormant
    outlet's zeros stay zeros). So a channel whose own export starts mid-month is covered
    from that day only, a hole between two windows of an outlet's channels (no export
    holds those days; ``mutewatch silences`` calls such time ``none``) is not covered, and
    a chat that begins inside a longer export is covered over all of it. Outlets without
    coverage rows are left out (their caller falls back to the archive's span).
    """
    cov = read("coverage", "source_id", "platform", "account_id", "first_time", "last_time")
    cov = cov.dropna(subset=["first_time", "last_time"])
    if cov.empty:
        return {}
    src = read("sources", "source_id", "first_time", "last_time").rename(
        columns={"first_time": "source_start", "last_time": "source_end"}
    )
    acc = read("accounts", "platform", "account_id", "outlet_id").dropna(subset=["outlet_id"])
    j = cov.merge(src, on="source_id", how="left").merge(acc, on=["platform", "account_id"])
    starts = _earlier(pd.to_datetime(j["first_time"]), pd.to_datetime(j["source_start"]))
    ends = _earlier(pd.to_datetime(j["source_end"]), pd.to_datetime(j["last_time"]), later=True)
    spans: dict[int, list[tuple[date, date]]] = {}
    for oid, first, last in zip(j["outlet_id"], starts, ends, strict=True):
        start, end = _day(first), _day(last)
        if start is not None and end is not None:
            spans.setdefault(int(oid), []).append((start, end))
    out = {oid: merge_days(days) for oid, days in spans.items()}
    for days in out.values():
        if until is not None and days[-1].end < until:
            days[-1] = DateRange(days[-1].start, until)
    return out


def _earlier(own: pd.Series, other: pd.Series, later: bool = False) -> pd.Series:
    """Per row the earlier (``later``: the later) of two times, ``own`` where ``other`` is
    missing."""
    pick = (other > own) if later else (other < own)
    return own.where(~pick.fillna(False).astype(bool), other)


def merge_days(spans: list[tuple[date, date]]) -> list[DateRange]:
    """Inclusive day ranges merged where they overlap or touch (sorted)."""
    out: list[list[date]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1] + timedelta(days=1):
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [DateRange(a, b) for a, b in out]


def _narrow(window: DateRange, params: Params, what: str) -> DateRange:
    """``window`` within ``--from``/``--to``; UsageError when they share no day."""
    inside = window.intersect(params.date_from, params.date_to)
    if inside is None:
        given = {"--from": params.date_from, "--to": params.date_to}
        bounds = " ".join(f"{k} {v}" for k, v in given.items() if v)
        raise UsageError(
            f"{what} {window.text()} has no day within {bounds}",
            hint=f"--from/--to narrow both windows: widen them or move {what} "
            "so that they share at least one day",
        )
    return inside


def _clip(window: DateRange, span: DateRange, what: str, warnings: list[str]) -> DateRange:
    """``window`` within the archive's covered span; a warning when that cut it short."""
    inside = window.intersect(span.start, span.end)
    if inside is None:
        raise UsageError(
            f"{what} {window.text()} lies wholly outside the archive's coverage {span.text()}",
            hint=f"choose {what} within {span.text()}: the store's sources cover no other days",
        )
    if inside != window:
        warnings.append(
            f"{what.lstrip('-')} {window.text()} extends beyond the archive's coverage "
            f"{span.text()}: rates use its {inside.days} covered days, {inside.text()}"
        )
    return inside


def windows(engine: Engine, params: Params, baseline: DateRange, period: DateRange) -> Windows:
    """The effective windows: each narrowed to ``--from``/``--to``, then to the coverage."""
    base = _narrow(baseline, params, "--baseline")
    per = _narrow(period, params, "--period")
    span, basis = archive_span(engine)
    warnings: list[str] = []
    if span is None:
        warnings.append(
            "the store records no coverage (no source times and no posts): "
            "rates use every day of the windows"
        )
        return Windows(
            base, per, {"from": None, "to": None, "days": None, "basis": basis}, warnings
        )
    base = _clip(base, span, "--baseline", warnings)
    per = _clip(per, span, "--period", warnings)
    return Windows(base, per, {**span.echo(), "basis": basis}, warnings)


def clip_dates(engine: Engine, params: Params) -> tuple[Params, list[str]]:
    """``--from``/``--to`` within the archive's covered span, with a warning when that cut
    them short: a day no source covered would count as a day without posts, a drop to
    zero that is only the end of the collection. Dates wholly outside the span are left
    as they are (an empty window, zero-filled) with a warning that nothing there was
    collected; an open end stays open; a store that records no coverage is left as it
    is, with a warning when dates were given."""
    if params.date_from is None and params.date_to is None:
        return params, []
    span, _ = archive_span(engine)
    if span is None:
        return params, [
            "the store records no coverage (no source times and no posts): every day of "
            "--from/--to counts, none of them collected"
        ]
    given = " ".join(
        f"{k} {v.isoformat()}"
        for k, v in (("--from", params.date_from), ("--to", params.date_to))
        if v
    )
    start = max(params.date_from or span.start, span.start)
    end = min(params.date_to or span.end, span.end)
    if end < start:  # an empty window stays one (zero-filled), said to be uncollected
        return params, [
            f"{given} lies wholly outside the archive's coverage {span.text()}: no source "
            "covers these days, so their zeros say nothing about output"
        ]
    clipped = replace(
        params,
        date_from=start if params.date_from else None,
        date_to=end if params.date_to else None,
    )
    if clipped == params:
        return params, []
    warning = (
        f"{given} extends beyond the archive's coverage {span.text()}: only the covered days "
        f"{start.isoformat()}..{end.isoformat()} are counted (no source covers the others, "
        "so they would read as days without posts)"
    )
    return clipped, [warning]


# ----------------------------------------------------------------------------- change points
def _daily(engine: Engine, params: Params, span: DateRange, outlet_ids: list[int]) -> pd.DataFrame:
    d = counted_days(engine.daily(), params)
    d = d.filter(d.day >= span.ts_start, d.day < span.ts_end, d.outlet_id.isin(outlet_ids))
    return engine.execute(d.group_by(["outlet_id", "day"]).agg(n=d.n.sum().cast("int64")))


def _changes(
    engine: Engine,
    params: Params,
    span: DateRange,
    statuses: dict[int, str],
    min_size: int,
) -> dict[int, dict[str, Any]]:
    """Per outlet, the main change point of its daily series over ``span``."""
    ids = [i for i, s in statuses.items() if i >= 0 and s in _DIRECTION]
    if not ids:
        return {}
    daily = _daily(engine, params, span, ids)
    days = pd.date_range(span.start, span.end, freq="D")
    oids = daily["outlet_id"].to_numpy(dtype="int64")
    pos = daily["day"].to_numpy(dtype="datetime64[D]") - np.datetime64(span.start, "D")
    pos = pos.astype("int64")
    counts = daily["n"].to_numpy(dtype=float)
    out: dict[int, dict[str, Any]] = {}
    for oid in np.unique(oids).tolist():
        series = np.zeros(len(days))
        mine = oids == oid
        series[pos[mine]] = counts[mine]
        found = stats.main_change(series, _DIRECTION[statuses[int(oid)]], min_size=min_size)
        if found:
            found["at"] = iso(days[found.pop("index")].to_pydatetime())
            out[int(oid)] = found
    return out


# ----------------------------------------------------------------------------- rows
def _counts(engine: Engine, params: Params, win: Windows) -> dict[int, tuple[int, int]]:
    """Counted posts per outlet (unknown outlet = -1) in the effective baseline and period."""
    d = counted_days(engine.daily(), params)
    d = d.select(oid=d.outlet_id.fill_null(-1), day=d.day, n=d.n)
    in_base = (d.day >= win.baseline.ts_start) & (d.day < win.baseline.ts_end)
    in_per = (d.day >= win.period.ts_start) & (d.day < win.period.ts_end)
    t = d.filter(in_base | in_per).mutate(in_base=in_base, in_per=in_per)
    agg = t.group_by("oid").agg(
        base_n=t.n.sum(where=t.in_base).fill_null(0).cast("int64"),
        period_n=t.n.sum(where=t.in_per).fill_null(0).cast("int64"),
    )
    df = engine.execute(agg)
    return {
        int(o): (int(b), int(p))
        for o, b, p in zip(df["oid"], df["base_n"], df["period_n"], strict=True)
    }


def _flag(value: Any) -> bool:
    return bool(value) if value is not None and not pd.isna(value) else False


def _registered(names: pd.DataFrame, of: str) -> list[int]:
    """Registered outlets of the kind ``--of`` counts."""
    out = []
    for oid, official, registered in zip(
        names["outlet_id"], names["official"], names["registered"], strict=True
    ):
        if _flag(registered) and (of == "all" or _flag(official) == (of == "official")):
            out.append(int(oid))
    return out


def _row(
    oid: int, names: pd.DataFrame, posts: tuple[int, int], win: Windows, threshold: Fraction
) -> dict[str, Any]:
    bn, pn = posts
    ratio = Fraction(pn * win.baseline.days, win.period.days * bn) if bn else None
    known = oid in names.index
    return {
        "outlet": str(names.at[oid, "name"]) if known else None,
        "official": _flag(names.at[oid, "official"]) if known else None,
        "registered": _flag(names.at[oid, "registered"]) if known else None,
        "baseline_posts": bn,
        "period_posts": pn,
        "baseline_per_day": round(bn / win.baseline.days, 6),
        "period_per_day": round(pn / win.period.days, 6),
        "ratio": round(float(ratio), 6) if ratio is not None else None,
        "status": _status(bn, pn, ratio, threshold),
        "changed_at": None,
        "_oid": oid,
    }


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    by_status = {s: sum(1 for r in rows if r["status"] == s) for s in STATUSES}
    active_base = sum(1 for r in rows if r["baseline_posts"] > 0)
    silenced = sum(1 for r in rows if r["baseline_posts"] > 0 and is_silenced(r))
    return {
        "active_in_baseline": active_base,
        "active_in_period": sum(1 for r in rows if r["period_posts"] > 0),
        "silenced": silenced,
        "share_silenced": round(silenced / active_base, 6) if active_base else None,
        "by_status": by_status,
        "registered": sum(1 for r in rows if r["registered"]),
        "registered_no_posts": by_status["no_posts"],
    }


def _method() -> str:
    paragraphs = (__doc__ or "").split("\n\n")[1:]
    return " ".join(" ".join(p.split()) for p in paragraphs if p.strip())


def measure(
    engine: Engine,
    params: Params,
    *,
    baseline: str | DateRange,
    period: str | DateRange,
    silenced_below: float = 0.10,
    change_points: bool = True,
    min_segment_days: int = 7,
) -> dict[str, Any]:
    """Per-outlet baseline and period rates, ratio, status and change point; see module doc."""
    # the one window syntax of findings, report and outlets status: YYYY, YYYY-MM, YYYY-MM-DD
    base = parse_range(baseline, "--baseline")
    per = parse_range(period, "--period")
    require_period_after_baseline(base, per, "outlets status")
    if not 0 <= silenced_below <= 1:
        raise UsageError(
            f"--silenced-below {silenced_below} is not a share", hint="give a number in 0..1"
        )
    win = windows(engine, params, base, per)
    counts = _counts(engine, params, win)
    names = engine.outlet_names().set_index("outlet_id")
    for oid in _registered(names.reset_index(), params.of):
        counts.setdefault(oid, (0, 0))
    threshold = exact_threshold(silenced_below)
    rows = [_row(oid, names, posts, win, threshold) for oid, posts in counts.items()]
    if change_points:
        span = DateRange(
            min(win.baseline.start, win.period.start), max(win.baseline.end, win.period.end)
        )
        found = _changes(
            engine, params, span, {r["_oid"]: r["status"] for r in rows}, min_segment_days
        )
        for row in rows:
            change = found.get(row["_oid"])
            if change:
                row["changed_at"] = change["at"]
                row["change"] = {
                    "before_per_day": round(change["before_per_day"], 6),
                    "after_per_day": round(change["after_per_day"], 6),
                }
    for row in rows:
        del row["_oid"]
    rows.sort(key=lambda r: (r["outlet"] is None, r["outlet"] or ""))
    return {
        "baseline": win.baseline.echo(),
        "period": win.period.echo(),
        "coverage": win.coverage,
        "warnings": win.warnings,
        "threshold": silenced_below,
        "outlets": rows,
        "summary": _summary(rows),
        "parameters": {
            **params.echo(),
            "baseline": base.text(),
            "period": per.text(),
            "silenced_below": silenced_below,
            "change_points": change_points,
            "min_segment_days": min_segment_days,
        },
        "method": _method(),
        "change_method": stats.CHANGE_METHOD.format(min_size=min_segment_days)
        if change_points
        else None,
    }
