"""Benchmark the measuring core against hand-written DuckDB SQL and pandas, in one run.

Builds (once, cached) a store of 10M posts from 200 outlets over 3 years with DuckDB SQL
(``range`` + ``random``), then times each measurement three ways:

* ``mutewatch``: ``run_measurement(name, store, ...)`` (the CLI/web/report path, DuckDB
  engine, JSON-ready result: aggregation + zero-fill + statistics), reading the store's
  derived tables (``mutewatch.measure.derived``; their refresh, which ingest pays once, is
  timed and printed separately);
* ``fly``: the same with the derived tables ignored (``MUTEWATCH_MEASURE_DERIVED=0``: every
  relation evaluated from the posts, as on a store whose tables are stale; best of 1);
* ``sql``: a hand-written DuckDB query for the same aggregation, fetched to pandas;
* ``pandas``: the same aggregation on an in-memory pandas DataFrame (load time excluded).

Usage::

    python benchmarks/measure.py [--posts 10000000] [--store /tmp/mw-bench.duckdb] [--repeat 3]

Prints one line per measurement (best of ``--repeat``), the ratios mutewatch/sql and
pandas/mutewatch, the suite totals, and the peak RSS of the process.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from mutewatch.measure import derived
from mutewatch.measure.registry import MEASUREMENTS, run_measurement
from mutewatch.store import Store

START = "2015-01-01"
DAYS = 1096
BASELINE = "2015-01-01..2015-12-31"
PERIOD = "2017-12-01..2017-12-31"
MIN_HOURS = 12.0
HOSTS = 40


def build_store(path: Path, posts: int, outlets: int = 200) -> float:
    """Write the synthetic store with DuckDB SQL; return seconds taken."""
    t0 = time.perf_counter()
    path.unlink(missing_ok=True)
    with Store.open(path) as store:
        con = store.con
        con.execute(
            f"""
            INSERT INTO outlets
            SELECT i, 'outlet ' || i, i <= {outlets * 3 // 4}, 'region', i <= {outlets * 3 // 4}
            FROM range(1, {outlets} + 1) t(i);
            INSERT INTO accounts
            SELECT 'telegram', i::VARCHAR, 'outlet ' || i, 'channel', NULL, NULL, i
            FROM range(1, {outlets} + 1) t(i);
            INSERT INTO sources (source_id, path, format, sha256, size_bytes, status,
                                 first_time, last_time, started_at)
            VALUES (1, 'bench', 'bench', 'bench', 0, 'done', TIMESTAMP '{START}',
                    TIMESTAMP '{START}' + INTERVAL {DAYS} DAY, now());
            """
        )
        # output declines over time (sqrt skew); every 4th outlet stops early (30-100 % of
        # the span); 10 % of posts are forwards
        con.execute(
            f"""
            INSERT INTO posts
            WITH r AS (
                SELECT i, 1 + (hash(i) % {outlets})::INTEGER AS o, random() AS u, random() AS v
                FROM range({posts}) t(i)
            )
            SELECT 'telegram', o::VARCHAR, i,
                   TIMESTAMP '{START}' + to_microseconds(
                       ((1 - sqrt(u)) * (CASE WHEN o % 4 = 0 THEN 0.3 + 0.7 * (o / {outlets})
                                              ELSE 1 END)
                        * {DAYS} * 86400e6)::BIGINT),
                   NULL, FALSE,
                   CASE WHEN v < 0.7 THEN 'photo' WHEN v < 0.85 THEN 'text' ELSE 'video' END,
                   NULL,
                   CASE WHEN v > 0.9 THEN 'someone' END, NULL, NULL, NULL, NULL, 1, o,
                   o <= {outlets * 3 // 4}
            FROM r ORDER BY o, 4
            """
        )
        con.execute(
            f"""
            INSERT INTO links
            SELECT platform, account_id, message_id,
                   'https://host' || (message_id % {HOSTS}) || '.example/x',
                   'host' || (message_id % {HOSTS}) || '.example',
                   ['telegram', 'onion', 'file_host', 'paste', 'video', 'social', 'other']
                       [1 + (message_id % 7)::INTEGER],
                   ts
            FROM posts WHERE message_id % 5 = 0;
            INSERT INTO coverage
            SELECT 1, 'telegram', account_id, min(ts), max(ts), min(message_id),
                   max(message_id), count(*)
            FROM posts GROUP BY account_id;
            CHECKPOINT;
            """
        )
    return time.perf_counter() - t0


COUNTED = "official AND forwarded_from IS NULL"
H_US = int(MIN_HOURS * 3.6e9)


def _gaps_sql(part: str) -> str:
    """Gaps >= MIN_HOURS with rank and record, as a careful hand would write it.

    One lag window; the record of a silence is the longest earlier silence, and for a
    series' first silence the longest gap before it (one aggregate): every gap longer
    than a silence is itself a silence, so rank and record need no window over all gaps.
    """
    by = f"PARTITION BY {part}" if part else ""
    key = part or "0"
    return f"""
        WITH d AS MATERIALIZED (
            SELECT {key} AS o, ts AS e,
                   epoch_us(ts) - epoch_us(lag(ts) OVER ({by} ORDER BY ts)) AS us
            FROM posts WHERE {COUNTED}),
        s AS (SELECT * FROM d WHERE us >= {H_US}),
        f AS (SELECT o, min(e) AS fe FROM s GROUP BY o),
        m0 AS (SELECT d.o, max(d.us) AS m0 FROM d JOIN f ON d.o = f.o AND d.e < f.fe
               GROUP BY d.o)
        SELECT s.o, s.e, s.us,
               rank() OVER (PARTITION BY s.o ORDER BY s.us DESC) AS rk,
               greatest(m0.m0, max(s.us) OVER (PARTITION BY s.o ORDER BY s.e ROWS BETWEEN
                        UNBOUNDED PRECEDING AND 1 PRECEDING)) AS prior
        FROM s LEFT JOIN m0 USING (o)"""


SQL: dict[str, str] = {
    "output": f"""
        SELECT date_trunc('day', ts) AS period, count(*) AS n FROM posts WHERE {COUNTED}
        GROUP BY 1 ORDER BY 1""",
    "output_by_outlet": f"""
        WITH c AS (SELECT date_trunc('day', ts) AS period, outlet_id, count(*) AS n
                   FROM posts WHERE {COUNTED} GROUP BY ALL),
             d AS (SELECT DISTINCT period FROM c), o AS (SELECT DISTINCT outlet_id FROM c)
        SELECT d.period, o.outlet_id, coalesce(c.n, 0) AS n FROM d CROSS JOIN o
        LEFT JOIN c USING (period, outlet_id) ORDER BY 1, 2""",
    "outlets_status": f"""
        SELECT outlet_id,
               count(*) FILTER (WHERE ts < '2016-01-01') / 365 AS b,
               count(*) FILTER (WHERE ts >= '2017-12-01') / 31 AS p
        FROM posts WHERE {COUNTED} AND ((ts >= '2015-01-01' AND ts < '2016-01-01')
                                        OR (ts >= '2017-12-01' AND ts < '2018-01-01'))
        GROUP BY 1""",
    "silences_network": _gaps_sql(""),
    "silences_outlet": _gaps_sql("outlet_id"),
    "platforms": f"""
        SELECT date_trunc('month', l.ts) AS period, l.host_class, l.host, count(*) AS n
        FROM links l SEMI JOIN (SELECT platform, account_id, message_id FROM posts
                                WHERE {COUNTED}) p USING (platform, account_id, message_id)
        GROUP BY ALL""",
}


def _gaps_pandas(df: pd.DataFrame, by: str | None) -> pd.DataFrame:
    if by is None:
        ts = np.sort(df["ts"].to_numpy())
        gap = pd.DataFrame({"s": ts[:-1], "e": ts[1:]})
        gap["us"] = (gap["e"] - gap["s"]).astype("int64") // 1000
        gap["rk"] = gap["us"].rank(method="min", ascending=False)
        gap["prior"] = gap["us"].cummax().shift()
        return gap[gap["us"] >= MIN_HOURS * 3.6e9]
    d = df.sort_values([by, "ts"])
    d = d.assign(s=d.groupby(by)["ts"].shift()).dropna(subset=["s"])
    d["us"] = (d["ts"] - d["s"]).astype("int64") // 1000
    d["rk"] = d.groupby(by)["us"].rank(method="min", ascending=False)
    d["prior"] = d.groupby(by)["us"].cummax()
    d["prior"] = d.groupby(by)["prior"].shift()
    return d[d["us"] >= MIN_HOURS * 3.6e9]


def pandas_impl(posts: pd.DataFrame, links: pd.DataFrame) -> dict[str, Callable[[], Any]]:
    """The same aggregations in pandas on in-memory frames (filtering included)."""

    def counted() -> pd.DataFrame:
        return posts[posts["official"] & posts["forwarded_from"].isna()]

    def output() -> Any:
        c = counted()
        return c.groupby(c["ts"].dt.floor("D")).size()

    def by_outlet() -> Any:
        c = counted()
        t = c.groupby([c["ts"].dt.floor("D"), "outlet_id"]).size().unstack(fill_value=0)
        return t.stack()

    def status() -> Any:
        c = counted()
        b = c[(c["ts"] >= "2015-01-01") & (c["ts"] < "2016-01-01")].groupby("outlet_id").size()
        p = c[(c["ts"] >= "2017-12-01") & (c["ts"] < "2018-01-01")].groupby("outlet_id").size()
        return pd.concat([b / 365, p / 31], axis=1)

    def platforms() -> Any:
        c = counted()[["platform", "account_id", "message_id"]]
        j = links.merge(c, on=["platform", "account_id", "message_id"])
        return j.groupby([j["ts"].dt.to_period("M"), "host_class", "host"]).size()

    return {
        "output": output,
        "output_by_outlet": by_outlet,
        "outlets_status": status,
        "silences_network": lambda: _gaps_pandas(counted(), None),
        "silences_outlet": lambda: _gaps_pandas(counted(), "outlet_id"),
        "platforms": platforms,
    }


def mutewatch_impl(store: Path) -> dict[str, Callable[[], Any]]:
    """The measurements through the registry (what the CLI and web run)."""
    out: dict[str, Callable[[], Any]] = {
        "output": lambda: run_measurement("output", store),
        "output_by_outlet": lambda: run_measurement("output", store, by="outlet"),
        "outlets_status": lambda: run_measurement(
            "outlets_status", store, baseline=BASELINE, period=PERIOD, change_points=False
        ),
        "outlets_status+pelt": lambda: run_measurement(
            "outlets_status", store, baseline=BASELINE, period=PERIOD
        ),
        "silences_network": lambda: run_measurement(
            "silences", store, scope="network", min_hours=MIN_HOURS, with_coordinated=False
        ),
        "silences_outlet": lambda: run_measurement(
            "silences", store, scope="outlet", min_hours=MIN_HOURS
        ),
    }
    if "platforms" in MEASUREMENTS:
        out["platforms"] = lambda: run_measurement("platforms", store)
    return out


def best(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


SUITE = ("output", "outlets_status", "silences_network", "silences_outlet", "platforms")


def refresh_derived(store: Path) -> float | None:
    """Bring the store's derived tables up to date (what ingest does); seconds, or None
    when they were current already."""
    with duckdb.connect(str(store)) as con:
        con.execute("SET TimeZone = 'UTC'")
        if derived.fresh(con):
            return None
        t0 = time.perf_counter()
        derived.refresh(con)
        con.execute("CHECKPOINT")
        return time.perf_counter() - t0


def on_the_fly(fn: Callable[[], Any]) -> Callable[[], Any]:
    """``fn`` with the derived tables ignored (every relation evaluated from the posts)."""

    def run() -> Any:
        os.environ["MUTEWATCH_MEASURE_DERIVED"] = "0"
        try:
            return fn()
        finally:
            del os.environ["MUTEWATCH_MEASURE_DERIVED"]

    return run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=10_000_000)
    ap.add_argument("--store", type=Path, default=Path("/tmp/mw-bench.duckdb"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--no-fly", action="store_true", help="skip the on-the-fly column")
    args = ap.parse_args()
    store: Path = args.store
    need = args.rebuild or not store.exists()
    if not need:
        with duckdb.connect(str(store), read_only=True) as con:
            need = con.execute("SELECT count(*) FROM posts").fetchone()[0] != args.posts  # type: ignore[index]
    if need:
        print(f"building {args.posts:,} posts in {store} ...", flush=True)
        print(f"built in {build_store(store, args.posts):.1f} s", flush=True)
    took = refresh_derived(store)
    print(
        "derived tables: current"
        if took is None
        else f"derived tables refreshed in {took:.1f} s (once per ingest / outlets load)",
        flush=True,
    )
    with duckdb.connect(str(store), read_only=True) as con:
        con.execute("SET TimeZone = 'UTC'")
        n = con.execute("SELECT count(*), count(*) FILTER (WHERE official) FROM posts").fetchone()
        print(f"store: {n[0]:,} posts ({n[1]:,} official)", flush=True)  # type: ignore[index]
        sql = {k: (lambda q=q: con.execute(q).df()) for k, q in SQL.items()}
        mw = mutewatch_impl(store)
        posts = con.execute(
            "SELECT platform, account_id, message_id, ts, outlet_id, official, forwarded_from "
            "FROM posts"
        ).df()
        links = con.execute(
            "SELECT platform, account_id, message_id, host, host_class, ts FROM links"
        ).df()
        pd_impl = pandas_impl(posts, links)
        for fn in mw.values():  # warm the file cache and imports once
            fn()
            break
        print(
            f"{'measurement':22} {'mutewatch':>10} {'sql':>8} {'pandas':>8} "
            f"{'mw/sql':>7} {'pd/mw':>7} {'fly':>8} {'fly/sql':>7}"
        )
        totals = {"mw": 0.0, "sql": 0.0, "pd": 0.0, "fly": 0.0}
        for name, fn in mw.items():
            t_mw = best(fn, args.repeat)
            key = name.split("+")[0]
            t_sql = best(sql[key], args.repeat) if key in sql else float("nan")
            t_pd = best(pd_impl[key], 1) if key in pd_impl else float("nan")
            t_fly = float("nan") if args.no_fly else best(on_the_fly(fn), 1)
            if name in SUITE:
                totals["mw"] += t_mw
                totals["sql"] += t_sql
                totals["pd"] += t_pd
                totals["fly"] += t_fly
            print(
                f"{name:22} {t_mw:10.3f} {t_sql:8.3f} {t_pd:8.3f} "
                f"{t_mw / t_sql:7.2f} {t_pd / t_mw:7.2f} {t_fly:8.3f} {t_fly / t_sql:7.2f}",
                flush=True,
            )
        print(
            f"{'suite ' + '+'.join(s[:3] for s in SUITE if s in mw):22} "
            f"{totals['mw']:10.3f} {totals['sql']:8.3f} {totals['pd']:8.3f} "
            f"{totals['mw'] / totals['sql']:7.2f} {totals['pd'] / totals['mw']:7.2f} "
            f"{totals['fly']:8.3f} {totals['fly'] / totals['sql']:7.2f}"
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {rss:.0f} MB (includes the pandas copy of the posts)")


if __name__ == "__main__":
    main()
