"""Measurements on the real Fifth Tribe CSV (17,410 tweets, 111 accounts, 2015-2016).

Skips when ../shared/data is not present. No registry is loaded, so every account stands as
its own unregistered, non-official outlet: the measures run with ``of="all"``.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from mutewatch.measure.registry import run_measurement

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def store(fifth_tribe_ingested: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the CSV ingested as twitter (tests/conftest.py; skips without the data)."""
    path = tmp_path_factory.mktemp("fifth") / "fifth.duckdb"
    shutil.copyfile(fifth_tribe_ingested, path)
    return path


def test_output_counts_every_tweet_and_shows_the_collection_artefact(store: Path) -> None:
    monthly = run_measurement("output", store, of="all", every="month")
    assert monthly["total"] == 17410
    by_year: dict[str, int] = {}
    for row in monthly["rows"]:
        by_year[row["period"][:4]] = by_year.get(row["period"][:4], 0) + row["count"]
    assert by_year["2016"] / monthly["total"] > 0.9  # ~94 % in 2016: recent timelines only
    assert monthly["rows"][0]["period"] == "2015-01-01"
    # no registry: nothing is official, so the default (official releases) counts nothing
    assert run_measurement("output", store, every="month")["total"] == 0


def test_outlet_status_sees_accounts_appear(store: Path) -> None:
    result: dict[str, Any] = run_measurement(
        "outlets_status",
        store,
        of="all",
        baseline="2015-01-01..2015-12-31",
        period="2016-04-01..2016-04-30",
    )
    summary = result["summary"]
    assert summary["by_status"]["new"] > summary["active_in_baseline"]
    assert all(r["official"] is False and r["registered"] is False for r in result["outlets"])
    assert summary["active_in_period"] <= 111


def test_network_silences_report_how_thin_the_archive_was(store: Path) -> None:
    result = run_measurement("silences", store, of="all", min_hours=48)
    rows = result["silences"]
    assert rows and all(r["hours"] >= 48 for r in rows)
    # the tweets carry no message ids (hashed from content), so no gap can be checked
    # against ids: every silence is 'unverified' and none is called unprecedented
    assert {r["coverage"] for r in rows} == {"unverified"}
    assert not any(r["ids_checked"] or r["unprecedented"] for r in rows)
    longest = min(rows, key=lambda r: r["rank"])
    assert longest["rank"] == 1
    early = [r for r in rows if r["start"] < "2015-06-01"]
    assert early and all(r["channels_in_archive"] < 20 for r in early)  # of 111 accounts
    assert result["coordinated"]["n"] == 111
