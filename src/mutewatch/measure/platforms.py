"""Where outbound links point, and how many places are in use ("fewer places to upload").

Method:

* Links are the ``links`` table (one row per URL found in a post, with its ``host`` and
  ``host_class``: telegram, onion, file_host, paste, video, social, shortener, other),
  restricted to links in counted posts (``--of``, ``--include-forwards``, ``--from``/``--to``:
  a semi-join on the post key), bucketed by the link's UTC time (that of its post;
  ``--every``).
  Counting runs on the per-day relation of links (``derived.links_expr``).
* Per period: links by host class (count and distinct hosts), the ``--top`` hosts by links,
  the number of distinct hosts and of distinct host classes ("platforms") in use; a link
  that names no host (a URL cut short in it) counts in its class's links, never as a host
  or a kind of platform. Each class entry (``by_class`` of a period, ``host_classes`` of the
  window) says how many of its links name no host (``links_without_host``).
* Trend of the distinct counts over full periods: Kendall's tau with its p-value and the
  Theil-Sen slope (``trend.monotone_trend``). ``falling`` means fewer places to upload.
* Shortened links (class ``shortener``: t.co, bit.ly, ...) name the shortener, not where
  the content is: mutewatch never follows a link to find out. Where the counted links hold
  any, the total says how many (``shortened_links``, ``shortened_share``) and through which
  shorteners (``shortener_hosts``); the keys are left out where there is none.
* Per host class: first and last link seen, and ``gone`` when its last link falls before the
  last period began.

All counting (including distinct counts) is done by Ibis expressions on the shared engine.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from mutewatch.measure import trend as tr
from mutewatch.measure.derived import counted_link_days
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


def host_summary(eng: Engine, params: Params) -> pd.DataFrame:
    """One row per (host_class, host) among counted links: links, first and last time."""
    t = counted_link_days(eng.link_days(), params)
    expr = t.group_by(["host_class", "host"]).aggregate(
        links=t.n.sum().cast("int64"), first=t.first.min(), last=t.last.max()
    )
    return eng.execute(expr)


SHORTENER = "shortener"


def summarise(hosts: pd.DataFrame) -> dict[str, Any]:
    """Links, distinct hosts and classes, links by class, from ``host_summary`` rows; with
    shortened links among them, how many and through which shorteners (``shortened``)."""
    by = hosts.groupby("host_class")["links"].sum() if len(hosts) else pd.Series(dtype=int)
    links = int(hosts["links"].sum()) if len(hosts) else 0
    out = {
        "links": links,
        "hosts": int(hosts["host"].dropna().nunique()) if len(hosts) else 0,
        "host_classes": _named_classes(hosts),
        "by_class": {str(c): int(n) for c, n in sorted(by.items())},
    }
    return {**out, **shortened(hosts, links)}


def _named_classes(hosts: pd.DataFrame) -> int:
    """Distinct host classes of links that name a host. A link naming none (a URL cut short
    in its host, "https://t.c…") is class other but no kind of platform, as it is no host:
    counted as one, every month with a cut link beside the t.co links of a tweet archive
    had two kinds of platform where it has one."""
    return int(hosts.dropna(subset=["host"])["host_class"].nunique()) if len(hosts) else 0


def shortened(hosts: pd.DataFrame, links: int) -> dict[str, Any]:
    """``shortened_links``, ``shortened_share`` (of all counted links) and
    ``shortener_hosts`` (host and links, most first) of ``host_summary`` rows.

    Empty where no counted link is shortened: one shortened link already makes the host
    counts partly the shorteners' (a researcher reading "N hosts" must know), and outputs
    without any keep the shape they had."""
    rows = hosts[hosts["host_class"] == SHORTENER] if len(hosts) else hosts
    count = int(rows["links"].sum()) if len(rows) else 0
    if count == 0 or links == 0:
        return {}
    per_host = rows.dropna(subset=["host"]).groupby("host")["links"].sum()
    named = sorted(((str(h), int(n)) for h, n in per_host.items()), key=lambda r: (-r[1], r[0]))
    return {
        "shortened_links": count,
        "shortened_share": round(count / links, 4),
        "shortener_hosts": [{"host": h, "links": n} for h, n in named],
    }


def shortened_words(summary: dict[str, Any], when: str = "") -> str | None:
    """What the shortened links of a ``summarise`` result mean, as a clause; None without
    any. ``when`` ("in 2017-11") follows "links"."""
    count = int(summary.get("shortened_links", 0))
    if not count:
        return None
    names = [h["host"] for h in summary.get("shortener_hosts", [])]
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    counted = int(summary["hosts"])
    if len(names) >= counted:
        hosts = (
            "the host counted is the shortener's"
            if counted == 1
            else "the hosts counted are the shorteners'"
        )
    else:
        hosts = f"{len(names)} of the {counted} hosts counted " + (
            "is a shortener" if len(names) == 1 else "are shorteners"
        )
    one = count == 1  # 1 of 9 links goes through it, and it cannot be told without following
    links = "link" if int(summary["links"]) == 1 else "links"
    return (
        f"{shortened_numbers(summary)} {links}{when} ({summary['shortened_share']:.1%}) "
        f"{'goes' if one else 'go'} through link shorteners{f' ({shown})' if shown else ''}, "
        f"whose destination mutewatch cannot tell without following "
        f"{'it' if one else 'them'}, which it never does: {hosts}"
    )


def shortened_numbers(summary: dict[str, Any]) -> str:
    """'8,644 of 9,297': shortened links of all links of a ``summarise`` result."""
    return f"{int(summary.get('shortened_links', 0)):,} of {int(summary['links']):,}"


def totals(eng: Engine, params: Params, first: date, last: date) -> dict[str, Any]:
    """The window ``first..last`` as one row: links, distinct hosts/classes, links by class."""
    sub = params.within(first, last)
    return {"from": first.isoformat(), "to": last.isoformat(), **summarise(host_summary(eng, sub))}


def class_times(hosts: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Per host class: first and last link time (ISO UTC), and ``links_without_host``, how
    many of its links name no host (cut short in it, "https://t.c…"), from ``host_summary``
    rows."""
    out: dict[str, dict[str, Any]] = {}
    for cls, group in hosts.groupby("host_class", sort=True):
        out[str(cls)] = {
            "first": iso(pd.Timestamp(group["first"].min()).to_pydatetime()),
            "last": iso(pd.Timestamp(group["last"].max()).to_pydatetime()),
            "links_without_host": int(group.loc[group["host"].isna(), "links"].sum()),
        }
    return out


def _per_period(eng: Engine, params: Params, every: str, top: int) -> dict[date, dict[str, Any]]:
    """One bucketed aggregation (bucket, class, host); per-period rows keyed by bucket start."""
    t = counted_link_days(eng.link_days(), params)
    t = t.mutate(bucket=tr.bucket(t.day, every))
    df = eng.execute(
        t.group_by(["bucket", "host_class", "host"]).aggregate(links=t.n.sum().cast("int64"))
    )
    rows: dict[date, list[tuple[str, str | None, int]]] = defaultdict(list)
    buckets = df["bucket"].to_numpy(dtype="datetime64[D]").tolist()
    hosts = [None if pd.isna(h) else str(h) for h in df["host"].tolist()]
    for b, c, h, n in zip(
        buckets, df["host_class"].tolist(), hosts, df["links"].tolist(), strict=True
    ):
        rows[b].append((str(c), h, int(n)))
    return {b: _period_row(rows[b], top) for b in sorted(rows)}


def _period_row(rows: list[tuple[str, str | None, int]], top: int) -> dict[str, Any]:
    """One period from its (host class, host, links) rows (plain Python: a few rows)."""
    by_class: dict[str, dict[str, Any]] = {}
    for c, h, n in rows:
        entry = by_class.setdefault(c, {"links": 0, "hosts": set(), "without_host": 0})
        entry["links"] += n
        if h is not None:
            entry["hosts"].add(h)
        else:
            entry["without_host"] += n
    named = sorted(((h, n) for _, h, n in rows if h is not None), key=lambda r: (-r[1], r[0]))
    return {
        "links": sum(n for _, _, n in rows),
        "hosts": len({h for _, h, _ in rows if h is not None}),
        "host_classes": sum(1 for entry in by_class.values() if entry["hosts"]),
        "by_class": {
            c: {
                "links": by_class[c]["links"],
                "hosts": len(by_class[c]["hosts"]),
                "links_without_host": by_class[c]["without_host"],
            }
            for c in sorted(by_class)
        },
        "top_hosts": [{"host": h, "links": n} for h, n in named[:top]],
    }


def measure(eng: Engine, params: Params, *, every: str = "month", top: int = 10) -> dict[str, Any]:
    """``mutewatch platforms`` on an open engine: the JSON object the command prints."""
    tr.check_every(every)
    window = tr.periodic_window(eng, params)
    if window is None:  # no post, or --from/--to past them
        return _empty(params, every, top)
    first, last = window
    found = _per_period(eng, params, every, top)
    empty = {"links": 0, "hosts": 0, "host_classes": 0, "by_class": {}, "top_hosts": []}
    rows = []
    for b in tr.bucket_rows(first, last, every):
        row = {"period": b["period"], "start": b["start"].isoformat(), "full": b["full"]}
        row["days"] = b["days"]
        row.update(found.get(b["start"], empty))
        rows.append(row)
    full = [r for r in rows if r["full"]]  # a period held in part is never in a trend
    hosts = host_summary(eng, params)
    last_start = rows[-1]["start"] if rows else None
    classes = {
        c: {**s, "gone": bool(last_start and s["last"] and s["last"][:10] < last_start)}
        for c, s in class_times(hosts).items()
    }
    echo = params.echo()
    echo.update(every=every, top=top)
    return {
        "parameters": echo,
        "method": METHOD,
        "rows": rows,
        "total": {"from": first.isoformat(), "to": last.isoformat(), **summarise(hosts)},
        "host_classes": classes,
        "trend": {
            "hosts": tr.monotone_trend([r["hosts"] for r in full]),
            "host_classes": tr.monotone_trend([r["host_classes"] for r in full]),
        },
    }


def _empty(params: Params, every: str, top: int) -> dict[str, Any]:
    echo = params.echo()
    echo.update(every=every, top=top)
    empty = tr.empty_periodic(echo, METHOD, ("hosts", "host_classes"), [])
    return {**empty, "host_classes": {}}


def platforms(store_path: str | Path, **options: Any) -> dict[str, Any]:
    """Library entry: the same as ``run_measurement("platforms", store, **options)``."""
    from mutewatch.measure.registry import run_measurement  # the registry imports this module

    return run_measurement("platforms", Path(store_path), **options)
