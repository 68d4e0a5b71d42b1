"""The self-contained HTML report: one file, plotly.js inlined once, opens offline.

Library use::

    from mutewatch.show.report import ReportOptions, write_report
    written = write_report(Path("mutewatch.duckdb"), Path("report.html"),
                           ReportOptions.from_strings(period="2024-01-01..2024-06-30"))

Sections: key findings; output over time by outlet and by medium; outlets × months;
active outlets; silences (unprecedented marked, with coverage, p-value and record from
``mutewatch silences``: a gap the archive did not collect is never unprecedented; every
silence overlapping the window, its record that of the whole archive, as ``silences
--from/--to`` lists them);
supporter share and amplification; platform and host mix with distinct hosts; data
coverage and quarantine; methods appendix. The charts count what the measuring commands
count with the same ``--of`` and ``--include-forwards`` (``output``, ``supporters``,
``platforms``, ``silences`` with ``--json`` give the same numbers). Every chart has a text
label and its numbers in a data table (closed ``<details>``); names are escaped, bidi
controls shown as ``[U+XXXX]``, long names cut in chart labels (whole in the tables). A
print stylesheet leaves out the
navigation, chart toolbars and data tables.
``--png-dir`` also writes every chart as a PNG through kaleido and Debian's Chromium.

Determinism: the same store gives the same bytes, except for the one line that starts
``<p class="generated">`` (when the report was written). Fix that time with
``ReportOptions(generated_at=...)`` or, as reproducible builds do, with the environment
variable ``SOURCE_DATE_EPOCH`` (seconds since 1970, UTC); then two runs are byte-identical.
"""

from __future__ import annotations

import html
import importlib
import json
import math
import os
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from mutewatch.errors import MutewatchError, StoreBusyError, UsageError
from mutewatch.measure.params import (
    OF_CHOICES,
    DateRange,
    parse_range,
    require_period_after_baseline,
)
from mutewatch.show import charts
from mutewatch.store import Store

CHROMIUM = Path("/usr/bin/chromium")

SECTIONS: list[tuple[str, str, list[str]]] = [
    ("key-findings", "Key findings", []),
    ("output", "Output over time", ["output_by_outlet", "output_by_medium"]),
    ("heatmap", "Outlets × months", ["heatmap"]),
    ("active-outlets", "Active outlets over time", ["active_outlets"]),
    ("silences", "Silences", ["silences"]),
    ("supporters", "Supporter share and amplification", ["supporters"]),
    ("platforms", "Platform and host mix", ["hosts", "distinct_hosts"]),
    ("coverage", "Data coverage and quarantine", ["coverage"]),
    ("methods", "Methods appendix", []),
]


@dataclass(frozen=True)
class ReportOptions:
    """The windows of the report (inclusive UTC days) and the silence parameters."""

    baseline: tuple[date, date] | None = None
    period: tuple[date, date] | None = None
    min_hours: float = 48.0
    network_min_hours: float = 12.0
    min_history_days: float = 90.0
    generated_at: datetime | None = None  # None: SOURCE_DATE_EPOCH, else now
    # supporter accounts' ids and names, and supporter outlets' names, as the server shows
    # them to viewers (keyed-hash pseudonyms): for a report handed to readers of that role
    pseudonymise: bool = False
    # outlets named as ``outlets list`` prints them (``--outlet``, repeatable): the output
    # section then also reads them as ``output --outlet`` and ``trend --outlet`` do
    outlets: tuple[str, ...] = ()
    # which posts the charts of output, outlets, silences and hosts, the silences'
    # coverage and the key findings count, as the measuring commands' --of and
    # --include-forwards choose them (default: official outlets' releases)
    of: str = "official"
    include_forwards: bool = False

    def __post_init__(self) -> None:
        check_history_days(self.min_history_days)

    @classmethod
    def from_strings(
        cls,
        *,
        baseline: str | None = None,
        period: str | None = None,
        generated_at: str | None = None,
        outlets: Sequence[str] = (),
        of: str = "official",
        include_forwards: bool = False,
        min_history_days: float | str = 90.0,
    ) -> ReportOptions:
        """Parse ``A..B`` windows and an ISO-8601 generated-at time as the CLI gives them;
        ``outlets``: the names ``--outlet`` gives (checked when the report is built);
        ``of``: official, supporter or all, as ``--of`` takes it; ``min_history_days``:
        days (a number >= 0, or its text), as ``--min-history-days`` takes it."""
        if of not in OF_CHOICES:
            raise UsageError(
                f"--of {of!r} is not one of {', '.join(OF_CHOICES)}",
                hint="pass --of official, --of supporter or --of all",
            )
        base = _window(baseline, "--baseline") if baseline else None
        per = _window(period, "--period") if period else None
        if base and per:
            require_period_after_baseline(DateRange(*base), DateRange(*per), "report")
        return cls(
            baseline=base,
            period=per,
            generated_at=_instant(generated_at) if generated_at else None,
            outlets=tuple(outlets),
            of=of,
            include_forwards=include_forwards,
            min_history_days=_history_days(min_history_days),
        )

    def generated(self) -> datetime:
        """When the report says it was generated (UTC)."""
        if self.generated_at is not None:
            at = self.generated_at
            return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        if epoch:
            try:
                return datetime.fromtimestamp(int(epoch), UTC)
            except (ValueError, OverflowError, OSError) as exc:
                raise UsageError(
                    f"SOURCE_DATE_EPOCH {epoch!r} is not a time",
                    hint="set it to whole seconds since 1970-01-01 UTC, or unset it",
                ) from exc
        return datetime.now(UTC)

    def dates(self) -> dict[str, str]:
        """The charts' window as the measuring commands' ``--from``/``--to`` (inclusive)."""
        starts = [w[0] for w in (self.baseline, self.period) if w]
        ends = [w[1] for w in (self.baseline, self.period) if w]
        out = {"date_from": min(starts).isoformat()} if starts else {}
        return {**out, "date_to": max(ends).isoformat()} if ends else out

    def filters(self) -> charts.Filters:
        """Charts span the baseline's start to the period's end (everything if unset)."""
        starts = [w[0] for w in (self.baseline, self.period) if w]
        ends = [w[1] for w in (self.baseline, self.period) if w]
        return charts.Filters(
            since=datetime.combine(min(starts), datetime.min.time()) if starts else None,
            until=datetime.combine(max(ends) + timedelta(days=1), datetime.min.time())
            if ends
            else None,
            min_hours=self.min_hours,
            network_min_hours=self.network_min_hours,
            min_history_days=self.min_history_days,
            of=self.of,
            include_forwards=self.include_forwards,
        )


HISTORY_DAYS_HINT = (
    "pass --min-history-days DAYS with DAYS a number >= 0 (default 90; with 0 a gap is "
    "unprecedented whenever `mutewatch silences` calls it so)"
)


def _history_days(value: float | str) -> float:
    """``--min-history-days`` as a number of days: a number, or its text as typed."""
    if isinstance(value, str):
        try:
            days = float(value.strip())
        except ValueError:
            raise UsageError(
                f"--min-history-days {value!r} is not a number of days", hint=HISTORY_DAYS_HINT
            ) from None
    else:
        days = value
    check_history_days(days)
    return float(days)


def check_history_days(days: object) -> None:
    """Refuse a ``min_history_days`` that is not a finite number of days of at least 0
    (a negative number, NaN or infinity: every gap, or none, would read unprecedented),
    naming ``--min-history-days`` and the value as given."""
    if isinstance(days, int | float) and not isinstance(days, bool):
        if math.isfinite(days) and days >= 0:
            return
        shown = f"{days:g}"
    else:
        shown = repr(days)
    raise UsageError(
        f"--min-history-days {shown} is not a number of days of at least 0",
        hint=HISTORY_DAYS_HINT,
    )


def _instant(text: str) -> datetime:
    """An ISO-8601 time (naive = UTC)."""
    try:
        at = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise UsageError(
            f"--generated-at {text!r} is not a time", hint="write ISO 8601, e.g. 2026-01-02T03:04Z"
        ) from exc
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _window(text: str, what: str) -> tuple[date, date]:
    """A window as two inclusive UTC days, read by ``params.parse_range`` as ``findings``
    and ``outlets status`` read theirs: ``A..B`` or ``A``, each end YYYY, YYYY-MM or
    YYYY-MM-DD (``--period 2016-04`` is April 2016)."""
    window = parse_range(text, what)
    return window.start, window.end


@dataclass
class WrittenReport:
    """What ``write_report`` wrote."""

    html: Path
    pngs: list[Path] = field(default_factory=list)


def load_findings(store_path: Path, options: ReportOptions) -> dict[str, Any]:
    """The ``findings`` measurement, or an explanation of why it is missing. Windows the
    reader gave (``--baseline``/``--period``) that `findings` refuses (wholly outside the
    archive, no full month after the baseline) are refused here too: the report used to be
    written anyway, exit 0, every section empty."""
    kwargs: dict[str, Any] = {"of": options.of, "include_forwards": options.include_forwards}
    if options.baseline:
        kwargs["baseline"] = f"{options.baseline[0]}..{options.baseline[1]}"
    if options.period:
        kwargs["period"] = f"{options.period[0]}..{options.period[1]}"
    try:
        registry = importlib.import_module("mutewatch.measure.registry")
        if "findings" in getattr(registry, "MEASUREMENTS", {}):
            return dict(registry.run_measurement("findings", store_path, **kwargs))
        module = importlib.import_module("mutewatch.measure.findings")
        return dict(module.findings(store_path, **kwargs))
    except (ImportError, MutewatchError) as exc:
        if isinstance(exc, UsageError) and (options.baseline or options.period):
            raise
        return {"findings": [], "skipped": [{"kind": "all", "reason": str(exc)}], "parameters": {}}


def _as_text(fig: go.Figure) -> dict[str, Any]:
    """The figure with every label shown as text (see ``charts.plain_text``)."""
    return charts.plain_text(json.loads(fig.to_json()))


def _figure_div(fig: go.Figure, name: str) -> str:
    return str(
        pio.to_html(
            _as_text(fig),
            full_html=False,
            include_plotlyjs=False,
            div_id=f"chart-{name}",
            config={"displaylogo": False, "responsive": True},
        )
    )


def _text(value: Any) -> str:
    """Data as HTML text: escaped, bidi controls written out (``charts.visible_controls``)."""
    return html.escape(charts.visible_controls(str(value)))


def _partial_note(partial: list[dict[str, Any]], bucket: str) -> str:
    """Which first or last bucket of the charts over time the archive covers only in part."""
    if not partial:
        return ""
    each = "; ".join(
        f"the {bucket} of {p['period']}: {p['covered_days']} of {p['days']} days" for p in partial
    )
    return (
        "<p class='note'>Shaded grey in the charts over time: periods the archive covers only "
        f"in part ({html.escape(each)}). Their counts are low because collection started or "
        "ended inside them, not because output fell.</p>"
    )


def _figure(fig: go.Figure, name: str, titles: dict[str, str] | None = None) -> str:
    """A chart with its text alternative: a label, and its numbers as a table (closed);
    ``titles``: the charts' (``ChartSet.titles``, as ``--of`` words them)."""
    title = (titles or charts.TITLES).get(name, name)
    label = html.escape(f"Chart: {title}. Its numbers are in the data table below it.")
    columns, rows = chart_rows(fig, name)
    return (
        f"<figure><div role='img' aria-label='{label}'>{_figure_div(fig, name)}</div>"
        f"<details class='data' id='data-{name}'><summary>Data table: {html.escape(title)}"
        f"</summary>{_table(rows, columns, f'Data: {title}')}</details></figure>"
    )


# the first columns of the horizontal-bar charts' data tables (label, from, to, value)
_SPANS = {
    "silences": ("outlet", "start", "end", "silence", "hours"),
    "coverage": ("source", "first_time", "last_time", "series", "quarantined"),
}


def chart_rows(fig: go.Figure, name: str) -> tuple[list[str], list[dict[str, Any]]]:
    """A chart's numbers as table columns and rows: a heatmap by row, time spans (silences,
    coverage) one per bar, every other chart one row per time bucket, a column per series."""
    traces = list(fig.data)
    if traces and traces[0].type == "heatmap":
        heat = traces[0]
        months = [str(m) for m in heat.x or ()]
        columns = ["outlet", *months]
        pairs = zip(heat.y or (), heat.z or (), strict=True)
        return columns, [dict(zip(columns, [y, *z], strict=True)) for y, z in pairs]
    if name in _SPANS:
        label, start, end, kind, value = _SPANS[name]
        spans = [
            {label: y, start: b, end: b + timedelta(milliseconds=float(x)), kind: t.name, value: v}
            for t in traces
            for y, b, x, v in zip(t.y or (), t.base or (), t.x or (), t.customdata or (),
                                  strict=True)
        ]  # fmt: skip
        return [label, start, end, kind, value], spans
    series = [str(t.name) for t in traces]
    by_x: dict[Any, dict[str, Any]] = {}
    for t, column in zip(traces, series, strict=True):
        for x, y in zip(t.x or (), t.y or (), strict=True):
            by_x.setdefault(x, {"period": _period(x)})[column] = (
                round(y, 4) if isinstance(y, float) else y
            )
    return ["period", *series], [by_x[x] for x in sorted(by_x)]


def _period(x: Any) -> Any:
    """A bucket start as its day (charts' buckets start at midnight UTC)."""
    return x.date().isoformat() if isinstance(x, datetime) else x


def _table(rows: list[dict[str, Any]], columns: list[str], label: str = "table") -> str:
    if not rows:
        return "<p class='empty'>None.</p>"
    head = "".join(
        f"<th scope='col'{' class=long' if len(c) > 24 else ''}>{_text(c)}</th>" for c in columns
    )
    body = "".join("<tr>" + "".join(_td(_cell(r.get(c))) for c in columns) + "</tr>" for r in rows)
    return (
        f"<div class='scroll' tabindex='0' role='region' aria-label='{html.escape(label)}'>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def _td(text: str) -> str:
    """A cell: short values stay on one line, long ones (names, reasons) wrap anywhere."""
    return f"<td class='long'>{_text(text)}</td>" if len(text) > 24 else f"<td>{_text(text)}</td>"


def _titled(title: str, rows: list[dict[str, Any]], columns: list[str]) -> str:
    """A table under its own heading, which also names its scrolling region."""
    return f"<h3>{html.escape(title)}</h3>" + _table(rows, columns, title)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


COVERAGE_NOTE = (
    "<p class='note'>coverage and p_value are those of <code>mutewatch silences</code>: "
    "full, partial or none, as far as the archive's sources and message ids cover the gap; "
    "a gap with coverage none is time the archive did not collect, not the outlet's silence, "
    "and is never marked unprecedented; unverified means the channels carry no message ids "
    "that would show missing posts (e.g. tabular rows without a message id), so the archive "
    "cannot tell that gap from a gap in collection, and it is never marked unprecedented "
    "either.</p>"
)


def record_note(min_history_days: float) -> str:
    """Under the silence table: its record columns are ``silences``' over the whole record,
    not the window's, and the report's one rule of its own (``min_history_days``)."""
    days = f"{min_history_days:g} day{'' if min_history_days == 1 else 's'}"
    return (
        "<p class='note'>longest_before and unprecedented are those of <code>mutewatch "
        "silences</code> (previous_longest_hours, unprecedented) over the whole record, "
        "whatever the window; every silence that overlaps the window is listed. A silence is "
        f"marked unprecedented only once {days} of its series' record lie before it "
        "(min_history_days). ongoing: the silence still runs at the archive's end (the "
        "latest time any source covers), which is its end, so its hours are a lower bound, "
        "as <code>mutewatch silences --ongoing</code> and the key findings list it.</p>"
    )


def _silence_key(outlet: str | None, start: Any) -> tuple[str | None, str]:
    text = start.isoformat() if isinstance(start, datetime) else str(start)
    return outlet, text[:16]


def with_coverage(
    rows: list[dict[str, Any]], store_path: Path, options: ReportOptions
) -> list[dict[str, Any]]:
    """The chart's silences with ``coverage``, ``p_value`` and ``rank`` from the silences
    measurement (network and outlet scope, the report's thresholds); a gap the archive did
    not collect is not unprecedented. Unknown (the measurement failed) stays blank."""
    known = silence_lookup(
        store_path, options.min_hours, options.network_min_hours,
        of=options.of, include_forwards=options.include_forwards,
    )  # fmt: skip
    return apply_coverage(rows, known, options.min_history_days)


Lookup = dict[tuple[str | None, str], dict[str, Any]]


def silence_lookup(
    store_path: Path,
    min_hours: float,
    network_min_hours: float,
    *,
    of: str = "official",
    include_forwards: bool = False,
) -> Lookup | None:
    """The silences measurement's gaps (network and outlet scope; ``--of``,
    ``--include-forwards``) by outlet (None: the network) and start to the minute; None
    when the measurement failed."""
    known: Lookup = {}
    try:
        from mutewatch.measure.registry import run_measurement

        for scope, hours in (("network", network_min_hours), ("outlet", min_hours)):
            found = run_measurement(
                "silences", store_path, scope=scope, min_hours=hours, with_coordinated=False,
                of=of, include_forwards=include_forwards, ongoing=True,
            )  # fmt: skip
            for s in found.get("silences", []):
                known[_silence_key(s.get("outlet"), s.get("start"))] = s
    except (ImportError, MutewatchError):
        return None
    return known


def apply_coverage(
    rows: list[dict[str, Any]], known: Lookup | None, min_history_days: float = 90.0
) -> list[dict[str, Any]]:
    """``rows`` (``charts.silences``) with the ``coverage``, ``p_value`` and ``rank`` of
    ``known`` (:func:`silence_lookup`); a gap the archive did not collect (coverage none) or
    cannot check (no message ids) is not unprecedented. ``known`` None: ``rows`` as they are.

    A gap ``known`` holds takes its record from it too, as ``mutewatch silences`` gives it:
    ``longest_before`` is its ``previous_longest_hours`` (to 0.1 h; a gap the archive did
    not collect is nobody's record there), and ``unprecedented`` is its ``unprecedented``
    once ``min_history_days`` of the series' record lie before the gap (``history_days``,
    the report's rule; default the charts' ``Filters.min_history_days``). The chart's
    record counted uncollected gaps, so the same gap read two previous
    longests (Province 05 in the demo: 139.4 h in the report, 124.8 h in ``silences``)."""
    if known is None:
        return rows
    out = []
    for row in rows:
        outlet = None if row["outlet_id"] is None else row["outlet"]
        s = known.get(_silence_key(outlet, row["start"]), {})
        row = dict(row, coverage=s.get("coverage"), p_value=s.get("p_value"), rank=s.get("rank"))
        if s:
            prior = s.get("previous_longest_hours")
            days = row.get("history_days")  # None: rows of another maker, silences' verdict
            seasoned = days is None or float(days) >= min_history_days
            row["longest_before"] = None if prior is None else round(float(prior), 1)
            row["unprecedented"] = bool(s.get("unprecedented")) and seasoned
        if row["coverage"] == "none" or s.get("ids_checked") is False:
            row["unprecedented"] = False
        out.append(row)
    return out


def check_outlets(store: Store, outlets: Sequence[str]) -> None:
    """UsageError naming each of ``outlets`` the store does not know, with close names (as
    ``output --outlet`` words it)."""
    from mutewatch.measure.output import chosen_outlets, known_outlets

    chosen_outlets(known_outlets(store.con.execute("SELECT outlet_id, name FROM outlets").df()),
                   outlets)  # fmt: skip


def load_chosen(store_path: Path, options: ReportOptions, bucket: str) -> dict[str, Any]:
    """The outlets ``options.outlets`` names, read over the report's window as ``output
    --outlet NAME... --by outlet --of all --every BUCKET`` (each against its own channels'
    coverage), ``output --outlet NAME...`` (together: the union of their covered days) and
    ``trend --outlet NAME...`` (over their covered days; ``--every`` month, week when the
    charts' bucket is shorter) read them. ``--of all``: each outlet's own posts, forwards
    left out, so a supporter outlet counts too (an official outlet's posts are its
    releases, as the charts count them). An unknown name is a UsageError."""
    from mutewatch.measure.registry import run_measurement

    common: dict[str, Any] = {"outlets": list(options.outlets), "of": "all", **options.dates()}
    every = bucket if bucket in ("day", "week", "month") else "week"
    return {
        "output": run_measurement("output", store_path, by="outlet", every=every, **common),
        "together": run_measurement("output", store_path, every=every, **common),
        "trend": run_measurement(
            "trend", store_path, every="month" if every == "month" else "week", **common
        ),
    }


def chosen_figure(result: dict[str, Any]) -> go.Figure:
    """Posts per period of each chosen outlet (``output --by outlet`` rows), as bars; the
    hover text gives a partly covered period's covered share."""
    fig = go.Figure()
    for group in result["parameters"].get("outlets", []):
        rows = [r for r in result["rows"] if r["group"] == group]
        fig.add_bar(
            x=[r["period"] for r in rows],
            y=[r["count"] for r in rows],
            name=str(group),
            customdata=[_covered(r) for r in rows],
            hovertemplate="%{x}: %{y} posts (%{customdata})<extra>%{fullData.name}</extra>",
        )
    fig.update_layout(
        title={"text": CHOSEN_TITLE, "x": 0.01}, template="none", barmode="group", height=380,
        font={"family": "system-ui, sans-serif", "size": 12},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12},
        yaxis={"rangemode": "tozero", "gridcolor": "#eeeeee"},
    )  # fmt: skip
    return charts.mark_empty(fig, "chosen_outlets")


CHOSEN_TITLE = "Output of the chosen outlets (--outlet), each against its own coverage"


def _covered(row: dict[str, Any]) -> str:
    """A row's covered share as the output command's text prints it."""
    if not row.get("partial"):
        return "covered"
    return f"{row['covered_fraction']:.0%} covered"


def chosen_html(chosen: dict[str, Any], fig: go.Figure) -> str:
    """The output section's block on the chosen outlets: chart, per-period table, each
    outlet's covered days, the trend of them together, and the commands' warnings."""
    out, together, trend = chosen["output"], chosen["together"], chosen["trend"]
    rows = [
        {"period": r["period"], "outlet": r["group"], "posts": r["count"], "covered": _covered(r)}
        for r in out["rows"]
    ]
    cover = [
        {"outlet": c["group"], "basis": c["basis"],
         "covered days": "; ".join(f"{d['from']}..{d['to']} ({d['days']})"
                                   for d in c.get("covered", [])) or "the archive's span"}
        for c in out.get("outlet_coverage", [])
    ]  # fmt: skip
    # trend's warnings are output's (--of, coverage rows), in the words of its own keys
    notes = [*together.get("warnings", []), *trend.get("notes", [])]
    label = html.escape(f"Chart: {CHOSEN_TITLE}. Its numbers are in the data table below it.")
    return (
        f"<h3>{html.escape(CHOSEN_TITLE)}</h3>"
        "<p class='note'>Read as <code>mutewatch output --outlet NAME --by outlet --of all"
        "</code> and <code>mutewatch trend --outlet NAME --of all</code> read them, over "
        "this report's window: each outlet against the days its own channels were "
        "collected (a period it was not collected in reads 0% covered: its zero is not a "
        f"silence). Together their rows are read against: {_text(together['coverage_basis'])}"
        f" ({_text(_BASIS.get(together['coverage_basis'], ''))}).</p>"
        + "".join(f"<p class='note'>{_text(n)}</p>" for n in notes)
        + f"<figure><div role='img' aria-label='{label}'>"
        f"{_figure_div(fig, 'chosen_outlets')}</div><details class='data' "
        f"id='data-chosen_outlets'><summary>Data table: {html.escape(CHOSEN_TITLE)}</summary>"
        f"{_table(rows, ['period', 'outlet', 'posts', 'covered'], CHOSEN_TITLE)}"
        "</details></figure>"
        + _titled("Days each chosen outlet's channels were collected", cover,
                  ["outlet", "basis", "covered days"])
        + _titled("Trend of the chosen outlets together (trend --outlet)", [_trend_row(trend)],
                  list(_trend_row(trend)))
    )  # fmt: skip


_BASIS = {
    "outlet": "the chosen outlet's own channels' covered days",
    "outlets": "the union of the chosen outlets' channels' covered days",
    "archive": "the archive's span, since a chosen outlet has no coverage rows of its own",
}


def _trend_row(trend: dict[str, Any]) -> dict[str, Any]:
    """``trend --outlet``'s headline figures as one table row."""
    s, cov, ptc = trend["series"], trend.get("coverage", {}), trend.get("peak_to_current")
    return {
        "from": s["start"], "to": s["end"], "covered days": s["days"],
        "uncovered days": cov.get("uncovered_days"), "posts": s["posts"],
        "a day": s["per_day"], "change points": len(trend["change_points"]),
        "peak": f"{ptc['peak']['period']} ({ptc['peak']['per_day']} a day)" if ptc else None,
        "current": f"{ptc['current']['period']} ({ptc['current']['per_day']} a day)"
        if ptc else None,
        "peak to current": _change(ptc["change"]) if ptc else None,
    }  # fmt: skip


def _change(change: float | None) -> str | None:
    """Peak to current as a signed percentage (a fall is negative), ``0%`` for none."""
    return None if change is None else f"{-change:+.0%}" if round(change, 2) else "0%"


def show_silences(built: charts.ChartSet, gaps: list[dict[str, Any]]) -> None:
    """Draw ``built``'s silence chart and table from ``gaps`` (with their coverage)."""
    figure = charts.silence_figure(gaps, built.titles["silences"])
    built.figures["silences"] = charts.mark_empty(figure, "silences", built.empty)
    built.tables["silences"] = charts.silence_table(gaps)


def _findings_html(found: dict[str, Any]) -> str:
    items = "".join(f"<li>{_text(f.get('sentence', ''))}</li>" for f in found.get("findings", []))
    skipped = "".join(
        f"<li>{_text(s.get('kind'))}: {_text(s.get('reason'))}</li>"
        for s in found.get("skipped", [])
    )
    out = f"<ul class='findings'>{items}</ul>" if items else "<p>No findings.</p>"
    warned = "".join(f"<li>{_text(w)}</li>" for w in found.get("warnings") or [])
    if warned:  # as `findings` prints them: windows cut to the coverage, no official outlet
        out += f"<div class='note' role='note'><p>Warnings:</p><ul>{warned}</ul></div>"
    if skipped:
        out += f"<details><summary>Findings left out</summary><ul>{skipped}</ul></details>"
    return out


def _methods_html(
    options: ReportOptions,
    found: dict[str, Any],
    built: charts.ChartSet,
    status: dict[str, Any],
    outlets: list[str] | None = None,
) -> str:
    """The methods appendix; ``outlets``: the chosen outlets' names as the report shows
    them (pseudonymised with ``--pseudonymise``)."""
    defs = "".join(
        f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>"
        for k, v in charts.definitions(options.of, options.include_forwards).items()
    )
    params = {
        "baseline": f"{options.baseline[0]}..{options.baseline[1]}" if options.baseline else "auto",
        "period": f"{options.period[0]}..{options.period[1]}" if options.period else "auto",
        "of (--of: the posts counted)": options.of,
        "include forwards (--include-forwards)": options.include_forwards,
        "time bucket of the charts": built.bucket,
        "min_hours (silence of an outlet)": options.min_hours,
        "network_min_hours (silence of the network)": options.network_min_hours,
        "min_history_days (unprecedented)": options.min_history_days,
        "top outlets stacked (others as 'other')": charts.TOP_OUTLETS,
        "time zone": "UTC",
    }
    if outlets:  # the output section's block on them
        params["outlets (--outlet; read --of all)"] = ", ".join(outlets)
    rows = "".join(
        f"<tr><td>{html.escape(k)}</td><td>{html.escape(str(v))}</td></tr>"
        for k, v in params.items()
    )
    methods = "".join(
        f"<dt>{html.escape(str(f.get('kind')))}</dt><dd>{html.escape(str(f.get('method', '')))}"
        f"<br><code>{html.escape(json.dumps(f.get('parameters', {}), default=str))}</code></dd>"
        for f in found.get("findings", [])
    )
    return (
        f"<h3>Definitions</h3><dl>{defs}</dl>"
        f"<h3>Parameters</h3><table><tbody>{rows}</tbody></table>"
        f"<h3>Findings: method and parameters</h3><dl>{methods or '<dd>none</dd>'}</dl>"
        f"<h3>Parameters of the findings measurement</h3>"
        f"{_pre(found.get('parameters', {}))}<h3>The store</h3>{_pre(status)}"
    )


def _notice(status: dict[str, Any], of: str = "official") -> str:
    """What to do when the store holds no posts, or (``--of official``) none is an official
    outlet's release."""
    if not status.get("posts"):
        return (
            "<p class='notice' role='note'>This store holds no posts yet, so every chart is "
            "empty. Ingest archives with <code>mutewatch ingest PATH</code> (and a registry "
            "with <code>--outlets FILE</code>), check with <code>mutewatch status</code>, "
            "then write the report again.</p>\n"
        )
    if status.get("official_releases") or of != "official":
        return ""
    return (
        "<p class='notice' role='note'>This store has posts but no official outlet's "
        "releases, so the charts of output, outlets and silences are empty: no registry "
        "names any account as an official outlet's. Name them in a registry file and run "
        "<code>mutewatch outlets load FILE</code>, then write the report again, or write "
        "it with <code>--of all</code> to chart every post.</p>\n"
    )


def _pre(value: Any) -> str:
    """JSON in a block that scrolls sideways and so takes keyboard focus."""
    return f"<pre tabindex='0'>{html.escape(json.dumps(value, indent=1, default=str))}</pre>"


def _status(store: Store) -> dict[str, Any]:
    """The store's figures, naming the store file only: the report is handed to others,
    and the folder it lay in on the author's machine is none of theirs."""
    from mutewatch.web.queries import status

    data = status(store)
    if data.get("store"):
        data["store"] = Path(str(data["store"])).name
    return data


def _pseudonymiser(store: Store) -> Callable[[Any], Any]:
    """What the server does for viewers (``web.auth.Pseudonymiser``), with the key it uses:
    ``MUTEWATCH_PSEUDONYM_KEY``, else the one ``serve`` kept in the store, so the report's
    pseudonyms are the dashboard's; with neither, a key made for this report only."""
    from mutewatch.web.auth import Pseudonymiser, stored_pseudonym_key, supporter_identifiers

    key = os.environ.get("MUTEWATCH_PSEUDONYM_KEY") or stored_pseudonym_key(store)
    return Pseudonymiser(key or secrets.token_hex(32), supporter_identifiers(store)).apply


def _open_waiting(store_path: Path, wait: float = 30.0) -> Store:
    """Open the store read-only, retrying while a writer (the server, an ingest) holds it."""
    deadline = time.monotonic() + wait
    while True:
        try:
            return Store.open(store_path, read_only=True)
        except StoreBusyError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.2)


def build_report(store_path: Path, options: ReportOptions) -> tuple[str, dict[str, go.Figure]]:
    """The report's HTML and its figures (for PNG export)."""
    store = _open_waiting(store_path)
    try:
        if options.outlets:  # an unknown name fails before any chart is drawn
            check_outlets(store, options.outlets)
        built = charts.build(store, options.filters())
        status = _status(store)
        mask = _pseudonymiser(store) if options.pseudonymise else None
    finally:
        store.close()
    found = load_findings(store_path, options)
    show_silences(built, with_coverage(built.gaps, store_path, options))
    chosen = load_chosen(store_path, options, built.bucket) if options.outlets else None
    if chosen is not None:
        built.figures["chosen_outlets"] = chosen_figure(chosen["output"])
    if mask is not None:
        found, built.tables = mask(found), mask(built.tables)
        chosen = mask(chosen)
        built.figures = {k: go.Figure(mask(f.to_plotly_json())) for k, f in built.figures.items()}
    parts: list[str] = []
    for section_id, title, names in SECTIONS:
        body = ""
        if section_id == "key-findings":
            body = _findings_html(found)
        elif section_id == "methods":
            shown = chosen["output"]["parameters"]["outlets"] if chosen else None
            body = _methods_html(options, found, built, status, shown)
        for name in names:
            body += _figure(built.figures[name], name, built.titles)
        if section_id == "output":
            body += _partial_note(built.partial, built.bucket)
            if chosen is not None:
                body += chosen_html(chosen, built.figures["chosen_outlets"])
        if section_id == "silences":
            body += _titled(
                "Unprecedented silences (else the latest)",
                built.tables["silences"],
                ["outlet", "start", "end", "hours", "longest_before", "unprecedented",
                 "coverage", "p_value", "ongoing"],
            )  # fmt: skip
            body += record_note(options.min_history_days) + COVERAGE_NOTE
        elif section_id == "platforms":
            hosts = [
                dict(h, host=str(h["host"]).replace(".", "[.]")) for h in built.tables["hosts"]
            ]
            body += _titled(
                "Hosts in use (defanged)", hosts, ["host", "host_class", "links", "first", "last"]
            )
        elif section_id == "coverage":
            body += _titled("Sources",
                built.tables["coverage"],
                ["source_id", "path", "format", "first_time", "last_time", "read", "new",
                 "duplicates", "quarantined", "skipped"],
            )  # fmt: skip
            body += _titled(
                "Quarantined records by reason",
                built.tables["quarantine"],
                ["reason", "records", "files"],
            )
            body += _titled(
                "Missing message ids (deleted or not collected)",
                built.tables["id_gaps"],
                ["channel", "gaps", "missing_ids", "first", "last"],
            )
        parts.append(f"<section id='{section_id}'><h2>{html.escape(title)}</h2>{body}</section>")
    generated = options.generated().strftime("%Y-%m-%d %H:%M UTC")
    toc = "".join(f"<li><a href='#{sid}'>{html.escape(t)}</a></li>" for sid, t, _ in SECTIONS)
    page = TEMPLATE.format(
        csp=REPORT_CSP,
        plotlyjs=get_plotlyjs(),
        generated=html.escape(generated),
        store=html.escape(store_path.name),
        toc=toc,
        notice=_notice(status, options.of),
        sections="\n".join(parts),
        posts=_count(int(status.get("posts") or 0), "post"),
        first=html.escape(str(status.get("first") or "–")),
        last=html.escape(str(status.get("last") or "–")),
    )
    return page, built.figures


def _count(number: int, noun: str) -> str:
    """ "1 post", "17,410 posts": a count as the findings' sentences write it."""
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def write_report(
    store_path: Path,
    out: Path,
    options: ReportOptions | None = None,
    *,
    png_dir: Path | None = None,
) -> WrittenReport:
    """Write the report (and PNGs when ``png_dir`` is given)."""
    page, figures = build_report(Path(store_path), options or ReportOptions())
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(out)
    written = WrittenReport(out)
    if png_dir is not None:
        written.pngs = write_pngs(figures, Path(png_dir))
    return written


def write_pngs(figures: dict[str, go.Figure], png_dir: Path) -> list[Path]:
    """Every figure as ``NAME.png`` through kaleido, with Debian's Chromium (no download).

    Only written files are returned: kaleido can return without writing one (under load
    test_png_export met no a.png), so a file missing or empty after the call is written
    once more, and one still missing raises the UsageError naming it. A file of an earlier
    run is removed first, never taken for this run's."""
    if "BROWSER_PATH" not in os.environ and CHROMIUM.exists():
        os.environ["BROWSER_PATH"] = str(CHROMIUM)
    png_dir.mkdir(parents=True, exist_ok=True)
    paths = {name: png_dir / f"{name}.png" for name in figures}
    for path in paths.values():
        path.unlink(missing_ok=True)
    missing = list(paths)
    for _ in range(2):
        _kaleido({n: figures[n] for n in missing}, {n: paths[n] for n in missing}, png_dir)
        missing = [n for n in missing if not _written(paths[n])]
        if not missing:
            return list(paths.values())
    raise UsageError(
        f"could not write PNGs to {png_dir}: kaleido wrote no "
        f"{', '.join(paths[n].name for n in missing)} (tried twice)",
        hint=PNG_HINT,
    )


PNG_HINT = "install Debian's chromium (apt-get install chromium) or set BROWSER_PATH"


def _kaleido(figures: dict[str, go.Figure], paths: dict[str, Path], png_dir: Path) -> None:
    """One ``pio.write_images`` call for these figures; its failures as one UsageError."""
    names = list(figures)
    try:
        pio.write_images(
            [_as_text(figures[n]) for n in names], [str(paths[n]) for n in names],
            format="png", width=1100,
        )  # fmt: skip
    except Exception as exc:  # noqa: BLE001 - kaleido/Chromium failures become one clear error
        raise UsageError(f"could not write PNGs to {png_dir}: {exc}", hint=PNG_HINT) from exc


def _written(path: Path) -> bool:
    """``path`` is a file with at least one byte."""
    return path.is_file() and path.stat().st_size > 0


# the file loads nothing: only its own inline script and styles run, no request leaves it
REPORT_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data:; font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'"
)
TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="mutewatch">
<title>mutewatch report</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 0 auto; max-width: 1150px; padding: 1em 2em;
       color: #222; }}
h1 {{ margin-bottom: .2em; }}
section {{ border-top: 1px solid #ddd; padding-top: .5em; margin-top: 1.5em; }}
table {{ border-collapse: collapse; font-size: .9em; margin: .5em 0 1em; }}
th, td {{ border-bottom: 1px solid #e3e3e3; padding: .2em .6em; text-align: left;
         white-space: nowrap; }}
td.long, th.long {{ white-space: normal; overflow-wrap: anywhere; min-width: 14em; }}
.scroll {{ overflow-x: auto; max-width: 100%; }}
code {{ overflow-wrap: anywhere; }}
.findings li {{ margin: .4em 0; }}
dt {{ font-weight: bold; margin-top: .5em; }}
pre {{ background: #f6f6f6; padding: .6em; overflow-x: auto; font-size: .85em; }}
figure {{ margin: 0 0 1em; }}
.meta, .generated, .note {{ color: #555; }}
.notice {{ border-left: 4px solid #b35900; background: #fff4e5; padding: .5em .8em; }}
details.data {{ margin: 0 0 1em; }}
:focus-visible {{ outline: 2px solid #1a56b0; outline-offset: 2px; }}
@media print {{
  nav, .modebar-container, details.data {{ display: none !important; }}
  body {{ max-width: none; padding: 0; }}
  figure, tr, .findings li {{ break-inside: avoid; }}
  h2, h3 {{ break-after: avoid; }}
  .scroll {{ overflow: visible; }}
  pre {{ white-space: pre-wrap; overflow: visible; }}
}}
</style>
<script type="text/javascript">{plotlyjs}</script>
</head>
<body>
<h1>mutewatch report</h1>
<p class="meta">Store <code>{store}</code>: {posts}, {first} to {last} (UTC).
This file is self-contained and works offline.</p>
<p class="generated">Generated {generated}.</p>
<nav aria-label="Contents"><ol>{toc}</ol></nav>
<main>
{notice}{sections}
</main>
</body>
</html>
"""
