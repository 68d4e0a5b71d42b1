"""A month the window holds only in part is never peak or current: with no full calendar
month, trend has no peak-to-current (and says why in ``notes``) and findings skips the
decline naming the partial months. The fallback to partial months compared a six-day
fragment with a ten-day one and findings called them "January 2016" and "February 2016".

Stores are built here (placeholder posts, one export, ``of="all"``: no registry)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from mutewatch.measure import trend
from mutewatch.measure.registry import run_measurement
from tests.measure_s8.conftest import build

NOTE = (
    "the window holds no full calendar month (2016-01, 2016-02 only in part): no "
    "peak-to-current, as a period held only in part is never peak or current; its posts "
    "and days still count in the series (per period: periods in --json)"
)


def _daily(first: datetime, days: int, per_day: int) -> list[datetime]:
    return [first + timedelta(days=d, hours=h) for d in range(days) for h in range(per_day)]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``north`` posts 2 a day in January 2016 and 1 a day from February 1st to 20th,
    ``south`` (a second export) from January 26th: 5 a day."""
    folder = tmp_path_factory.mktemp("s11b-partial")
    north = _daily(datetime(2016, 1, 1, 1), 31, 2) + _daily(datetime(2016, 2, 1, 1), 20, 1)
    south = _daily(datetime(2016, 1, 26, 2), 26, 5)
    return build(folder, [{"north": north}, {"south": south}], platform="web")


def test_partial_periods_alone_make_no_peak() -> None:
    days = [date(2016, 1, 26) + timedelta(n) for n in range(16)]  # 26 January to 10 February
    periods = trend.period_rates(days, [30] * 6 + [3] * 10, "month")
    assert [(p["period"], p["days"], p["full"]) for p in periods] == [
        ("2016-01", 6, False),
        ("2016-02", 10, False),
    ]
    assert trend.peak_to_current(periods) is None
    assert trend.partial_note(periods, "month") == [NOTE]


def test_trend_of_a_window_without_a_full_month_says_so(store: Path) -> None:
    result = run_measurement("trend", store, of="all", date_from="2016-01-26", date_to="2016-02-10")
    assert result["peak_to_current"] is None
    assert result["notes"] == [NOTE]
    assert [(p["period"], p["posts"]) for p in result["periods"]] == [
        ("2016-01", 6 * 7),
        ("2016-02", 10 * 6),
    ]
    # a window holding a full month keeps its peak-to-current and has no note
    whole = run_measurement("trend", store, of="all", date_to="2016-02-10")
    assert whole["peak_to_current"]["current"]["period"] == "2016-01"
    assert "notes" not in whole


def test_trend_outlet_read_only_in_part_of_two_months_says_so(store: Path) -> None:
    result = run_measurement(
        "trend", store, of="all", outlets=["south"], date_from="2016-01-01", date_to="2016-02-10"
    )
    assert result["coverage"]["covered_days"] == 16  # its export starts on January 26th
    assert result["peak_to_current"] is None
    assert result["notes"][-1] == NOTE


def test_findings_skip_the_decline_naming_the_partial_months(store: Path) -> None:
    result = run_measurement(
        "findings", store, of="all", date_from="2016-01-26", baseline="2016-01-26..2016-01-31",
        period="2016-02-01..2016-02-10",
    )  # fmt: skip
    assert not [f for f in result["findings"] if f["kind"] == "decline"]
    (reason,) = [s["reason"] for s in result["skipped"] if s["kind"] == "decline"]
    assert reason == (
        "no full calendar month in the record from 2016-01-26 to 2016-02-10 (2016-01, "
        "2016-02 only in part): a month held only in part is never peak or current"
    )
    sentences = " ".join(f["sentence"] for f in result["findings"])
    assert "January 2016" not in sentences and "February 2016" not in sentences
