"""The text output of ``silences`` says what made an outlet count as silent in a
coordinated window: every gap of --min-hours (the default), or only unusual ones."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from tests.measure_s8.conftest import build, every


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # two channels posting every 20 h: each is "silent" for 12 h most of the time
    first, last = datetime(2016, 1, 1), datetime(2016, 2, 28)
    return build(
        tmp_path_factory.mktemp("coordinated"),
        [{"one": every(first, last, 20), "two": every(datetime(2016, 1, 1, 3), last, 20)}],
    )


def _heading(store: Path, *extra: str) -> str:
    args = ["--store", str(store), "silences", "--of", "all", "--min-hours", "12", *extra]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return next(line for line in result.output.splitlines() if line.startswith("Coordinated"))


def test_the_default_heading_says_every_gap_counts(store: Path) -> None:
    line = _heading(store)
    assert line.startswith("Coordinated (>= 2 of 2 outlets silent at once; ")
    assert "gap of at least 12 h, however usual for its own rate" in line
    assert "--coordinated-alpha 0.05" in line


def test_with_alpha_the_heading_names_it(store: Path) -> None:
    line = _heading(store, "--coordinated-alpha", "0.05")
    assert "gap of at least 12 h with p <= 0.05 under its own rate model" in line
