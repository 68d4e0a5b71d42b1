"""Figures shared by the report and the dashboard, computed from a (read-only) store.

Definitions (also listed in the report's methods appendix, ``DEFINITIONS``):

* a *release* is a post by an official outlet's account that is not a forward;
* *output* is the number of releases per time bucket (day, week or month, chosen from the
  span: up to 120 days by day, up to two years by week, else by month);
* an outlet is *active* in a bucket when it made at least one release in it;
* a *silence* is a gap of at least ``min_hours`` between consecutive releases of an
  official outlet (a *network silence*: ``network_min_hours`` without any official
  release); it is *unprecedented* when it is longer than every earlier gap of that
  outlet, once ``min_history_days`` of its record lie before it;
* the *supporter share* is supporter posts / (supporter posts + releases) in a bucket,
  forwards counted on neither side; *amplification* is the number of supporter forwards of
  official outlets' posts (both as ``mutewatch supporters`` measures them);
* the *host mix* counts links in releases by host class; *distinct hosts* counts their hosts
  in a bucket (as ``mutewatch platforms`` does with its default ``--of official``).

Under ``--of supporter|all`` (or ``--include-forwards``) the charts of output, outlets,
silences and hosts count other posts, and their titles, definitions and empty-chart notes
say which (``titles``, ``definitions``, ``empty_notes``), naming the outlets as the
findings do (``_words.WHO``) and the posts as ``--of`` counts them (``_words.POSTS``: a post
of no outlet, "(no outlet)" in the charts, is a supporter post and one of any account's);
with the defaults they are ``TITLES``, ``DEFINITIONS`` and ``EMPTY``.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

import plotly.graph_objects as go

from mutewatch._words import POSTS, WHO
from mutewatch.store import Store
from mutewatch.store.hosts import is_host_name_sql

TOP_OUTLETS = 12
PALETTE = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#ad494a", "#b5b5b5",
]  # fmt: skip

DEFINITIONS: dict[str, str] = {
    "release": "a post by an official outlet's account that is not a forward",
    "output": "releases per time bucket (day up to 120 days, week up to 2 years, else month)",
    "active outlet": "an official outlet with at least one release in the bucket",
    "silence": "a gap of at least min_hours between consecutive releases of an official outlet; "
    "a network silence: a gap of at least network_min_hours in which no official outlet "
    "released anything",
    "unprecedented silence": "a silence longer than every earlier gap of the same outlet "
    "(or of the network), once min_history_days of its record lie before it; in the report, "
    "never a gap the archive did not collect (coverage none, as mutewatch silences says)",
    "supporter post": "a post by an account not belonging to an official outlet "
    "(including accounts no registry names)",
    "supporter share": "supporter posts / (supporter posts + releases) in the bucket, forwards "
    "not counted on either side, as mutewatch supporters measures it",
    "amplification": "supporter forwards whose source is an official outlet's account",
    "host mix": "links in releases per host class (telegram, onion, file_host, paste, video, "
    "social, shortener, other), as mutewatch platforms counts them",
    "distinct hosts": "number of different link hosts in releases in the bucket",
    "coverage": "per source file, the time window and channels it covered; quarantined "
    "records could not be read and are kept apart",
}

# what ``--of`` counts, as a counted post's definition says it (``definitions``)
_COUNTED = {
    "official": "a post by an official outlet's account",
    "supporter": "a post by an account not belonging to an official outlet (including "
    "accounts no registry names)",
    "all": "any post",
}


def definitions(of: str = "official", include_forwards: bool = False) -> dict[str, str]:
    """The methods appendix's definitions for ``--of``/``--include-forwards``:
    ``DEFINITIONS`` by default, else a *counted post* first and the definitions that
    said releases (output, active outlet, silence, host mix, distinct hosts) with it."""
    if _default(of, include_forwards):
        return dict(DEFINITIONS)
    fwd = ", forwards included" if include_forwards else " that is not a forward"
    one = _one(of)
    counted = {
        f"counted post (--of {of}{' --include-forwards' if include_forwards else ''})": (
            f"{_COUNTED.get(of, 'any post')}{fwd}: what the charts of output, outlets, "
            "silences and hosts count"
        )
    }
    return {
        **counted,
        **DEFINITIONS,
        "output": "counted posts per time bucket (day up to 120 days, week up to 2 years, "
        "else month)",
        "active outlet": f"{one} with at least one counted post in the bucket",
        "silence": f"a gap of at least min_hours between consecutive counted posts of {one}; "
        "a network silence: a gap of at least network_min_hours without any counted post",
        "host mix": "links in counted posts per host class (telegram, onion, file_host, "
        "paste, video, social, shortener, other), as mutewatch platforms counts them",
        "distinct hosts": "number of different link hosts in counted posts in the bucket",
    }


@dataclass(frozen=True)
class Filters:
    """A time range [since, until) and an optional outlet."""

    since: datetime | None = None
    until: datetime | None = None
    outlet_id: int | None = None
    min_hours: float = 48.0
    network_min_hours: float = 12.0
    min_history_days: float = 90.0
    # which posts the charts of output, outlets, silences and hosts count, as the measuring
    # commands' --of and --include-forwards choose them (report --of; default: releases)
    of: str = "official"
    include_forwards: bool = False

    def counted(self, alias: str = "p") -> str:
        """SQL condition on ``alias`` (posts) for the posts ``of``/``include_forwards``
        count, as ``measure.derived.counted`` reads them: official releases by default, a
        post of no outlet counted as a supporter's."""
        parts = {
            "official": [f"{alias}.official"],
            "supporter": [f"NOT coalesce({alias}.official, FALSE)"],
            "all": [],
        }[self.of]
        if not self.include_forwards:
            parts.append(f"{alias}.forwarded_from IS NULL")
        return " AND ".join(parts) or "TRUE"

    def titles(self) -> dict[str, str]:
        """The charts' titles for ``of``/``include_forwards`` (``TITLES`` by default)."""
        return titles(self.of, self.include_forwards)

    def network(self) -> str:
        """The name of the network-wide silence series for ``of``."""
        return NETWORKS.get(self.of, NETWORK)

    def where(self, alias: str = "p", ts: str = "ts") -> tuple[str, list[Any]]:
        """SQL conditions and parameters for this filter."""
        parts: list[str] = ["TRUE"]
        params: list[Any] = []
        if self.since is not None:
            parts.append(f"{alias}.{ts} >= ?")
            params.append(self.since)
        if self.until is not None:
            parts.append(f"{alias}.{ts} < ?")
            params.append(self.until)
        if self.outlet_id is not None and alias == "p":
            parts.append(f"{alias}.outlet_id = ?")
            params.append(self.outlet_id)
        return " AND ".join(parts), params


@dataclass
class ChartSet:
    """The figures and the tables beside them."""

    figures: dict[str, go.Figure] = field(default_factory=dict)
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    bucket: str = "week"
    gaps: list[dict[str, Any]] = field(default_factory=list)  # every silence of the chart
    partial: list[dict[str, Any]] = field(default_factory=list)  # see ``partial_buckets``
    # the titles and empty-chart notes of the posts the filters count (``Filters.of``)
    titles: dict[str, str] = field(default_factory=lambda: dict(TITLES))
    empty: dict[str, str] = field(default_factory=lambda: dict(EMPTY))


TITLES: dict[str, str] = {
    "output_by_outlet": "Output over time, by outlet (releases)",
    "output_by_medium": "Output over time, by medium (releases)",
    "heatmap": "Outlets × months (releases)",
    "active_outlets": "Active official outlets over time",
    "silences": "Silences of official outlets (unprecedented ones marked)",
    "supporters": "Supporter share and amplification",
    "hosts": "Link host mix (links in releases)",
    "distinct_hosts": "Distinct hosts in use (in releases)",
    "coverage": "Data coverage by source, and quarantine",
    "trend": "Trend: rolling posts per day, segments between change points",
}


def _default(of: str, include_forwards: bool) -> bool:
    """Whether ``of``/``include_forwards`` count releases (the defaults' wording)."""
    return of == "official" and not include_forwards


def _one(of: str) -> str:
    """``an official outlet``, ``a supporter outlet``, ``an outlet``: one of ``WHO[of]``."""
    who = WHO.get(of, "outlets").removesuffix("s")
    return f"{'an' if who[0] in 'aeiou' else 'a'} {who}"


def counted_posts(of: str = "official", include_forwards: bool = False) -> str:
    """The posts the charts of output, outlets, silences and hosts count, as their titles
    name them: ``releases`` by default, else ``_words.POSTS`` (``supporter posts``, ``posts
    by any account``: a post of no outlet is counted by both), ``, forwards included``
    with ``--include-forwards``."""
    if _default(of, include_forwards):
        return "releases"
    fwd = ", forwards included" if include_forwards else ""
    return f"{POSTS.get(of, POSTS['all'])}{fwd}"


def _silenced(of: str) -> str:
    """Whose silences the chart shows: the outlets of ``--of`` (``WHO``), and for
    ``--of supporter|all`` the network of every channel counted (posts of no outlet too)."""
    network = {"supporter": " and of all supporter channels", "all": " and of all channels"}
    return f"{WHO.get(of, 'outlets')}{network.get(of, '')}"


def titles(of: str = "official", include_forwards: bool = False) -> dict[str, str]:
    """The charts' titles for ``--of``/``--include-forwards``: ``TITLES`` by default, else
    the charts that count other posts than releases name them (``counted_posts``)."""
    if _default(of, include_forwards):
        return dict(TITLES)
    posts, who = counted_posts(of, include_forwards), WHO.get(of, "outlets")
    return {
        **TITLES,
        "output_by_outlet": f"Output over time, by outlet ({posts})",
        "output_by_medium": f"Output over time, by medium ({posts})",
        "heatmap": f"Outlets × months ({posts})",
        "active_outlets": f"Active {who} over time",
        "silences": f"Silences of {_silenced(of)} (unprecedented ones marked)",
        "hosts": f"Link host mix (links in {posts})",
        "distinct_hosts": f"Distinct hosts in use (in {posts})",
    }


# keys whose strings are our own plotly formatting (``<br>``, ``<extra>``), not data
_OWN_MARKUP = frozenset({"hovertemplate", "texttemplate", "template"})


# explicit bidi embeddings, overrides, isolates and marks: in a name they reorder the text
# around them (U+202E shows "eman" as "name"); they are shown as [U+202E], never obeyed
BIDI_CONTROLS = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
LABEL_MAX = 64  # characters of a name in a chart label; the tables show it whole


def visible_controls(text: str) -> str:
    """``text`` with every bidi control written out as ``[U+XXXX]``."""
    return BIDI_CONTROLS.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)


def _shorten(text: str, seen: dict[str, str]) -> str:
    """A label of at most ``LABEL_MAX`` (+3) characters, one per name within a figure, so
    that two long names sharing a beginning stay two categories."""
    if len(text) <= LABEL_MAX:
        return text
    if text not in seen:
        short, n = text[: LABEL_MAX - 1] + "…", 1
        while short in seen.values():
            n += 1
            short = f"{text[: LABEL_MAX - 1]}…~{n}"
        seen[text] = short
    return seen[text]


def plain_text(figure: dict[str, Any]) -> dict[str, Any]:
    """A figure (as JSON) whose strings plotly.js shows as text, never as markup.

    plotly.js reads a subset of HTML in every label (legend, axis categories, hover):
    an outlet named ``<a href="https://...">x</a>`` drew a clickable external link, ``<b>``
    bold. ``&``, ``<`` and ``>`` become entities, which plotly decodes back to the same
    characters on screen; links in names are defanged as in post texts; bidi controls are
    written out (``visible_controls``); a name longer than ``LABEL_MAX`` is cut with "…"
    (a 300-character name took the legend's whole width and left the bars 60 px).
    Apply it after pseudonymising (which matches whole names).
    """
    from mutewatch.web.queries import defang

    seen: dict[str, str] = {}

    def walk(value: Any, key: str = "") -> Any:
        if key in _OWN_MARKUP:
            return value
        if isinstance(value, str):
            text = defang(value) if "/" in value or "www." in value.lower() else value
            text = _shorten(visible_controls(text), seen) if key != "text" else text
            return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        return value

    result: dict[str, Any] = walk(figure)
    return result


#: The first and last day the time charts' buckets run over (``window_bounds``); None: the
#: first or last bucket holding something counted.
Bounds = tuple[date | None, date | None]
NO_BOUNDS: Bounds = (None, None)


def window_bounds(store: Store, f: Filters) -> Bounds:
    """The days the time charts run over where the filters give an end (``since``,
    ``until``): that end cut to the archive's covered days (``covered_spans``), as ``output
    --from/--to`` zero-fills its periods over the window within the archive's coverage; a
    side the filters leave open is None (the first or last bucket holding something
    counted, as ``output`` without them)."""
    if f.since is None and f.until is None:
        return NO_BOUNDS
    spans = covered_spans(store, f)
    if not spans:
        return NO_BOUNDS
    return (
        spans[0][0] if f.since is not None else None,
        spans[-1][1] if f.until is not None else None,
    )


def bucket_of(day: date, bucket: str) -> datetime:
    """The start of the day, Monday week or month holding ``day``, as ``date_trunc`` gives
    it."""
    start = datetime.combine(day, datetime.min.time())
    if bucket == "week":
        return start - timedelta(days=start.weekday())
    return start.replace(day=1) if bucket == "month" else start


def choose_bucket(store: Store, filters: Filters, bounds: Bounds = NO_BOUNDS) -> str:
    """day, week or month from the span the charts run over: the filtered posts' span, each
    end the window's (``bounds``) where it gives one."""
    where, params = filters.where()
    row = store.con.execute(
        f"SELECT min(ts), max(ts) FROM posts p WHERE {where}", params
    ).fetchone()
    if not row or row[0] is None:
        return "week"
    first, last = bounds
    start = datetime.combine(first, datetime.min.time()) if first else row[0]
    end = datetime.combine(last, datetime.min.time()) if last else row[1]
    span = end - start
    if span <= timedelta(days=120):
        return "day"
    return "week" if span <= timedelta(days=730) else "month"


def _layout(fig: go.Figure, title: str, **extra: Any) -> go.Figure:
    layout: dict[str, Any] = {
        "title": {"text": title, "x": 0.01},
        "template": "none",  # named templates cost ~0.2 s per figure to apply
        "colorway": PALETTE,
        "font": {"family": "system-ui, sans-serif", "size": 12},
        "xaxis": {"gridcolor": "#eeeeee", "automargin": True},
        "yaxis": {"gridcolor": "#eeeeee", "automargin": True, "rangemode": "tozero"},
        "margin": {"l": 60, "r": 20, "t": 50, "b": 40},
        "height": 380,
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.12},  # below: long names
    }
    layout.update(extra)
    fig.update_layout(**layout)
    return fig


def every_bucket(present: Iterable[Any], bucket: str, bounds: Bounds = NO_BOUNDS) -> list[Any]:
    """Every ``bucket`` (day, week or month) start from the first of ``present`` to the
    last, or from and to the buckets of ``bounds``' days where given (``window_bounds``): a
    bucket in which nothing was counted is a 0, not a bucket left out (``output``
    zero-fills its periods so, over ``--from``/``--to`` when given). Nothing present:
    none (the chart says it has no data)."""
    starts = sorted(set(present))
    if not starts:
        return []
    first, last_day = bounds
    b = bucket_of(first, bucket) if first else starts[0]
    out, last = [], bucket_of(last_day, bucket) if last_day else starts[-1]
    while b <= last:
        out.append(b)
        if bucket == "month":
            b = b.replace(year=b.year + b.month // 12, month=b.month % 12 + 1)
        else:
            b = b + timedelta(days=7 if bucket == "week" else 1)
    return out if bucket in ("day", "week", "month") else starts


def _stacked(
    rows: list[tuple[Any, str, int]],
    title: str,
    key_order: list[str],
    bucket: str,
    bounds: Bounds = NO_BOUNDS,
) -> go.Figure:
    """Stacked counts, each series zero-filled over every bucket from the first to the last
    of the chart: a series missing from a bucket counted nothing there, and its data table
    said so with an empty cell, and a bucket in which no series counted anything (a week
    without a release) had no row at all (the heatmap and ``output`` say 0)."""
    fig = go.Figure()
    counts: dict[str, dict[Any, int]] = {k: {} for k in key_order}
    for b, key, n in rows:
        counts.setdefault(key, {})[b] = n
    buckets = every_bucket((r[0] for r in rows), bucket, bounds)
    for i, (key, by_bucket) in enumerate(counts.items()):
        ys = [by_bucket.get(b, 0) for b in buckets]
        fig.add_bar(x=buckets, y=ys, name=str(key), marker_color=PALETTE[i % len(PALETTE)])
    return _layout(fig, title, barmode="stack")


def output_by_outlet(
    store: Store, f: Filters, bucket: str, bounds: Bounds = NO_BOUNDS
) -> go.Figure:
    """Stacked releases per bucket, top outlets by volume and the rest as "other"."""
    where, params = f.where()
    rows = store.con.execute(
        f"""
        WITH r AS (
            SELECT date_trunc('{bucket}', p.ts) AS b, coalesce(o.name, '{NO_OUTLET}') AS outlet
            FROM posts p LEFT JOIN outlets o ON o.outlet_id = p.outlet_id
            WHERE {f.counted()} AND {where}
        ), top AS (
            SELECT outlet FROM r GROUP BY outlet ORDER BY count(*) DESC, outlet LIMIT {TOP_OUTLETS}
        )
        SELECT b, CASE WHEN outlet IN (SELECT outlet FROM top) THEN outlet ELSE 'other' END AS k,
               count(*) FROM r GROUP BY ALL ORDER BY b, k
        """,
        params,
    ).fetchall()
    order = sorted({r[1] for r in rows if r[1] != "other"}) + (
        ["other"] if any(r[1] == "other" for r in rows) else []
    )
    return _stacked(rows, f.titles()["output_by_outlet"], order, bucket, bounds)


def output_by_medium(
    store: Store, f: Filters, bucket: str, bounds: Bounds = NO_BOUNDS
) -> go.Figure:
    """Stacked releases per bucket by medium (post kind)."""
    where, params = f.where()
    rows = store.con.execute(
        f"SELECT date_trunc('{bucket}', p.ts) AS b, p.kind, count(*) FROM posts p "
        f"WHERE {f.counted()} AND {where} GROUP BY ALL ORDER BY b, kind",
        params,
    ).fetchall()
    kinds = sorted({r[1] for r in rows})
    return _stacked(rows, f.titles()["output_by_medium"], kinds, bucket, bounds)


def heatmap(store: Store, f: Filters, bounds: Bounds = NO_BOUNDS) -> go.Figure:
    """Releases per official outlet and month."""
    where, params = f.where()
    rows = store.con.execute(
        f"SELECT coalesce(o.name, '{NO_OUTLET}'), "
        f"strftime(date_trunc('month', p.ts), '%Y-%m') AS m, count(*) "
        f"FROM posts p LEFT JOIN outlets o ON o.outlet_id = p.outlet_id "
        f"WHERE {f.counted()} AND {where} GROUP BY ALL",
        params,
    ).fetchall()
    outlets = sorted({r[0] for r in rows})
    present = (datetime.fromisoformat(f"{r[1]}-01") for r in rows)
    firsts = every_bucket(present, "month", bounds)
    months = [m.strftime("%Y-%m") for m in firsts]  # a month without a release: 0s
    grid = {(r[0], r[1]): r[2] for r in rows}
    z = [[grid.get((o, m), 0) for m in months] for o in outlets]
    fig = go.Figure(go.Heatmap(z=z, x=months, y=outlets, colorscale="Blues", hoverongaps=False))
    return _layout(fig, f.titles()["heatmap"], height=max(320, 40 + 22 * len(outlets)))


def active_outlets(store: Store, f: Filters, bucket: str, bounds: Bounds = NO_BOUNDS) -> go.Figure:
    """Distinct official outlets with a release, per bucket, zero-filled from the first
    bucket to the last (``every_bucket``, ``bounds`` too): a bucket without any release had
    no point, and the step line held the level before it across the bucket."""
    where, params = f.where()
    first, last = (bucket_of(day, bucket) if day else None for day in bounds)
    rows = store.con.execute(
        f"""
        WITH c AS (
            SELECT date_trunc('{bucket}', p.ts) AS b, count(DISTINCT p.outlet_id) AS n
            FROM posts p WHERE {f.counted()} AND {where} GROUP BY ALL
        ), s AS (
            SELECT unnest(generate_series(
                coalesce(?::TIMESTAMP, min(b)), coalesce(?::TIMESTAMP, max(b)), INTERVAL 1 {bucket}
            )) AS b FROM c HAVING count(*) > 0
        )
        SELECT s.b, coalesce(c.n, 0) FROM s LEFT JOIN c USING (b) ORDER BY s.b
        """,
        [*params, first, last],
    ).fetchall()
    fig = go.Figure(
        go.Scatter(x=[r[0] for r in rows], y=[r[1] for r in rows], mode="lines+markers",
                   name="active outlets", line={"shape": "hv"})
    )  # fmt: skip
    return _layout(fig, f.titles()["active_outlets"])


NETWORK = "network: all official outlets"
NETWORKS = {
    "official": NETWORK,
    "supporter": "network: all supporter channels",
    "all": "network: all channels",
}
# the outlet of posts by accounts no registry names (output --by outlet: null)
NO_OUTLET = "(no outlet)"


def silences(store: Store, f: Filters) -> list[dict[str, Any]]:
    """Silences per official outlet (``min_hours``) and of the whole official network
    (``network_min_hours``: no official outlet released anything), oldest first.

    As ``mutewatch silences`` lists them: the gaps, their record (``longest_before``, the
    longest earlier gap of the series) and ``history_days`` (days of the series' record
    before the gap) come from the whole record, and ``since``/``until`` only choose which
    are listed: every silence that overlaps them, also one that began before ``since`` or
    ended after ``until``. Gaps were read from the posts inside the window alone, so a gap
    10 days into it had 10 days of history and a record of the window's gaps only ("longest
    on record" for a gap the record before the window beat), and a gap across its start or
    end was not listed.

    A series silent from its last post to the archive's end (the latest time any source
    covers) has that silence too, ``ongoing`` true, as ``silences --ongoing`` and
    ``findings`` list it (its record: the series' longest gap); the other rows have
    ``ongoing`` false. Without it an outlet that stopped before the archive's end showed
    no silence at all, and the key finding of a network silence still running at the end
    named a gap the chart and its table did not show."""
    whole = replace(f, since=None, until=None)
    where, params = whole.where()
    rows = store.rows(
        f"""
        WITH r AS (
            SELECT p.outlet_id AS series, o.name AS outlet, p.ts
            FROM posts p JOIN outlets o ON o.outlet_id = p.outlet_id
            WHERE {f.counted()} AND {where}
            UNION ALL
            SELECT 0 AS series, '{f.network()}' AS outlet, p.ts
            FROM posts p WHERE {f.counted()} AND {where}
                AND ? IS NULL
        ), l AS (
            SELECT series, outlet, ts,
                   lag(ts) OVER (PARTITION BY series ORDER BY ts) AS prev,
                   min(ts) OVER (PARTITION BY series) AS first_ts FROM r
        ), g AS (
            SELECT series, outlet, prev AS start, ts AS "end",
                   date_diff('second', prev, ts) / 3600.0 AS hours,
                   max(date_diff('second', prev, ts)) OVER (
                       PARTITION BY series ORDER BY ts
                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) / 3600.0 AS longest_before,
                   date_diff('second', first_ts, prev) / 86400.0 AS history_days,
                   FALSE AS ongoing
            FROM l WHERE prev IS NOT NULL
        ), last_post AS (
            SELECT series, any_value(outlet) AS outlet, min(ts) AS first_ts, max(ts) AS start,
                   (SELECT max(last_time) FROM sources) AS archive_end
            FROM r GROUP BY series
        ), running AS (
            -- a series' last post to the archive's end: the silence still running there
            SELECT series, outlet, start, archive_end AS "end",
                   date_diff('second', start, archive_end) / 3600.0 AS hours,
                   (SELECT max(g.hours) FROM g WHERE g.series = last_post.series)
                       AS longest_before,
                   date_diff('second', first_ts, start) / 86400.0 AS history_days,
                   TRUE AS ongoing
            FROM last_post WHERE archive_end > start
        ), a AS (SELECT * FROM g UNION ALL BY NAME SELECT * FROM running)
        SELECT nullif(series, 0) AS outlet_id, outlet, start, "end", round(hours, 1) AS hours,
               history_days >= ? AND hours > coalesce(longest_before, 0) AS unprecedented,
               round(longest_before, 1) AS longest_before, round(history_days, 1) AS history_days,
               ongoing
        FROM a WHERE hours >= CASE WHEN series = 0 THEN ? ELSE ? END
            AND (CAST(? AS TIMESTAMP) IS NULL OR "end" > ?)
            AND (CAST(? AS TIMESTAMP) IS NULL OR start < ?)
        ORDER BY start, outlet
        """,
        [*params, *params, f.outlet_id, f.min_history_days, f.network_min_hours, f.min_hours,
         f.since, f.since, f.until, f.until],
    )  # fmt: skip
    return rows


def silence_table(rows: list[dict[str, Any]], limit: int = 25) -> list[dict[str, Any]]:
    """Network silences first, then the longest unprecedented ones (else the latest)."""
    network = [r for r in rows if r["outlet_id"] is None and r["unprecedented"]]
    outlets = [r for r in rows if r["outlet_id"] is not None and r["unprecedented"]]
    outlets = sorted(outlets, key=lambda r: -float(r["hours"]))[:limit]
    chosen = network + sorted(outlets, key=lambda r: r["start"])
    return chosen or rows[-limit:]


SILENCE_KINDS = (
    ("silence", "#9ecae1"),
    ("unprecedented", "#d62728"),
    ("not collected", "#bdbdbd"),  # coverage none: the archive lacks that time
)


def silence_kind(row: dict[str, Any]) -> str:
    """How a silence is drawn: not collected (coverage ``none``), unprecedented, or plain."""
    if row.get("coverage") == "none":
        return "not collected"
    return "unprecedented" if row["unprecedented"] else "silence"


def _span_ms(row: dict[str, Any]) -> float:
    """A silence's length in milliseconds, from its start and end: ``hours`` is rounded to
    0.1 h (6 minutes), so a bar drawn from it (and the data table's end, read back from the
    bar) could end up to 3 minutes off the post that closed the gap."""
    start, end = row.get("start"), row.get("end")
    if isinstance(start, datetime) and isinstance(end, datetime):
        return (end - start).total_seconds() * 1000
    return float(row["hours"]) * 3_600_000


def silence_figure(rows: list[dict[str, Any]], title: str = TITLES["silences"]) -> go.Figure:
    """A timeline: one bar per silence, per outlet; unprecedented ones in red, time the
    archive did not collect (when ``coverage`` is known) in grey; ``title``: the chart's
    (``Filters.titles``)."""
    fig = go.Figure()
    for label, color in SILENCE_KINDS:
        sel = [r for r in rows if silence_kind(r) == label]
        if not sel and label == "not collected":
            continue
        fig.add_bar(
            base=[r["start"] for r in sel],
            x=[_span_ms(r) for r in sel],
            y=[r["outlet"] for r in sel],
            orientation="h",
            name=label,
            marker_color=color,
            customdata=[r["hours"] for r in sel],
            hovertemplate="%{y}: %{customdata} h from %{base|%Y-%m-%d %H:%M}<extra></extra>",
        )
    fig.update_xaxes(type="date")
    outlets = {r["outlet"] for r in rows}
    return _layout(fig, title, barmode="overlay", height=max(320, 60 + 24 * len(outlets)))


def supporters(store: Store, f: Filters, bucket: str, bounds: Bounds = NO_BOUNDS) -> go.Figure:
    """Supporter share of posts (left axis) and amplification forwards (right axis), as
    ``mutewatch supporters`` measures them: the share compares supporter-made posts with
    official releases (forwards on neither side), amplification counts supporter forwards
    of an official outlet's account (by id, else by a name that account had and no account
    of another outlet had)."""
    where, params = f.where()
    rows = store.con.execute(
        f"""
        WITH off AS (
            SELECT a.platform, a.account_id FROM accounts a
            JOIN outlets o USING (outlet_id) WHERE o.official
        ), others AS (
            SELECT a.platform, a.account_id FROM accounts a
            LEFT JOIN outlets o USING (outlet_id) WHERE NOT coalesce(o.official, FALSE)
        ), off_names AS (
            -- a name an account of another outlet had too is ambiguous (measure.supporters)
            SELECT name FROM (
                SELECT n.name FROM account_names n JOIN off USING (platform, account_id)
                UNION SELECT oa.account_name FROM outlet_accounts oa
                JOIN outlets o USING (outlet_id) WHERE o.official AND oa.account_name IS NOT NULL
            ) WHERE lower(name) NOT IN (
                SELECT lower(n.name) FROM account_names n JOIN others USING (platform, account_id)
            )
        ), c AS (
            SELECT date_trunc('{bucket}', p.ts) AS b, coalesce(p.official, FALSE) AS official,
                   p.forwarded_from IS NOT NULL AS forward,
                   p.forwarded_account_id IN (SELECT account_id FROM off)
                   OR (p.forwarded_account_id IS NULL
                       AND p.forwarded_from IN (SELECT name FROM off_names)) AS amplifies
            FROM posts p WHERE {where}
        )
        SELECT b,
               count(*) FILTER (WHERE NOT official AND NOT forward)
                   / nullif(count(*) FILTER (WHERE NOT forward), 0) AS share,
               count(*) FILTER (WHERE NOT official AND forward AND amplifies) AS amplification
        FROM c GROUP BY ALL ORDER BY b
        """,
        params,
    ).fetchall()
    # every bucket, as ``supporters`` gives it: one without posts has no share (a break in
    # the line, an empty cell) and 0 amplification; one of forwards alone keeps its
    # amplification (it was left out with its share)
    got = {r[0]: (r[1], r[2]) for r in rows}
    rows = [(b, *got.get(b, (None, 0))) for b in every_bucket(got, bucket, bounds)]
    fig = go.Figure()
    fig.add_scatter(x=[r[0] for r in rows], y=[r[1] for r in rows],
                    name="supporter share (forwards not counted)",
                    mode="lines", line={"color": "#ff7f0e"})  # fmt: skip
    fig.add_bar(x=[r[0] for r in rows], y=[r[2] for r in rows], name="amplification (forwards)",
                yaxis="y2", marker_color="#1f77b4", opacity=0.5)  # fmt: skip
    return _layout(
        fig,
        TITLES["supporters"],
        yaxis={"title": "share", "tickformat": ".0%", "rangemode": "tozero"},
        yaxis2={
            "title": "forwards",
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
            "showgrid": False,
        },
        legend={"orientation": "h", "y": -0.12},
    )


def _link_where(f: Filters) -> tuple[str, list[Any]]:
    """Links of the posts the filter counts (``Filters.counted``: releases, official
    outlets' posts that are not forwards, by default), as ``mutewatch platforms`` counts
    them with the same ``--of`` and ``--include-forwards``."""
    where, params = f.where("l")
    where += (
        " AND EXISTS (SELECT 1 FROM posts p WHERE p.platform = l.platform"
        " AND p.account_id = l.account_id AND p.message_id = l.message_id"
        f" AND {f.counted()})"
    )
    if f.outlet_id is not None:
        where += (
            " AND (l.platform, l.account_id) IN "
            "(SELECT platform, account_id FROM accounts WHERE outlet_id = ?)"
        )
        params.append(f.outlet_id)
    return where, params


#: A link whose stored host is '' or a cut-off one ("t.c…") names no place: never counted
#: as a distinct host, as the measurements read it (``measure.derived.readable_host``).
_READABLE_HOST = is_host_name_sql("l.host")
NO_HOST = "(no host)"


def hosts(
    store: Store, f: Filters, bucket: str, bounds: Bounds = NO_BOUNDS
) -> tuple[go.Figure, go.Figure, list[dict[str, Any]]]:
    """Links by host class per bucket, distinct hosts per bucket, and the top hosts."""
    where, params = _link_where(f)
    # the class the measurements give each link, refreshed store or not (t.co: shortener)
    from mutewatch.measure.derived import current_class_sql  # Ibis loads with the charts only

    host_class = current_class_sql("l.host_class", "l.host")
    rows = store.con.execute(
        f"SELECT date_trunc('{bucket}', l.ts) AS b, {host_class} AS host_class, count(*) "
        "FROM links l "
        f"WHERE {where} GROUP BY ALL ORDER BY b, host_class",
        params,
    ).fetchall()
    titled = f.titles()
    mix = _stacked(rows, titled["hosts"], sorted({r[1] for r in rows}), bucket, bounds)
    distinct = store.con.execute(
        f"SELECT date_trunc('{bucket}', l.ts) AS b, count(DISTINCT l.host) "
        f"FILTER (WHERE {_READABLE_HOST}) FROM links l "
        f"WHERE {where} GROUP BY ALL ORDER BY b",
        params,
    ).fetchall()
    seen = {r[0]: r[1] for r in distinct}
    xs = every_bucket(seen, bucket, bounds)  # a bucket without a link: 0 hosts, as platforms says
    dfig = go.Figure(go.Scatter(x=xs, y=[seen.get(b, 0) for b in xs],
                                mode="lines+markers", name="distinct hosts"))  # fmt: skip
    top = store.rows(
        f"SELECT CASE WHEN {_READABLE_HOST} THEN l.host ELSE '{NO_HOST}' END AS host, "
        f"{host_class} AS host_class, count(*) AS links, min(l.ts) AS first, max(l.ts) AS last "
        f"FROM links l WHERE {where} GROUP BY ALL ORDER BY links DESC, host LIMIT 25",
        params,
    )
    return mix, _layout(dfig, titled["distinct_hosts"]), top


def coverage(store: Store) -> tuple[go.Figure, list[dict[str, Any]]]:
    """Each source's time window (bars) and its read/new/quarantined counts (table)."""
    rows = store.rows(
        "SELECT source_id, path, format, first_time, last_time, read, new, duplicates, "
        "quarantined, skipped FROM sources ORDER BY source_id"
    )
    for r, label in zip(rows, source_labels([str(r["path"]) for r in rows]), strict=True):
        r["path"] = label
    fig = go.Figure()
    with_window = [r for r in rows if r["first_time"] is not None and r["last_time"] is not None]
    fig.add_bar(
        base=[r["first_time"] for r in with_window],
        x=[(r["last_time"] - r["first_time"]).total_seconds() * 1000 for r in with_window],
        y=[f"#{r['source_id']} {r['path'][-40:]}" for r in with_window],
        orientation="h",
        marker_color=["#d62728" if r["quarantined"] else "#2ca02c" for r in with_window],
        customdata=[r["quarantined"] for r in with_window],
        hovertemplate="%{y}<br>quarantined: %{customdata}<extra></extra>",
        name="coverage window",
    )
    fig.update_xaxes(type="date")
    return _layout(fig, TITLES["coverage"], height=max(300, 60 + 24 * len(with_window))), rows


def source_labels(paths: list[str]) -> list[str]:
    """Each source's path as shown: its file name, with as many of the folders above it as
    tell it apart from the other sources (``province_03/result.json`` where every Telegram
    export is a ``result.json``); sources of one path keep its file name alone, so a label
    never reaches the folders all of them share."""
    parts = [[p for p in path.replace("\\", "/").split("/") if p] or [path] for path in paths]
    depth = [1] * len(parts)
    while True:
        groups: dict[str, list[int]] = {}
        for i, (p, d) in enumerate(zip(parts, depth, strict=True)):
            groups.setdefault("/".join(p[-d:]), []).append(i)
        grow = [
            i
            for same in groups.values()
            if len({tuple(parts[i]) for i in same}) > 1  # told apart further up
            for i in same
            if depth[i] < len(parts[i])
        ]
        if not grow:
            return ["/".join(p[-d:]) for p, d in zip(parts, depth, strict=True)]
        for i in grow:
            depth[i] += 1


def _settle_pandas() -> None:
    """Wait for an import of pandas another thread has begun (the server's warm-up).

    plotly looks pandas up in ``sys.modules`` without importing it, so while another
    thread was importing it plotly met a half-initialised module and failed (an HTTP 500
    on the first dashboard request after start). ``import_module`` waits for the import.
    """
    if "pandas" in sys.modules:
        importlib.import_module("pandas")


# what a chart without data lacks, said in its place (instead of empty axes round 0)
EMPTY: dict[str, str] = {
    "output_by_outlet": "releases (posts by official outlets' accounts, not forwards)",
    "output_by_medium": "releases (posts by official outlets' accounts, not forwards)",
    "heatmap": "releases (posts by official outlets' accounts, not forwards)",
    "active_outlets": "releases (posts by official outlets' accounts, not forwards)",
    "silences": "silences (releases of an official outlet this far apart)",
    "supporters": "posts that are not forwards",
    "hosts": "links in releases",
    "distinct_hosts": "links in releases",
    "coverage": "sources with a time window",
    "trend": "full rolling windows of covered days (mutewatch trend)",
}


def empty_notes(of: str = "official", include_forwards: bool = False) -> dict[str, str]:
    """What a chart without data lacks for ``--of``/``--include-forwards``: ``EMPTY`` by
    default, else the posts the charts of output, outlets, silences and hosts count."""
    if _default(of, include_forwards):
        return dict(EMPTY)
    which = "forwards included" if include_forwards else "not forwards"
    posts = f"{POSTS.get(of, POSTS['all'])} ({which})"
    return {
        **EMPTY,
        "output_by_outlet": posts,
        "output_by_medium": posts,
        "heatmap": posts,
        "active_outlets": posts,
        "silences": f"silences (counted posts of {_one(of)}"
        f"{'' if of == 'official' else ', or of the network,'} this far apart)",
        "hosts": f"links in {posts}",
        "distinct_hosts": f"links in {posts}",
    }


def _points(trace: Any) -> int:
    return max((len(getattr(trace, a, None) or ()) for a in ("x", "y", "z")), default=0)


def mark_empty(fig: go.Figure, name: str, notes: dict[str, str] | None = None) -> go.Figure:
    """A figure without a single point says so, instead of drawing empty axes; ``notes``:
    what each chart lacks then (``empty_notes``; ``EMPTY`` by default)."""
    if any(_points(trace) for trace in fig.data):
        return fig
    fig.update_layout(
        annotations=[{
            "text": f"No data: no {(notes or EMPTY).get(name, 'values')} in this selection.",
            "showarrow": False, "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5,
            "font": {"size": 14, "color": "#444444"},
        }],
        xaxis={"visible": False}, yaxis={"visible": False}, height=160, showlegend=False,
    )  # fmt: skip
    if "yaxis2" in fig.layout:
        fig.update_layout(yaxis2={"visible": False})
    return fig


# the charts over time buckets; a bucket the archive covers only in part is shaded in them
TIME_CHARTS = ("output_by_outlet", "output_by_medium", "active_outlets", "supporters", "hosts",
               "distinct_hosts")  # fmt: skip


def _store_reader(store: Store) -> Any:
    """``read(table, *columns)`` over the store's connection, as ``Engine.read`` answers."""

    def read(name: str, *columns: str) -> Any:
        listed = ", ".join(f'"{c}"' for c in columns)
        return store.con.execute(f'SELECT {listed} FROM "{name}"').df()

    return read


def covered_spans(store: Store, f: Filters) -> list[tuple[date, date]]:
    """The UTC days the archive covers within the filters, as inclusive ranges: the
    archive's span (``measure.status.covered_span``, the rule of ``archive_span``: the
    sources' and channels' recorded windows, else the posts' own span), or with
    ``outlet_id`` that outlet's own channels' (``measure.status.outlet_coverage``, as
    ``mutewatch output --by outlet`` reads them; the archive's when it has none)."""
    from mutewatch.measure.status import covered_span, outlet_coverage  # late: Ibis is heavy

    read = _store_reader(store)

    def posts_span() -> tuple[Any, Any]:
        row = store.con.execute("SELECT min(ts), max(ts) FROM posts").fetchone()
        return (row[0], row[1]) if row else (None, None)

    span, _ = covered_span(read, posts_span)
    spans = [span] if span is not None else []
    if f.outlet_id is not None:
        spans = outlet_coverage(read, span.end if span else None).get(f.outlet_id, spans)
    first = f.since.date() if f.since is not None else None
    last = (f.until - timedelta(microseconds=1)).date() if f.until is not None else None
    inside = [s.intersect(first, last) for s in spans]
    return [(s.start, s.end) for s in inside if s is not None]


def partial_buckets(store: Store, f: Filters, bucket: str) -> list[dict[str, Any]]:
    """The week or month buckets from the first to the last covered day that the archive
    (with ``outlet_id``, that outlet's channels) covers only in part (``period``,
    ``covered_days``, ``days``), by ``mutewatch output``'s rule
    (``measure.output.partial_covering``; for an outlet, a bucket between its channels'
    windows that they do not cover at all is flagged too, with 0 days, as ``output --by
    outlet`` flags it): a low bar there is a collection artefact, not a fall."""
    import pandas as pd

    from mutewatch.measure.output import bucket_start, partial_covering  # late: Ibis is heavy

    spans = covered_spans(store, f)
    if not spans or bucket not in ("week", "month"):
        return []
    freq = {"week": "W-MON", "month": "MS"}[bucket]
    buckets = pd.date_range(
        bucket_start(spans[0][0], bucket), bucket_start(spans[-1][1], bucket), freq=freq
    )
    partial = partial_covering(spans, buckets, bucket, empty=f.outlet_id is not None).values()
    return [{k: p[k] for k in ("period", "covered_days", "days")} for p in partial]


def shade_partial(fig: go.Figure, partial: list[dict[str, Any]]) -> go.Figure:
    """Grey bands behind the buckets the archive covers only in part, labelled with how
    many of their days it covers."""
    for p in partial:
        # a bar is drawn centred on its bucket's start, as wide as the bucket
        middle = datetime.fromisoformat(p["period"])
        half = timedelta(days=p["days"] / 2)
        x0, x1 = middle - half, middle + half
        fig.add_vrect(
            x0=x0, x1=x1, fillcolor="#9e9e9e", opacity=0.18, line_width=0, layer="below",
            annotation_text=(
                f"partly covered: {p['covered_days']} of {p['days']} days"
                if p["covered_days"]
                else f"not collected: 0 of {p['days']} days"
            ),
            annotation_position="top left", annotation_font_size=10,
        )  # fmt: skip
    return fig


def build(store: Store, filters: Filters | None = None) -> ChartSet:
    """Every figure and table for these filters."""
    _settle_pandas()
    f = filters or Filters()
    bounds = window_bounds(store, f)
    bucket = choose_bucket(store, f, bounds)
    out = ChartSet(bucket=bucket, titles=f.titles(),
                   empty=empty_notes(f.of, f.include_forwards))  # fmt: skip
    out.figures["output_by_outlet"] = output_by_outlet(store, f, bucket, bounds)
    out.figures["output_by_medium"] = output_by_medium(store, f, bucket, bounds)
    out.figures["heatmap"] = heatmap(store, f, bounds)
    out.figures["active_outlets"] = active_outlets(store, f, bucket, bounds)
    gaps = silences(store, f)
    out.figures["silences"] = silence_figure(gaps, out.titles["silences"])
    out.tables["silences"] = silence_table(gaps)
    out.gaps = gaps
    out.figures["supporters"] = supporters(store, f, bucket, bounds)
    mix, distinct, top = hosts(store, f, bucket, bounds)
    out.figures["hosts"], out.figures["distinct_hosts"] = mix, distinct
    out.tables["hosts"] = top
    out.figures["coverage"], out.tables["coverage"] = coverage(store)
    out.tables["quarantine"] = store.rows(
        "SELECT reason, count(*) AS records, count(DISTINCT path) AS files FROM quarantine "
        "GROUP BY reason ORDER BY records DESC, reason LIMIT 50"
    )
    out.tables["id_gaps"] = store.rows(
        "SELECT coalesce(a.name, g.account_id) AS channel, count(*) AS gaps, "
        "sum(g.missing) AS missing_ids, min(g.after_ts) AS first, max(g.before_ts) AS last "
        "FROM id_gaps g LEFT JOIN accounts a USING (platform, account_id) "
        "GROUP BY ALL ORDER BY missing_ids DESC, channel LIMIT 25"
    )
    out.partial = partial_buckets(store, f, bucket)
    for name, fig in out.figures.items():
        if name in TIME_CHARTS and any(_points(trace) for trace in fig.data):
            shade_partial(fig, out.partial)
        mark_empty(fig, name, out.empty)
    return out


def _broken(rows: list[dict[str, Any]], day: str, *columns: str) -> dict[str, list[Any]]:
    """``columns`` of daily ``rows`` as lists under ``x`` (their ``day`` key), with a gap
    (``None``) after a missing day, so a line is not drawn across days left out."""
    out: dict[str, list[Any]] = {"x": [], **{c: [] for c in columns}}
    previous: date | None = None
    for row in rows:
        current = date.fromisoformat(str(row[day])[:10])
        if previous is not None and current - previous > timedelta(days=1):
            out["x"].append((previous + timedelta(days=1)).isoformat())
            for c in columns:
                out[c].append(None)
        out["x"].append(current.isoformat())
        for c in columns:
            out[c].append(row[c])
        previous = current
    return out


def trend_figure(result: dict[str, Any], title: str = TITLES["trend"]) -> go.Figure:
    """``mutewatch trend``'s JSON drawn: the trailing ``window``-day rate per day with its
    interval (a band), each segment's rate between change points (a step line) and a
    dashed line at each change point. Only what the measurement reports is drawn: a
    rolling window holding a day left out as uncovered (``--outlet``) is a gap."""
    window = result.get("parameters", {}).get("window", 28)
    level = result.get("parameters", {}).get("level", 0.95)
    rolling = _broken(result.get("rolling") or [], "date", "per_day", "low", "high")
    fig = go.Figure()
    band = {"mode": "lines", "line": {"width": 0, "color": "#9ecae1"}, "hoverinfo": "skip"}
    fig.add_scatter(x=rolling["x"], y=rolling["low"], name=f"low ({level:.0%})", **band)
    fig.add_scatter(x=rolling["x"], y=rolling["high"], name=f"high ({level:.0%})",
                    fill="tonexty", fillcolor="rgba(158,202,225,0.45)", **band)  # fmt: skip
    fig.add_scatter(x=rolling["x"], y=rolling["per_day"], mode="lines",
                    name=f"posts per day ({window}-day rolling)",
                    line={"color": "#1f77b4", "width": 2})  # fmt: skip
    segs = result.get("segments") or []
    steps = [(s["start"], s["per_day"]) for s in segs]
    if segs:
        steps.append((segs[-1]["end"], segs[-1]["per_day"]))
    fig.add_scatter(x=[x for x, _ in steps], y=[y for _, y in steps], mode="lines",
                    line={"shape": "hv", "color": "#d62728", "dash": "dot"},
                    name="segment rate (between change points)")  # fmt: skip
    for change in result.get("change_points") or []:
        fig.add_vline(x=change["at"], line_width=1, line_dash="dash", line_color="#d62728")
    fig.update_xaxes(type="date")
    yaxis = {"title": "posts per day", "rangemode": "tozero", "gridcolor": "#eeeeee"}
    # every trace's value at the day under the pointer, not only a point within 20 px
    return mark_empty(_layout(fig, title, yaxis=yaxis, hovermode="x"), "trend")
