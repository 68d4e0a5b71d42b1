"""Supporters beside the official outlets: their share of posts, and amplification.

Method:

* **Supporter share** per period = supporter posts / (supporter posts + official posts).
  Supporter = any account not of an official outlet (``posts.official`` FALSE or unknown).
  Forwards count on both sides only with ``--include-forwards`` (default: originals only,
  i.e. official releases vs supporter-made posts). ``--of`` does not apply: this measurement
  is the comparison of the two sides, so it always counts every post (both sides). The
  result says so: ``parameters.of`` is ``"all"`` (what is counted) and, when ``--of`` was
  given as anything but ``all`` or the default ``official``, ``notes`` says it was not
  applied.
* **Empty store or window**: no rows, zero totals, null trends and a note (not an error),
  also when ``--from`` falls after the store's last post or ``--to`` before its first.
* **Amplification** per period = supporter posts that forward a post of an official
  outlet's account: ``forwarded_account_id`` is the id of an account attributed to an
  official outlet or, where the export gave only a name, ``forwarded_from`` equals a name such
  an account had (``account_names``) or the registry gave it (``outlet_accounts``), and no
  account of another outlet had (case ignored). A name accounts of an official and another
  outlet share is ambiguous: the forward is resolved to no account (``outlets``) and is
  not counted.
  Reported as a count, per day, per official release of the same period
  (``forwards_per_release``) and as the number of distinct supporter accounts amplifying.
* **Trend** of each per-period series over full periods: Kendall's tau with its p-value and
  the Theil-Sen slope (``trend.monotone_trend``), computed on the period values, so bursts
  of posting do not inflate significance.

Aggregation is one Ibis expression per output (bucketed conditional counts and a distinct
count), run on the shared engine; the statistics run on the per-period rows.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from mutewatch.measure import trend as tr
from mutewatch.measure.engine import Engine
from mutewatch.measure.params import Params

METHOD = {
    "share": "supporter posts / (supporter posts + official posts); forwards on both sides only "
    "with --include-forwards; --of does not apply",
    "amplification": "supporter posts forwarding a post of an official outlet's account "
    "(forwarded_account_id, else forwarded_from = a name of such an account and of no "
    "account of another outlet)",
    "trend": "Kendall's tau (p-value) and Theil-Sen slope of the per-period values, full "
    "periods only",
}


def official_accounts(eng: Engine) -> tuple[ir.Table, ir.Table]:
    """Ids of accounts attributed to official outlets, and the names that tell a forward
    from one of them: names they had or the registry gives them, which no account of a
    non-official outlet had (case ignored; two one-column tables)."""
    acc = eng.table("accounts")
    outlets = eng.table("outlets")
    out = outlets.filter(lambda o: o.official.fill_null(False))
    ids = acc.join(out, acc.outlet_id == out.outlet_id).select(account_id=acc.account_id)
    names_tbl = eng.table("account_names")
    names = names_tbl.join(ids, names_tbl.account_id == ids.account_id).select(name=names_tbl.name)
    oa = eng.table("outlet_accounts")
    reg = oa.join(out, oa.outlet_id == out.outlet_id).filter(oa.account_name.notnull())
    names = names.union(reg.select(name=oa.account_name), distinct=True)
    others = acc.filter(~acc.outlet_id.isin(out.outlet_id) | acc.outlet_id.isnull())
    shared = names_tbl.filter(names_tbl.account_id.isin(others.account_id)).select(
        name=names_tbl.name.lower()
    )
    return ids, names.filter(~names.name.lower().isin(shared.name))


def flags(eng: Engine, params: Params) -> ir.Table:
    """Posts in the window with boolean columns: counted official/supporter, amplification."""
    p = tr.date_filter(eng.table("posts"), params)
    ids, names = official_accounts(eng)
    is_off = p.official.fill_null(False)
    is_fwd = p.forwarded_from.notnull()
    counted = ibis.literal(True) if params.include_forwards else ~is_fwd
    by_id = p.forwarded_account_id.notnull() & p.forwarded_account_id.isin(ids.account_id)
    by_name = p.forwarded_account_id.isnull() & p.forwarded_from.isin(names.name)
    return p.mutate(
        c_official=is_off & counted,
        c_release=is_off & ~is_fwd,
        c_supporter=~is_off & counted,
        c_amp=~is_off & is_fwd & (by_id | by_name),
    )


def _aggregates(t: ir.Table) -> dict[str, Any]:
    return {
        "official": t.count(where=t.c_official),
        "releases": t.count(where=t.c_release),
        "supporter": t.count(where=t.c_supporter),
        "amplification": t.count(where=t.c_amp),
        "amplifiers": t.account_id.nunique(where=t.c_amp),
    }


def _row(values: dict[str, Any], days: int) -> dict[str, Any]:
    official, supporter = int(values["official"]), int(values["supporter"])
    releases, amp = int(values["releases"]), int(values["amplification"])
    posts = official + supporter
    return {
        "days": days,
        "official": official,
        "supporter": supporter,
        "posts": posts,
        "share": round(supporter / posts, 4) if posts else None,
        "official_releases": releases,
        "amplification": amp,
        "amplification_per_day": round(amp / days, 4) if days else None,
        "forwards_per_release": round(amp / releases, 4) if releases else None,
        "amplifiers": int(values["amplifiers"]),
    }


def totals(eng: Engine, params: Params, first: date, last: date) -> dict[str, Any]:
    """The whole window ``first..last`` as one row (used by findings for its two windows)."""
    sub = params.within(first, last)
    t = flags(eng, sub)
    df = eng.execute(t.aggregate(**_aggregates(t)))
    row = _row(df.iloc[0].fillna(0).to_dict(), (last - first).days + 1)
    row.update({"from": first.isoformat(), "to": last.isoformat()})
    return row


def _echo(params: Params, every: str) -> tuple[dict[str, Any], list[str]]:
    """The parameters as applied (``of`` is what is counted: ``all``) and notes on them."""
    echo = params.echo()
    notes: list[str] = []
    if params.of not in ("official", "all"):
        notes.append(
            f"--of {params.of} was not applied: supporters compares official and supporter "
            "posts, so it counts every post"
        )
    echo.update(of="all", every=every)
    return echo, notes


def _empty(params: Params, every: str, notes: list[str]) -> dict[str, Any]:
    echo, _ = _echo(params, every)
    return tr.empty_periodic(echo, METHOD, ("share", "amplification_per_day"), notes)


def measure(eng: Engine, params: Params, *, every: str = "month") -> dict[str, Any]:
    """``mutewatch supporters`` on an open engine: the JSON object the command prints."""
    tr.check_every(every)
    echo, notes = _echo(params, every)
    window = tr.periodic_window(eng, params)
    if window is None:  # no post, or --from/--to past them
        return _empty(params, every, notes)
    first, last = window
    t = flags(eng, params)
    t = t.mutate(bucket=tr.bucket(t.ts, every))
    df = eng.execute(t.group_by("bucket").aggregate(**_aggregates(t)))
    found = {
        pd.Timestamp(b).date(): r for b, r in zip(df["bucket"], df.to_dict("records"), strict=True)
    }
    zero = {"official": 0, "releases": 0, "supporter": 0, "amplification": 0, "amplifiers": 0}
    rows = []
    for b in tr.bucket_rows(first, last, every):
        row = {"period": b["period"], "start": b["start"].isoformat(), "full": b["full"]}
        row.update(_row(found.get(b["start"], zero), b["days"]))
        rows.append(row)
    full = [r for r in rows if r["full"]]  # a period held in part is never in a trend
    return {
        "parameters": echo,
        "notes": notes,
        "method": METHOD,
        "rows": rows,
        "total": totals(eng, params, first, last),
        "trend": {
            "share": tr.monotone_trend([r["share"] for r in full]),
            "amplification_per_day": tr.monotone_trend([r["amplification_per_day"] for r in full]),
        },
    }


def supporters(store_path: str | Path, **options: Any) -> dict[str, Any]:
    """Library entry: the same as ``run_measurement("supporters", store, **options)``."""
    from mutewatch.measure.registry import run_measurement  # the registry imports this module

    return run_measurement("supporters", Path(store_path), **options)
