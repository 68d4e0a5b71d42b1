"""The report's and dashboard's charts over time shade the first and last bucket when the
archive covers only part of it, with the same periods ``mutewatch output`` flags."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from mutewatch.measure.registry import run_measurement
from mutewatch.outlets import load_registry
from mutewatch.show import charts
from mutewatch.show.report import ReportOptions, build_report
from mutewatch.store import Store
from tests.measure_s7.conftest import Part, build

# four posts a day from Wednesday 2016-01-06 to Wednesday 2016-06-15 (inclusive): 161 days,
# so the charts count by week
FIRST, LAST = datetime(2016, 1, 6), datetime(2016, 6, 15, 18)
TIMES = [
    FIRST + timedelta(hours=6 * i) for i in range(int((LAST - FIRST) / timedelta(hours=6)) + 1)
]
REGISTRY = """outlets:
  - name: "Placeholder Office"
    official: true
    accounts:
      - {platform: telegram, name: "acc"}
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("partial_charts")
    path = build(folder, [Part("acc", "telegram", TIMES, 1)])
    (folder / "outlets.yaml").write_text(REGISTRY)
    with Store.open(path) as opened:
        load_registry(opened, folder / "outlets.yaml")
    return path


def _flagged_by_output(store: Path, every: str) -> list[dict[str, object]]:
    result = run_measurement("output", store, of="official", every=every)
    keys = ("period", "covered_days", "days")
    return [{k: p[k] for k in keys} for p in result["partial_periods"]]


@pytest.mark.parametrize("every", ["week", "month"])
def test_the_charts_flag_what_output_flags(store: Path, every: str) -> None:
    with Store.open(store, read_only=True) as opened:
        partial = charts.partial_buckets(opened, charts.Filters(), every)
    assert partial == _flagged_by_output(store, every)
    assert partial  # both ends fall inside a bucket here
    assert partial[0]["period"] == ("2016-01-04" if every == "week" else "2016-01-01")


def test_a_window_cut_inside_a_week_flags_that_week(store: Path) -> None:
    f = charts.Filters(since=datetime(2016, 3, 2), until=datetime(2016, 4, 1))
    with Store.open(store, read_only=True) as opened:
        partial = charts.partial_buckets(opened, f, "week")
    assert partial == [
        {"period": "2016-02-29", "covered_days": 5, "days": 7},
        {"period": "2016-03-28", "covered_days": 4, "days": 7},
    ]


def test_only_charts_over_time_are_shaded(store: Path) -> None:
    with Store.open(store, read_only=True) as opened:
        built = charts.build(opened)
    assert built.bucket == "week"
    assert [p["period"] for p in built.partial] == ["2016-01-04", "2016-06-13"]
    for name, fig in built.figures.items():
        bands = [s for s in fig.layout.shapes if s.type == "rect" and s.xref == "x"]
        if name in ("output_by_outlet", "output_by_medium", "active_outlets"):
            assert len(bands) == 2, name
            notes = [a.text for a in fig.layout.annotations]
            assert "partly covered: 5 of 7 days" in notes and "partly covered: 3 of 7 days" in notes
        elif name not in charts.TIME_CHARTS:
            assert bands == [], name


def test_the_report_says_which_periods(store: Path) -> None:
    html, _ = build_report(store, ReportOptions(generated_at=datetime(2026, 1, 1)))
    output = html[html.index("<section id='output'>") : html.index("<section id='heatmap'>")]
    assert "the week of 2016-01-04: 5 of 7 days; the week of 2016-06-13: 3 of 7 days" in output


def test_whole_buckets_are_not_flagged(store: Path) -> None:
    f = charts.Filters(since=datetime(2016, 2, 1), until=datetime(2016, 4, 1))
    with Store.open(store, read_only=True) as opened:
        assert charts.partial_buckets(opened, f, "month") == []
        assert charts.partial_buckets(opened, f, "day") == []
