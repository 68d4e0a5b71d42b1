"""``supporters`` and ``platforms`` count only full periods in their trends, also in words.

A window holding no full period (two part-weeks, or one day of a month) fell back to its
partial periods for the trend's input: never tested (3 are needed, and part-periods are
only ever at the window's two ends), but it said "not tested (2 full periods; ...)" (JSON
``periods: 2``) beside two starred, part-held periods. Now it says 0 full periods.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from tests.s17_measure.conftest import ingest_rows

ROWS = [(f"2016-03-{day:02d}", "placeholder https://t.co/abc") for day in range(1, 32)]


@pytest.mark.parametrize("command", ["supporters", "platforms"])
def test_part_periods_are_no_full_periods(tmp_path: Path, command: str) -> None:
    store = ingest_rows(tmp_path, ROWS)
    args = ["--store", str(store), command, "--of", "all", "--every", "week"]
    args += ["--from", "2016-03-10", "--to", "2016-03-15"]  # Thu..Sun, Mon..Tue
    result = CliRunner().invoke(main, [*args, "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert [r["full"] for r in found["rows"]] == [False, False]
    assert {t["periods"] for t in found["trend"].values()} == {0}
    text = CliRunner().invoke(main, args).output
    assert "not tested (0 full periods; the test needs 3 or more)" in text
    assert "full periods;" not in text.replace("(0 full periods;", "")
