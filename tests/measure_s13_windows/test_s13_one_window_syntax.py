"""One window syntax for `findings`, `report` and `outlets status` (``params.parse_range``).

Before, each command read ``--baseline``/``--period`` with a parser of its own: `findings`
took YYYY, YYYY-MM and YYYY-MM-DD ends (``--period 2016-04``), `report` only
YYYY-MM-DD..YYYY-MM-DD (``report --period 2016-04`` was refused, and so was one day
``2016-02-29``, which the other two read), `outlets status` YYYY-MM-DD ends, ``A`` alone
being one day (``--period 2016-04-01..`` crashed it with an AssertionError). A malformed
window was refused in three different wordings, two of whose hints did not name the option.

The three commands are the "backends" of one shared test (ibis style): each window pair
must give the same days through each of them, and each malformed window the same refusal.
The demo store (2015-01-01 to 2017-12-31), copied: measurements write derived tables."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.errors import UsageError
from mutewatch.measure.registry import run_measurement
from mutewatch.show.report import ReportOptions

Days = tuple[str, str]


@pytest.fixture(scope="module")
def store(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("s13-windows") / "demo.duckdb"
    shutil.copy(demo_store, path)
    return path


def _findings(store: Path, baseline: str, period: str) -> tuple[Days, Days]:
    echo = run_measurement("findings", store, baseline=baseline, period=period)["parameters"]
    return (
        (echo["baseline"]["from"], echo["baseline"]["to"]),
        (echo["period"]["from"], echo["period"]["to"]),
    )


def _report(store: Path, baseline: str, period: str) -> tuple[Days, Days]:
    # what `mutewatch report` builds from its options before it reads the store
    options = ReportOptions.from_strings(baseline=baseline, period=period)
    assert options.baseline is not None and options.period is not None
    return (
        (options.baseline[0].isoformat(), options.baseline[1].isoformat()),
        (options.period[0].isoformat(), options.period[1].isoformat()),
    )


def _status(store: Path, baseline: str, period: str) -> tuple[Days, Days]:
    result = run_measurement(
        "outlets_status", store, baseline=baseline, period=period, change_points=False
    )
    asked = result["parameters"]
    b_from, b_to = asked["baseline"].split("..")
    p_from, p_to = asked["period"].split("..")
    return (b_from, b_to), (p_from, p_to)


COMMANDS: dict[str, Callable[[Path, str, str], tuple[Days, Days]]] = {
    "findings": _findings,
    "report": _report,
    "outlets status": _status,
}


def _through(command: str, store: Path, baseline: str, period: str) -> object:
    try:
        return COMMANDS[command](store, baseline, period)
    except UsageError as exc:
        return f"refused: {exc.message}"


# (--baseline, --period, the baseline's days, the period's days)
WINDOWS = [
    ("2015", "2016-04", ("2015-01-01", "2015-12-31"), ("2016-04-01", "2016-04-30")),
    ("2015-01..2015-06", "2017-12", ("2015-01-01", "2015-06-30"), ("2017-12-01", "2017-12-31")),
    ("2016-02-29", "2016-03-01..2016-03", ("2016-02-29",) * 2, ("2016-03-01", "2016-03-31")),
    (" 2015 .. 2015-06-15 ", "2016", ("2015-01-01", "2015-06-15"), ("2016-01-01", "2016-12-31")),
]  # fmt: skip


@pytest.mark.parametrize(("baseline", "period", "baseline_days", "period_days"), WINDOWS)
def test_the_same_window_gives_the_same_days_in_every_command(
    store: Path, baseline: str, period: str, baseline_days: Days, period_days: Days
) -> None:
    got = {command: _through(command, store, baseline, period) for command in COMMANDS}
    assert got == dict.fromkeys(COMMANDS, (baseline_days, period_days))


def test_report_period_by_month_on_the_demo_store(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        main, ["--store", str(store), "report", "--period", "2016-04", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "<td>period</td><td>2016-04-01..2016-04-30</td>" in html  # the methods appendix
    # the key findings were stated for that month, not skipped
    assert "&quot;period&quot;: {&quot;from&quot;: &quot;2016-04-01&quot;, &quot;to&quot;: " \
        "&quot;2016-04-30&quot;}" in html  # fmt: skip
    assert "<section id='key-findings'>" in html


# the option, the window given to it, and what the refusal says of it
MALFORMED = [
    ("--period", "2017/12", "is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD"),
    ("--period", "2017-12-01-2017-12-31", "is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD"),
    ("--period", "20171201", "is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD"),
    ("--period", "2016-04-31", "is not a calendar date"),
    ("--period", "2016-13", "is not a calendar date"),
    ("--period", "2016-04-01..", "is not a date range"),
    ("--period", "..2016-04", "is not a date range"),
    ("--period", "2016-04-01..2016-04-02..2016-04-03", "is not a date range"),
    ("--period", "2016-05..2016-04", "ends before it starts"),
    ("--baseline", "2015-01-01..2015-12-31x", "is not a date in the form"),
    ("--baseline", "2015-1", "is not a date in the form"),
]  # fmt: skip

ARGS = {
    "findings": ["findings"],
    "report": ["report", "--out"],  # + a file in the test's folder
    "outlets status": ["outlets", "status", "--no-change-points"],
}


@pytest.mark.parametrize(("option", "window", "says"), MALFORMED)
def test_a_malformed_window_is_refused_alike_by_every_command(
    store: Path, tmp_path: Path, option: str, window: str, says: str
) -> None:
    windows = {"--baseline": "2015-01-01..2015-12-31", "--period": "2017-12-01..2017-12-31"}
    windows[option] = window
    given = [word for pair in windows.items() for word in pair]
    refusals = {}
    never = tmp_path / "never.html"
    for command, args in ARGS.items():
        words = [*args, str(never)] if command == "report" else args
        result = CliRunner().invoke(main, ["--store", str(store), *words, *given])
        refusals[command] = (result.exit_code, result.stderr.strip())
    assert not never.exists()
    first = refusals["findings"]
    assert refusals == dict.fromkeys(ARGS, first), refusals  # one parser, one refusal
    code, text = first
    assert code == 2, text
    message, _, hint = text.partition(" (")
    assert message.startswith(f"Error: {option} {window!r}"), text
    assert says in message, text
    assert "YYYY-MM-DD" in hint or "A <= B" in hint, text
    assert option in hint or "swap the two dates" in hint, text


def test_outlets_status_json_names_the_option_for_a_window_missing_an_end(store: Path) -> None:
    """`outlets status --period 2016-04-01..` crashed (AssertionError, a traceback, exit 1)."""
    result = CliRunner().invoke(
        main,
        ["--store", str(store), "outlets", "status", "--baseline", "2015",
         "--period", "2016-04-01..", "--json"],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "bad_request"
    assert error["message"] == "--period '2016-04-01..' is not a date range"
    assert "--period 2015-01-01..2015-12-31" in error["hint"]
