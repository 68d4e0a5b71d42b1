"""``trend``'s text output when the window holds no day to measure: it says so in words
(the warnings say why), instead of printing Python's ``None`` for the series' ends. The
store is ``conftest.py``'s (collected Jan 1 to Mar 31 2016)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from mutewatch.cli import main


@pytest.mark.parametrize("extra", [[], ["--outlet", "late", "--of", "all"]])
def test_an_empty_window_prints_no_none(store: Path, extra: list[str]) -> None:
    argv = ["--store", str(store), "trend", "--from", "2020-01-01", *extra]
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 0, result.output
    assert "Series: no day to measure, 0 posts" in result.output
    assert "None" not in result.output
    assert "Warning: --from 2020-01-01 lies wholly outside the archive's coverage" in (
        result.output
    )


def test_a_window_with_days_prints_its_ends(store: Path) -> None:
    argv = ["--store", str(store), "trend", "--of", "all", "--to", "2016-01-31"]
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 0, result.output
    assert "Series: 2016-01-01 to 2016-01-31, 31 days, " in result.output
