"""`outlets status` in text named only the windows asked for (the Parameters line), while
its rates are per day of those windows as --from/--to and the archive's coverage leave
them (the JSON's ``baseline`` and ``period``): with --from 2016-01-10 a January baseline of
22 posts read 1 a day, which over the 31 days the text named is 0.71. The text now names
the days the rates are per day of whenever they are not the windows asked for."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from tests.s20_measure.s20m_store import build_store, every


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Alpha posts once a day from 2016-01-01 10:00 to 2016-04-30 10:00."""
    times = every(datetime(2016, 1, 1, 10), datetime(2016, 4, 30, 10), 24)
    return build_store(tmp_path_factory.mktemp("s20-status"), {"Alpha": times})


def _status(store: Path, *extra: str) -> str:
    args = ["--store", str(store), "outlets", "status", "--baseline", "2016-01"]
    result = CliRunner().invoke(main, [*args, "--period", "2016-04", *extra])
    assert result.exit_code == 0, result.output
    return result.output


def test_text_names_the_days_from_and_to_leave(store: Path) -> None:
    text = _status(store, "--from", "2016-01-10", "--to", "2016-04-20")
    data = json.loads(_status(store, "--from", "2016-01-10", "--to", "2016-04-20", "--json"))
    assert data["baseline"] == {"from": "2016-01-10", "to": "2016-01-31", "days": 22}
    assert data["period"] == {"from": "2016-04-01", "to": "2016-04-20", "days": 20}
    assert (
        "Rates are per day of the baseline 2016-01-10..2016-01-31 (22 days) and the period "
        "2016-04-01..2016-04-20 (20 days)"
    ) in text, text


def test_text_names_one_window_cut(store: Path) -> None:
    text = _status(store, "--from", "2016-01-10")
    assert "Rates are per day of the baseline 2016-01-10..2016-01-31 (22 days): " in text, text
    assert "the period 2016-04" not in text


def test_nothing_added_when_the_windows_are_whole(store: Path) -> None:
    assert "Rates are per day" not in _status(store)
