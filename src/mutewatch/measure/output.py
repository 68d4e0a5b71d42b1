"""Output series: counted posts per period, optionally per group, zero-filled.

Method: counted posts (``--of``, ``--include-forwards``, ``--from``/``--to``) are bucketed by
UTC calendar period (``day``; ``week`` starting Monday; ``month``) and counted per group in one
Ibis expression (DuckDB or Spark). The series is zero-filled over every period from the first
to the last (``--from``/``--to`` when given, else the first and last counted post) for every
group seen in that window. Groups: ``outlet`` (outlet name; unattributed posts are
``null``), ``medium`` (``posts.kind``), ``platform``, ``official`` (``official`` /
``supporter``), ``host`` (each counted post counts once under every distinct host it links
to; posts without links are not in the host series). ``period`` is the bucket start.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import ibis
import pandas as pd

from mutewatch.errors import UsageError
from mutewatch.measure.derived import counted_days
from mutewatch.measure.engine import Engine
from mutewatch.measure.params import BY_CHOICES, EVERY_CHOICES, Params

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


def _counts(engine: Engine, params: Params, by: str | None, every: str) -> pd.DataFrame:
    p = engine.posts(params)
    if by == "host":
        links = engine.table("links")
        j = p.join(links, ["platform", "account_id", "message_id"])
        j = j.select(
            period=j.ts.truncate(_TRUNC[every]),
            group=j.host,
            platform=j.platform,
            account_id=j.account_id,
            message_id=j.message_id,
        ).distinct()
        return engine.execute(j.group_by(["period", "group"]).agg(count=j.count()))
    if by in _FROM_DAYS:  # sums over the per-day relation (derived.daily_expr)
        d = counted_days(engine.daily(), params)
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


def measure(
    engine: Engine, params: Params, *, by: str | None = None, every: str = "day"
) -> dict[str, Any]:
    """Counted posts per period (and group), zero-filled; see the module docstring."""
    if by is not None and by not in BY_CHOICES:
        raise UsageError(f"--by {by!r} is not known", hint=f"use one of {BY_CHOICES}")
    if every not in EVERY_CHOICES:
        raise UsageError(f"--every {every!r} is not known", hint=f"use one of {EVERY_CHOICES}")
    df = _counts(engine, params, by, every)
    df["group"] = df["group"].astype(object).where(df["group"].notna(), None)
    if by == "outlet" and not df.empty:
        names = engine.outlet_names()
        mapping = dict(zip(names["outlet_id"].astype(str), names["name"], strict=True))
        df["group"] = df["group"].map(lambda g: mapping.get(g) if isinstance(g, str) else None)
    first = bucket_start(params.date_from, every) if params.date_from else None
    last = bucket_start(params.date_to, every) if params.date_to else None
    if not df.empty:
        first = first if first is not None else df["period"].min()
        last = last if last is not None else df["period"].max()
    rows: list[dict[str, Any]] = []
    if first is not None and last is not None:
        periods = pd.date_range(first, last, freq=_FREQ[every])
        groups = sorted(set(df["group"]), key=lambda g: (g is None, g or "")) if by else [None]
        if not by:
            df["group"] = None
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
        values = counts.to_numpy().tolist()
        rows = [
            {"period": labels[i // n_groups], "group": groups[i % n_groups], "count": v}
            for i, v in enumerate(values)
        ]
    return {
        "every": every,
        "by": by,
        "rows": rows,
        "total": int(df["count"].sum()) if not df.empty else 0,
        "parameters": {**params.echo(), "by": by, "every": every},
        "method": __doc__.split("\n\n")[1].replace("\n", " ") if __doc__ else "",
    }
