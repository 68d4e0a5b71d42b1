"""Commands `output`, `outlets status`, `silences` and `export` (thin faces over the library).

Every command runs through ``mutewatch.measure.registry.run_measurement`` so the CLI, the
web API and the report show the same numbers.

Errors under ``--json``: every measuring command (these and those of ``measuring_more``)
prints exactly one JSON object on stdout, also when it fails, in the error shape of the web
API plus the hint, ``{"error": {"code", "message", "hint"}}``, and exits with the error's
exit code (``mutewatch.errors``; 2 for a bad option). Without ``--json`` errors stay one
line on stderr.
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from mutewatch._words import counted
from mutewatch.cli.window_help import BASELINE_HELP, PERIOD_HELP
from mutewatch.errors import MutewatchError
from mutewatch.measure.params import (
    BY_CHOICES,
    EVERY_CHOICES,
    SCOPES,
    bound_words,
    common_options,
)


def error_json(code: str, message: str, hint: str | None = None) -> dict[str, Any]:
    """The one error shape: the web API's ``{"error": {"code", "message"}}`` plus the hint."""
    return {"error": {"code": code, "message": message, "hint": hint}}


def _fail_json(code: str, message: str, hint: str | None, exit_code: int) -> NoReturn:
    click.echo(json.dumps(error_json(code, message, hint), ensure_ascii=False))
    sys.exit(exit_code)


def _click_hint(exc: click.ClickException) -> str | None:
    """What to pass for a required option click found missing (``--json``'s ``hint``; click's
    own text says only "Missing option '--baseline'")."""
    param = getattr(exc, "param", None)
    if not isinstance(exc, click.MissingParameter) or not isinstance(param, click.Option):
        return None
    option = max(param.opts, key=len)
    example = f"{option} {param.metavar}" if param.metavar else option
    return f"pass {example}" + (f": {param.help}" if param.help else "")


def _wants_json(args: Sequence[str]) -> bool:
    return "--json" in args[: args.index("--")] if "--" in args else "--json" in args


def json_errors(command: click.Command) -> click.Command:
    """Give ``command`` JSON errors under ``--json`` (see the module docstring); returns it.

    Bad options fail while click parses them (``make_context``), errors of the measurement
    while it runs (``invoke``): both are caught.
    """
    base = type(command)
    if getattr(base, "json_errors", False):
        return command

    class JsonErrors(base):  # type: ignore[valid-type,misc]
        json_errors = True

        def make_context(
            self,
            info_name: str | None,
            args: list[str],
            parent: click.Context | None = None,
            **extra: Any,
        ) -> click.Context:
            given = list(args)  # parsing consumes ``args``
            try:
                ctx: click.Context = super().make_context(info_name, args, parent=parent, **extra)
                return ctx
            except click.ClickException as exc:
                if not _wants_json(given):
                    raise
                _fail_json("bad_request", exc.format_message(), _click_hint(exc), exc.exit_code)

        def invoke(self, ctx: click.Context) -> Any:
            if not ctx.params.get("as_json"):
                return super().invoke(ctx)
            try:
                return super().invoke(ctx)
            except MutewatchError as exc:
                _fail_json(exc.code, exc.message, exc.hint, exc.exit_code)
            except click.ClickException as exc:
                _fail_json("bad_request", exc.format_message(), None, exc.exit_code)
            except Exception as exc:  # noqa: BLE001 - one JSON object even for a bug
                traceback.print_exc()
                _fail_json("internal_error", f"{type(exc).__name__}: {exc}", None, 1)

    JsonErrors.__name__ = JsonErrors.__qualname__ = f"JsonErrors{base.__name__}"
    command.__class__ = JsonErrors
    return command


def _emit(result: dict[str, Any], as_json: bool, render: Any) -> None:
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, default=str))
        return
    render(result)
    click.echo(f"Parameters: {params_text(result['parameters'])}")
    echo_warnings(result)


def params_text(parameters: dict[str, Any]) -> str:
    """``key=value, ...`` of the parameters given a value; a window echoed as ``{"from":
    A, "to": B}`` (findings' baseline and period) reads ``A..B``, as outlets status writes
    its windows, not as a Python dict."""
    return ", ".join(f"{k}={_param(v)}" for k, v in parameters.items() if v is not None)


def _param(value: Any) -> Any:
    if isinstance(value, dict) and {"from", "to"} <= value.keys():
        return f"{value['from'] or ''}..{value['to'] or ''}"
    return value


def echo_warnings(result: dict[str, Any]) -> None:
    """A result's ``warnings`` (windows cut to the archive's coverage), one line each."""
    for warning in result.get("warnings") or []:
        click.echo(f"Warning: {warning}")


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        # four significant digits, but whole numbers from 10,000 up: hours of a long
        # silence read '10598', not '1.06e+04'
        return f"{value:.0f}" if abs(value) >= 9999.5 else f"{value:.4g}"
    return str(value)


def _table(rows: list[dict[str, Any]], keys: list[str]) -> None:
    cells = [[_fmt(r.get(k)) for k in keys] for r in rows]
    widths = [max([len(k), *(len(c[i]) for c in cells)]) for i, k in enumerate(keys)]
    click.echo("  ".join(k.ljust(w) for k, w in zip(keys, widths, strict=True)))
    for c in cells:
        click.echo("  ".join(v.ljust(w) for v, w in zip(c, widths, strict=True)))


def _group_label(by: str | None, group: Any) -> Any:
    """A group as the text table shows it: links whose URL names no host (host '': none, or
    cut short inside it, "https://t.c…") are "(no host)", not a blank cell."""
    return "(no host)" if by == "host" and group == "" else group


# whose coverage ``partial_periods`` tells, by ``coverage_basis`` (--by outlet: the archive's)
_COVERS = {
    "archive": "the archive covers {c} of its {d} days",
    "outlet": "the chosen outlet's channels were collected on {c} of its {d} days",
    "outlets": "the chosen outlets' channels (any of them) were collected on {c} of its {d} days",
}
# the same when --from/--to cut the period too: 'the archive covers 1 of its 31 days' was
# said of a month the archive covers whole, as --from 2016-03-01 --to 2016-03-01 left 1 day
_COVERS_CUT = {
    "archive": "--from/--to and the archive's coverage leave {c} of its {d} days",
    "outlet": "--from/--to and the days the chosen outlet's channels were collected on "
    "leave {c} of its {d} days",
    "outlets": "--from/--to and the days the chosen outlets' channels (any of them) were "
    "collected on leave {c} of its {d} days",
}


def _cut_by_dates(period: str, days: int, parameters: dict[str, Any]) -> bool:
    """Whether --from/--to leave out some of the period's ``days`` from ``period`` (its
    first day, YYYY-MM-DD)."""
    from datetime import date, timedelta

    first = date.fromisoformat(period)
    last = first + timedelta(days=days - 1)
    since, until = parameters.get("from"), parameters.get("to")
    return bool(
        (since and date.fromisoformat(str(since)) > first)
        or (until and date.fromisoformat(str(until)) < last)
    )


@click.command("output")
@click.option("--by", type=click.Choice(BY_CHOICES), default=None, help="Group the series.")
@click.option(
    "--every",
    type=click.Choice(EVERY_CHOICES),
    default="day",
    show_default=True,
    help="Period of the buckets (week starts Monday).",
)
@click.option(
    "--outlet",
    "outlets",
    multiple=True,
    metavar="NAME",
    help="Count only this outlet's posts, its exact name as `outlets list` prints it "
    "(repeatable: several outlets).",
)
@common_options
@click.pass_obj
def output_cmd(store: Path, /, as_json: bool, **options: Any) -> None:
    """Counted posts per period (zero-filled), optionally per outlet, medium, platform, host.

    --outlet NAME (repeatable) counts only the posts of the outlets named, read against
    their own channels' coverage: one outlet's months before its channel was collected
    show 0% covered, not a silence; several outlets are read against the union of their
    covered days (--by outlet shows each one's own). An outlet whose channels' coverage
    was never recorded is read against the archive's span: coverage_basis archive,
    coverage_fallback names it, and a warning says so.

    Examples:

    \b
      mutewatch output --by outlet --every month --from 2015-01-01 --json
      mutewatch output --outlet "Province 39 Media Office" --every month --from 2016-01-01
      mutewatch output --outlet "Province 01 Media Office" --outlet "Province 02 Media Office" \\
        --by outlet --every month --json
    """
    from mutewatch.measure.registry import run_measurement

    result = run_measurement("output", store, **options)

    def render(r: dict[str, Any]) -> None:
        rows = [
            {
                **row,
                "group": _group_label(r["by"], row.get("group")),
                "covered": f"{row['covered_fraction']:.0%} partial*" if row.get("partial") else "",
            }
            for row in r["rows"]
        ]
        keys = ["period", "group", "count"] if r["by"] else ["period", "count"]
        flagged = any(row.get("partial") for row in r["rows"])
        _table(rows, [*keys, "covered"] if flagged or r.get("partial_periods") else keys)
        click.echo(f"Total: {r['total']}")
        basis = r["coverage_basis"] if r["by"] != "outlet" else "archive"
        for part in r.get("partial_periods") or []:
            cut = _cut_by_dates(part["period"], part["days"], r["parameters"])
            who = (_COVERS_CUT if cut else _COVERS)[basis]
            covered = who.format(c=part["covered_days"], d=part["days"])
            click.echo(
                f"* {part['period']}: {covered}, so its count is not comparable to a whole period's"
            )
        if r.get("partial_by_group"):
            click.echo(
                "* outlet rows: the share of the period that outlet's own channels' archive "
                "covers (0% = none of it: a zero there is not a silence); "
                "--json lists them under partial_by_group"
            )

    _emit(result, as_json, render)


@click.command("status")
@click.option(
    "--baseline",
    required=True,
    metavar="A..B",
    help=BASELINE_HELP,
)
@click.option(
    "--period",
    required=True,
    metavar="C..D",
    help=PERIOD_HELP,
)
@click.option(
    "--silenced-below",
    type=float,
    default=0.10,
    show_default=True,
    help="Silenced when period rate / baseline rate is at most this.",
)
@click.option("--no-change-points", is_flag=True, help="Skip the PELT change point per outlet.")
@click.option(
    "--min-segment-days",
    type=int,
    default=7,
    show_default=True,
    help="Shortest PELT segment, days.",
)
@common_options
@click.pass_obj
def status_cmd(store: Path, /, as_json: bool, no_change_points: bool, **options: Any) -> None:
    """Per outlet: baseline and period rates per day, ratio, status, and when it changed.

    Statuses: active, silenced (ratio <= threshold), dormant (nothing in the period),
    new (nothing in the baseline).

    Example:

    \b
      mutewatch outlets status --baseline 2015-01-01..2015-12-31 \\
        --period 2017-12-01..2017-12-31 --json
    """
    from mutewatch.measure.registry import run_measurement

    result = run_measurement("outlets_status", store, change_points=not no_change_points, **options)

    def render(r: dict[str, Any]) -> None:
        keys = [
            "outlet",
            "official",
            "baseline_per_day",
            "period_per_day",
            "ratio",
            "status",
            "changed_at",
        ]
        _table(r["outlets"], keys)
        s = r["summary"]
        share = s["share_silenced"]
        click.echo(
            f"{s['silenced']} of {counted(s['active_in_baseline'], 'outlet')} active in the "
            f"baseline {'was' if s['active_in_baseline'] == 1 else 'were'} "
            f"silenced (ratio <= {r['threshold']})"
            + (f": {share:.0%}" if share is not None else "")
            + f"; {s['active_in_period']} active in the period."
        )
        used = _windows_used(r)
        if used:
            click.echo(used)

    _emit(result, as_json, render)


def _windows_used(result: dict[str, Any]) -> str | None:
    """The baseline and period the rates are per day of, when they are not the windows
    asked for (``--from``/``--to`` or the archive's coverage cut them): the JSON echoes them
    under ``baseline`` and ``period``, and the text named only the windows asked for, so a
    rate of 196 posts over 22 days read as one over 31."""
    asked = result.get("parameters") or {}
    cut = []
    for name in ("baseline", "period"):
        used = result.get(name) or {}
        if not used.get("from") or not used.get("to"):
            continue
        text = f"{used['from']}..{used['to']}"
        if text != asked.get(name):
            cut.append(f"{name} {text} ({counted(int(used['days']), 'day')})")
    if not cut:
        return None
    return (
        f"Rates are per day of the {' and the '.join(cut)}: what --from/--to and the "
        f"archive's coverage leave of the {'window' if len(cut) == 1 else 'windows'} asked for."
    )


@click.command("silences")
@click.option(
    "--scope",
    type=click.Choice(SCOPES),
    default="network",
    show_default=True,
    help="network: across all counted outlets; outlet: per outlet.",
)
@click.option(
    "--min-hours", type=float, default=12.0, show_default=True, help="Shortest gap reported, hours."
)
@click.option(
    "--k",
    type=int,
    default=None,
    help="Coordinated: at least k outlets silent at once [default half of N, >= 2].",
)
@click.option(
    "--lookback-days",
    type=float,
    default=28.0,
    show_default=True,
    help="Days before a gap the rate model is fitted on.",
)
@click.option("--no-coordinated", is_flag=True, help="Skip coordinated silences.")
@click.option(
    "--ongoing",
    is_flag=True,
    help="Also list silences still running at the archive's end (ongoing: true), as findings does.",
)
@click.option(
    "--coordinated-alpha",
    type=float,
    default=None,
    help="Coordinated: count an outlet as silent only while its gap is unusual for its own "
    f"rate (p <= ALPHA, e.g. 0.05; ALPHA {bound_words('coordinated_alpha')}) "
    "[default: every gap of --min-hours].",
)
@click.option(
    "--dense-ratio",
    type=float,
    default=100.0,
    show_default=True,
    metavar="R",
    help="A non-Telegram channel's message ids vouch for a gap (coverage full, not "
    "unverified) only when they are its own counter: largest - smallest id + 1 at most R "
    "times its posts.",
)
@click.option(
    "--outlet",
    "outlets",
    multiple=True,
    metavar="NAME",
    help="With --scope outlet: list only this outlet's silences, its exact name as "
    "`outlets list` prints it (repeatable); their numbers stay the whole selection's.",
)
@common_options
@click.pass_obj
def silences_cmd(store: Path, /, as_json: bool, no_coordinated: bool, **options: Any) -> None:
    """Gaps of at least H hours between counted posts, with rank, record, p-value, coverage.

    --from/--to only choose which silences are listed: every silence (and coordinated
    window) that overlaps those days, also one that began before --from or ended after
    --to. Rank, previous longest, unprecedented and the p-value (fitted to the weeks before
    each gap) always come from the whole record, so a silence has the same numbers in any
    window.

    Uncollected time is not silence: a gap with coverage "none" (no archive covered it, or
    its message ids are missing) is listed with its coverage but has no rank and no
    p-value, is never unprecedented and is no later gap's previous longest.

    Message ids show posts the archive lacks only where they count up per channel: always
    on Telegram; elsewhere when a channel's ids are dense, spanning at most --dense-ratio
    times its posts (default 100, the rule ingest records id gaps by). A forum wall whose
    ids run 1..30,000 over 200 posts (150 per post: many deleted) counts only with
    --dense-ratio 150 or more; silences then finds its missing ids from its posts (ingest
    recorded none), so the time they hide counts as uncollected. A smaller ratio is
    stricter: fewer channels vouch, and more gaps read "unverified".

    Examples:

    \b
      mutewatch silences --scope network --min-hours 12 --json
      mutewatch silences --from 2017-11-09 --to 2017-11-30 --json
      mutewatch silences --scope outlet --ongoing --coordinated-alpha 0.05 --json
      mutewatch silences --of all --dense-ratio 150 --json
      mutewatch silences --scope outlet --outlet "Province 05 Media Office" --json
    """
    from mutewatch.measure.registry import run_measurement

    result = run_measurement("silences", store, with_coordinated=not no_coordinated, **options)

    def render(r: dict[str, Any]) -> None:
        keys = ["outlet", "start", "end", "hours", "unprecedented", "rank", "p_value", "coverage"]
        if r["parameters"].get("ongoing"):  # an ongoing silence's end is the archive's end
            keys.append("ongoing")
        _table(r["silences"], keys if r["parameters"]["scope"] == "outlet" else keys[1:])
        co = r.get("coordinated")
        if co:
            click.echo(coordinated_heading(co, r["parameters"]["min_hours"]))
            _table(co["windows"], ["start", "end", "hours", "max_silent"])

    _emit(result, as_json, render)


def coordinated_heading(co: dict[str, Any], min_hours: float) -> str:
    """The line above the coordinated windows: k of N, and what made an outlet silent; when
    fewer than k outlets have counted posts (an empty store: "2 of 0"), that none can be."""
    if co["k"] > co["n"]:
        having = {0: "no outlet has", 1: "only 1 outlet has"}.get(
            co["n"], f"only {co['n']} outlets have"
        )
        return (
            f"Coordinated (none possible: {having} counted posts in the selection, and a "
            f"window needs at least {co['k']} silent at once):"
        )
    rule = f"an outlet counts while in a gap of at least {min_hours:g} h"
    if co.get("alpha") is None:
        rule += (
            ", however usual for its own rate (outlets posting about once a day are "
            "often silent together; --coordinated-alpha 0.05 counts only unusual gaps)"
        )
    else:
        rule += f" with p <= {co['alpha']:g} under its own rate model"
    return f"Coordinated (>= {co['k']} of {counted(co['n'], 'outlet')} silent at once; {rule}):"


@click.command("export")
@click.option(
    "--parquet",
    "directory",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to write one Parquet file per table into.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def export_cmd(store: Path, /, directory: Path, as_json: bool) -> None:
    """Export the store's tables to Parquet for Spark (`--engine spark --parquet DIR`).

    Example:

    \b
      mutewatch export --parquet export/
      mutewatch silences --engine spark --parquet export/
    """
    from mutewatch.measure.engine import export_parquet

    manifest = export_parquet(store, directory)
    if as_json:
        click.echo(json.dumps({"directory": str(directory), **manifest}))
        return
    rows = ", ".join(f"{t} {n}" for t, n in manifest["rows"].items())
    click.echo(f"Wrote {directory}: {rows}")


def register(main: click.Group) -> None:
    """Add output, outlets status, silences and export to the main group."""
    for command in (output_cmd, status_cmd, silences_cmd, export_cmd):
        json_errors(command)
    main.add_command(output_cmd)
    main.add_command(silences_cmd)
    main.add_command(export_cmd)
    outlets = main.commands.get("outlets")
    if isinstance(outlets, click.Group):
        outlets.add_command(status_cmd)
    else:  # foundation not registered yet: keep `outlets status` reachable
        group = click.Group("outlets", help="Outlets: measure their status.")
        group.add_command(status_cmd)
        main.add_command(group)
