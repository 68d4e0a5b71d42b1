"""Derived relations: compact aggregates of the store that the measurements read.

Every measurement used to scan (and for silences, sort) all posts. These relations hold
the same information, aggregated once, so a measurement reads a few hundred thousand rows
instead of millions. Each is one Ibis expression over the store's tables:

* ``measure_daily`` (``daily_expr``): per outlet, officialness (``off`` = ``official``,
  NULL as FALSE), forward flag (``fwd`` = ``forwarded_from`` NOT NULL) and UTC day: posts
  ``n``, ``first`` and ``last`` post time, and posts per UTC hour of day ``h0`` .. ``h23``.
  Every choice of counted posts (``--of``, ``--include-forwards``, whole-day ``--from`` /
  ``--to``) is a filter on ``off``, ``fwd`` and ``day``, so output, outlet status, change
  points and the silence p-values are sums over these rows.
* ``measure_gaps`` (``long_gaps_expr``): every gap of at least ``LONG_GAP_HOURS`` (1 h)
  between consecutive counted posts over the whole record, with ``prior_max_us``: the
  longest earlier gap of the series (gaps of any length). It is exact: gaps shorter than an
  hour only matter before the series' first long gap, and their maximum there is one
  aggregate (``m0``); after it, the running maximum of the long gaps is the record. Kept
  for the families ``gap_families`` names (network: official releases; outlet: per outlet
  and officialness, forwards left out); other families are the same expression evaluated
  on the fly. Silences of ``--min-hours`` >= 1 without ``--from``/``--to`` are a filter on
  these rows; other silences are measured from the posts as before.
* ``measure_links`` (``links_expr``): links of posts per ``off``, ``fwd``, the post's UTC
  day, the link's UTC day, host class and host: links, first and last link time. A host
  that is no host name (a URL cut short inside it, "https://t.c…") is NULL: a link to no
  known place, never another distinct host.

On DuckDB the relations are materialised in the store (tables of the component
``measure``, see ``MIGRATIONS``) by ``refresh(con)``, together with a signature of what
they were built from (``signature``: row counts of posts and links, sources and ingest
runs, and hashes of the outlets and of every account's attribution). An engine uses them
only while the signature matches the store (``fresh``); otherwise it evaluates the very
same expressions on the fly, as Spark always does, so answers never depend on whether the
tables are current. ``Engine.open`` refreshes stale tables by itself when it can have the
store to itself for a moment (it opens it read-write only when no other connection holds
it; set ``MUTEWATCH_MEASURE_REFRESH=0`` to never write, ``MUTEWATCH_MEASURE_DERIVED=0`` to
never use the tables). Ingest and ``outlets load`` keep
them current with one call: ``mutewatch.measure.derived.refresh(store.con)``.

Links are stored with their host class. When ``ingest.links`` gains a host class
(``ADDED_HOST_CLASSES``; ``FORMAT`` is bumped with it), ``refresh`` first moves stored links
of class other whose host is now in it (``reclassify_links``, once per digest of the lists),
so links stored before and after the change are counted alike.

Writes that change posts without changing any of the signature's parts (an UPDATE of
``posts.ts`` by hand) are not seen: call ``refresh`` after such edits.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

import duckdb
import ibis
import ibis.expr.types as ir

from mutewatch.measure.params import Params
from mutewatch.store.hosts import HOST_NAME_RE
from mutewatch.store.schema import migrate

__all__ = [
    "DAILY",
    "GAPS",
    "LINKS",
    "LONG_GAP_HOURS",
    "MIGRATIONS",
    "counted_days",
    "counted_link_days",
    "current_class_sql",
    "daily_expr",
    "fresh",
    "links_expr",
    "long_gaps_expr",
    "refresh",
    "signature",
]

#: Bumped whenever an expression below changes, or the host lists of ``ingest.links`` do:
#: tables of another format are rebuilt (and stored link classes brought up to date).
#: 4: the ``shortener`` host class.
FORMAT = "4"
DAILY = "measure_daily"
GAPS = "measure_gaps"
LINKS = "measure_links"
STATE = "measure_state"
DERIVED = (DAILY, GAPS, LINKS)
#: Host classes added to ``ingest.links`` after stores kept their links' classes: links
#: stored as ``other`` whose host is now in one of them are moved to it (``reclassify_links``).
ADDED_HOST_CLASSES = ("shortener",)
LONG_GAP_HOURS = 1.0
US_PER_HOUR = 3_600_000_000
LONG_GAP_US = int(LONG_GAP_HOURS * US_PER_HOUR)

MIGRATIONS = [
    f"CREATE TABLE IF NOT EXISTS {STATE} (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);",
]

Tables = Callable[[str], ir.Table]


# --------------------------------------------------------------------------- expressions
def _flags(p: ir.Table) -> dict[str, Any]:
    return {"off": p.official.fill_null(False), "fwd": p.forwarded_from.notnull()}


def daily_expr(table: Tables, hours: bool = True) -> ir.Table:
    """Posts per outlet, off, fwd and UTC day: n, first, last, h0..h23 (see module doc).

    ``hours=False`` leaves out h0..h23 (cheaper when evaluated on the fly without them)."""
    p = table("posts")
    t = p.select(
        outlet_id=p.outlet_id,
        **_flags(p),
        day=p.ts.truncate("D"),
        hour=p.ts.hour(),
        ts=p.ts,
    )
    per_hour = {f"h{h}": t.count(where=t.hour == h) for h in range(24)} if hours else {}
    return t.group_by(["outlet_id", "off", "fwd", "day"]).agg(
        n=t.count(), first=t.ts.min(), last=t.ts.max(), **per_hour
    )


def readable_host(host: ir.StringValue) -> ir.StringValue:
    """``host``, or NULL where it holds a character no host name has.

    Stores written before ingest left such hosts out (``store.hosts.HOST_NAME_RE``) hold
    the cut-off hosts of truncated URLs ("t.c…", "…", "" from "https://t.c…"); read as
    hosts, every cut counted as another place links point to."""
    return ibis.ifelse(host.re_search(f"^{HOST_NAME_RE}$"), host, ibis.null().cast("string"))


def current_host_class(host_class: ir.StringValue, host: ir.StringValue) -> ir.StringValue:
    """A link's class under the current host lists: ``host_class`` as stored, except that
    a stored ``other`` whose host a class added since (``ADDED_HOST_CLASSES``) now holds is
    that class, as ``reclassify_links`` moves it in the store.

    Stores are reclassified by the derived refresh, which not every measurement can run: a
    store measured with ``MUTEWATCH_MEASURE_DERIVED=0`` or ``MUTEWATCH_MEASURE_REFRESH=0``,
    one another process holds, or a Parquet export read by Spark keeps the classes its links
    were stored with, and t.co counted as ``other`` there while it is ``shortener`` once
    refreshed. Read through this, every path gives the same classes. Same rule as
    ``ingest.links.classify_host`` (the longest listed suffix wins), limited to the suffixes
    that can decide for an added class: the added classes' own and any longer one ending in
    them."""
    # here, not at the top: measurements that only read current tables never load ingest
    from mutewatch.ingest.links import HOST_CLASSES

    added = [s for c in ADDED_HOST_CLASSES for s in HOST_CLASSES.get(c, ())]
    deciding = sorted(
        (
            (suffix, cls)
            for cls, hosts in HOST_CLASSES.items()
            for suffix in hosts
            if "." in suffix and any(suffix == a or suffix.endswith("." + a) for a in added)
        ),
        key=lambda pair: (-len(pair[0]), pair[0]),
    )
    if not deciding:
        return host_class
    whens = [((host == suffix) | host.endswith("." + suffix), cls) for suffix, cls in deciding]
    now = ibis.cases(*whens, else_=ibis.literal("other"))
    moved = (host_class == "other") & host.notnull() & now.isin(list(ADDED_HOST_CLASSES))
    return ibis.ifelse(moved, now, host_class)


def current_class_sql(host_class: str, host: str) -> str:
    """DuckDB SQL of ``current_host_class`` over the columns ``host_class`` and ``host``: the
    stored class, except that an ``other`` whose host the current lists put in an added class
    (``ADDED_HOST_CLASSES``) is that class (no host, '', is other by ``host_class_sql``). The
    one rule of ``reclassify_links``, which moves links in the store, and of the report's
    host charts, which read a store as it is."""
    from mutewatch.ingest.links import host_class_sql  # the lists load where they are used

    now = host_class_sql(host)
    added = ", ".join(f"'{c}'" for c in ADDED_HOST_CLASSES)
    moved = f"{host_class} = 'other' AND ({now}) IN ({added})"
    return f"CASE WHEN {moved} THEN {now} ELSE {host_class} END"


def links_expr(table: Tables) -> ir.Table:
    """Links of posts per off, fwd, post day, link day, host class (``current_host_class``)
    and host (NULL where the URL names no readable host: ``readable_host``)."""
    posts = table("posts")
    links = table("links")
    key = ["platform", "account_id", "message_id"]
    p = posts.select(*key, pday=posts.ts.truncate("D"), **_flags(posts))
    j = links.join(p, key)
    t = j.select(
        off=j.off,
        fwd=j.fwd,
        pday=j.pday,
        day=j.ts.truncate("D"),
        host_class=current_host_class(j.host_class, j.host),
        host=readable_host(j.host),
        ts=j.ts,
    )
    return t.group_by(["off", "fwd", "pday", "day", "host_class", "host"]).agg(
        n=t.count(), first=t.ts.min(), last=t.ts.max()
    )


def counted(table: Tables, params: Params) -> ir.Table:
    """Posts counted under ``params`` (``--of``, ``--include-forwards``, dates)."""
    p = table("posts")
    preds: list[ir.BooleanValue] = []
    if params.of == "official":
        preds.append(p.official.fill_null(False))
    elif params.of == "supporter":
        preds.append(~p.official.fill_null(False))
    if not params.include_forwards:
        preds.append(p.forwarded_from.isnull())
    if params.ts_from is not None:
        preds.append(p.ts >= ibis.literal(params.ts_from, type="timestamp"))
    if params.ts_to is not None:
        preds.append(p.ts < ibis.literal(params.ts_to, type="timestamp"))
    return p.filter(*preds) if preds else p


def _keys(scope: str) -> list[str]:
    return ["series", "off"] if scope == "outlet" else ["series"]


def _variant(t: ir.Table, params: Params, day: str) -> ir.Table:
    preds: list[ir.BooleanValue] = []
    if params.of == "official":
        preds.append(t.off)
    elif params.of == "supporter":
        preds.append(~t.off)
    if not params.include_forwards:
        preds.append(~t.fwd)
    if params.ts_from is not None:
        preds.append(t[day] >= ibis.literal(params.ts_from, type="timestamp"))
    if params.ts_to is not None:
        preds.append(t[day] < ibis.literal(params.ts_to, type="timestamp"))
    return t.filter(*preds) if preds else t


def counted_days(daily: ir.Table, params: Params) -> ir.Table:
    """Rows of ``daily_expr`` for the posts ``params`` count (dates are whole UTC days)."""
    return _variant(daily, params, "day")


def counted_link_days(link_days: ir.Table, params: Params) -> ir.Table:
    """Rows of ``links_expr`` for links of the posts ``params`` count (by the post's day)."""
    return _variant(link_days, params, "pday")


def all_gaps_expr(table: Tables, scope: str, of: str, include_forwards: bool) -> ir.Table:
    """Every gap between consecutive counted posts of one family: series[, off], start, ts,
    gap_us (the network is one series; the outlet scope one per outlet and officialness)."""
    p = counted(table, Params(of=of, include_forwards=include_forwards))
    if scope == "outlet":
        s = p.select(
            series=p.outlet_id.fill_null(-1).cast("int64"), off=p.official.fill_null(False), ts=p.ts
        )
    else:
        s = p.select(series=ibis.literal(0).cast("int64"), ts=p.ts)
    part = _keys(scope) if scope == "outlet" else None  # the network is one partition
    g = s.mutate(start=s.ts.lag().over(ibis.window(group_by=part, order_by="ts")))
    g = g.filter(g.start.notnull())
    return g.mutate(gap_us=g.ts.delta(g.start, unit="microsecond"))


def long_gaps_expr(
    table: Tables, scope: str, of: str, include_forwards: bool, gaps: ir.Table | None = None
) -> ir.Table:
    """Gaps of at least an hour of one family, with the record before each.

    ``gaps`` is ``all_gaps_expr`` of the family (or a table holding it). Columns: scope, of,
    fwd (= include_forwards), off (outlet scope: the series' officialness; NULL for the
    network), series, start, end, gap_us, prior_max_us: the longest earlier gap of the
    series, of any length (NULL for its first gap).
    """
    g = gaps if gaps is not None else all_gaps_expr(table, scope, of, include_forwards)
    keys = _keys(scope)
    long = g.filter(g.gap_us >= LONG_GAP_US)
    cut = long.group_by(keys).agg(cut=long.ts.min())
    before = g.join(cut, [*[g[k] == cut[k] for k in keys], g.ts < cut.cut])
    m0 = before.group_by([before[k] for k in keys]).agg(m0=before.gap_us.max())
    lj = long.left_join(m0, [long[k] == m0[k] for k in keys])
    w = ibis.window(group_by=[lj[k] for k in keys], order_by=lj.ts, rows=(None, -1))
    prior = ibis.greatest(lj.m0, lj.gap_us.max().over(w))
    return lj.select(
        scope=ibis.literal(scope),
        of=ibis.literal(of),
        fwd=ibis.literal(include_forwards),
        off=lj.off if scope == "outlet" else ibis.null().cast("boolean"),
        series=lj.series,
        start=lj.start,
        end=lj.ts,
        gap_us=lj.gap_us,
        prior_max_us=prior.cast("int64"),
    )


def gap_families() -> list[tuple[str, str, bool]]:
    """(scope, of, include_forwards) of the families kept in ``measure_gaps``.

    The defaults (official releases, forwards left out) for the network, and every outlet
    without forwards: outlet series are split by officialness, so ``--of`` is a filter on
    ``off``. Other families are evaluated on the fly by the same expressions.
    """
    return [("network", "official", False), ("outlet", "all", False)]


# --------------------------------------------------------------------------- freshness
def signature(con: duckdb.DuckDBPyConnection) -> str:
    """What the derived tables were built from (cheap: counts, maxima and small hashes)."""
    row = con.execute(
        """
        SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM links),
               (SELECT count(*) FROM sources), (SELECT max(source_id) FROM sources),
               (SELECT max(finished_at) FROM sources), (SELECT count(*) FROM ingest_runs),
               (SELECT count(*) || ':' || coalesce(sum(hash(outlet_id, official)), 0)
                FROM outlets),
               (SELECT count(*) || ':' || coalesce(sum(hash(platform, account_id, outlet_id)), 0)
                FROM accounts)
        """
    ).fetchall()[0]
    return FORMAT + "|" + "|".join(str(v) for v in row)


def _state(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    have = {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'"
        ).fetchall()
    }
    if STATE not in have or any(t not in have for t in DERIVED):
        return {}
    return {k: v for k, v in con.execute(f"SELECT key, value FROM {STATE}").fetchall()}


def fresh(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the store holds derived tables built from what it holds now."""
    try:
        state = _state(con)
        return bool(state) and state.get("signature") == signature(con)
    except duckdb.CatalogException:  # a store from before a table the signature reads
        return False


def refresh_allowed() -> bool:
    """False when ``MUTEWATCH_MEASURE_REFRESH=0``: measurements then never write."""
    return os.environ.get("MUTEWATCH_MEASURE_REFRESH", "1") != "0"


def use_allowed() -> bool:
    """False when ``MUTEWATCH_MEASURE_DERIVED=0``: measurements then never read the
    materialised tables (and never refresh them); everything is evaluated on the fly."""
    return os.environ.get("MUTEWATCH_MEASURE_DERIVED", "1") != "0"


def maintained() -> bool:
    """True when the derived tables are both read and kept current (neither switch is off)."""
    return use_allowed() and refresh_allowed()


# --------------------------------------------------------------------------- refresh
def reclassify_links(con: duckdb.DuckDBPyConnection) -> int:
    """Move stored links of class ``other`` whose host the current lists put in an added
    class (``ADDED_HOST_CLASSES``) to that class, once per digest of the lists; returns the
    links moved.

    Links are classified as they are stored: a store written before ``shortener`` existed
    holds t.co and bit.ly links as ``other``. Only ``other`` is revised: a class stored
    otherwise (by hand, by another tool) is kept. Links without a host yet (NULL) are left
    to ``store.writer.classify_links``."""
    # here, not at the top: measurements that only read never load the ingest package
    from mutewatch.ingest.links import classes_digest

    digest = classes_digest()
    done = con.execute(f"SELECT value FROM {STATE} WHERE key = 'host_classes'").fetchall()
    if done and done[0][0] == digest:
        return 0
    cls = current_class_sql("host_class", "host")
    changed = con.execute(
        f"UPDATE links SET host_class = {cls} WHERE host_class = 'other' AND {cls} <> 'other'"
    ).fetchall()
    con.execute(f"INSERT OR REPLACE INTO {STATE} VALUES ('host_classes', ?)", [digest])
    return int(changed[0][0]) if changed else 0


def refresh_if_stale(con: duckdb.DuckDBPyConnection) -> bool:
    """``refresh`` unless the tables are current already; True when it refreshed."""
    if fresh(con):
        return False
    refresh(con)
    return True


def refresh(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """(Re)build the derived tables in the store behind ``con`` (read-write).

    Returns the seconds each table took. One transaction: readers see the old tables or
    the new ones. Call it after writes to posts, links, outlets or accounts (ingest,
    ``outlets load``); measurements also call it when they find the tables stale.
    """
    migrate(con, component="measure", migrations=MIGRATIONS)
    ib = ibis.duckdb.from_connection(con)
    tables: Tables = ib.table
    timings: dict[str, float] = {}

    def sql(expr: ir.Expr) -> str:
        return str(ibis.to_sql(expr, dialect="duckdb"))

    con.execute("BEGIN TRANSACTION")
    try:
        reclassify_links(con)
        # sorted on the columns measurements filter on, so DuckDB skips row groups
        for name, expr, order in (
            (DAILY, daily_expr(tables), "day, outlet_id"),
            (LINKS, links_expr(tables), "pday, day"),
        ):
            t0 = time.perf_counter()
            con.execute(f"CREATE OR REPLACE TABLE {name} AS {sql(expr)} ORDER BY {order}")
            timings[name] = time.perf_counter() - t0
        t0 = time.perf_counter()
        for i, family in enumerate(gap_families()):
            # the gaps once, in a temporary table: the record needs them three times
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE _mw_gaps AS {sql(all_gaps_expr(tables, *family))}"
            )
            expr = long_gaps_expr(tables, *family, gaps=ib.table("_mw_gaps"))
            verb = f"CREATE OR REPLACE TABLE {GAPS} AS" if i == 0 else f"INSERT INTO {GAPS}"
            con.execute(f"{verb} {sql(expr)} ORDER BY series, gap_us")
        con.execute("DROP TABLE IF EXISTS _mw_gaps")
        timings[GAPS] = time.perf_counter() - t0
        con.execute(f"INSERT OR REPLACE INTO {STATE} VALUES ('signature', ?)", [signature(con)])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return timings
