"""The silencing-dates finding named the upper of the two middle days as the "median" of an
even number of change points (of 10 dates the 6th, with 5 before it and 4 after): on the
real Fifth Tribe tweets (baseline September-December 2015, period 1-13 May 2016) 12 dates
gave "median 2016-01-20", two months after the 6th date (2015-11-16), where the median is
halfway between them, 2015-12-18. An odd number of dates keeps its middle one."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from mutewatch.measure.findings import findings, silencing_times_sentence
from tests.s20_measure.s20m_store import build_store, every

WINDOW = (date(2016, 1, 1), date(2016, 1, 31)), (date(2016, 4, 1), date(2016, 4, 30))


def _changes(days: list[str]) -> list[dict[str, object]]:
    return [
        {"outlet": f"Outlet {n}", "day": d, "before_per_day": 2.0, "after_per_day": 0.0}
        for n, d in enumerate(days)
    ]


@pytest.mark.parametrize(
    ("days", "median"),
    [
        (["2016-02-01", "2016-02-11", "2016-03-01", "2016-03-11"], "2016-02-20"),
        (["2016-02-01", "2016-02-02"], "2016-02-01"),
        (["2016-02-01", "2016-02-11", "2016-03-11"], "2016-02-11"),
        (["2016-02-01", "2016-02-01", "2016-03-01", "2016-03-01"], "2016-02-15"),
    ],
)
def test_the_median_of_the_change_points(days: list[str], median: str) -> None:
    names = [f"Outlet {n}" for n in range(len(days))]
    item = silencing_times_sentence(names, _changes(days), *WINDOW)
    assert item is not None
    assert item["numbers"]["median"] == median
    assert f"(median {median};" in item["sentence"], item["sentence"]


def test_findings_give_the_median_of_four_outlets_silenced(tmp_path: Path) -> None:
    """Four outlets post every 6 hours from January and stop on 2016-02-08, 2016-02-22,
    2016-03-07 and 2016-03-21: their change points' median is halfway between the 2nd and
    the 3rd, not the 3rd."""
    stops = [
        datetime(2016, 2, 8),
        datetime(2016, 2, 22),
        datetime(2016, 3, 7),
        datetime(2016, 3, 21),
    ]
    channels = {
        f"Ch{n}": every(datetime(2016, 1, 1), stop - timedelta(hours=6), 6)
        for n, stop in enumerate(stops)
    }
    channels["Steady"] = every(datetime(2016, 1, 1), datetime(2016, 4, 30, 18), 6)
    store = build_store(tmp_path, channels)
    result = findings(store, baseline="2016-01", period="2016-04")
    (item,) = [f for f in result["findings"] if f["kind"] == "silencing_dates"]
    numbers = item["numbers"]
    days = sorted(o["day"] for o in numbers["outlets"])
    assert days == ["2016-02-08", "2016-02-22", "2016-03-07", "2016-03-21"], days
    assert numbers["median"] == "2016-02-29"
    assert "(median 2016-02-29;" in item["sentence"], item["sentence"]
