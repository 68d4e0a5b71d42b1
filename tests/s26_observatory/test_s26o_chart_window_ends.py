"""The report's and dashboard's time charts ran from the first to the last bucket holding a
counted post, whatever window they were drawn for, where `output --from/--to` zero-fills
every period of the window within the archive's coverage: a report whose period held no
post (the network fell silent) ended its output chart at the last post, before the period
the key findings read ("fell 100% ... to 0.0 a day"), and its tables left those days out.
Now each end the window gives (cut to the archive's coverage) bounds the buckets."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from mutewatch.measure.registry import run_measurement
from mutewatch.show import charts
from mutewatch.show.report import chart_rows
from mutewatch.store import Store
from tests.s20_measure.s20m_store import build_store, every


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Alpha posts every 12 hours from 2016-01-04 to 2016-03-10 and once more on
    2016-04-20 (the archive's end); nothing from 2016-03-11 to 2016-04-19."""
    times = every(datetime(2016, 1, 4), datetime(2016, 3, 10, 12), 12)
    times.append(datetime(2016, 4, 20, 9))
    return build_store(tmp_path_factory.mktemp("s26-window"), {"Alpha": times})


def _built(store: Path, since: datetime, until: datetime) -> charts.ChartSet:
    with Store.open(store, read_only=True) as opened:
        return charts.build(opened, charts.Filters(since=since, until=until))


def _series(built: charts.ChartSet, name: str) -> dict[str, float]:
    _, rows = chart_rows(built.figures[name], name)
    return {str(r["period"])[:10]: sum(v or 0 for k, v in r.items() if k != "period") for r in rows}


@pytest.mark.parametrize(
    "name", ["output_by_outlet", "output_by_medium", "active_outlets", "supporters"]
)
def test_a_window_ending_in_silence_keeps_its_days(store: Path, name: str) -> None:
    """The window 2016-02-01..2016-03-31: the chart runs to 2016-03-31 as `output` does."""
    built = _built(store, datetime(2016, 2, 1), datetime(2016, 4, 1))
    assert built.bucket == "day"
    days = _series(built, name)
    assert min(days) == "2016-02-01" and max(days) == "2016-03-31", (min(days), max(days))
    if name.startswith("output"):
        out = run_measurement(
            "output", store, every="day", date_from="2016-02-01", date_to="2016-03-31"
        )
        assert days == {r["period"]: r["count"] for r in out["rows"]}


def test_a_window_past_the_archive_stops_at_its_coverage(store: Path) -> None:
    """From 2016-02-01 until 2016-06-30, past the archive's end (2016-04-20): the days stop
    there, as `output --to 2016-06-30` cuts to the coverage."""
    built = _built(store, datetime(2016, 2, 1), datetime(2016, 7, 1))
    assert built.bucket == "day"
    days = _series(built, "output_by_outlet")
    out = run_measurement(
        "output", store, every="day", date_from="2016-02-01", date_to="2016-06-30"
    )
    assert days == {r["period"]: r["count"] for r in out["rows"]}
    assert (min(days), max(days)) == ("2016-02-01", "2016-04-20")


def test_the_heatmap_has_the_window_s_silent_month(store: Path) -> None:
    """The window 2016-02-01..2016-04-10: April (no post in the window) reads 0."""
    built = _built(store, datetime(2016, 2, 1), datetime(2016, 4, 11))
    columns, rows = chart_rows(built.figures["heatmap"], "heatmap")
    assert columns == ["outlet", "2016-02", "2016-03", "2016-04"]
    assert rows[0]["2016-04"] == 0
