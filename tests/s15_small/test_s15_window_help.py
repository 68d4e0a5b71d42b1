"""--baseline and --period read the same window syntax in every command, and their --help says
so in the same words (mutewatch.cli.window_help), each command adding only its own default:
`outlets status` said 'Baseline dates'/'Target dates', `findings` 'Baseline window'/'Target
window', with other examples, and neither said that A alone is the days of A."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from mutewatch.cli import main

# the shared words, as the help shows them (one space between words)
BASELINE = (
    "Baseline window, inclusive UTC dates: A..B, or A alone; each YYYY, YYYY-MM or "
    "YYYY-MM-DD (e.g. 2015 or 2015-01..2015-06)."
)
PERIOD = (
    "Period under study, inclusive UTC dates: C..D, or C alone; each YYYY, YYYY-MM or "
    "YYYY-MM-DD (e.g. 2017-12 or 2017-12-01..2017-12-31)."
)
COMMANDS = {
    ("outlets", "status"): ("[required]", "[required]"),
    ("findings",): (
        "[default: first full calendar year, else first full month]",
        "[default: last full month]",
    ),
    ("report",): ("", ""),
}


def _option_help(command: tuple[str, ...], option: str) -> str:
    """The help text of ``option`` in ``command --help``, its lines joined."""
    result = CliRunner().invoke(main, [*command, "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    options = result.output.split("\nOptions:\n", 1)[1]
    entries = re.split(r"\n  (?=-)", "\n" + options)
    (entry,) = [e for e in entries if e.startswith(f"{option} ")]
    return " ".join(entry.split()[2:])  # without the option and its metavar


@pytest.mark.parametrize("command", list(COMMANDS), ids=" ".join)
def test_window_options_share_one_wording(command: tuple[str, ...]) -> None:
    baseline_default, period_default = COMMANDS[command]
    assert _option_help(command, "--baseline") == f"{BASELINE} {baseline_default}".strip()
    assert _option_help(command, "--period") == f"{PERIOD} {period_default}".strip()


def test_the_words_come_from_one_place() -> None:
    from mutewatch.cli.window_help import BASELINE_HELP, PERIOD_HELP

    assert (BASELINE_HELP, PERIOD_HELP) == (BASELINE, PERIOD)
