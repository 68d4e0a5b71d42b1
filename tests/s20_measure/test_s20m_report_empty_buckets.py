"""The report's stacked charts (output by outlet, by medium; links by host class), its
distinct-hosts line and its heatmap had a bucket only where something was counted: a week
in which no official outlet released anything had no row in their data tables, where
`output` (and the active-outlets line) give it 0. On the real Fifth Tribe tweets (16
accounts registered as official) the output tables had 51 of the 71 weeks: the 20 weeks
left out were the silences. Every bucket from the first to the last now has its row."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from mutewatch.measure.registry import run_measurement
from mutewatch.show import charts
from mutewatch.show.report import chart_rows
from mutewatch.store import Store
from tests.s20_measure.s20m_store import build_store, every


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Alpha posts every 12 hours from 2016-01-04 to 2016-06-26, nothing from 2016-02-29 to
    2016-03-13 (two whole weeks) nor in April."""
    times = every(datetime(2016, 1, 4), datetime(2016, 6, 26, 12), 12)
    quiet = [t for t in times if date(2016, 2, 29) <= t.date() <= date(2016, 3, 13)]
    times = [t for t in times if t not in quiet and t.month != 4]
    return build_store(tmp_path_factory.mktemp("s20-buckets"), {"Alpha": times})


def _built(store: Path) -> charts.ChartSet:
    with Store.open(store, read_only=True) as opened:
        return charts.build(opened)


@pytest.mark.parametrize("name", ["output_by_outlet", "output_by_medium"])
def test_a_week_without_releases_has_its_zero_row(store: Path, name: str) -> None:
    built = _built(store)
    assert built.bucket == "week"
    _, rows = chart_rows(built.figures[name], name)
    weeks = {str(r["period"]): sum(v for k, v in r.items() if k != "period") for r in rows}
    assert weeks["2016-02-29"] == 0 == weeks["2016-03-07"], sorted(weeks)
    assert weeks["2016-04-04"] == 0
    out = run_measurement("output", store, every="week")
    assert weeks == {r["period"]: r["count"] for r in out["rows"]}


def test_the_heatmap_has_the_month_without_releases(tmp_path: Path) -> None:
    """Beta posts daily in January and March 2016 only: February reads 0."""
    first = datetime(2016, 1, 1, 9)
    times = [first + timedelta(days=n) for n in range(91)]
    store = build_store(tmp_path, {"Beta": [t for t in times if t.month != 2]})
    columns, rows = chart_rows(_built(store).figures["heatmap"], "heatmap")
    assert columns == ["outlet", "2016-01", "2016-02", "2016-03"]
    assert rows == [{"outlet": "Outlet Beta", "2016-01": 31, "2016-02": 0, "2016-03": 31}]


def test_every_bucket_runs_from_the_first_to_the_last() -> None:
    months = charts.every_bucket([date(2015, 11, 1), date(2016, 2, 1)], "month")
    assert months == [date(2015, 11, 1), date(2015, 12, 1), date(2016, 1, 1), date(2016, 2, 1)]
    weeks = charts.every_bucket([datetime(2016, 1, 4), datetime(2016, 1, 25)], "week")
    assert len(weeks) == 4 and weeks[-1] == datetime(2016, 1, 25)
    assert charts.every_bucket([], "day") == []
