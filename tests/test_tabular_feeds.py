"""Tabular (CSV, JSON Lines, Parquet) and feed (RSS, Atom) importers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mutewatch.errors import UsageError
from mutewatch.ingest import IngestOptions, IngestReport, ingest
from mutewatch.store import Store

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CSV_OPTIONS = IngestOptions(
    format="csv",
    mapping={"account": "handle", "time": "when", "text": "body", "message_id": "msg"},
    time_format="%Y-%m-%d %H:%M",
    platform="forum",
)


def adds_up(report: IngestReport) -> bool:
    return report.read == report.new + report.duplicates + report.quarantined + report.skipped


def test_csv_with_mapping_and_bad_rows(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [FIXTURES / "tabular" / "posts.csv"], CSV_OPTIONS)
        assert adds_up(report) and (report.read, report.new, report.quarantined) == (5, 3, 2)
        reasons = [q["reason"] for q in store.quarantine()]
        assert "no parseable time" in reasons[0] and "'not a time'" in reasons[0]
        assert "is not an integer" in reasons[1]
        assert store.rows("SELECT host_class FROM links ORDER BY host_class") == [
            {"host_class": "paste"},
            {"host_class": "telegram"},
        ]
        again = ingest(store, [FIXTURES / "tabular" / "posts.csv"], CSV_OPTIONS)
        assert again.new == 0 and store.scalar("SELECT count(*) FROM quarantine") == 2


def test_jsonl_derived_ids_are_stable_and_time_zones_apply(tmp_path: Path) -> None:
    options = IngestOptions(
        format="jsonl",
        mapping={"account": "handle", "time": "when", "text": "body"},
        platform="forum",
    )
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [FIXTURES / "tabular" / "posts.jsonl"], options)
        # two identical rows are two posts (occurrence counted), one line is not JSON,
        # one row has no account
        assert adds_up(report) and (report.read, report.new, report.quarantined) == (5, 3, 2)
        first_ids = store.rows("SELECT message_id, ts FROM posts ORDER BY message_id")
        assert datetime(2016, 3, 2, 7, 15) in [r["ts"] for r in first_ids]
    with Store.open(tmp_path / "other.duckdb") as store:
        ingest(store, [FIXTURES / "tabular" / "posts.jsonl"], options)
        assert store.rows("SELECT message_id, ts FROM posts ORDER BY message_id") == first_ids


def test_parquet(tmp_path: Path) -> None:
    path = tmp_path / "posts.parquet"
    pq.write_table(
        pa.table(
            {
                "user": ["a", "a", "b"],
                "t": ["1456826400", "1456830000", "oops"],
                "content": ["x", "y", "z"],
            }
        ),
        path,
    )
    options = IngestOptions(
        format="parquet",
        mapping={"account": "user", "time": "t", "text": "content"},
        time_format="unix",
        platform="forum",
    )
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [path], options)
        assert (report.new, report.quarantined) == (2, 1)
        assert store.scalar("SELECT min(ts) FROM posts") == datetime(2016, 3, 1, 10, 0)


def test_tabular_needs_a_platform(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.duckdb") as store, pytest.raises(UsageError, match="--platform"):
        ingest(store, [FIXTURES / "tabular" / "posts.csv"], IngestOptions(format="csv"))


def test_unknown_mapping_field_is_refused(tmp_path: Path) -> None:
    options = IngestOptions(format="csv", mapping={"acount": "handle"}, platform="x")
    with Store.open(tmp_path / "s.duckdb") as store, pytest.raises(UsageError, match="acount"):
        ingest(store, [FIXTURES / "tabular" / "posts.csv"], options)


@pytest.mark.parametrize(("name", "posts", "quarantined"), [("rss.xml", 2, 1), ("atom.xml", 1, 0)])
def test_feeds(tmp_path: Path, name: str, posts: int, quarantined: int) -> None:
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [FIXTURES / "feeds" / name], IngestOptions(format="feed"))
        assert adds_up(report) and (report.new, report.quarantined) == (posts, quarantined)
        accounts = store.rows("SELECT name FROM accounts")
        assert accounts[0]["name"].startswith("Example")
    if name == "rss.xml":
        with Store.open(tmp_path / "s.duckdb") as store:
            hosts = store.rows("SELECT DISTINCT host_class FROM links ORDER BY 1")
            assert [h["host_class"] for h in hosts] == ["other", "video"]


def test_real_fifth_tribe_csv_ingests_without_quarantine(
    tmp_path: Path, shared_data: Callable[..., Path]
) -> None:
    path = shared_data("fifth_tribe_tweets.csv")
    options = IngestOptions(
        format="csv",
        mapping={"account": "username", "time": "time", "text": "tweets"},
        time_format="%m/%d/%Y %H:%M",
        platform="twitter",
    )
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [path], options)
        assert adds_up(report) and report.read == 17410 and report.quarantined == 0
        status = store.status()
        assert status["accounts"] == 111 and status["first"] == "2015-01-06T21:07:00Z"
        assert status["supporter_posts"] == status["posts"]  # no registry: none official


def test_ids_beyond_64_bits_are_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text(f"handle,when,body,msg\na,2016-03-01 10:00,x,{2**64}\na,2016-03-01 10:00,y,7\n")
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [path], CSV_OPTIONS)
        assert (report.new, report.quarantined) == (1, 1)
        assert "beyond 64 bits" in store.quarantine()[0]["reason"]
