"""The decline finding speaks of the asked period: a period holding no full calendar month
(``--period 2016-02-01..2016-02-10``) is itself the current, at its posts per day, against
the peak full month; it used to name the last full month before it (January), a month
outside the period, and hid the period's own rate.

Stores are built here (placeholder posts, one export covering every day), with a registry
naming one official outlet. Truths come from the planted counts."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from mutewatch.measure.registry import run_measurement
from mutewatch.outlets import load_registry
from mutewatch.store import Store
from tests.measure_s8.conftest import build

REGISTRY = """outlets:
  - name: Outlet North
    official: true
    accounts: [{platform: web, id: north}]
"""


def _daily(first: datetime, days: int, per_day: int) -> list[datetime]:
    """``per_day`` posts on each of ``days`` days from ``first`` (an hour apart)."""
    return [first + timedelta(days=d, hours=h) for d in range(days) for h in range(per_day)]


def _store(folder: Path, official: list[datetime], first: datetime = datetime(2016, 1, 1)) -> Path:
    """One export from ``first`` (2016-01-01) to 2016-02-20: ``other`` (a supporter) posts
    once a day all along, the official ``north`` posts at ``official``."""
    other = _daily(first + timedelta(minutes=30), (datetime(2016, 2, 21) - first).days, 1)
    store = build(folder, [{"other": other, "north": official}], platform="web")
    registry = folder / "outlets.yaml"
    registry.write_text(REGISTRY)
    with Store.open(store) as opened:
        load_registry(opened, registry)
    return store


@pytest.fixture(scope="module")
def rising(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """North starts on January 26th (2 a day: 12 posts in January, 0.39 a day over its 31
    collected days) and posts 7 a day in February."""
    posts = _daily(datetime(2016, 1, 26, 1), 6, 2) + _daily(datetime(2016, 2, 1, 1), 20, 7)
    return _store(tmp_path_factory.mktemp("s11b-rising"), posts)


@pytest.fixture(scope="module")
def falling(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """North posts 10 a day in January and 4 a day in February."""
    posts = _daily(datetime(2016, 1, 1, 1), 31, 10) + _daily(datetime(2016, 2, 1, 1), 20, 4)
    return _store(tmp_path_factory.mktemp("s11b-falling"), posts)


@pytest.fixture(scope="module")
def since_december(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """``rising`` and ``falling`` with the archive starting on 2015-12-01 (North silent in
    December), so that a whole January can be the period after a December baseline."""
    rising = _daily(datetime(2016, 1, 26, 1), 6, 2) + _daily(datetime(2016, 2, 1, 1), 20, 7)
    falling = _daily(datetime(2016, 1, 1, 1), 31, 10) + _daily(datetime(2016, 2, 1, 1), 20, 4)
    december = datetime(2015, 12, 1)
    return (
        _store(tmp_path_factory.mktemp("s11b-rising-dec"), rising, december),
        _store(tmp_path_factory.mktemp("s11b-falling-dec"), falling, december),
    )


def _decline(store: Path, baseline: str = "2016-01", **options: Any) -> dict[str, Any]:
    result = run_measurement("findings", store, baseline=baseline, **options)
    (item,) = [f for f in result["findings"] if f["kind"] == "decline"]
    return item


def test_a_rise_in_a_short_period_is_not_called_a_january_peak(rising: Path) -> None:
    item = _decline(rising, period="2016-02-01..2016-02-10")
    assert item["sentence"] == (
        "Official output ran at 7.0 a day in 2016-02-01 to 2016-02-10 (10 days, no full "
        "calendar month), 1708% above its peak full month, January 2016 (0.4 a day)."
    )
    numbers = item["numbers"]
    assert numbers["current_period"] == "2016-02-01..2016-02-10"
    assert (numbers["current_posts"], numbers["current_days"]) == (70, 10)
    assert numbers["current_per_day"] == 7.0
    assert (numbers["peak_period"], numbers["peak_per_day"]) == ("2016-01", round(12 / 31, 4))
    peak = round(12 / 31, 4)  # change is computed from the rates as reported
    assert numbers["change"] == round((peak - 7.0) / peak, 4)
    assert "is at its peak" not in item["sentence"]


def test_a_fall_in_a_short_period_is_stated(falling: Path) -> None:
    item = _decline(falling, period="2016-02-01..2016-02-10")
    assert item["sentence"] == (
        "Official output fell 60% from its peak in January 2016 (10.0 a day) to 4.0 a day "
        "in 2016-02-01 to 2016-02-10 (10 days, no full calendar month)."
    )
    assert item["numbers"]["change"] == 0.6
    assert "the period itself" in item["method"]


def test_the_numbers_agree_with_trend_for_the_same_days(rising: Path) -> None:
    item = _decline(rising, period="2016-02-03..2016-02-12")
    peak = run_measurement("trend", rising, date_to="2016-02-12")["peak_to_current"]["peak"]
    assert (item["numbers"]["peak_period"], item["numbers"]["peak_per_day"]) == (
        peak["period"],
        peak["per_day"],
    )
    own = run_measurement("trend", rising, date_from="2016-02-03", date_to="2016-02-12")
    assert item["numbers"]["current_per_day"] == own["series"]["per_day"] == 7.0
    with duckdb.connect(str(rising), read_only=True) as con:
        row = con.execute(
            "SELECT count(*) FROM posts WHERE official AND ts >= '2016-02-03' AND ts < '2016-02-13'"
        ).fetchone()
    assert row is not None and item["numbers"]["current_posts"] == row[0] == 70


def test_a_full_month_period_reads_as_before(since_december: tuple[Path, Path]) -> None:
    # the current is the period's last full month, as it always was (text and numbers);
    # the baseline is December, as a period may not overlap its baseline
    rising, falling = since_december
    item = _decline(rising, baseline="2015-12", period="2016-01")
    assert item["sentence"] == "Official output is at its peak in January 2016 (0.4 a day)."
    assert item["numbers"] == {
        "peak_period": "2016-01",
        "peak_per_day": 0.3871,
        "current_period": "2016-01",
        "current_per_day": 0.3871,
        "change": 0.0,
    }
    assert item["method"] == (
        "(peak - current) / peak of posts per day, over full calendar periods; peak = the "
        "full period with the highest rate, current = the last full period."
    )
    # a period holding a full month and more: that month is the current
    longer = _decline(falling, baseline="2015-12", period="2016-01-01..2016-02-05")
    assert longer["numbers"]["current_period"] == "2016-01"
    assert longer["sentence"] == "Official output is at its peak in January 2016 (10.0 a day)."


TWEETS = Path(__file__).resolve().parents[3] / "shared" / "data" / "fifth_tribe_tweets.csv"
#: five accounts of the CSV whose posts begin on 2016-01-26 or later, named official
NEWS = ("RamiAlLolah", "mobi_ayubi", "warrnews", "_IshfaqAhmad", "Uncle_SamCoco")


@pytest.mark.slow
def test_the_real_csv_period_is_the_current(fifth_tribe_ingested: Path, tmp_path: Path) -> None:
    store = tmp_path / "fifth.duckdb"
    shutil.copyfile(fifth_tribe_ingested, store)
    registry = tmp_path / "outlets.yaml"
    registry.write_text(
        "outlets:\n"
        + "".join(
            f"  - name: {name}\n    official: true\n"
            f"    accounts: [{{platform: twitter, id: {name}}}]\n"
            for name in NEWS
        )
    )
    with Store.open(store) as opened:
        load_registry(opened, registry)
    with duckdb.connect(str(store), read_only=True) as con:
        row = con.execute(
            "SELECT count(*) FILTER (WHERE ts < '2016-02-01'), count(*) FILTER (WHERE ts >= "
            "'2016-02-01' AND ts < '2016-02-11'), min(ts) FROM posts WHERE official"
        ).fetchone()
    assert row is not None
    january, early_february, first = row
    assert first >= datetime(2016, 1, 26)
    item = _decline(store, period="2016-02-01..2016-02-10")
    numbers = item["numbers"]
    assert numbers["current_period"] == "2016-02-01..2016-02-10"
    assert numbers["current_posts"] == early_february and numbers["current_days"] == 10
    # January: the archive (one CSV export from 2015-01-06) collected all its 31 days
    assert numbers["peak_per_day"] == round(january / 31, 4)
    assert numbers["change"] < 0 and "above its peak full month" in item["sentence"]
    assert item["sentence"].startswith(
        f"Official output ran at {early_february / 10:.1f} a day in 2016-02-01 to 2016-02-10"
    )
