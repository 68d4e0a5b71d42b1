"""Output per week or month flags the first and last periods the archive covers only in
part (coverage starting or ending mid-period), so they are not read as drops in output."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.measure.registry import run_measurement
from tests.measure_s7.conftest import Part, build

# four posts a day from Wednesday 2016-01-06 to Wednesday 2016-03-16 (inclusive)
FIRST, LAST = datetime(2016, 1, 6), datetime(2016, 3, 16, 18)
TIMES = [
    FIRST + timedelta(hours=6 * i) for i in range(int((LAST - FIRST) / timedelta(hours=6)) + 1)
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("partial"), [Part("acc", "telegram", TIMES, 1)])


def _output(store: Path, **options: Any) -> dict[str, Any]:
    return run_measurement("output", store, of="all", **options)


def test_weeks_at_both_ends_are_partial(store: Path) -> None:
    result = _output(store, every="week")
    rows = result["rows"]
    assert rows[0] == {
        "period": "2016-01-04",
        "group": None,
        "count": 20,
        "partial": True,
        "covered_fraction": 0.7143,
    }
    assert rows[-1]["period"] == "2016-03-14" and rows[-1]["partial"] is True
    assert rows[-1]["count"] == 12 and rows[-1]["covered_fraction"] == 0.4286
    assert all(set(r) == {"period", "group", "count"} for r in rows[1:-1])  # whole weeks
    assert result["partial_periods"] == [
        {"period": "2016-01-04", "covered_days": 5, "days": 7, "covered_fraction": 0.7143},
        {"period": "2016-03-14", "covered_days": 3, "days": 7, "covered_fraction": 0.4286},
    ]
    assert "partial" in result["method"]


def test_months_per_group_and_days(store: Path) -> None:
    result = _output(store, every="month", by="outlet")
    assert [(r["period"], r.get("covered_fraction")) for r in result["rows"]] == [
        ("2016-01-01", round(26 / 31, 4)),
        ("2016-02-01", None),
        ("2016-03-01", round(16 / 31, 4)),
    ]
    daily = _output(store, every="day")
    assert daily["partial_periods"] == [] and not any("partial" in r for r in daily["rows"])


def test_from_inside_a_week_makes_it_partial(store: Path) -> None:
    result = _output(store, every="week", date_from="2016-01-13", date_to="2016-01-31")
    assert [p["period"] for p in result["partial_periods"]] == ["2016-01-11"]
    assert result["rows"][0]["count"] == 20  # Wednesday 13 to Sunday 17


def test_text_output_marks_partial_periods(store: Path) -> None:
    args = ["--store", str(store), "output", "--every", "week", "--of", "all"]
    text = CliRunner().invoke(main, args)
    assert text.exit_code == 0, text.output
    first = next(line for line in text.output.splitlines() if line.startswith("2016-01-04"))
    assert "71% partial*" in first
    assert "* 2016-01-04: the archive covers 5 of its 7 days" in text.output
    as_json = CliRunner().invoke(main, [*args, "--json"])
    assert json.loads(as_json.output)["partial_periods"][1]["period"] == "2016-03-14"
