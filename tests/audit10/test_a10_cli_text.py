"""What a user reads in the text output (not --json) of the measuring commands."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from mutewatch.cli import main


def test_trend_text_of_an_empty_window_prints_no_python_none(demo_store: Path) -> None:
    """It printed 'Series: None to None, 0 days' (fixed in 548c79e)."""
    result = CliRunner().invoke(main, ["--store", str(demo_store), "trend", "--from", "2020-01-01"])
    assert result.exit_code == 0, result.output
    assert "None" not in result.output, result.output
