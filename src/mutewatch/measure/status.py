"""Outlet status: who was active in a baseline, who fell silent in a period, and when.

Method: counted posts (``--of``, ``--include-forwards``; ``--from``/``--to`` further narrow
both windows) are counted per outlet in the baseline ``A..B`` and the period ``C..D``
(inclusive UTC dates) in one Ibis aggregation. Rates are per day (count / days in the
window) so windows of different length compare; ``ratio = period_per_day /
baseline_per_day``. Status: ``new`` (nothing in the baseline), ``dormant`` (active in the
baseline, nothing in the period), ``silenced`` (ratio <= threshold), ``active`` otherwise.
Outlets with nothing in either window are not listed. Accounts that no registry names stand
as their own (non-official) outlets and count under ``--of supporter|all``. Summary:
``silenced`` counts outlets active in the baseline whose ratio <= threshold, dormant ones
included; ``share_silenced = silenced / active_in_baseline``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from mutewatch.errors import UsageError
from mutewatch.measure import stats
from mutewatch.measure.derived import counted_days
from mutewatch.measure.engine import Engine
from mutewatch.measure.params import DateRange, Params, iso, parse_range

_DIRECTION = {"silenced": "down", "dormant": "down", "new": "up", "active": "any"}


def _status(base: int, period: int, ratio: float | None, threshold: float) -> str:
    if base == 0:
        return "new"
    if period == 0:
        return "dormant"
    return "silenced" if ratio is not None and ratio <= threshold else "active"


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
    ids = [i for i in statuses if i >= 0]
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
    base = parse_range(baseline, "--baseline")
    per = parse_range(period, "--period")
    if not 0 <= silenced_below <= 1:
        raise UsageError(
            f"--silenced-below {silenced_below} is not a share", hint="give a number in 0..1"
        )
    d = counted_days(engine.daily(), params)
    d = d.select(oid=d.outlet_id.fill_null(-1), day=d.day, n=d.n)
    in_base = (d.day >= base.ts_start) & (d.day < base.ts_end)
    in_per = (d.day >= per.ts_start) & (d.day < per.ts_end)
    t = d.filter(in_base | in_per).mutate(in_base=in_base, in_per=in_per)
    agg = t.group_by("oid").agg(
        base_n=t.n.sum(where=t.in_base).fill_null(0).cast("int64"),
        period_n=t.n.sum(where=t.in_per).fill_null(0).cast("int64"),
    )
    df = engine.execute(agg)
    names = engine.outlet_names().set_index("outlet_id")
    rows: list[dict[str, Any]] = []
    statuses: dict[int, str] = {}
    for r in df.itertuples(index=False):
        oid, bn, pn = int(r.oid), int(r.base_n), int(r.period_n)
        b_rate, p_rate = bn / base.days, pn / per.days
        ratio = p_rate / b_rate if bn else None
        st = _status(bn, pn, ratio, silenced_below)
        statuses[oid] = st
        known = oid in names.index
        rows.append(
            {
                "outlet": str(names.at[oid, "name"]) if known else None,
                "official": bool(names.at[oid, "official"]) if known else None,
                "registered": bool(names.at[oid, "registered"]) if known else None,
                "baseline_posts": bn,
                "period_posts": pn,
                "baseline_per_day": round(b_rate, 6),
                "period_per_day": round(p_rate, 6),
                "ratio": round(ratio, 6) if ratio is not None else None,
                "status": st,
                "changed_at": None,
                "_oid": oid,
            }
        )
    span = DateRange(min(base.start, per.start), max(base.end, per.end))
    if change_points:
        found = _changes(engine, params, span, statuses, min_segment_days)
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
    active_base = sum(1 for r in rows if r["baseline_posts"] > 0)
    silenced = sum(
        1
        for r in rows
        if r["baseline_posts"] > 0 and r["ratio"] is not None and r["ratio"] <= silenced_below
    )
    return {
        "baseline": {**base.echo()},
        "period": {**per.echo()},
        "threshold": silenced_below,
        "outlets": rows,
        "summary": {
            "active_in_baseline": active_base,
            "active_in_period": sum(1 for r in rows if r["period_posts"] > 0),
            "silenced": silenced,
            "share_silenced": round(silenced / active_base, 6) if active_base else None,
            "by_status": {s: sum(1 for r in rows if r["status"] == s) for s in _DIRECTION},
        },
        "parameters": {
            **params.echo(),
            "baseline": f"{base.start}..{base.end}",
            "period": f"{per.start}..{per.end}",
            "silenced_below": silenced_below,
            "change_points": change_points,
            "min_segment_days": min_segment_days,
        },
        "method": " ".join((__doc__ or "").split("\n\n")[1].split()),
        "change_method": stats.CHANGE_METHOD.format(min_size=min_segment_days)
        if change_points
        else None,
    }
