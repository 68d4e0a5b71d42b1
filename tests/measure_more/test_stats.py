"""Pure statistics of trend/supporters/platforms on planted series (no store)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mutewatch.errors import UsageError
from mutewatch.measure import trend


def _days(n: int, first: date = date(2016, 1, 1)) -> list[date]:
    return [first + timedelta(days=i) for i in range(n)]


def _planted(n_high: int, n_low: int, high: float, low: float, seed: int) -> list[int]:
    rng = np.random.default_rng(seed)
    lam = np.r_[np.full(n_high, high), np.full(n_low, low)]
    lam = lam * (1 + 0.4 * np.sin(np.arange(lam.size) * 2 * np.pi / 7))
    return [int(v) for v in rng.negative_binomial(5, 5 / (5 + lam))]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_planted_decline_is_found_within_a_few_days(seed: int) -> None:
    counts = _planted(200, 150, 20.0, 3.0, seed)
    starts = trend.change_points(counts)
    assert starts, "a drop from 20 to 3 a day must be found"
    assert min(abs(s - 200) for s in starts) <= 3
    assert len(starts) <= 2  # over-dispersion and weekly rhythm are not taken for shifts


def test_flat_overdispersed_series_has_no_change_point() -> None:
    counts = _planted(300, 0, 12.0, 0.0, 7)
    assert trend.change_points(counts) == []


def test_dispersion_recovers_planted_size() -> None:
    rng = np.random.default_rng(3)
    x = rng.negative_binomial(4, 4 / (4 + 30.0), size=3000)
    assert 3.0 < trend.dispersion(x.tolist()) < 5.5
    assert trend.dispersion([5, 5, 5, 5]) == float("inf")


def test_garwood_matches_known_values() -> None:
    low, high = trend.garwood(0)
    assert low == 0.0 and high == pytest.approx(3.6889, abs=1e-3)
    low, high = trend.garwood(10)
    assert low == pytest.approx(4.7954, abs=1e-3) and high == pytest.approx(18.3904, abs=1e-3)


def test_negbin_interval_is_wider_than_poisson_and_covers_rate() -> None:
    p = trend.rate_interval(280, 28, interval="poisson")
    nb = trend.rate_interval(280, 28, interval="negbin", r=2.0)
    assert p[0] < 10 < p[1]
    assert nb[0] < p[0] and nb[1] > p[1]
    with pytest.raises(UsageError):
        trend.rate_interval(1, 1, interval="normal")


def test_rolling_rates_and_peak_to_current() -> None:
    days = _days(366 + 31)  # 2016 (leap) + January 2017
    counts = [10] * 200 + [1] * (len(days) - 200)
    rolling = trend.rolling_rates(days, counts, window=28, interval="poisson")
    assert len(rolling) == len(days) - 27
    assert rolling[0]["per_day"] == 10.0 and rolling[-1]["per_day"] == 1.0
    periods = trend.period_rates(days, counts, "month")
    assert [p["period"] for p in periods][:2] == ["2016-01", "2016-02"]
    assert all(p["full"] for p in periods)
    ptc = trend.peak_to_current(periods)
    assert ptc is not None
    assert ptc["current"]["period"] == "2017-01" and ptc["change"] == pytest.approx(0.9)


def test_partial_periods_are_marked_and_not_current() -> None:
    days = _days(60, date(2016, 1, 10))  # 10 January to 9 March
    periods = trend.period_rates(days, [1] * 60, "month")
    assert [(p["period"], p["full"]) for p in periods] == [
        ("2016-01", False),
        ("2016-02", True),
        ("2016-03", False),
    ]
    ptc = trend.peak_to_current(periods)
    assert ptc is not None and ptc["current"]["period"] == "2016-02"
    weeks = trend.period_rates(days, [1] * 60, "week")
    assert weeks[0]["period"] == "2016-01-04" and weeks[0]["days"] == 1


def test_monotone_trend_direction() -> None:
    assert trend.monotone_trend([9, 8, 8, 6, 5, 4, 3, 2])["direction"] == "falling"
    assert trend.monotone_trend([0.1, 0.2, 0.25, 0.3, 0.5, 0.6])["direction"] == "rising"
    assert trend.monotone_trend([3, 3, 3])["direction"] == "flat"


@settings(max_examples=60, deadline=None)
@given(
    first=st.dates(min_value=date(2014, 1, 1), max_value=date(2019, 12, 31)),
    counts=st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=120),
    every=st.sampled_from(["week", "month"]),
)
def test_periods_and_buckets_partition_the_series(
    first: date, counts: list[int], every: str
) -> None:
    days = _days(len(counts), first)
    periods = trend.period_rates(days, counts, every)
    assert sum(p["posts"] for p in periods) == sum(counts)
    assert sum(p["days"] for p in periods) == len(counts)
    buckets = trend.bucket_rows(days[0], days[-1], every)
    assert [b["days"] for b in buckets] == [p["days"] for p in periods]
    assert [b["full"] for b in buckets] == [p["full"] for p in periods]
    rolling = trend.rolling_rates(days, counts, window=7, interval="poisson")
    assert all(r["low"] <= r["per_day"] <= r["high"] for r in rolling)
