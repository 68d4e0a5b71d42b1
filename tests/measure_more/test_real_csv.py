"""trend, supporters and platforms on the real Fifth Tribe CSV (../shared/data).

No registry names these accounts, so every post is a supporter post. About 94% of the rows
fall in 2016 (recent timelines of surviving accounts): a collection artefact that the trend
must show as a rise, not hide.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from mutewatch.measure.findings import findings
from mutewatch.measure.platforms import platforms
from mutewatch.measure.supporters import supporters
from mutewatch.measure.trend import trend

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def csv_store(fifth_tribe_ingested: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the CSV ingested as twitter (tests/conftest.py; skips without the data)."""
    store = tmp_path_factory.mktemp("fifth") / "fifth.duckdb"
    shutil.copyfile(fifth_tribe_ingested, store)
    return store


def _count(store: Path, sql: str) -> int:
    con = duckdb.connect(str(store), read_only=True)
    try:
        return int(con.execute(sql).fetchone()[0])  # type: ignore[index]
    finally:
        con.close()


def test_trend_shows_the_collection_artefact(csv_store: Path) -> None:
    result: dict[str, Any] = trend(csv_store, of="supporter", include_forwards=True)
    assert result["series"]["posts"] == _count(csv_store, "SELECT count(*) FROM posts") == 17410
    assert result["series"]["start"] == "2015-01-06"
    rises = [c for c in result["change_points"] if c["change"] is not None and c["change"] > 0]
    assert rises, "the 2016 surge of collected tweets must appear as a rise"
    # the surge: in January 2016 the collected rate steps up to over 100 tweets a day
    assert any(c["at"].startswith("2016-01") and c["after_per_day"] > 100 for c in rises)
    assert trend(csv_store)["series"]["posts"] == 0  # nothing official without a registry


def test_supporters_and_platforms_on_real_rows(csv_store: Path) -> None:
    sup = supporters(csv_store, include_forwards=True)
    assert sup["total"]["official"] == 0 and sup["total"]["share"] == 1.0
    assert sup["total"]["supporter"] == 17410
    plat = platforms(csv_store, of="supporter", include_forwards=True)
    links = _count(csv_store, "SELECT count(*) FROM links")
    assert plat["total"]["links"] == links
    assert sum(r["links"] for r in plat["rows"]) == links


def test_findings_without_official_posts_say_why(csv_store: Path) -> None:
    result = findings(csv_store, baseline="2015-01..2015-12", period="2016-04")
    skipped = {s["kind"] for s in result["skipped"]}
    assert "decline" in skipped and "silenced_outlets" in skipped
    share = next(f for f in result["findings"] if f["kind"] == "supporter_share")
    assert share["sentence"].startswith("Supporters made 100% of all posts in April 2016")
