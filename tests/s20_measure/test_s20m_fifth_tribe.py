"""Figures of the real Fifth Tribe tweets (../shared/data/fifth_tribe_tweets.csv, ingested
as README shows), recomputed straight from the CSV and compared with mutewatch's; and the
three disagreements this session fixed, on the data they were found on. Skips when the
research data is not present."""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from mutewatch.measure.registry import run_measurement
from mutewatch.show import charts
from mutewatch.show.report import chart_rows
from mutewatch.store import Store

pytestmark = pytest.mark.slow

REGISTRY_NAMES = 16  # the accounts with a tweet in 2015, marked official below


@pytest.fixture(scope="module")
def tweets(shared_data: Any) -> list[tuple[str, datetime]]:
    """(username, time) of every row, read with the csv module alone."""
    with shared_data("fifth_tribe_tweets.csv").open(newline="", encoding="utf-8") as f:
        return [
            (r["username"], datetime.strptime(r["time"], "%m/%d/%Y %H:%M"))
            for r in csv.DictReader(f)
        ]


@pytest.fixture(scope="module")
def store(fifth_tribe_ingested: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("s20-fifth") / "fifth.duckdb"
    shutil.copyfile(fifth_tribe_ingested, path)
    return path


def test_every_row_is_stored_and_counted_per_month(
    store: Path, tweets: list[tuple[str, datetime]]
) -> None:
    with Store.open(store, read_only=True) as opened:
        (read, new, dup, quarantined), = opened.con.execute(
            "SELECT sum(read), sum(new), sum(duplicates), sum(quarantined) FROM sources"
        ).fetchall()  # fmt: skip
    assert read == len(tweets) == 17410 and (new, dup, quarantined) == (17410, 0, 0)
    monthly = run_measurement("output", store, of="all", every="month")
    mine = Counter(t.strftime("%Y-%m-01") for _, t in tweets)
    assert {r["period"]: r["count"] for r in monthly["rows"] if r["count"]} == dict(mine)
    assert len({u for u, _ in tweets}) == 111


def test_the_longest_network_silence(store: Path, tweets: list[tuple[str, datetime]]) -> None:
    times = sorted(t for _, t in tweets)
    start, end = max(zip(times, times[1:], strict=False), key=lambda p: p[1] - p[0])
    assert (start, end) == (datetime(2015, 4, 1, 13, 18), datetime(2015, 5, 13, 21, 16))
    result = run_measurement("silences", store, of="all", with_coordinated=False)
    longest = max(result["silences"], key=lambda s: s["hours"])
    assert (longest["start"], longest["end"]) == ("2015-04-01T13:18:00Z", "2015-05-13T21:16:00Z")
    assert longest["coverage"] == "unverified" and longest["unprecedented"] is False


def test_findings_from_a_day_do_not_call_a_shorter_gap_the_longest_on_record(
    store: Path,
) -> None:
    result = run_measurement(
        "findings", store, of="all", date_from="2016-01-10", date_to="2016-04-20",
        baseline="2016-01", period="2016-04",
    )  # fmt: skip
    (item,) = [f for f in result["findings"] if f["kind"] == "longest_silence"]
    assert item["numbers"]["hours"] < item["numbers"]["previous_longest_hours"] == 1015.97
    assert "on record" not in item["sentence"], item["sentence"]
    assert "from 2016-01-10 to 2016-04-20" in item["sentence"], item["sentence"]


def test_silencing_dates_median(store: Path) -> None:
    result = run_measurement(
        "findings", store, of="all", baseline="2015-09..2015-12", period="2016-05"
    )
    (item,) = [f for f in result["findings"] if f["kind"] == "silencing_dates"]
    days = sorted(o["day"] for o in item["numbers"]["outlets"])
    assert len(days) == 12 and days[5:7] == ["2015-11-16", "2016-01-20"], days
    assert item["numbers"]["median"] == "2015-12-18"


def test_report_silence_table_ends_at_the_closing_tweet(
    store: Path, tweets: list[tuple[str, datetime]], tmp_path: Path
) -> None:
    """The 16 accounts with a 2015 tweet as official outlets (a registry for the test only):
    every network silence of the report's chart ends at a tweet, as `silences` says, and the
    one still running at the archive's end ends there (fe3bdf8), as `silences --ongoing`."""
    from mutewatch.outlets import load_registry

    early = sorted({u for u, t in tweets if t.year == 2015})
    assert len(early) == REGISTRY_NAMES
    registry = tmp_path / "outlets.yaml"
    registry.write_text(
        "outlets:\n"
        + "".join(
            f"  - name: Outlet {n:02d}\n    official: true\n"
            f"    accounts: [{{platform: twitter, name: {u}}}]\n"
            for n, u in enumerate(early)
        )
    )
    path = tmp_path / "registered.duckdb"
    shutil.copyfile(store, path)
    with Store.open(path) as opened:
        load_registry(opened, registry)
        built = charts.build(opened)
    _, rows = chart_rows(built.figures["silences"], "silences")
    shown = {
        r["start"].strftime("%Y-%m-%dT%H:%M"): r["end"].strftime("%Y-%m-%dT%H:%M")
        for r in rows
        if str(r["outlet"]).startswith("network")
    }
    measured = run_measurement(
        "silences", path, scope="network", min_hours=12, with_coordinated=False, ongoing=True
    )
    expected = {s["start"][:16]: s["end"][:16] for s in measured["silences"]}
    assert len(shown) > 100 and shown == expected
    # every week of the output tables, those without a release too, as `output` counts
    _, weekly = chart_rows(built.figures["output_by_medium"], "output_by_medium")
    counted = run_measurement("output", path, every="week")["rows"]
    assert [r["period"] for r in weekly] == [r["period"] for r in counted]
    assert len(weekly) == 71


def test_trend_change_points_of_the_exact_rates(store: Path) -> None:
    result = run_measurement("trend", store, of="all", every="month")
    rows = {r["at"]: r for r in result["change_points"]}
    rise = rows["2015-08-29"]
    assert (rise["before_per_day"], rise["after_per_day"]) == (0.0508, 14.0)
    assert rise["change"] == round(14 / (9 / 177) - 1, 4)
