"""Commands `trend`, `supporters`, `platforms` and `findings` (thin faces over the library)."""

from __future__ import annotations

import calendar
import json
from datetime import date
from pathlib import Path
from typing import Any

import click

from mutewatch._words import counted
from mutewatch.cli.window_help import BASELINE_HELP, PERIOD_HELP
from mutewatch.measure.params import bound_words, common_options

EVERY = click.Choice(["day", "week", "month"])


def _print_json(result: dict[str, Any]) -> None:
    click.echo(json.dumps(result, ensure_ascii=False, default=str))


def _params_line(result: dict[str, Any]) -> None:
    from mutewatch.cli.measuring import echo_warnings, params_text

    click.echo(f"Parameters: {params_text(result.get('parameters', {}))}")
    echo_warnings(result)


def _p(value: float | None) -> str:
    from mutewatch.measure.findings import pval

    return "p -" if value is None else pval(float(value))


def _fall(change: float | None) -> str:
    """peak_to_current's change, (peak - current) / peak, in words: a positive one is a fall."""
    if change is None:
        return "change -"
    if change == 0:
        return "no change"
    return f"{'fell' if change > 0 else 'rose'} {abs(change) * 100:.1f}%"


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


@click.command("trend")
@click.option(
    "--every",
    type=click.Choice(["week", "month"]),
    default="month",
    show_default=True,
    help="Calendar periods for peak-to-current.",
)
@click.option("--window", type=int, default=28, show_default=True, help="Rolling window, days.")
@click.option(
    "--level",
    type=float,
    default=0.95,
    show_default=True,
    help=f"Interval level, {bound_words('level')}.",
)
@click.option(
    "--interval",
    type=click.Choice(["poisson", "negbin"]),  # trend.INTERVALS; literal to keep start-up light
    default="negbin",
    show_default=True,
    help="poisson: exact Garwood; negbin: Garwood widened for dispersion.",
)
@click.option("--penalty", type=float, default=None, help="PELT penalty [default 2 ln(days)].")
@click.option("--min-size", type=int, default=7, show_default=True, help="Shortest segment, days.")
@click.option(
    "--outlet",
    "outlets",
    multiple=True,
    metavar="NAME",
    help="Count only this outlet's posts over its channels' covered days, its exact name as "
    "`outlets list` prints it (repeatable: several outlets).",
)
@common_options
@click.pass_obj
def trend_cmd(store: Path, /, as_json: bool, **options: Any) -> None:
    """Decline at network level: change points, peak-to-current, rolling rates with intervals.

    Change points: PELT (ruptures) with a negative-binomial cost on the zero-filled daily
    series. Peak-to-current: (peak - current) / peak of posts per day over full calendar
    periods. Rolling rates: trailing --window days with exact Poisson (Garwood) or
    negative-binomial-widened intervals.

    --outlet NAME (repeatable) counts only the named outlets' posts and reads them over
    their own channels' covered days: days before a channel was collected, or in a hole
    between its exports, are left out (not zeros), so they make no decline or change point.
    An outlet whose channels' coverage was never recorded is read over the archive's span
    (coverage.basis archive, coverage.fallback names it, with a warning).

    Examples (in mutewatch-demo/):

    \b
      mutewatch trend --every month --window 28 --json
      mutewatch trend --outlet "Province 39 Media Office" --every month
    """
    from mutewatch.measure.trend import trend as measure

    result = measure(store, **options)
    if as_json:
        _print_json(result)
        return
    _params_line(result)
    s = result["series"]
    uncovered = s.get("uncovered_days")
    left = f" ({counted(uncovered, 'uncovered day')} left out)" if uncovered else ""
    if s["start"] is None:  # no (covered) day in the window: the warnings say why
        click.echo(f"Series: no day to measure{left}, {counted(s['posts'], 'post')}")
    else:
        click.echo(
            f"Series: {s['start']} to {s['end']}, {counted(s['days'], 'day')}{left}, "
            f"{counted(s['posts'], 'post')} ({_fmt(s['per_day'])} a day)"
        )
    for note in result.get("notes") or []:
        click.echo(f"Note: {note}")
    click.echo(f"Change points ({len(result['change_points'])}):")
    for c in result["change_points"]:
        # a rise from zero has no percentage: '(-)' read as a fall
        change = "from 0" if c["change"] is None else f"{c['change'] * 100:+.0f}%"
        click.echo(
            f"  {c['at']}  {_fmt(c['before_per_day'])} -> {_fmt(c['after_per_day'])} "
            f"a day ({change})"
        )
    ptc = result["peak_to_current"]
    if ptc:
        click.echo(
            f"Peak {ptc['peak']['period']} ({_fmt(ptc['peak']['per_day'])} a day) -> "
            f"current {ptc['current']['period']} ({_fmt(ptc['current']['per_day'])} a "
            f"day): {_fall(ptc['change'])}"
        )
    if result["rolling"]:
        r = result["rolling"][-1]
        click.echo(
            f"Latest {result['parameters']['window']}-day rate to {r['date']}: "
            f"{_fmt(r['per_day'])} a day [{_fmt(r['low'])}, {_fmt(r['high'])}]"
        )


@click.command("supporters")
@click.option("--every", type=EVERY, default="month", show_default=True, help="Period size.")
@common_options
@click.pass_obj
def supporters_cmd(store: Path, /, as_json: bool, **options: Any) -> None:
    """Supporter share of posts over time, and supporter forwards of official releases.

    Share = supporter posts / (supporter + official posts) per period (forwards only with
    --include-forwards). Amplification = supporter forwards of posts by official outlets'
    accounts. Trends: Kendall's tau and Theil-Sen slope over full periods. --of does not
    apply: the share compares official with supporter posts, so every post counts (the
    JSON's parameters say of: all, and notes say so when another --of was given).

    Example (in mutewatch-demo/):

    \b
      mutewatch supporters --every month --json
    """
    from mutewatch.measure.supporters import supporters as measure

    result = measure(store, **options)
    if as_json:
        _print_json(result)
        return
    _params_line(result)
    for note in result.get("notes") or []:  # --of not applied; nothing to measure
        click.echo(f"Note: {note}")
    click.echo(
        f"{'period':<11}{'official':>9}{'supporter':>10}{'share':>7}{'fwds':>7}"
        f"{'per rel.':>9}{'accts':>6}"
    )
    for r in result["rows"]:
        click.echo(
            f"{_period_cell(r):<11}{r['official']:>9}{r['supporter']:>10}"
            f"{_fmt(r['share']):>7}{r['amplification']:>7}"
            f"{_fmt(r['forwards_per_release']):>9}{r['amplifiers']:>6}"
        )
    _partial_notes(result)
    for name, t in result["trend"].items():
        click.echo(f"Trend of {name}: {_trend_words(t)}")


def _period_cell(row: dict[str, Any]) -> str:
    """A period's label, starred when the window holds only part of it (``full`` false)."""
    return f"{row['period']}{'' if row.get('full', True) else '*'}"


def _period_days(row: dict[str, Any], every: str) -> int | None:
    """The days of a whole period of ``every`` that starts on ``row['start']``."""
    start = date.fromisoformat(str(row["start"]))
    if every == "month":
        return calendar.monthrange(start.year, start.month)[1]
    return {"week": 7, "day": 1}.get(every)


def _partial_notes(result: dict[str, Any]) -> None:
    """One line per starred period (``full`` false in the JSON): how many of its days the
    window holds, where the table gave its counts as a whole period's, so a first or last
    week or month read as a drop."""
    params = result.get("parameters") or {}
    every = str(params.get("every", "month"))
    dated = params.get("from") is not None or params.get("to") is not None
    for row in result["rows"]:
        if row.get("full", True):
            continue
        whole = _period_days(row, every)
        days = f"{row['days']} of its {whole} days" if whole else counted(row["days"], "day")
        who = "--from/--to and the archive's coverage leave" if dated else "the archive covers"
        click.echo(
            f"* {row['period']}: {who} {days}, so its counts are not comparable to a whole "
            "period's (trends use full periods only)"
        )


def _trend_words(t: dict[str, Any]) -> str:
    """A ``monotone_trend`` in words: its direction with tau and p, or why it has none (the
    JSON's ``direction`` is ``flat`` then too; its ``tested`` is false)."""
    if t["kendall_tau"] is not None:
        return f"{t['direction']} (tau {_fmt(t['kendall_tau'])}, {_p(t['p_value'])})"
    if not t.get("tested", t["periods"] >= 3):
        return f"not tested ({counted(t['periods'], 'full period')}; the test needs 3 or more)"
    return f"flat (the same in all {t['periods']} full periods; tau -, p -)"


@click.command("platforms")
@click.option("--every", type=EVERY, default="month", show_default=True, help="Period size.")
@click.option("--top", type=int, default=10, show_default=True, help="Hosts listed per period.")
@common_options
@click.pass_obj
def platforms_cmd(store: Path, /, as_json: bool, **options: Any) -> None:
    """Where outbound links point, by host class and host, and how many places are in use.

    Per period: links by host class, the top hosts, the number of distinct hosts and host
    classes; their trend (Kendall's tau, Theil-Sen) says whether there are fewer places to
    upload.

    Example (in mutewatch-demo/):

    \b
      mutewatch platforms --every month --top 5 --json
    """
    from mutewatch.measure.platforms import platforms as measure
    from mutewatch.measure.platforms import shortened_words

    result = measure(store, **options)
    if as_json:
        _print_json(result)
        return
    _params_line(result)
    for note in result.get("notes") or []:  # nothing to measure
        click.echo(f"Note: {note}")
    click.echo(f"{'period':<11}{'links':>7}{'hosts':>6}{'classes':>8}  by class")
    hostless = some_hostless = False
    for r in result["rows"]:
        by = ", ".join(_class_links(c, v) for c, v in r["by_class"].items())
        hostless = hostless or "(no host)" in by
        some_hostless = some_hostless or "without a host)" in by
        click.echo(
            f"{_period_cell(r):<11}{r['links']:>7}{r['hosts']:>6}{r['host_classes']:>8}  {by}"
        )
    _partial_notes(result)
    if hostless:
        click.echo(NO_HOST_NOTE)
    if some_hostless:
        click.echo(SOME_WITHOUT_HOST_NOTE)
    for name, t in result["trend"].items():
        click.echo(f"Trend of distinct {name}: {_trend_words(t)}")
    words = shortened_words(result["total"] or {})  # None: no post in the window
    if words:
        click.echo(words[0].upper() + words[1:] + ".")
    gone = [c for c, s in result["host_classes"].items() if s["gone"]]
    if gone:
        click.echo(
            "Gone before the last period: "
            + ", ".join(f"{c} (last {result['host_classes'][c]['last']})" for c in gone)
        )


NO_HOST_NOTE = (
    "(no host): the class's links name no host (their URL is cut short in it, as in "
    "https://t.c...); counted in links, not in hosts or classes."
)


SOME_WITHOUT_HOST_NOTE = (
    "(N without a host): N of the class's links name no host (cut short in it, as in "
    "https://t.c...); counted in its links, not in hosts."
)


def _class_links(host_class: str, entry: dict[str, Any]) -> str:
    """'shortener 125' of a period's ``by_class`` entry; 'other 7 (no host)' when none of
    its links names a host: the class is then not counted in the period's classes, and
    "classes 1" beside "other 7, shortener 125" read as a contradiction; 'other 10 (3
    without a host)' when some of them name none (``links_without_host``), where it said
    'other 10', 3 of them no place at all."""
    links = f"{host_class} {entry['links']}"
    if entry["links"] and entry.get("hosts") == 0:
        return f"{links} (no host)"
    without = int(entry.get("links_without_host", 0))
    return f"{links} ({without} without a host)" if without else links


@click.command("findings")
@click.option(
    "--baseline",
    metavar="A..B",
    help=f"{BASELINE_HELP}  [default: first full calendar year, else first full month]",
)
@click.option(
    "--period",
    metavar="C..D",
    help=f"{PERIOD_HELP}  [default: last full month]",
)
@click.option(
    "--silenced-below",
    type=float,
    default=0.10,
    show_default=True,
    help="Silenced: period rate at most this share of the baseline rate.",
)
@click.option(
    "--min-hours",
    type=float,
    default=12.0,
    show_default=True,
    help="Shortest gap counted as a silence.",
)
@click.option(
    "--coordinated/--no-coordinated",
    default=False,
    show_default=True,
    help="Also state the longest time k of N outlets were silent together, the same k "
    "throughout (slower; per-outlet silences of --min-hours).",
)
@common_options
@click.pass_obj
def findings_cmd(store: Path, /, as_json: bool, **options: Any) -> None:
    """The measurements as plain sentences, each with its numbers, method and parameters.

    Draws on outlet status, silences, trend, supporters and platforms. Windows are
    inclusive UTC dates (A..B; YYYY and YYYY-MM also work); by default the baseline is the
    first full calendar year in the store and the period the last full month. Given one
    window, the other is chosen before it (baseline) or after it (period); when the data
    holds none, the error says what to pass. A --period that does not begin after --baseline
    ends (the two swapped, or sharing days) is refused.

    Examples (in mutewatch-demo/):

    \b
      mutewatch findings --baseline 2015 --period 2017-12 --json
      mutewatch findings --baseline 2015-01-01..2015-12-31 --period 2017-12-01..2017-12-31
    """
    from mutewatch.measure.findings import findings as measure

    result = measure(store, **options)
    if as_json:
        _print_json(result)
        return
    _params_line(result)
    for i, f in enumerate(result["findings"], start=1):
        click.echo(f"{i}. {f['sentence']}")
    for s in result.get("skipped", []):
        click.echo(f"(no {s['kind']} finding: {s['reason']})")


def register(main: click.Group) -> None:
    """Add trend, supporters, platforms and findings to the main group (JSON errors under
    --json, as every measuring command)."""
    from mutewatch.cli.measuring import json_errors

    for command in (trend_cmd, supporters_cmd, platforms_cmd, findings_cmd):
        main.add_command(json_errors(command))
