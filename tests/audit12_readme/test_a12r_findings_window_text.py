"""A findings window with text after its last date is refused, not cut to its first ten
characters: `--period 2017-12-01-2017-12-31` (a dash typed for `..`) was read as the one
day 2017-12-01, and its findings printed as those of December; `2017/12` was December 2017."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.errors import UsageError
from mutewatch.measure.findings import parse_window


@pytest.mark.parametrize(
    ("option", "window"),
    [
        ("--period", "2017-12-01-2017-12-31"),
        ("--baseline", "2015-01-01..2015-12-31x"),
        ("--period", "2017/12"),  # read as 2017-12: the separator was never looked at
    ],
)
def test_a_window_with_trailing_text_is_refused(demo_copy: Path, option: str, window: str) -> None:
    result = CliRunner().invoke(
        main, ["--store", str(demo_copy), "findings", option, window, "--json"]
    )
    assert result.exit_code == 2, result.output
    error = json.loads(result.output)["error"]
    assert window in error["message"] and option in error["message"], error
    assert "YYYY-MM-DD" in error["hint"] and option in error["hint"], error


def test_each_form_of_a_window_end_still_reads() -> None:
    """YYYY, YYYY-MM and YYYY-MM-DD ends, alone or as A..B, are read as before."""
    assert parse_window("2017-12", "period") == (date(2017, 12, 1), date(2017, 12, 31))
    assert parse_window("2016", "baseline") == (date(2016, 1, 1), date(2016, 12, 31))
    assert parse_window("2016-02..2016-03-05", "period") == (date(2016, 2, 1), date(2016, 3, 5))
    assert parse_window(" 2015 .. 2015-06 ", "baseline") == (date(2015, 1, 1), date(2015, 6, 30))
    for wrong in ("20171201", "2017-1", "2017-12-01T00", "2017-02-30"):
        with pytest.raises(UsageError, match="--period"):
            parse_window(wrong, "period")
