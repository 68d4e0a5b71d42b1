"""`report` refuses the windows `findings` refuses: before, a --period overlapping its
--baseline wrote the report anyway, exit 0, with the key findings section empty."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.errors import UsageError
from mutewatch.show.report import ReportOptions


@pytest.mark.parametrize(
    ("baseline", "period", "says"),
    [
        ("2016-01-01..2016-01-31", "2016-01-01..2016-01-31", "overlap"),
        ("2016-01-01..2016-03-31", "2016-02-01..2016-02-29", "overlap"),
        ("2016-03-01..2016-03-31", "2016-01-01..2016-01-31", "ends before"),
    ],
)
def test_windows_findings_refuses_are_refused(baseline: str, period: str, says: str) -> None:
    with pytest.raises(UsageError, match=says):
        ReportOptions.from_strings(baseline=baseline, period=period)


def test_adjacent_windows_and_one_window_alone_are_accepted() -> None:
    both = ReportOptions.from_strings(
        baseline="2016-01-01..2016-01-31", period="2016-02-01..2016-02-29"
    )
    assert both.baseline and both.period and both.baseline[1] < both.period[0]
    assert ReportOptions.from_strings(period="2016-01-01..2016-01-31").baseline is None


def test_cli_writes_no_report_for_overlapping_windows(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = CliRunner().invoke(
        main,
        ["--store", str(tmp_path / "s.duckdb"), "report", "--baseline", "2016-01-01..2016-01-31",
         "--period", "2016-01-15..2016-02-15", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "overlap" in result.output
    assert not out.exists()
