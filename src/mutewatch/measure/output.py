"""Output series: counted posts per period, optionally per group, zero-filled.

Method: counted posts (``--of``, ``--include-forwards``, ``--from``/``--to``) are bucketed by
UTC calendar period (``day``; ``week`` starting Monday; ``month``) and counted per group in one
Ibis expression (DuckDB or Spark). The series is zero-filled over every period from the first
to the last (``--from``/``--to`` when given, else the first and last counted post) for every
group seen in that window. Groups: ``outlet`` (outlet name; unattributed posts are
``null``), ``medium`` (``posts.kind``), ``platform``, ``official`` (``official`` /
``supporter``), ``host`` (each counted post counts once under every distinct host it links
to; posts without links are not in the host series). ``period`` is the bucket start.
A period the archive covers only in part (its covered span, in whole UTC days as ``outlets
status`` reads it, within ``--from``/``--to``, starts or ends inside the period) holds fewer
days of collection than a whole one: its rows carry ``partial: true`` and
``covered_fraction`` (covered days / days of the period), and ``partial_periods`` lists each
such period with ``covered_days`` and ``days``, so a first or last week or month is not read
as a drop in output. Other rows have neither key. Coverage basis (``coverage_basis``):
``archive`` by default; with ``--by outlet`` it is ``outlet``: each outlet's rows are read
against the days its own channels' archive covers (per ``coverage`` row, the window of
its source, which was collected from its first to its last post with every chat in it,
widened to the row's own times; merged; the last window runs on to the archive's end, as
``outlets status`` reads it, since an export ends at its last post and cannot tell silence
from the end of collection; an outlet without coverage rows, and the ``null`` group, keep
the archive's span), so a channel whose own export starts mid-month makes that month
partial for its outlet alone, and a period before its channels' first window or in a hole
between two of their windows has ``covered_fraction`` 0 (its zero says nothing about
output).
``partial_periods`` stays the archive's; ``partial_by_group`` lists each outlet's flagged
periods (``group``, ``period``, ``covered_days``, ``days``, ``covered_fraction``) and
``outlet_coverage`` each outlet's covered days (``from``, ``to``, ``days``) and ``basis``
(``channels`` or ``archive``).

Outlet filter (``--outlet NAME``, repeatable): only posts of the chosen outlets count,
named exactly as ``mutewatch outlets list`` prints them (an unknown name is a usage error
naming close matches), within ``--of`` and ``--include-forwards`` (a supporter outlet
under the default ``--of official`` counts nothing, with a warning), zero-filled over the
same periods as without the filter (``--from``/``--to``, else the first and last post
counted of any outlet), so the months after an outlet fell silent are zeros, not missing,
and the months before its channels were collected are there with ``covered_fraction`` 0.
Rows are read against the chosen outlets' own
channels' coverage, as with ``--by outlet``: with ``--by outlet`` each chosen outlet is a
group (also one without counted posts) with its own coverage and ``partial_periods``
stays the archive's; otherwise ``coverage_basis`` is ``outlet`` for one chosen outlet and
``outlets`` for several, whose rows are read against the union of their covered days (a
day is covered when any chosen outlet's channels were collected on it; ``--by outlet``
shows each one's own), ``partial_periods`` lists the periods those days cover in part or
not at all (``covered_days`` 0: the zero says nothing about output) and
``outlet_coverage`` each chosen outlet's covered days. A chosen outlet without coverage
rows of its own (when its channels were collected is not recorded) is taken as collected
over the archive's span: then the union is the archive's span and ``coverage_basis`` is
``archive``, as ``trend --outlet`` says too (with ``--by outlet`` that outlet's own rows
are). ``coverage_fallback`` names those outlets (``[]`` when none; present whenever
``--outlet`` is given) and a warning counts them. ``parameters.outlets`` echoes the chosen
names (sorted).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from datetime import date
from typing import Any

import ibis
import numpy as np
import pandas as pd

from mutewatch.errors import UsageError
from mutewatch.measure.derived import counted_days, readable_host
from mutewatch.measure.engine import Engine
from mutewatch.measure.outlet_days import (
    coverage_rows,
    fallback_warnings,
    outlet_days,
    read_chosen,
)
from mutewatch.measure.params import BY_CHOICES, EVERY_CHOICES, DateRange, Params
from mutewatch.measure.status import archive_span

_TRUNC = {"day": "D", "week": "W", "month": "M"}
_FREQ = {"day": "D", "week": "W-MON", "month": "MS"}
_FROM_DAYS = (None, "outlet", "official")


def bucket_start(day: date, every: str) -> pd.Timestamp:
    """The start of the period (day, Monday week, month) holding ``day``."""
    ts = pd.Timestamp(day)
    if every == "week":
        return ts - pd.Timedelta(days=ts.weekday())
    if every == "month":
        return ts.replace(day=1)
    return ts


def partial_periods(
    span: DateRange | None, params: Params, periods: pd.DatetimeIndex, every: str
) -> dict[str, dict[str, Any]]:
    """Per period (``YYYY-MM-DD`` of its start) that the archive (its covered ``span``,
    ``archive_span``) covers only in part: covered_days, days and covered_fraction (see the
    module docstring)."""
    lo = span.start if span else params.date_from
    hi = span.end if span else params.date_to
    if params.date_from and lo:
        lo = max(lo, params.date_from)
    if params.date_to and hi:
        hi = min(hi, params.date_to)
    if lo is None and hi is None:
        return {}
    return partial_covering([(lo, hi)], periods, every)


def period_bounds(periods: pd.DatetimeIndex, every: str) -> tuple[Any, Any]:
    """First and last day (``datetime64[D]`` arrays) of each period."""
    first = periods.to_numpy().astype("datetime64[D]")
    following = (periods + pd.tseries.frequencies.to_offset(_FREQ[every])).to_numpy()
    return first, following.astype("datetime64[D]") - np.timedelta64(1, "D")


def partial_covering(
    spans: Sequence[tuple[date | None, date | None]],
    periods: pd.DatetimeIndex,
    every: str,
    *,
    empty: bool = False,
    bounds: tuple[Any, Any] | None = None,
) -> dict[str, dict[str, Any]]:
    """Which of ``periods`` the covered days ``spans`` (inclusive ranges that do not
    overlap; None: an open end) cover only in part; with ``empty`` also those they do not
    cover at all (covered_days 0). Vectorised over the periods; ``bounds``: their
    ``period_bounds``, when computed once for many calls (``--by outlet``)."""
    first, last = bounds if bounds is not None else period_bounds(periods, every)
    days = (last - first).astype("int64") + 1
    covered = np.zeros(len(first), dtype="int64")
    for lo, hi in spans:
        start = np.maximum(first, np.datetime64(lo, "D")) if lo else first
        end = np.minimum(last, np.datetime64(hi, "D")) if hi else last
        covered += np.clip((end - start).astype("int64") + 1, 0, None)
    flagged = (covered < days) & ((covered > 0) | empty)
    out: dict[str, dict[str, Any]] = {}
    for i in np.flatnonzero(flagged).tolist():
        period = str(first[i])
        out[period] = {
            "period": period,
            "covered_days": int(covered[i]),
            "days": int(days[i]),
            "covered_fraction": round(int(covered[i]) / int(days[i]), 4),
        }
    return out


# per outlet group: its flagged periods and its covered days
PerGroup = dict[str | None, tuple[dict[str, dict[str, Any]], list[tuple[date, date]]]]


def _per_outlet(
    engine: Engine,
    span: DateRange | None,
    params: Params,
    periods: pd.DatetimeIndex,
    every: str,
    ids: dict[str, int],
    groups: list[Any],
) -> PerGroup:
    """Per outlet group with coverage rows: its flagged periods (``partial_covering`` of its
    channels' covered days, uncovered periods included) and those days
    (``outlet_days.outlet_days``); ``span`` is the archive's (``archive_span``), where each
    outlet's last covered range ends."""
    days = outlet_days(engine, span, ids, groups, params.date_from, params.date_to)
    bounds = period_bounds(periods, every)
    return {
        name: (partial_covering(d, periods, every, empty=True, bounds=bounds), d)
        for name, d in days.items()
    }


def _outlet_keys(per_group: PerGroup, groups: list[Any]) -> dict[str, Any]:
    """``partial_by_group`` and ``outlet_coverage`` (see the module docstring)."""
    flagged = [
        {"group": group, **p}
        for group, (partial, _) in sorted(per_group.items(), key=lambda g: str(g[0]))
        for p in partial.values()
    ]
    covered = coverage_rows({g: days for g, (_, days) in per_group.items()}, groups)
    return {"partial_by_group": flagged, "outlet_coverage": covered}


def chosen_outlets(known: dict[str, int], wanted: Sequence[str]) -> dict[str, int]:
    """Outlet name -> id of the names ``wanted`` (``--outlet``), sorted by name, among the
    ``known`` names (name -> id: as ``outlets list`` prints them; the web API passes the
    names its user sees). UsageError naming every unknown name with its close matches
    (same name in another case, names containing it, ``difflib``), each kind by name: not
    in the order the store happens to hold the outlets."""
    unknown = [name for name in dict.fromkeys(wanted) if name not in known]
    if unknown:
        what = "; ".join(f"{name!r}{_close(name, sorted(known))}" for name in unknown)
        raise UsageError(
            f"--outlet names no outlet of the store: {what}",
            hint="give each name exactly as `mutewatch outlets list` prints it; run "
            "`mutewatch outlets list` to see them",
        )
    return {name: known[name] for name in sorted(set(wanted))}


def known_outlets(names: pd.DataFrame) -> dict[str, int]:
    """Name -> id of every outlet (``Engine.outlet_names``)."""
    return {str(n): int(i) for i, n in zip(names["outlet_id"], names["name"], strict=True)}


def _close(name: str, known: list[str]) -> str:
    """`` (did you mean 'A', 'B'?)`` for up to three names close to ``name``, or ''."""
    low = name.casefold().strip()
    near = [k for k in known if k.casefold() == low]
    near += [k for k in known if low and low in k.casefold() and k not in near]
    near += [k for k in difflib.get_close_matches(name, known, n=3, cutoff=0.6) if k not in near]
    return f" (did you mean {', '.join(repr(k) for k in near[:3])}?)" if near else ""


def of_warnings(names: pd.DataFrame, chosen: dict[str, int], params: Params) -> list[str]:
    """A warning when ``--of`` leaves chosen outlets out whole (supporter outlets under
    ``--of official``, official ones under ``--of supporter``): their rows are zeros. It
    counts them rather than naming them: the web API pseudonymises supporter names for
    viewers where they stand as whole values (``parameters.outlets``), not inside text."""
    if params.of == "all":
        return []
    official = dict(zip(names["outlet_id"].astype(int), names["official"], strict=True))
    other = "supporter" if params.of == "official" else "official"
    left_out = sum(bool(official.get(oid)) != (params.of == "official") for oid in chosen.values())
    if not left_out:
        return []
    which = "the chosen outlet is"
    if len(chosen) > 1:
        which = f"{left_out} of the {len(chosen)} chosen outlets {'is' if left_out == 1 else 'are'}"
    return [
        f"--outlet: {which} {other} and --of {params.of} counts none of their posts "
        f"(parameters.outlets): pass --of {other} or --of all"
    ]


def _counts(
    engine: Engine, params: Params, by: str | None, every: str, ids: list[int]
) -> pd.DataFrame:
    """Counted posts per period and group; only of the outlets ``ids`` when given."""
    p = engine.posts(params)
    if ids:
        p = p.filter(p.outlet_id.isin(ids))
    if by == "host":
        links = engine.table("links")
        j = p.join(links, ["platform", "account_id", "message_id"])
        j = j.select(
            period=j.ts.truncate(_TRUNC[every]),
            # a host cut short in an older store ("t.c…") names no host, as a new one's ''
            group=readable_host(j.host).fill_null(""),
            platform=j.platform,
            account_id=j.account_id,
            message_id=j.message_id,
        ).distinct()
        return engine.execute(j.group_by(["period", "group"]).agg(count=j.count()))
    if by in _FROM_DAYS:  # sums over the per-day relation (derived.daily_expr)
        d = counted_days(engine.daily(), params)
        if ids:
            d = d.filter(d.outlet_id.isin(ids))
        key = {
            None: ibis.null().cast("string"),
            "outlet": d.outlet_id.cast("string"),
            "official": d.off.ifelse("official", "supporter"),
        }[by]
        t = d.select(period=d.day.truncate(_TRUNC[every]), group=key, n=d.n)
        return engine.execute(t.group_by(["period", "group"]).agg(count=t.n.sum().cast("int64")))
    group = {"medium": p.kind, "platform": p.platform}[by]
    t = p.select(period=p.ts.truncate(_TRUNC[every]), group=group)
    return engine.execute(t.group_by(["period", "group"]).agg(count=t.count()))


def _periods(
    df: pd.DataFrame, params: Params, every: str, counted: tuple[Any, Any] | None = None
) -> pd.DatetimeIndex | None:
    """Every period from ``--from`` (else the first counted) to ``--to`` (else the last);
    ``counted``: the first and last day counted of any outlet (``--outlet``), else those of
    ``df``."""
    first = bucket_start(params.date_from, every) if params.date_from else None
    last = bucket_start(params.date_to, every) if params.date_to else None
    if counted is not None and counted[0] is not None:
        first = first if first is not None else bucket_start(counted[0], every)
        last = last if last is not None else bucket_start(counted[1], every)
    elif not df.empty:
        first = first if first is not None else df["period"].min()
        last = last if last is not None else df["period"].max()
    if first is None or last is None:
        return None
    return pd.date_range(first, last, freq=_FREQ[every])


def _counted_days(engine: Engine, params: Params) -> tuple[Any, Any] | None:
    """The first and last UTC day of any post ``params`` count (None, None: none), unless
    ``--from`` and ``--to`` both fix the series' periods (then None)."""
    if params.date_from and params.date_to:
        return None
    d = counted_days(engine.daily(), params)
    row = engine.execute(d.aggregate(lo=d.day.min(), hi=d.day.max())).iloc[0]
    if pd.isna(row["lo"]):
        return None, None
    return pd.Timestamp(row["lo"]).date(), pd.Timestamp(row["hi"]).date()


def _zero_filled(
    df: pd.DataFrame, periods: pd.DatetimeIndex, groups: list[Any]
) -> list[dict[str, Any]]:
    """One row per period and group, with its count (0 where nothing was counted)."""
    key = pd.MultiIndex.from_product([periods, range(len(groups))], names=["p", "g"])
    code = {g: i for i, g in enumerate(groups)}
    counts = pd.Series(
        df["count"].to_numpy(dtype="int64"),
        index=pd.MultiIndex.from_arrays(
            [pd.DatetimeIndex(df["period"]), df["group"].map(code).to_numpy()]
        ),
    )
    counts = counts.groupby(level=[0, 1]).sum().reindex(key, fill_value=0)
    labels = periods.strftime("%Y-%m-%d").tolist()
    n_groups = len(groups)
    return [
        {"period": labels[i // n_groups], "group": groups[i % n_groups], "count": v}
        for i, v in enumerate(counts.to_numpy().tolist())
    ]


def _coverage(
    engine: Engine,
    params: Params,
    periods: pd.DatetimeIndex,
    every: str,
    by: str | None,
    ids: dict[str, int],
    groups: list[Any],
    chosen: dict[str, int],
) -> tuple[dict[str, dict[str, Any]], PerGroup, dict[str, Any]]:
    """The flagged periods rows are read against by default, per group ones, and the keys
    telling them (``coverage_basis``, ``partial_by_group``, ``outlet_coverage``,
    ``coverage_fallback``); ``ids``: outlet name -> id of the outlets ``--by outlet`` or
    ``--outlet`` names, ``chosen`` those ``--outlet`` names (see the module docstring)."""
    span, _ = archive_span(engine)
    partial = partial_periods(span, params, periods, every)
    if by == "outlet":
        per_group = _per_outlet(engine, span, params, periods, every, ids, groups)
        keys = {"coverage_basis": "outlet", **_outlet_keys(per_group, groups)}
        if chosen:
            keys["coverage_fallback"] = [g for g in chosen if g not in per_group]
        return partial, per_group, keys
    if not chosen:
        return partial, {}, {"coverage_basis": "archive"}
    read = read_chosen(engine, chosen, params.date_from, params.date_to, span)
    days = [(r.start, r.end) for r in read.union]
    partial = partial_covering(days, periods, every, empty=True)
    return (
        partial,
        {},
        {
            "coverage_basis": read.basis,
            "outlet_coverage": read.rows,
            "coverage_fallback": read.fallback,
        },
    )


def _basis(by: str | None, chosen: dict[str, int]) -> str:
    """``coverage_basis`` when there is no period to read (see ``_coverage``)."""
    if by == "outlet" or len(chosen) == 1:
        return "outlet"
    return "outlets" if chosen else "archive"


def _method(chosen: dict[str, int]) -> str:
    """The module docstring's method paragraph, and its outlet filter one when chosen."""
    parts = (__doc__ or "").split("\n\n")
    # a space ends the paragraph, as when it ended the docstring (the golden answers)
    text = parts[1].replace("\n", " ") + " " if len(parts) > 1 else ""
    if chosen:  # named in parameters.outlets (whole values, which viewers see pseudonymised)
        text += parts[2].replace("\n", " ").strip()
        text += f" This run counts {len(chosen)} outlet{'s' if len(chosen) > 1 else ''}."
    return text


def measure(
    engine: Engine,
    params: Params,
    *,
    by: str | None = None,
    every: str = "day",
    outlets: Sequence[str] | None = (),
) -> dict[str, Any]:
    """Counted posts per period (and group), zero-filled, of every outlet or of the
    ``outlets`` named; see the module docstring."""
    if by is not None and by not in BY_CHOICES:
        raise UsageError(f"--by {by!r} is not known", hint=f"use one of {BY_CHOICES}")
    if every not in EVERY_CHOICES:
        raise UsageError(f"--every {every!r} is not known", hint=f"use one of {EVERY_CHOICES}")
    wanted = [outlets] if isinstance(outlets, str) else list(outlets or ())
    names = engine.outlet_names() if wanted or by == "outlet" else None
    chosen = chosen_outlets(known_outlets(names), wanted) if names is not None and wanted else {}
    df = _counts(engine, params, by, every, sorted(chosen.values()))
    df["group"] = df["group"].astype(object).where(df["group"].notna(), None)
    ids = dict(chosen)  # outlet name -> id, for --by outlet and --outlet
    if by == "outlet" and names is not None and not df.empty:
        mapping = dict(zip(names["outlet_id"].astype(str), names["name"], strict=True))
        df["group"] = df["group"].map(lambda g: mapping.get(g) if isinstance(g, str) else None)
        ids = known_outlets(names)
    periods = _periods(df, params, every, _counted_days(engine, params) if chosen else None)
    rows: list[dict[str, Any]] = []
    partial: dict[str, dict[str, Any]] = {}
    keys: dict[str, Any] = {}
    if periods is not None:
        if by == "outlet" and chosen:
            groups: list[Any] = list(chosen)
        elif by:
            groups = sorted(set(df["group"]), key=lambda g: (g is None, g or ""))
        else:
            groups = [None]
            df["group"] = None
        rows = _zero_filled(df, periods, groups)
        partial, per_group, keys = _coverage(
            engine, params, periods, every, by, ids, groups, chosen
        )
        for row in rows:
            flagged = per_group[row["group"]][0] if row["group"] in per_group else partial
            if row["period"] in flagged:
                row["partial"] = True
                row["covered_fraction"] = flagged[row["period"]]["covered_fraction"]
    elif by == "outlet":
        keys = _outlet_keys({}, [])
    result: dict[str, Any] = {
        "every": every,
        "by": by,
        "rows": rows,
        "partial_periods": list(partial.values()),
        "coverage_basis": keys.pop("coverage_basis", _basis(by, chosen)),
        **keys,
        "total": int(df["count"].sum()) if not df.empty else 0,
        "parameters": {
            **params.echo(),
            "by": by,
            "every": every,
            **({"outlets": list(chosen)} if chosen else {}),
        },
        "method": _method(chosen),
    }
    warnings = of_warnings(names, chosen, params) if names is not None and chosen else []
    fallback = keys.get("coverage_fallback") or []
    warnings += fallback_warnings(fallback, len(chosen), grouped=by == "outlet")
    if warnings:
        result["warnings"] = warnings
    return result
