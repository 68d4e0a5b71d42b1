"""A change point's relative change was taken from the two segments' rates rounded to 4
decimals: on the real Fifth Tribe tweets a segment of 9 posts in 177 days (0.050847 a day,
rounded 0.0508) rising to 14 a day read +27459% where it is +27433% (14 / (9 / 177) - 1).
It is now taken from each segment's posts and days."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from mutewatch.measure.registry import run_measurement
from mutewatch.measure.trend import describe_changes
from tests.s20_measure.s20m_store import build_store


def test_the_change_is_of_the_exact_rates() -> None:
    segs = [
        {"start": "2016-01-01", "end": "2016-06-25", "days": 177, "posts": 9, "per_day": 0.0508},
        {"start": "2016-06-26", "end": "2016-07-07", "days": 12, "posts": 168, "per_day": 14.0},
    ]
    (row,) = describe_changes(segs)
    assert row["change"] == round(14 / (9 / 177) - 1, 4) == 274.3333
    assert (row["before_per_day"], row["after_per_day"]) == (0.0508, 14.0)


def test_a_trend_change_point_over_a_thin_segment(tmp_path: Path) -> None:
    """Alpha posts 3 times in 180 days (one every 60 days), then 20 a day for 4 weeks."""
    start = datetime(2016, 1, 1, 12)
    thin = [start + timedelta(days=60 * n) for n in range(3)]
    busy_from = start + timedelta(days=180)
    busy = [busy_from + timedelta(hours=1.2 * n) for n in range(20 * 28)]
    store = build_store(tmp_path, {"Alpha": [*thin, *busy]})
    result = run_measurement("trend", store, every="month")
    assert result["change_points"], result["segments"]
    for row, (before, after) in zip(
        result["change_points"],
        zip(result["segments"], result["segments"][1:], strict=False),
        strict=True,
    ):
        b, a = before["posts"] / before["days"], after["posts"] / after["days"]
        assert row["change"] == pytest.approx((a - b) / b, abs=5e-5), (row, before, after)
