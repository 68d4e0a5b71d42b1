"""Silences: long gaps between counted posts, how unusual they were, and whether we saw them.

Method:

* **Gaps.** Counted posts (``--of``, default official releases without forwards, so supporter
  chatter and forwarded official posts never break an official silence) are ordered by time
  (ties by platform, account, message id) per series: one series for ``--scope network``,
  one per outlet for ``--scope outlet``. A gap runs from a post (``start``) to the next one
  (``end``); its length comes from ``ts.delta(prev, unit="microsecond")``. For the network
  and ``--min-hours`` >= 1 the gaps come, exactly, from hourly buckets (first/last post and
  the longest gap inside each hour): a gap of an hour or more always crosses an hour
  boundary, and per-hour windows sort in parallel. The record before a silence is the
  longest earlier silence, or, for a series' first silence, the longest gap before it
  (one aggregate), so no running window over every post is needed. Window functions
  (lag) and aggregates run as Ibis expressions on DuckDB or Spark.
* **Silence**: a gap of at least ``--min-hours``. ``rank`` = 1 + the number of gaps of the
  same series (all gaps, not only silences) that were longer (every longer gap is itself a
  silence, so this is computed on the silences); ``unprecedented`` = longer than
  every earlier gap of the same series in the record (``previous_longest_hours``), vacuously
  true for the series' first gap.
* **p_value**: see ``stats`` (seasonal negative binomial fitted to the preceding weeks).
* **coverage**: for every channel of the series (the outlet's accounts; for the network, every
  account of a counted outlet) whose archive (the union of its ``coverage`` windows over all
  sources) overlaps the gap, the share of the gap inside its coverage windows, minus time
  inside an ``id_gaps`` interval (message ids missing: deleted or not collected). ``full`` =
  every such channel covered the whole gap with no missing ids; ``none`` = none covered any
  of it (or no channel's archive reaches into the gap); ``partial`` otherwise.
  **unverified**: a gap that would be ``full`` while at least one of those channels has no
  message ids able to show missing posts is ``unverified`` instead, and ``ids_checked`` is
  false (true only when every such channel's ids can show gaps). Rows of CSV, JSON Lines or
  Parquet without a message id column (and feed items) get synthetic ids hashed from their
  content (``ingest.tabular``), and the coverage window of such a source runs from its first
  to its last row whatever was collected between. Ingest lists those sources in
  ``derived_id_sources``; a channel's ids vouch for a gap when the gap's covered time lies
  in windows of sources not listed there (real ids, however large). A store or Parquet
  export without that table falls back to the ids' size: a channel whose largest id in
  ``coverage`` reaches 2**53 is taken as hashed (derived ids fill 63 bits). Real ids show
  missing posts only where they count up per channel: on Telegram (a channel's message
  ids run 1, 2, 3, ...), and on another platform where a channel's real ids are dense
  (their span, largest id - smallest + 1, at most ``--dense-ratio`` times its posts, default
  100: a per-wall counter). Ingest makes ``id_gaps`` by the default rule (``store.writer``,
  ``DENSE_ID_SPAN_PER_POST``), when the ratio a measurement will use is not yet known; a
  larger ``--dense-ratio`` takes in channels ingest made no id gaps for, and their id gaps
  (ids missing between consecutive real ids, as ingest finds them) are found from their
  posts at measurement time, so a channel never vouches for a gap without its missing ids
  having been looked at. A smaller one leaves channels out (``unverified``); the id gaps
  ingest recorded for them still count as uncollected time. Ids that are not dense (a
  tweet's id is global and jumps by about 10**13 an hour) make no id gaps, so such
  channels cannot vouch for a gap either: coverage ``unverified``, ``ids_checked`` false,
  as for derived ids. There the archive cannot tell a silence from a collection gap: an
  unverified gap (or any gap whose ``ids_checked`` is false) keeps its rank and p-value but
  is never ``unprecedented``.
  ``covered_share`` is the mean share over those channels, ``channels_in_archive`` their
  number: a channel whose archive has not begun or has ended is not counted (it may not
  have existed), so a low number next to ``full`` says how thin the archive was then.
* **Ongoing silences** (``ongoing: true``; listed with ``ongoing=True``, which ``findings``
  uses; the command's default stays off until its option is wired): a series whose last
  counted post is at least ``--min-hours`` before the archive's end (the latest time any
  source covers, ``sources.last_time``) has a silence from that post to the archive's end,
  listed like the others (``end`` = the archive's end, so ``hours`` is a lower bound). Its
  coverage counts each channel's windows as running to the end of the source they came from
  (a source was collected up to its last post, so a chat in a full-account export is covered
  to the export's end; a single-chat export of a dormant channel ends at its own last post
  and leaves the silence uncovered: ``none``). Its record is the longest gap of the series;
  its p-value is the probability of no post over that span, where the model allows. Every
  other silence has ``ongoing: false``.
* **--from/--to** choose which silences are reported: every silence (and coordinated
  window) that overlaps the window, including one that began before it or ends after it.
  They do not change the statistics: gaps, rank, record (``previous_longest_hours``,
  ``unprecedented``), p-value (fitted to the weeks before each gap) and coverage are
  computed on the whole record, so a silence has the same numbers whatever the window.
* **Uncollected time is not silence**: a gap whose ``coverage`` is ``none`` is reported
  (with its coverage) but gets no ``rank``, no ``p_value``, is never ``unprecedented`` and
  is nobody's ``previous_longest_hours``: ranks and records are among gaps we collected.
* **Coordinated silences**: per-outlet silences (same ``--min-hours``, coverage not
  ``none``) count only when they are unusual for that outlet's own rate: p-value at most
  ``coordinated_alpha`` (0.05 is the intended default; None, today's default until the
  command's option and tests/measure are updated, counts every silence). An outlet posting
  about once a day is "silent" for 12 hours most of the time, so the hour threshold alone
  made half the outlets silent at once nearly always; a silence without a p-value (less than
  ``min_lookback_days`` of history before it) does not count. The counted silences (ongoing
  ones too, with ``ongoing=True``) are swept in time; a window is a maximal stretch where at
  least ``k`` of the ``N`` outlets counted in the selection were unusually silent at once
  (default ``k`` = half of ``N``, at least 2).
"""

from __future__ import annotations

import functools
import math
import operator
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from mutewatch.errors import UsageError
from mutewatch.measure import derived, stats
from mutewatch.measure.derived import counted_days
from mutewatch.measure.engine import Engine
from mutewatch.measure.output import chosen_outlets, known_outlets
from mutewatch.measure.params import SCOPES, Params, check_option_values, iso

_US_PER_HOUR = 3_600_000_000
_FEW_SPANS = 32  # lookback spans given as predicates; more are joined
_SPANS = "_mw_silence_spans"  # the joined spans' name on the connection
_MISSING = "_mw_silence_missing"  # series whose longest gap ongoing_gaps looks up
_DERIVED_SOURCES = "_mw_derived_sources"  # sources whose ids were derived from content
_WANTED = "_mw_id_gap_channels"  # channels whose id gaps _more_id_gaps finds
_HASHED_ID_FLOOR = 2**53  # derived (hashed) tabular ids fill 63 bits; real ids stay below
#: ``--dense-ratio``'s default: ingest's ``DENSE_ID_SPAN_PER_POST`` (kept equal by a test)
DENSE_RATIO = 100.0


def _check_ratio(dense_ratio: float) -> None:
    """UsageError unless ``dense_ratio`` is a finite number of at least 1."""
    ok = isinstance(dense_ratio, int | float) and not isinstance(dense_ratio, bool)
    if not ok or not math.isfinite(dense_ratio) or dense_ratio < 1:
        raise UsageError(
            f"--dense-ratio must be a finite number of at least 1, not {dense_ratio!r}",
            hint="ids can be no denser than one per post: e.g. --dense-ratio 100 (the default)",
        )


def all_gaps_expr(engine: Engine, params: Params, scope: str) -> ir.Table:
    """Every gap between consecutive counted posts: series, start, end (= ts), gap_us.

    Posts are ordered by time only: posts at the same instant give zero gaps, so the tie
    order cannot change any result.
    """
    p = engine.posts(params)
    series = p.outlet_id.fill_null(-1) if scope == "outlet" else ibis.literal(0)
    p = p.select(series=series.cast("int64"), ts=p.ts)
    part = ["series"] if scope == "outlet" else None  # the network is one partition
    g = p.mutate(start=p.ts.lag().over(ibis.window(group_by=part, order_by="ts")))
    g = g.filter(g.start.notnull())
    return g.select("series", "start", "ts", gap_us=g.ts.delta(g.start, unit="microsecond"))


def gaps_expr(
    engine: Engine, params: Params, scope: str, min_hours: float, min_us: Any = None
) -> ir.Table:
    """Gaps of at least ``min_hours``: series, start, end, gap_us (one lag window).
    ``min_us``: the threshold in microseconds as an expression (a slot) instead."""
    g = all_gaps_expr(engine, params, scope)
    g = g.filter(g.gap_us >= (int(min_hours * _US_PER_HOUR) if min_us is None else min_us))
    return g.select("series", "start", g.ts.name("end"), "gap_us")


def _gaps(engine: Engine, params: Params, scope: str, min_hours: float) -> pd.DataFrame:
    """``gaps_expr``, run as one query shape per scope and ``params``."""
    return engine.shaped(
        ("silences.gaps", scope, params),
        lambda slot, _: gaps_expr(engine, params, scope, min_hours, slot("min_us", "int64")),
        {"min_us": int(min_hours * _US_PER_HOUR)},
    )


def _per_series(engine: Engine, params: Params, scope: str) -> pd.DataFrame:
    """``series_expr``, run as one query shape per scope and ``params``."""
    return engine.shaped(
        ("silences.series", scope, params), lambda *_: series_expr(engine, params, scope)
    )


def with_records(engine: Engine, params: Params, scope: str, gaps: pd.DataFrame) -> pd.DataFrame:
    """Add prior_max_us: the longest earlier gap of the series (null for its first gap).

    Every gap longer than a silence is itself a silence, so for all but a series' first
    silence the record is the longest earlier silence; for the first one it is the longest
    gap before it, fetched in one aggregate (no running window over every post).
    """
    gaps = gaps.sort_values(["series", "end"], kind="stable").reset_index(drop=True)
    earlier = gaps.groupby("series")["gap_us"].transform(lambda x: x.cummax().shift())
    gaps["prior_max_us"] = earlier.astype("float64")
    if gaps.empty:
        return gaps
    first = gaps.groupby("series", as_index=False)["end"].min()
    first = first.rename(columns={"series": "fseries", "end": "fend"})
    first["fend"] = first["fend"].astype("datetime64[us]")

    def build(_: Any, frame: Any) -> ir.Table:
        f = frame("_mw_first")
        g = all_gaps_expr(engine, params, scope)
        j = g.join(f, [g.series == f.fseries, g.ts < f.fend])
        return j.group_by(j.series).agg(before_us=j.gap_us.max())

    before = engine.shaped(("silences.before", scope, params), build, frames={"_mw_first": first})
    lookup = dict(zip(before["series"].astype(int), before["before_us"], strict=True))
    is_first = gaps["prior_max_us"].isna()
    gaps.loc[is_first, "prior_max_us"] = [
        float(lookup.get(int(sid), np.nan)) for sid in gaps.loc[is_first, "series"]
    ]
    return gaps


def hour_buckets_expr(engine: Engine, params: Params) -> ir.Table:
    """Per UTC hour with posts: first and last post, posts, and the longest gap inside it.

    The lag runs within each hour, so the engine sorts many small partitions in parallel
    instead of the whole record at once.
    """
    p = engine.posts(params)
    p = p.select(ts=p.ts, hour=p.ts.truncate("h"))
    w = ibis.window(group_by="hour", order_by="ts")
    g = p.mutate(gap_us=p.ts.delta(p.ts.lag().over(w), unit="microsecond"))
    return g.group_by("hour").agg(
        first=g.ts.min(), last=g.ts.max(), n=g.count(), inner_max_us=g.gap_us.max()
    )


def network_gaps(engine: Engine, params: Params, min_hours: float) -> pd.DataFrame:
    """Network gaps of at least ``min_hours`` (>= 1) from hourly buckets, exactly.

    A gap of an hour or more between consecutive posts spans an hour boundary, so it runs
    from one non-empty hour's last post to the next non-empty hour's first post; gaps
    inside an hour only feed the running record. Same columns as ``gaps_expr`` plus
    first_ts and n_gaps.
    """
    b = engine.shaped(("silences.hours", params), lambda *_: hour_buckets_expr(engine, params))
    b = b.sort_values("hour")
    cols = ["series", "start", "end", "gap_us", "prior_max_us", "first_ts", "n_gaps"]
    if len(b) < 2:
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in cols}).astype(
            {"start": "datetime64[us]", "end": "datetime64[us]", "first_ts": "datetime64[us]"}
        )
    first = b["first"].to_numpy(dtype="datetime64[us]")
    last = b["last"].to_numpy(dtype="datetime64[us]")
    inner = b["inner_max_us"].to_numpy(dtype="float64")  # NaN for one-post hours
    cross = (first[1:] - last[:-1]).astype("int64").astype("float64")
    # record before the cross gap i (hour i -> i+1): inner gaps of hours 0..i, cross gaps < i
    inner_cum = np.fmax.accumulate(inner)
    cross_prev = np.r_[np.nan, np.fmax.accumulate(cross)[:-1]]
    prior = np.fmax(inner_cum[:-1], cross_prev)
    keep = cross >= min_hours * _US_PER_HOUR
    n = int(b["n"].sum())
    return pd.DataFrame(
        {
            "series": np.zeros(int(keep.sum()), dtype="int64"),
            "start": last[:-1][keep],
            "end": first[1:][keep],
            "gap_us": cross[keep].astype("int64"),
            "prior_max_us": prior[keep],
            "first_ts": np.repeat(first[0], int(keep.sum())),
            "n_gaps": np.full(int(keep.sum()), n - 1, dtype="int64"),
        }
    )


def _series_days(engine: Engine, params: Params, scope: str, hours: bool = False) -> ir.Table:
    """Counted rows of the per-day relation with their series (outlet, -1, or 0)."""
    d = counted_days(engine.daily(hours), params)
    series = d.outlet_id.fill_null(-1) if scope == "outlet" else ibis.literal(0)
    return d.mutate(series=series.cast("int64"))


def series_expr(engine: Engine, params: Params, scope: str) -> ir.Table:
    """Per series: first and last counted post and number of gaps (posts - 1)."""
    d = _series_days(engine, params, scope)
    return d.group_by("series").agg(
        first_ts=d.first.min(), last_ts=d.last.max(), n_gaps=d.n.sum().cast("int64") - 1
    )


def archive_end(engine: Engine) -> Any:
    """The latest time any source covers (naive UTC), or None for an empty store."""
    ends = engine.read("sources", "last_time")["last_time"].dropna()
    return None if ends.empty else np.datetime64(ends.max(), "us")


def ongoing_gaps(
    engine: Engine, params: Params, scope: str, min_hours: float, gaps: pd.DataFrame
) -> pd.DataFrame:
    """Per series silent for ``min_hours`` up to the archive's end: the running silence.

    Columns as the gaps', with ``ongoing`` True; the record is the series' longest gap.
    """
    cols = ["series", "start", "end", "gap_us", "prior_max_us", "first_ts", "n_gaps"]
    end = archive_end(engine)
    per = _per_series(engine, params, scope)
    if end is None or per.empty:
        return pd.DataFrame(columns=[*cols, "ongoing"])
    last = per["last_ts"].to_numpy(dtype="datetime64[us]")
    gap_us = (end - last).astype("int64")
    per = per.assign(start=last, end=end, gap_us=gap_us)
    per = per[per["gap_us"] >= int(min_hours * _US_PER_HOUR)].copy()
    if per.empty:
        return pd.DataFrame(columns=[*cols, "ongoing"])
    longest = gaps.groupby("series")["gap_us"].max() if not gaps.empty else pd.Series()
    prior = per["series"].map(longest).astype("float64")
    missing = per.loc[prior.isna(), "series"].astype(int).tolist()
    if missing:

        def build(_: Any, frame: Any) -> ir.Table:
            g = all_gaps_expr(engine, params, scope)
            if scope == "outlet":
                g = g.filter(g.series.isin(frame(_MISSING).mseries))
            return g.group_by("series").agg(m=g.gap_us.max())

        ids = pd.DataFrame({"mseries": np.array(missing, dtype="int64")})
        frames = {_MISSING: ids} if scope == "outlet" else {}
        found = engine.shaped(("silences.longest", scope, params), build, frames=frames)
        more = dict(zip(found["series"].astype(int), found["m"].astype("float64"), strict=True))
        prior = prior.fillna(per["series"].astype(int).map(more))
    per["prior_max_us"] = prior.astype("float64")
    per["ongoing"] = True
    return per[[*cols, "ongoing"]].reset_index(drop=True)


def day_hour_expr(
    engine: Engine,
    params: Params,
    scope: str,
    series_ids: list[int],
    spans: pd.DataFrame | None = None,
    slot: Any = None,
    frame: Any = None,
) -> ir.Table:
    """Per series and UTC day: posts, and posts in each hour of the day (h0 .. h23).

    ``spans`` (series, lo, hi: naive UTC days) keeps only the days in ``[lo, hi)``.
    ``slot``/``frame`` (of ``Engine.shaped``): the spans stand as the slots and frame
    ``_span_values`` names, so one compiled query serves every spans of that number.
    """
    d = _series_days(engine, params, scope, hours=True)
    if scope == "outlet" and spans is None:
        d = d.filter(d.series.isin(series_ids))
    if spans is not None and len(spans) <= _FEW_SPANS:
        terms = (
            list(spans.itertuples(index=False))
            if slot is None
            else [_span_slots(slot, i) for i in range(_padded(len(spans)))]
        )
        d = d.filter(
            functools.reduce(
                operator.or_,
                [
                    (d.series == (int(sid) if slot is None else sid)) & (d.day >= lo) & (d.day < hi)
                    for sid, lo, hi in terms
                ],
            )
        )
    elif spans is not None:
        # the overall range first: the per-day table is sorted by day, so it prunes
        if slot is None:
            d = d.filter(d.day >= spans["lo"].min(), d.day < spans["hi"].max())
            m = ibis.memtable(spans.rename(columns={"series": "mseries"}))
        else:
            d = d.filter(d.day >= slot("lo", "timestamp"), d.day < slot("hi", "timestamp"))
            m = frame(_SPANS)
        d = d.join(m, [d.series == m.mseries, d.day >= m.lo, d.day < m.hi]).select(d)
    hours = {f"h{h}": d[f"h{h}"].sum().cast("int64") for h in range(24)}
    return d.group_by(["series", "day"]).agg(n=d.n.sum().cast("int64"), **hours)


def _span_slots(slot: Any, i: int) -> tuple[Any, Any, Any]:
    return slot(f"s{i}", "int64"), slot(f"lo{i}", "timestamp"), slot(f"hi{i}", "timestamp")


def _padded(n: int) -> int:
    """Spans given as predicates: always ``_FEW_SPANS`` of them (the last span repeated),
    so one query shape serves every number of spans up to it."""
    return n if n > _FEW_SPANS else _FEW_SPANS


def _span_values(spans: pd.DataFrame) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """The values and frames ``day_hour_expr`` reads through its ``slot``/``frame``."""
    if len(spans) > _FEW_SPANS:
        bounds = {"lo": spans["lo"].min(), "hi": spans["hi"].max()}
        return bounds, {_SPANS: spans.rename(columns={"series": "mseries"})}
    rows = list(spans.itertuples(index=False))
    values: dict[str, Any] = {}
    for i in range(_padded(len(rows))):
        sid, lo, hi = rows[min(i, len(rows) - 1)]  # a repeated span selects nothing more
        values.update({f"s{i}": int(sid), f"lo{i}": lo, f"hi{i}": hi})
    return values, {}


def _day_hours(engine: Engine, params: Params, scope: str, spans: pd.DataFrame) -> pd.DataFrame:
    """``day_hour_expr`` of ``spans``, one query shape per scope, ``params`` and ``_padded``
    number of spans (any number beyond ``_FEW_SPANS`` is one shape)."""
    values, frames = _span_values(spans)
    key = ("silences.day_hours", scope, params, min(_padded(len(spans)), _FEW_SPANS + 1))
    return engine.shaped(
        key,
        lambda slot, frame: day_hour_expr(engine, params, scope, [], spans, slot, frame),
        values,
        frames,
    )


def stored_gaps(
    engine: Engine, params: Params, scope: str, min_hours: float
) -> pd.DataFrame | None:
    """Silences from the long-gap relation (``derived.long_gaps_expr``), or None.

    It holds every gap of an hour or more over the whole record with its record, so it
    answers ``--min-hours`` >= 1 without ``--from``/``--to``. For ``--scope outlet`` its
    series are split by officialness; ``--of all`` needs each outlet to be all official or
    all not (else None: the caller measures from the posts).
    """
    if min_hours < derived.LONG_GAP_HOURS or params.date_from or params.date_to:
        return None
    if scope == "outlet" and params.of == "all":

        def mixed(*_: Any) -> ir.Table:
            d = _series_days(engine, params, scope)
            t = d.group_by("series").agg(k=d.off.nunique()).filter(lambda t: t.k > 1)
            return t.select("series")

        if len(engine.shaped(("silences.mixed", scope, params), mixed)):
            return None
    family = (scope, params.of, params.include_forwards)
    stored = engine.stores_long_gaps(*family)
    engine.gaps_table(*family)  # evaluated on DuckDB: the gaps' temporary table, made now

    def build(slot: Any, _: Any) -> ir.Table:
        g = engine.long_gaps(*family)
        g = g.filter(g.gap_us >= slot("min_us", "int64"))
        if scope == "outlet" and params.of != "all":
            g = g.filter(g.off == (params.of == "official"))
        return g.select("series", "start", "end", "gap_us", "prior_max_us")

    key = ("silences.stored_gaps", family, stored)
    gaps = engine.shaped(key, build, {"min_us": int(min_hours * _US_PER_HOUR)})
    gaps["prior_max_us"] = gaps["prior_max_us"].astype("float64")
    return gaps


def _day_number(value: Any) -> int:
    """Days since 1970-01-01 of a time (UTC day)."""
    return int(np.datetime64(value, "D").astype("int64"))


class _DenseDays:
    """Per-day counts of many series laid end to end, with cumulative hour-of-day sums.

    Each series takes the days from its first to its last row (days without a row are 0),
    so a lookback window is a slice; hour-of-day totals over days are differences of one
    cumulative sum.
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        frame = frame.sort_values(["series", "day"], kind="stable")
        sids = frame["series"].to_numpy(dtype="int64")
        days = frame["day"].to_numpy(dtype="datetime64[D]").astype("int64")
        self.ids, starts = np.unique(sids, return_index=True)
        self.first = np.minimum.reduceat(days, starts)
        self.size = np.maximum.reduceat(days, starts) - self.first + 1
        self.offset = np.r_[0, np.cumsum(self.size)[:-1]].astype("int64")
        block = np.searchsorted(self.ids, sids)
        pos = self.offset[block] + days - self.first[block]
        total = int(self.size.sum())
        self.daily = np.zeros(total)
        self.daily[pos] = frame["n"].to_numpy(dtype=float)
        hours = np.zeros((total, 24))
        hours[pos] = frame[[f"h{h}" for h in range(24)]].to_numpy(dtype=float)
        self.hours_cum = np.vstack([np.zeros(24), np.cumsum(hours, axis=0)])

    def lookback(self, series: Any, lo: Any, day: Any, span: int) -> tuple[Any, Any, Any]:
        """Per gap: daily counts of days lo .. lo+span-1, which of them are before ``day``,
        and hour-of-day totals over lo .. day-1."""
        j = np.searchsorted(self.ids, series)
        first, size, offset = self.first[j], self.size[j], self.offset[j]
        cols = np.arange(span)
        valid = cols[None, :] < (day - lo)[:, None]
        pos = (lo - first)[:, None] + cols[None, :]
        inside = (pos >= 0) & (pos < size[:, None])
        at = offset[:, None] + np.clip(pos, 0, (size - 1)[:, None])
        daily = np.where(inside, self.daily[at], 0.0)
        hi = offset + np.clip(day - first, 0, size)
        low = offset + np.clip(lo - first, 0, size)
        return daily, valid, self.hours_cum[hi] - self.hours_cum[low]


def _channels(engine: Engine, params: Params) -> pd.DataFrame:
    """Accounts with their outlet and officialness (small)."""
    a = engine.read("accounts", "platform", "account_id", "outlet_id")
    o = engine.read("outlets", "outlet_id", "official")
    j = a.merge(o, on="outlet_id", how="left")
    df = pd.DataFrame(
        {
            "platform": j["platform"],
            "account_id": j["account_id"],
            "oid": j["outlet_id"].fillna(-1).astype("int64"),
            "official": j["official"].fillna(False).astype(bool),
        }
    )
    if params.of == "official":
        df = df[df["official"]]
    elif params.of == "supporter":
        df = df[~df["official"]]
    return df


def _merge(intervals: list[tuple[np.datetime64, np.datetime64]]) -> list[tuple[Any, Any]]:
    out: list[list[Any]] = []
    for lo, hi in sorted(intervals):
        if out and lo <= out[-1][1]:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return [(a, b) for a, b in out]


def _overlap(starts: Any, ends: Any, windows: list[tuple[Any, Any]]) -> Any:
    total = np.zeros(len(starts), dtype="int64")
    for lo, hi in windows:
        a = np.maximum(starts, lo)
        b = np.minimum(ends, hi)
        total += np.clip((b - a).astype("int64"), 0, None)
    return total


def _unchecked_rows(engine: Engine, cov: pd.DataFrame, dense_ratio: float = DENSE_RATIO) -> Any:
    """Which ``coverage`` rows come from a source whose ids cannot show missing posts (see
    the module docstring): rows of sources with ids derived from content (ingest lists
    those in ``derived_id_sources``; a store or export without that table falls back to the
    id size: a channel whose largest id reaches 2**53 is taken as hashed, all its rows), and
    rows of a channel whose real ids are not its own sequence."""
    listed = engine.read_optional("derived_id_sources", "source_id")
    if listed is not None:
        derived_ids = set(listed["source_id"].astype("int64").tolist())
        hashed = cov["source_id"].astype("int64").isin(derived_ids).to_numpy(dtype=bool)
    else:
        ids = cov["last_message_id"].astype("float64").fillna(0.0)  # unknown: not hashed
        flagged = cov[(ids >= _HASHED_ID_FLOOR).to_numpy()]
        keys = set(zip(flagged["platform"], flagged["account_id"], strict=True))
        pairs = zip(cov["platform"], cov["account_id"], strict=True)
        hashed = np.fromiter((k in keys for k in pairs), dtype=bool, count=len(cov))
    sequential = _sequential_channels(engine, cov[~hashed], dense_ratio)
    pairs = zip(cov["platform"], cov["account_id"], strict=True)
    return hashed | np.fromiter((k not in sequential for k in pairs), dtype=bool, count=len(cov))


def _sequential_channels(
    engine: Engine, real: pd.DataFrame, dense_ratio: float = DENSE_RATIO
) -> set[tuple[str, str]]:
    """Channels of ``real`` (coverage rows of sources with real ids) whose ids count up per
    channel: every Telegram channel; elsewhere those whose ids are dense, by ingest's test
    (``store.writer._dense_ids``): over the channel's stored posts of real-id sources,
    largest - smallest id + 1 at most ``dense_ratio`` times their number. The posts are
    counted once each: ``coverage.messages`` counts a post again in every source that
    holds it, so two overlapping exports made a channel look twice as dense as ingest had
    found it, and its ids vouched for gaps whose missing ids ingest had not recorded."""
    from mutewatch.ingest import SEQUENTIAL_ID_PLATFORMS  # late: heavy

    if real.empty:
        return set()
    keys = set(zip(real["platform"].astype(str), real["account_id"].astype(str), strict=True))
    out = {k for k in keys if k[0] in SEQUENTIAL_ID_PLATFORMS}
    if len(out) == len(keys):
        return out
    frames = _derived_sources(engine)

    def build(_: Any, frame: Any) -> ir.Table:
        p = _real_id_posts(engine, frame if frames else None)
        p = p.filter(~p.platform.isin(sorted(SEQUENTIAL_ID_PLATFORMS)))
        return p.group_by(["platform", "account_id"]).agg(
            lo=p.message_id.min(), hi=p.message_id.max(), n=p.count()
        )

    per = engine.shaped(("silences.id_spans", bool(frames)), build, frames=frames)
    span = per["hi"].astype("float64") - per["lo"].astype("float64") + 1
    dense = (span <= dense_ratio * per["n"].astype("float64")).to_numpy(dtype=bool)
    found = zip(per["platform"].astype(str), per["account_id"].astype(str), dense, strict=True)
    return out | {(pl, acc) for pl, acc, ok in found if ok and (pl, acc) in keys}


def _derived_sources(engine: Engine) -> dict[str, pd.DataFrame]:
    """The frame ``_real_id_posts`` reads: the sources ingest lists in
    ``derived_id_sources`` (none, and no frame, where it lists none or the table is
    missing: a store or export from before it)."""
    listed = engine.read_optional("derived_id_sources", "source_id")
    if listed is None or not len(listed):
        return {}
    ids = listed["source_id"].astype("int64").to_numpy()
    return {_DERIVED_SOURCES: pd.DataFrame({"source_id": ids})}


def _real_id_posts(engine: Engine, frame: Any = None) -> ir.Table:
    """The posts of sources with real ids: every post but those of the sources in the frame
    ``_derived_sources`` gives (``frame``: ``Engine.shaped``'s; None: every post)."""
    p = engine.table("posts")
    if frame is not None:
        p = p.filter(~p.source_id.isin(frame(_DERIVED_SOURCES).source_id))
    return p


def _more_id_gaps(engine: Engine, cov: pd.DataFrame, unchecked: Any) -> pd.DataFrame:
    """Id gaps of the channels dense at ``--dense-ratio`` (``unchecked``: ``_unchecked_rows``
    at that ratio) but not at ingest's ratio (ingest recorded none for them), found from
    their posts with real ids as ingest finds them: consecutive message ids more than 1
    apart, from the earlier post's time to the later's."""
    cols = ["platform", "account_id", "after_ts", "before_ts"]
    real = cov[~unchecked]  # each of its channels is sequential at --dense-ratio already
    keys = zip(real["platform"].astype(str), real["account_id"].astype(str), strict=True)
    added = set(keys) - _sequential_channels(engine, real, DENSE_RATIO)
    if not added:
        return pd.DataFrame(columns=cols)
    frames = _derived_sources(engine)
    skipped = bool(frames)
    frames[_WANTED] = pd.DataFrame(sorted(added), columns=["w_platform", "w_account"]).astype(str)

    def build(_: Any, frame: Any) -> ir.Table:
        wanted = frame(_WANTED)
        p = _real_id_posts(engine, frame if skipped else None)
        p = p.join(wanted, [p.platform == wanted.w_platform, p.account_id == wanted.w_account])
        w = ibis.window(group_by=["platform", "account_id"], order_by="message_id")
        t = p.select("platform", "account_id", "message_id", "ts")
        g = t.mutate(prev_id=t.message_id.lag().over(w), after_ts=t.ts.lag().over(w))
        g = g.filter(g.message_id - g.prev_id > 1)
        return g.select("platform", "account_id", "after_ts", before_ts=g.ts)

    return engine.shaped(("silences.more_id_gaps", skipped), build, frames=frames)


def _ids_unchecked(
    covered: Any, starts: Any, ends: Any, merged: list[tuple[Any, Any]], real: list[Any] | None
) -> Any:
    """Per gap, whether a channel's ids cannot vouch for it: it has no window of real ids,
    or part of the gap's covered time (``covered``, from all its ``merged`` windows) lies
    only in windows of derived ids."""
    if not real:
        return np.ones(len(covered), dtype=bool)
    mine = _merge(real)
    if mine == merged:  # every window has real ids
        return np.zeros(len(covered), dtype=bool)
    return covered > _overlap(starts, ends, mine)


def coverage(
    engine: Engine,
    params: Params,
    scope: str,
    gaps: pd.DataFrame,
    to_source_end: bool = False,
    dense_ratio: float = DENSE_RATIO,
) -> pd.DataFrame:
    """coverage (full/partial/none/unverified), covered_share, channels_in_archive and
    ids_checked per gap; see the module docstring. ``to_source_end``: each channel's windows
    run to the end of their source (for ongoing silences); ``dense_ratio``: ``--dense-ratio``."""
    out = pd.DataFrame(
        {
            "coverage": ["none"] * len(gaps),
            "covered_share": [0.0] * len(gaps),
            "channels_in_archive": [0] * len(gaps),
            "ids_checked": [False] * len(gaps),
        }
    )
    if gaps.empty:
        return out
    cov = engine.read(
        "coverage",
        "source_id",
        "platform",
        "account_id",
        "first_time",
        "last_time",
        "first_message_id",
        "last_message_id",
        "messages",
    ).dropna(subset=["first_time", "last_time"])
    if to_source_end:  # a source was collected up to its last post, every chat in it too
        src = engine.read("sources", "source_id", "last_time").rename(
            columns={"last_time": "source_end"}
        )
        cov = cov.merge(src, on="source_id", how="left")
        cov["last_time"] = cov[["last_time", "source_end"]].max(axis=1)
    unchecked_rows = _unchecked_rows(engine, cov, dense_ratio)
    idg = engine.read("id_gaps", "platform", "account_id", "after_ts", "before_ts")
    if dense_ratio > DENSE_RATIO:
        idg = pd.concat([idg, _more_id_gaps(engine, cov, unchecked_rows)], ignore_index=True)
    chans = _channels(engine, params)
    windows: dict[tuple[str, str], list[Any]] = defaultdict(list)
    checked: dict[tuple[str, str], list[Any]] = defaultdict(list)  # windows with real ids
    for r, derived_ids in zip(cov.itertuples(index=False), unchecked_rows, strict=True):
        key = (r.platform, r.account_id)
        window = (np.datetime64(r.first_time, "us"), np.datetime64(r.last_time, "us"))
        windows[key].append(window)
        if not derived_ids:
            checked[key].append(window)
    holes: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for r in idg.itertuples(index=False):
        holes[(r.platform, r.account_id)].append(
            (np.datetime64(r.after_ts, "us"), np.datetime64(r.before_ts, "us"))
        )
    starts = gaps["start"].to_numpy(dtype="datetime64[us]")
    ends = gaps["end"].to_numpy(dtype="datetime64[us]")
    length = np.maximum((ends - starts).astype("int64"), 1)
    series = gaps["series"].to_numpy()
    n_rel = np.zeros(len(gaps))
    share_sum = np.zeros(len(gaps))
    share_min = np.ones(len(gaps))
    share_max = np.zeros(len(gaps))
    n_unchecked = np.zeros(len(gaps))
    by_series: dict[int, Any] = {}
    if scope == "outlet":
        order = np.argsort(series, kind="stable")
        keys, first_at = np.unique(series[order], return_index=True)
        by_series = dict(zip(keys.tolist(), np.split(order, first_at[1:]), strict=True))
    every_gap = np.arange(len(gaps))
    for r in chans.itertuples(index=False):
        key = (r.platform, r.account_id)
        if key not in windows:
            continue
        mine = by_series.get(int(r.oid)) if scope == "outlet" else every_gap
        if mine is None or not mine.size:
            continue
        merged = _merge(windows[key])
        lo, hi = merged[0][0], merged[-1][1]
        idx = mine[(starts[mine] < hi) & (ends[mine] > lo)]  # the gaps this channel concerns
        if not idx.size:
            continue
        s_idx, e_idx = starts[idx], ends[idx]
        covered = _overlap(s_idx, e_idx, merged)
        n_unchecked[idx] += _ids_unchecked(covered, s_idx, e_idx, merged, checked.get(key))
        if key in holes:
            # missing ids inside covered time make that time unknown
            cut = [
                (max(a, w0), min(b, w1))
                for a, b in _merge(holes[key])
                for w0, w1 in merged
                if max(a, w0) < min(b, w1)
            ]
            covered = covered - _overlap(s_idx, e_idx, _merge(cut))
        share = covered / length[idx]
        n_rel[idx] += 1
        share_sum[idx] += share
        share_min[idx] = np.minimum(share_min[idx], share)
        share_max[idx] = np.maximum(share_max[idx], share)
    labels = np.where(
        n_rel == 0,
        "none",
        np.where(share_min >= 1 - 1e-9, "full", np.where(share_max <= 1e-9, "none", "partial")),
    )
    labels = np.where((labels == "full") & (n_unchecked > 0), "unverified", labels)
    out["coverage"] = labels
    out["ids_checked"] = (n_rel > 0) & (n_unchecked == 0)
    out["covered_share"] = np.round(np.where(n_rel > 0, share_sum / np.maximum(n_rel, 1), 0.0), 4)
    out["channels_in_archive"] = n_rel.astype("int64")
    return out


def _lookback_spans(series: Any, lo: Any, hi: Any) -> pd.DataFrame:
    """The day ranges ``[lo, hi)`` (day numbers) merged per series: series, lo, hi (days)."""
    order = np.lexsort((lo, series))
    rows: list[list[int]] = []
    for sid, a, b in zip(
        series[order].tolist(), lo[order].tolist(), hi[order].tolist(), strict=True
    ):
        if rows and rows[-1][0] == sid and a <= rows[-1][2]:
            rows[-1][2] = max(rows[-1][2], b)
        else:
            rows.append([sid, a, b])
    arr = np.array(rows, dtype="int64").reshape(-1, 3)
    return pd.DataFrame(
        {
            "series": arr[:, 0],
            "lo": arr[:, 1].astype("datetime64[D]").astype("datetime64[us]"),
            "hi": arr[:, 2].astype("datetime64[D]").astype("datetime64[us]"),
        }
    )


def _p_values(
    engine: Engine,
    params: Params,
    scope: str,
    gaps: pd.DataFrame,
    lookback_days: float,
    min_lookback_days: float,
) -> dict[str, Any]:
    """Seasonal negative-binomial p-value of every gap, vectorised per series (``stats``)."""
    size = len(gaps)
    out = {k: np.full(size, np.nan) for k in ("p_value", "expected", "inv_r", "rate_per_day")}
    if gaps.empty:
        return out
    span = int(lookback_days)
    starts = gaps["start"].to_numpy(dtype="datetime64[us]")
    ends = gaps["end"].to_numpy(dtype="datetime64[us]")
    day = starts.astype("datetime64[D]").astype("int64")
    first = gaps["first_ts"].to_numpy(dtype="datetime64[D]").astype("int64")
    lo = np.maximum(day - span, first)
    eligible = (day - lo) >= min_lookback_days
    series = gaps["series"].to_numpy(dtype="int64")
    if not eligible.any():
        return out
    spans = _lookback_spans(series[eligible], lo[eligible], day[eligible])
    table = _day_hours(engine, params, scope, spans)
    if table.empty:
        return out
    dense = _DenseDays(table)
    idx = np.flatnonzero(eligible & np.isin(series, dense.ids))
    if idx.size:
        daily, valid, hours = dense.lookback(series[idx], lo[idx], day[idx], span)
        res = stats.gap_p_values(starts[idx], ends[idx], lo[idx], daily, valid, hours)
        for key, values in res.items():
            out[key][idx] = values
    return out


def _iso_column(values: pd.Series) -> list[str]:
    """ISO-8601 UTC text of a column of naive UTC times (as ``params.iso``)."""
    if values.empty:
        return []
    ts = pd.to_datetime(values)
    fast = _iso_parts(ts)
    if fast is not None:
        text, micro = fast
    else:  # NaT, time zones or years numpy would spell otherwise: pandas, row by row
        text = ts.dt.strftime("%Y-%m-%dT%H:%M:%S").tolist()
        micro = ts.dt.microsecond.tolist()
    return [t + (f".{m:06d}" if m else "") + "Z" for t, m in zip(text, micro, strict=True)]


def _iso_parts(ts: pd.Series) -> tuple[list[str], list[int]] | None:
    """Seconds text and microseconds of naive times from 1970 to 9999 (numpy, vectorised:
    ``strftime`` row by row was a fifth of a call), or None for any other column."""
    if ts.dtype.kind != "M" or getattr(ts.dt, "tz", None) is not None:
        return None
    us = ts.to_numpy(dtype="datetime64[us]")
    if np.isnat(us).any():
        return None
    lo, hi = np.datetime64("1970-01-01", "us"), np.datetime64("10000-01-01", "us")
    if (us < lo).any() or (us >= hi).any():
        return None
    secs = us.astype("datetime64[s]")
    micro = (us - secs.astype("datetime64[us]")).astype("int64")
    return np.datetime_as_string(secs, unit="s").tolist(), micro.tolist()


def _scope_silences(
    engine: Engine,
    params: Params,
    scope: str,
    min_hours: float,
    lookback_days: float,
    min_lookback_days: float,
    names: dict[int, str],
    ongoing: bool = False,
    dense_ratio: float = DENSE_RATIO,
    as_of: datetime | None = None,
) -> tuple[list[dict[str, Any]], pd.DataFrame]:
    stored = stored_gaps(engine, params, scope, min_hours)
    if stored is not None:
        if stored.empty:
            gaps = stored.assign(first_ts=pd.Series(dtype="datetime64[us]"), n_gaps=0)
        else:
            per_series = _per_series(engine, params, scope)
            gaps = stored.merge(per_series, on="series", how="left")
    elif scope == "network" and min_hours >= 1:
        gaps = network_gaps(engine, params, min_hours)
    else:
        gaps = _gaps(engine, params, scope, min_hours)
        gaps = with_records(engine, params, scope, gaps)
        if gaps.empty:
            gaps = gaps.assign(first_ts=pd.Series(dtype="datetime64[us]"), n_gaps=0)
        else:
            per_series = _per_series(engine, params, scope)
            gaps = gaps.merge(per_series, on="series", how="left")
    gaps = gaps.assign(ongoing=False)
    if "last_ts" in gaps:
        gaps = gaps.drop(columns="last_ts")
    running = ongoing_gaps(engine, params, scope, min_hours, gaps) if ongoing else None
    if running is not None and not running.empty:
        gaps = pd.concat([gaps, running.astype(gaps.dtypes.to_dict())], ignore_index=True)
    gaps["to_source_end"] = gaps["ongoing"].astype(bool)  # running to the archive's end
    if as_of is not None:
        gaps = gaps_as_of(gaps, as_of, min_hours, ongoing)
    gaps = gaps.sort_values(["series", "start", "end"], kind="stable").reset_index(drop=True)
    # every gap longer than a silence is itself a silence, so ranking the silences ranks
    # them among all gaps of the series
    gaps["rank"] = gaps.groupby("series")["gap_us"].rank(method="min", ascending=False)
    cov = _coverage_with_ongoing(engine, params, scope, gaps, dense_ratio)
    pv = _p_values(engine, params, scope, gaps, lookback_days, min_lookback_days)
    uncollected = cov["coverage"].to_numpy() == "none"
    collected_records(gaps, uncollected, min_hours)
    for key in ("p_value", "expected", "inv_r"):
        pv[key] = np.where(uncollected, np.nan, pv[key])
    gap_us = gaps["gap_us"].to_numpy(dtype="int64")
    prior = gaps["prior_max_us"].to_numpy(dtype="float64")
    series = gaps["series"].to_numpy(dtype="int64").tolist()
    columns = zip(
        series,
        _iso_column(gaps["start"]),
        _iso_column(gaps["end"]),
        np.round(gap_us / _US_PER_HOUR, 4).tolist(),
        (
            cov["ids_checked"].to_numpy(dtype=bool)
            & ~uncollected
            & (np.isnan(prior) | (gap_us > np.nan_to_num(prior, nan=-1)))
        ).tolist(),
        np.where(np.isnan(prior), np.nan, np.round(prior / _US_PER_HOUR, 4)).tolist(),
        [None if math.isnan(r) else int(r) for r in gaps["rank"].to_numpy(dtype="float64")],
        gaps["n_gaps"].to_numpy(dtype="int64").tolist(),
        _round_sig_array(pv["p_value"]).tolist(),
        _round_sig_array(pv["expected"]).tolist(),
        _round_sig_array(pv["inv_r"]).tolist(),
        cov["coverage"].tolist(),
        cov["covered_share"].tolist(),
        cov["channels_in_archive"].tolist(),
        cov["ids_checked"].tolist(),
        gaps["ongoing"].to_numpy(dtype=bool).tolist(),
        strict=True,
    )
    rows = [
        {
            "scope": scope,
            "outlet": names.get(sid) if scope == "outlet" else None,
            "start": start,
            "end": end,
            "hours": hours,
            "unprecedented": bool(record),
            "previous_longest_hours": None if math.isnan(prev) else prev,
            "rank": rank,
            "gaps_in_series": n_gaps,
            "p_value": None if math.isnan(p) else p,
            "expected_posts": None if math.isnan(lam) else lam,
            "dispersion": None if math.isnan(inv_r) else inv_r,
            "coverage": label,
            "covered_share": share,
            "channels_in_archive": channels,
            "ids_checked": bool(checked),
            "ongoing": bool(running_now),
            "_series": sid,
        }
        for (
            sid,
            start,
            end,
            hours,
            record,
            prev,
            rank,
            n_gaps,
            p,
            lam,
            inv_r,
            label,
            share,
            channels,
            checked,
            running_now,
        ) in columns
    ]
    return rows, gaps


def _last_day(as_of: datetime) -> date:
    """The last UTC day wholly or partly before ``as_of`` (naive UTC)."""
    return (as_of - timedelta(microseconds=1)).date()


def gaps_as_of(
    gaps: pd.DataFrame, as_of: datetime, min_hours: float, keep_running: bool
) -> pd.DataFrame:
    """The gaps as the record stood at ``as_of`` (naive UTC): a gap begun later is left
    out, and one still running then (its next post, or the archive's end, after ``as_of``)
    ends at ``as_of`` and is ``ongoing`` there, its hours a lower bound, when it had
    lasted ``min_hours`` by then and ``keep_running`` (``ongoing=True``) lists such
    silences. Its record (the longest earlier gap) is unchanged; rank, coverage and
    p-value are then computed on the cut gap."""
    at = np.datetime64(as_of, "us")
    gaps = gaps[gaps["start"].to_numpy(dtype="datetime64[us]") < at].copy()
    running = gaps["end"].to_numpy(dtype="datetime64[us]") > at
    if not running.any():
        return gaps.reset_index(drop=True)
    lasted = (at - gaps["start"].to_numpy(dtype="datetime64[us]")).astype("int64")
    gaps.loc[running, "end"] = at
    gaps.loc[running, "gap_us"] = lasted[running]
    gaps.loc[running, "ongoing"] = True
    kept = ~running | (keep_running & (lasted >= min_hours * _US_PER_HOUR))
    return gaps[kept].reset_index(drop=True)


def _coverage_with_ongoing(
    engine: Engine, params: Params, scope: str, gaps: pd.DataFrame, dense_ratio: float
) -> pd.DataFrame:
    """``coverage`` of every gap; ongoing silences read each window to its source's end."""
    cov = coverage(engine, params, scope, gaps, dense_ratio=dense_ratio)
    running = gaps["to_source_end"].to_numpy(dtype=bool)
    if running.any():
        ongoing = gaps[running].reset_index(drop=True)
        part = coverage(engine, params, scope, ongoing, True, dense_ratio)
        cov.loc[running, :] = part.to_numpy()
        for key, kind in (("covered_share", "float64"), ("channels_in_archive", "int64")):
            cov[key] = cov[key].astype(kind)
        cov["ids_checked"] = cov["ids_checked"].astype(bool)
    return cov


def collected_records(gaps: pd.DataFrame, uncollected: Any, min_hours: float) -> None:
    """Rank and record of each gap among the collected ones only (in place).

    A gap whose coverage is ``none`` (nothing collected) is not a silence we saw: it gets no
    rank (NaN) and is nobody's record. ``prior_max_us`` becomes the longest earlier gap of
    the series whose coverage is not ``none``; gaps shorter than ``min_hours`` carry no
    coverage, so those before the series' first silence still count (when every earlier
    silence was uncollected, shorter gaps between them are not looked at). With nothing
    uncollected the numbers are unchanged.
    """
    if gaps.empty or not np.any(uncollected):
        return
    seen = pd.Series(np.where(uncollected, np.nan, gaps["gap_us"].astype("float64")))
    by = gaps["series"]
    earlier = seen.groupby(by).transform(lambda x: x.cummax().ffill().shift())
    before_first = gaps.groupby("series")["prior_max_us"].transform("first")
    prior = gaps["prior_max_us"].astype("float64")
    from_silence = prior >= min_hours * _US_PER_HOUR
    gaps["prior_max_us"] = np.where(
        from_silence, np.fmax(earlier.to_numpy(), before_first.to_numpy()), prior
    )
    gaps["rank"] = seen.groupby(by).rank(method="min", ascending=False)


def _round_sig_array(x: Any, digits: int = 6) -> Any:
    """Round to ``digits`` significant digits, element-wise (NaN stays NaN), as
    ``_round_sig`` does: scaling by a power of ten left float noise in JSON
    (``6.239890000000001e-26``), the decimal text gives the nearest float (``6.23989e-26``)."""
    flat = np.asarray(x, dtype=float)
    return np.array([float(f"{v:.{digits}g}") + 0.0 for v in flat.ravel()]).reshape(flat.shape)


def _round_sig(x: float | None, digits: int = 6) -> float | None:
    if x is None or not math.isfinite(x):
        return None
    return float(f"{x:.{digits}g}")


def coordinated(
    rows: list[dict[str, Any]],
    n_outlets: int,
    k: int | None,
    alpha: float | None = None,
    *,
    together: bool = False,
) -> dict[str, Any]:
    """Windows where at least k of the N outlets were unusually silent at once (sweep line).

    Only silences with a p-value of at most ``alpha`` count (see the module docstring).

    An outlet's silences never overlap (they are consecutive gaps), so the number of open
    silences is the number of silent outlets; events at one instant are applied together,
    so back-to-back silences of one outlet do not split a window.

    ``together`` adds to each window its longest stretch in which the same k outlets were
    all silent from start to end (``together``: start, end, hours, silent, outlets). At low
    rates a window can run for months while its outlets take turns: at every moment k are
    between two posts, yet no k are silent together for long (``findings`` says so).
    """
    k_eff = k if k is not None else max(2, math.ceil(n_outlets / 2))
    kept = [
        r
        for r in rows
        if r["coverage"] != "none"
        and (alpha is None or (r["p_value"] is not None and r["p_value"] <= alpha))
    ]
    result: dict[str, Any] = {"k": k_eff, "n": n_outlets, "alpha": alpha, "windows": []}
    if not kept:
        return result
    labels = np.array(
        [r["outlet"] if r["outlet"] is not None else f"#{r['_series']}" for r in kept],
        dtype=object,
    )
    starts = np.array([r["start"].rstrip("Z") for r in kept], dtype="datetime64[us]")
    ends = np.array([r["end"].rstrip("Z") for r in kept], dtype="datetime64[us]")
    times = np.concatenate([starts, ends])
    delta = np.concatenate([np.ones(len(kept), dtype=int), -np.ones(len(kept), dtype=int)])
    order = np.argsort(times, kind="stable")
    times, delta = times[order], delta[order]
    count = np.cumsum(delta)
    last_at = np.r_[times[1:] != times[:-1], True]  # the count once an instant is applied
    instants, open_count = times[last_at], count[last_at]
    above = open_count >= k_eff
    edges = np.diff(np.r_[0, above.astype(int), 0])
    first_idx, stop_idx = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    for i, j in zip(first_idx, stop_idx, strict=True):
        w_start, w_end = instants[i], instants[j]
        overlap = (starts < w_end) & (ends > w_start)
        hours = (w_end - w_start).astype("int64") / 3.6e9
        result["windows"].append(
            {
                "start": iso(w_start.astype(datetime)),
                "end": iso(w_end.astype(datetime)),
                "hours": round(float(hours), 4),
                "max_silent": int(open_count[i:j].max()),
                "outlets": sorted(set(labels[overlap].tolist())),
            }
        )
        if together:
            window = np.flatnonzero(overlap)
            result["windows"][-1]["together"] = _together(
                np.maximum(starts[window], w_start),
                np.minimum(ends[window], w_end),
                labels[window],
                [kept[i] for i in window],
                k_eff,
            )
    return result


def _together(
    starts: Any, ends: Any, labels: Any, rows: Sequence[dict[str, Any]], k: int
) -> dict[str, Any] | None:
    """The longest stretch in which the same ``k`` of these silences (``rows``, clipped to
    their window) were all running: from a silence's start to the k-th latest end among
    those running then. With it, of the silences running throughout: the smallest p-value
    (None when none has one), how many the archive cannot tell from a gap in collection
    (``unverified``: coverage unverified or ids not checked) and how many run to the
    archive's end (``ongoing``). None when fewer than ``k`` ever run at once."""
    order = np.argsort(starts, kind="stable")
    # microseconds as Python ints: numpy scalars make the loop some ten times slower
    begin, finish = starts.astype("int64").tolist(), ends.astype("int64").tolist()
    running: list[int] = []  # the silences begun and not yet over
    best: tuple[int, int, list[int]] | None = None
    for at in order.tolist():
        t = begin[at]
        running = [i for i in running if finish[i] > t]
        running.append(at)
        if len(running) < k:
            continue
        last = sorted((finish[i] for i in running), reverse=True)[k - 1]
        if best is None or last - t > best[1] - best[0]:
            best = (t, last, [i for i in running if finish[i] >= last])
    if best is None:
        return None
    start, end, through = best
    known = [float(p) for i in through if (p := rows[i]["p_value"]) is not None]
    unverified = sum(
        rows[i]["coverage"] == "unverified" or not rows[i].get("ids_checked", True) for i in through
    )
    return {
        "start": iso(datetime(1970, 1, 1) + timedelta(microseconds=start)),
        "end": iso(datetime(1970, 1, 1) + timedelta(microseconds=end)),
        "hours": round((end - start) / 3.6e9, 4),
        "silent": len(through),
        "outlets": sorted({str(labels[i]) for i in through}),
        "min_p_value": min(known) if known else None,
        "unverified": unverified,
        "ongoing": sum(bool(rows[i].get("ongoing")) for i in through),
    }


def overlapping(rows: list[dict[str, Any]], params: Params) -> list[dict[str, Any]]:
    """The rows (ISO ``start``/``end``) that overlap ``--from``/``--to`` (all without them)."""
    lo, hi = params.ts_from, params.ts_to
    return [
        r for r in rows if (lo is None or _t(r["end"]) > lo) and (hi is None or _t(r["start"]) < hi)
    ]


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text.rstrip("Z"))


def _chosen_outlets(
    names: pd.DataFrame, scope: str, outlets: Sequence[str] | None
) -> dict[str, int]:
    """Name -> id of the ``--outlet`` names (none: every outlet); UsageError for the
    network scope (one series of every outlet) or an unknown name."""
    wanted = [outlets] if isinstance(outlets, str) else list(outlets or ())
    if not wanted:
        return {}
    if scope != "outlet":
        raise UsageError(
            "--outlet lists outlets' own silences: it needs --scope outlet",
            hint="add --scope outlet (the network's silences are those of every outlet)",
        )
    return chosen_outlets(known_outlets(names), wanted)


def measure(
    engine: Engine,
    params: Params,
    *,
    scope: str = "network",
    min_hours: float = 12.0,
    k: int | None = None,
    lookback_days: float = 28.0,
    min_lookback_days: float = 7.0,
    with_coordinated: bool = True,
    ongoing: bool = False,
    coordinated_alpha: float | None = None,
    dense_ratio: float = DENSE_RATIO,
    outlets: Sequence[str] | None = (),
    coordinated_together: bool = False,
    as_of: datetime | None = None,
) -> dict[str, Any]:
    """Silences of ``scope`` with rank, record, p-value and coverage; coordinated windows.

    ``as_of`` (the library's, for ``findings``: the end of its period; naive UTC) measures
    the record as it stood then (``gaps_as_of``): a silence running at ``as_of`` ends there,
    ``ongoing`` (listed with ``ongoing=True``), and its hours, rank, coverage and p-value are
    those of the cut span; later gaps are left out, the coordinated windows' silences too,
    and their N (``n``, and ``k``'s default, half of it) counts the outlets with a counted
    post before ``as_of``, not those that first posted after it.
    Without it (the command) a silence across ``--to`` keeps its whole length.

    ``coordinated_together`` (the library's, for ``findings``) adds each coordinated
    window's longest stretch with the same k outlets silent throughout (``coordinated``).

    ``outlets`` (``--outlet NAME``, ``--scope outlet`` only; exact names as ``outlets
    list`` prints them, ``output.chosen_outlets``) chooses whose silences are listed, as
    ``--from``/``--to`` choose when: rank, record, p-value and the coordinated windows
    (k of every outlet counted) stay those of the whole selection, so a silence has the
    same numbers with or without the filter; ``parameters.outlets`` echoes the names.
    """
    if scope not in SCOPES:
        raise UsageError(f"--scope {scope!r} is not known", hint=f"use one of {SCOPES}")
    # the bounds every caller checks (``params.OPTION_BOUNDS``), in the same words: a
    # caller of this function (findings, a script) meets the CLI's and the API's refusal
    bounded = {"min_hours": min_hours, "k": k, "coordinated_alpha": coordinated_alpha}
    bounded |= {"lookback_days": lookback_days, "min_lookback_days": min_lookback_days}
    check_option_values(bounded, command="silences")
    if lookback_days < min_lookback_days:  # no gap could have the record a p-value needs
        raise UsageError(
            f"--lookback-days {lookback_days:g} is shorter than the {min_lookback_days:g} days "
            "of record before a gap that its p-value needs, so no silence would get one",
            hint=f"pass --lookback-days {min_lookback_days:g} or more; the default is 28",
        )
    _check_ratio(dense_ratio)
    names_df = engine.outlet_names()
    chosen = _chosen_outlets(names_df, scope, outlets)
    names = dict(zip(names_df["outlet_id"].astype(int), names_df["name"], strict=True))
    args = (min_hours, lookback_days, min_lookback_days, names, ongoing, dense_ratio, as_of)
    whole = replace(params, date_from=None, date_to=None)  # statistics: the whole record
    rows, _ = _scope_silences(engine, whole, scope, *args)
    result: dict[str, Any] = {"silences": []}
    if with_coordinated:
        outlet_rows = (
            rows if scope == "outlet" else _scope_silences(engine, whole, "outlet", *args)[0]
        )

        # N of "k of N" (and k's default, half of it): the outlets with a counted post by
        # ``as_of``, as the record stood then, not outlets that first posted after it
        by_then = whole if as_of is None else replace(whole, date_to=_last_day(as_of))

        def n_expr(*_: Any) -> ir.Table:
            d = counted_days(engine.daily(), by_then)
            return d.aggregate(n=d.outlet_id.nunique())

        n_outlets = int(engine.shaped(("silences.n_outlets", by_then), n_expr)["n"].iloc[0])
        co = coordinated(
            outlet_rows, n_outlets, k, coordinated_alpha, together=coordinated_together
        )
        co["windows"] = overlapping(co["windows"], params)
        result["coordinated"] = co
    rows = overlapping(rows, params)
    if chosen:
        rows = [r for r in rows if r["_series"] in chosen.values()]
    for r in rows:
        del r["_series"]
    rows.sort(key=lambda r: (r["outlet"] or "", r["start"]))
    result["silences"] = rows
    result["parameters"] = {
        **params.echo(),
        "scope": scope,
        "min_hours": min_hours,
        "k": result.get("coordinated", {}).get("k", k),
        "coordinated_alpha": coordinated_alpha,
        "lookback_days": lookback_days,
        "min_lookback_days": min_lookback_days,
        "ongoing": ongoing,
        "dense_ratio": dense_ratio,
        **({"outlets": list(chosen)} if chosen else {}),
    }
    result["method"] = " ".join((__doc__ or "").split("\n\n", 1)[1].split()) + (
        f" This run: --dense-ratio {dense_ratio:g} (a non-Telegram channel's real ids "
        f"vouch for a gap when their span is at most {dense_ratio:g} times its posts)."
    )
    if chosen:  # named in parameters.outlets (whole values, which viewers see pseudonymised)
        result["method"] += (
            f" Listed: the silences of the {len(chosen)} outlet(s) in parameters.outlets "
            "(--outlet); rank, record, p-value and coordinated windows are those of every "
            "outlet counted."
        )
    result["p_value_method"] = stats.GAP_METHOD.format(
        lookback=lookback_days, min_lookback=min_lookback_days
    )
    outside = _outside_archive(engine, params)
    if outside:
        result["warnings"] = outside
    return result


def _outside_archive(engine: Engine, params: Params) -> list[str]:
    """The warning of output, trend and platforms when ``--from``/``--to`` leave no day of
    the archive's coverage: an empty list of silences there says nothing about silence.
    (Dates that reach past the coverage need no cut here: gaps are weighed by coverage.)"""
    from mutewatch.measure.status import clip_dates  # status's own imports stay lighter

    clipped, warnings = clip_dates(engine, params)
    return warnings if clipped == params else []
