"""findings chooses an automatic window relative to the given one: the automatic baseline
ends before a given --period starts, the automatic period starts after a given --baseline
ends, by default_windows' rule (first full year, else first full month; last full month).
Each used to be picked from the whole data independently of the given window: with
``--from 2016-01-26 --period 2016-02-01..2016-02-10`` on the Fifth Tribe CSV the automatic
baseline was February 2016, overlapping the period. When no such window exists, a
UsageError says what to pass instead.

One synthetic store: outlets ``alpha`` and ``beta`` post once a day (an hour apart) from
2015-01-01 to 2016-03-31, one export covering every day."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from mutewatch.errors import UsageError
from mutewatch.measure.registry import run_measurement
from tests.measure_s8.conftest import build

DAYS = (datetime(2016, 3, 31) - datetime(2015, 1, 1)).days + 1


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    first = datetime(2015, 1, 1, 9)
    posts = {
        name: [first + timedelta(days=d, hours=h) for d in range(DAYS)]
        for h, name in enumerate(("alpha", "beta"))
    }
    return build(tmp_path_factory.mktemp("s11c"), [posts], platform="web")


def _windows(store: Path, **options: Any) -> tuple[dict[str, str], dict[str, str]]:
    params = run_measurement("findings", store, **options)["parameters"]
    return params["baseline"], params["period"]


def test_the_automatic_baseline_ends_before_a_given_period(store: Path) -> None:
    # the first full year, 2015, held the period; the baseline is now the first full
    # month before it (no full year ends before June 2015)
    baseline, period = _windows(store, period="2015-06")
    assert period == {"from": "2015-06-01", "to": "2015-06-30"}
    assert baseline == {"from": "2015-01-01", "to": "2015-01-31"}


def test_no_month_before_a_given_period_is_a_usage_error_saying_what_to_pass(
    store: Path,
) -> None:
    # the Fifth Tribe case: the automatic baseline was February 2016, the period's month
    with pytest.raises(UsageError) as caught:
        run_measurement("findings", store, date_from="2016-01-26", period="2016-02-01..2016-02-10")
    text = str(caught.value) + " " + str(getattr(caught.value, "hint", ""))
    assert "before --period 2016-02-01..2016-02-10" in text
    assert "--baseline A..B ending before 2016-02-01" in text


def test_the_automatic_period_starts_after_a_given_baseline(store: Path) -> None:
    # the last full month, March 2016, held the baseline's end: no full month is after it
    with pytest.raises(UsageError) as caught:
        run_measurement("findings", store, baseline="2016-03-01..2016-03-10")
    text = str(caught.value) + " " + str(getattr(caught.value, "hint", ""))
    assert "after --baseline 2016-03-01..2016-03-10" in text
    assert "--period C..D starting after 2016-03-10" in text


def test_a_given_period_before_the_given_baseline_is_refused(store: Path) -> None:
    with pytest.raises(UsageError) as caught:
        run_measurement("findings", store, baseline="2016-02", period="2015-03")
    assert "ends before --baseline 2016-02-01..2016-02-29 starts" in str(caught.value)
    assert "swap --baseline and --period" in str(getattr(caught.value, "hint", ""))
