"""The change-point finding wrote its levels with one decimal, where every other rate of
the findings has two below 1 a day (``findings.rate``), and computed its percentage from
those levels as rounded in its numbers: on the real Fifth Tribe tweets (``--of all
--baseline 2015-02 --period 2015-09``) "the largest single shift was on 2015-08-26 (0.0 to
8.7 a day, +25021%)", a rise from "0.0" with a finite change, where the sentence's own
rule says a rise from zero has none, and `trend` prints 0.03 -> 8.67 (+25033%). Now the
levels read as ``rate`` writes them and the percentage is the change point's own."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from mutewatch.measure.registry import run_measurement
from tests.s20_measure.s20m_store import build_store, every

BUSY = every(datetime(2016, 4, 1), datetime(2016, 5, 31, 21), 3)  # 8 a day
QUIET = [datetime(2016, 2, 10, 9), datetime(2016, 3, 15, 9)]


def _change_points(folder: Path, times: list[datetime]) -> tuple[str, dict[str, Any]]:
    store = build_store(folder, {"Alpha": times})
    found = run_measurement("findings", store, baseline="2016-01", period="2016-05")
    (finding,) = [f for f in found["findings"] if f["kind"] == "change_points"]
    trend = run_measurement("trend", store, date_to="2016-05-31")
    assert finding["numbers"]["change_points"] == trend["change_points"]
    return finding["sentence"], finding["numbers"]


def test_a_rise_from_a_low_level_reads_its_level(tmp_path: Path) -> None:
    """Three posts from 2016-01-05 to 2016-03-31 (0.0345 a day), then 8 a day."""
    sentence, numbers = _change_points(tmp_path, [datetime(2016, 1, 5, 9), *QUIET, *BUSY])
    (change,) = numbers["change_points"]
    assert change["before_per_day"] == pytest.approx(0.0345)
    assert "rose on 2016-04-01 from 0.03 to 8.0 posts a day (+23100%)" in sentence, sentence


def test_the_largest_shift_reads_its_levels(tmp_path: Path) -> None:
    """4 posts a day in January, two in February and March, then 8 a day: the largest shift
    is the rise from the low level."""
    january = every(datetime(2016, 1, 1), datetime(2016, 1, 31, 18), 6)
    sentence, numbers = _change_points(tmp_path, [*january, *QUIET, *BUSY])
    largest = numbers["largest"]
    assert largest["at"] == "2016-04-01" and largest["before_per_day"] < 0.05
    low = f"{largest['before_per_day']:.2f}"
    percent = f"{largest['change'] * 100:+.0f}%"
    assert f"shift was on 2016-04-01 ({low} to 8.0 a day, {percent})" in sentence, sentence
    assert "from 4.0 posts a day before" in sentence
