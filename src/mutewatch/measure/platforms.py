"""Where outbound links point, and how many places are in use ("fewer places to upload").

Method:

* Links are the ``links`` table (one row per URL found in a post, with its ``host`` and
  ``host_class``: telegram, onion, file_host, paste, video, social, other), restricted to
  links in counted posts (``--of``, ``--include-forwards``, ``--from``/``--to``: a semi-join
  on the post key), bucketed by the post's UTC time (``--every``).
* Per period: links by host class (count and distinct hosts), the ``--top`` hosts by links,
  the number of distinct hosts and of distinct host classes ("platforms") in use.
* Trend of the distinct counts over full periods: Kendall's tau with its p-value and the
  Theil-Sen slope (``trend.monotone_trend``). ``falling`` means fewer places to upload.
* Per host class: first and last link seen, and ``gone`` when its last link falls before the
  last period began.

All counting (including distinct counts) is done by Ibis expressions on the shared engine.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import ibis.expr.types as ir
import pandas as pd

from mutewatch.measure import trend as tr
from mutewatch.measure.engine import Engine
from mutewatch.measure.params import Params, iso

METHOD = {
    "links": "links in counted posts (semi-join on platform, account_id, message_id), "
    "bucketed by the post's UTC time",
    "distinct": "distinct hosts and distinct host classes (platforms) per period",
    "trend": "Kendall's tau (p-value) and Theil-Sen slope of the per-period distinct counts, "
    "full periods only; falling = fewer places to upload",
    "gone": "a host class is gone when its last link precedes the start of the last period",
}
KEY = ["platform", "account_id", "message_id"]


def counted_links(eng: Engine, params: Params) -> ir.Table:
    """Links of counted posts (a semi-join on the post key)."""
    posts = eng.posts(params).select(*KEY)
    links = eng.table("links")
    return links.join(posts, KEY, how="semi")


def _distinct(t: ir.Table) -> dict[str, Any]:
    return {
        "links": t.count(),
        "hosts": t.host.nunique(),
        "host_classes": t.host_class.nunique(),
    }


def totals(eng: Engine, params: Params, first: date, last: date) -> dict[str, Any]:
    """The window ``first..last`` as one row: links, distinct hosts/classes, links by class."""
    sub = Params(
        of=params.of,
        include_forwards=params.include_forwards,
        date_from=first,
        date_to=last,
        engine=params.engine,
    )
    t = counted_links(eng, sub)
    head = eng.execute(t.aggregate(**_distinct(t))).iloc[0].fillna(0)
    by = eng.execute(t.group_by("host_class").aggregate(links=t.count()))
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "links": int(head["links"]),
        "hosts": int(head["hosts"]),
        "host_classes": int(head["host_classes"]),
        "by_class": {
            str(c): int(n) for c, n in sorted(zip(by["host_class"], by["links"], strict=True))
        },
    }


def last_seen(eng: Engine, params: Params) -> dict[str, dict[str, str | None]]:
    """Per host class: first and last link time (ISO UTC) among counted links."""
    t = counted_links(eng, params)
    df = eng.execute(t.group_by("host_class").aggregate(first=t.ts.min(), last=t.ts.max()))
    return {
        str(r["host_class"]): {
            "first": iso(pd.Timestamp(r["first"]).to_pydatetime()),
            "last": iso(pd.Timestamp(r["last"]).to_pydatetime()),
        }
        for r in df.to_dict("records")
    }


def _per_period(eng: Engine, params: Params, every: str, top: int) -> dict[date, dict[str, Any]]:
    """Execute the three bucketed aggregations; return them keyed by bucket start date."""
    t = counted_links(eng, params)
    t = t.mutate(bucket=tr.bucket(t.ts, every))
    head = eng.execute(t.group_by("bucket").aggregate(**_distinct(t)))
    by_class = eng.execute(
        t.group_by(["bucket", "host_class"]).aggregate(links=t.count(), hosts=t.host.nunique())
    )
    by_host = eng.execute(t.group_by(["bucket", "host"]).aggregate(links=t.count()))

    def day(b: Any) -> date:
        stamp: date = pd.Timestamp(b).date()
        return stamp

    out: dict[date, dict[str, Any]] = {}
    for r in head.to_dict("records"):
        out[day(r["bucket"])] = {
            "links": int(r["links"]),
            "hosts": int(r["hosts"]),
            "host_classes": int(r["host_classes"]),
            "by_class": {},
            "top_hosts": [],
        }
    for r in by_class.sort_values(["bucket", "host_class"]).to_dict("records"):
        out[day(r["bucket"])]["by_class"][str(r["host_class"])] = {
            "links": int(r["links"]),
            "hosts": int(r["hosts"]),
        }
    by_host = by_host[by_host["host"].notna()].sort_values(
        ["bucket", "links", "host"], ascending=[True, False, True]
    )
    for b, group in by_host.groupby("bucket", sort=True):
        out[day(b)]["top_hosts"] = [
            {"host": str(h), "links": int(n)}
            for h, n in zip(group["host"][:top], group["links"][:top], strict=True)
        ]
    return out


def measure(eng: Engine, params: Params, *, every: str = "month", top: int = 10) -> dict[str, Any]:
    """``mutewatch platforms`` on an open engine: the JSON object the command prints."""
    tr.check_every(every)
    first, last = tr.window_of(eng, params)
    found = _per_period(eng, params, every, top)
    empty = {"links": 0, "hosts": 0, "host_classes": 0, "by_class": {}, "top_hosts": []}
    rows = []
    for b in tr.bucket_rows(first, last, every):
        row = {"period": b["period"], "start": b["start"].isoformat(), "full": b["full"]}
        row["days"] = b["days"]
        row.update(found.get(b["start"], empty))
        rows.append(row)
    full = [r for r in rows if r["full"]] or rows
    seen = last_seen(eng, params)
    last_start = rows[-1]["start"] if rows else None
    classes = {
        c: {**s, "gone": bool(last_start and s["last"] and s["last"][:10] < last_start)}
        for c, s in sorted(seen.items())
    }
    echo = params.echo()
    echo.update(every=every, top=top)
    return {
        "parameters": echo,
        "method": METHOD,
        "rows": rows,
        "total": totals(eng, params, first, last),
        "host_classes": classes,
        "trend": {
            "hosts": tr.monotone_trend([r["hosts"] for r in full]),
            "host_classes": tr.monotone_trend([r["host_classes"] for r in full]),
        },
    }


def platforms(store_path: str | Path, **options: Any) -> dict[str, Any]:
    """Library entry (``run_measurement("platforms", store, **options)``)."""
    params = Params.from_options(options)
    with Engine.for_params(store_path, params) as eng:
        return measure(eng, params, **options)
