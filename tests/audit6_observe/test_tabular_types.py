"""Tabular rows whose values have the wrong type are quarantined with the column and the
reason, never read as Python's repr of them or as another message's id."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store

MAPPING = {"account": "acc", "time": "t", "text": "txt", "message_id": "id", "links": "urls"}


def _run(tmp_path: Path, path: Path, tz: str = "UTC") -> tuple[Store, Any]:
    store = Store.open(tmp_path / "store.duckdb")
    options = IngestOptions(platform="web", mapping=MAPPING, tz=tz)
    report = ingest(store, [path], options)
    assert report.read == report.new + report.duplicates + report.quarantined + report.skipped
    return store, report


def _row(i: int, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"acc": "a", "t": f"2020-01-01T00:{i:02d}:00", "txt": "p", "id": i}
    row.update(values)
    return row


def test_jsonl_values_of_the_wrong_type_are_quarantined(tmp_path: Path) -> None:
    rows: list[Any] = [
        _row(1),
        _row(2, acc=["a"]),
        _row(3, txt={"x": 1}),
        _row(4, acc=True),
        _row(5, id=5.5),
        _row(6, id=True),
        _row(7, t=["2020-01-01T00:07:00"]),
        _row(8, txt=["p", "q"]),
        _row(9, id=9.0),
        _row(10, txt=10),
        [1, 2],
    ]
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    store, report = _run(tmp_path, path)
    posts = store.con.execute(
        "SELECT message_id, account_id, text FROM posts ORDER BY 1"
    ).fetchall()
    assert posts == [(1, "a", "p"), (9, "a", "p"), (10, "a", "10")]
    assert (report.new, report.duplicates, report.quarantined) == (3, 0, 8)
    reasons = dict(store.con.execute("SELECT position, reason FROM quarantine").fetchall())
    assert sorted(reasons) == [1, 2, 3, 4, 5, 6, 7, 10]
    assert "'acc' holds a list" in reasons[1] and "'txt' holds an object" in reasons[2]
    assert "'acc' holds true or false" in reasons[3]
    assert "5.5" in reasons[4] and "not an integer" in reasons[5]
    assert "'t' holds a list" in reasons[6] and "is a list, not an object" in reasons[10]


def test_parquet_typed_columns(tmp_path: Path) -> None:
    stamps = [datetime(2020, 3, 29, 1, 30), datetime(2020, 3, 29, 3, 30), None]
    table = pa.table(
        {
            "acc": ["a", "a", "a"],
            "t": pa.array(stamps, pa.timestamp("us")),
            "txt": ["p", "p", "p"],
            "id": pa.array([1.0, 2.5, 3.0], pa.float64()),
            "urls": [["https://one.example/x"], [], None],
        }
    )
    path = tmp_path / "rows.parquet"
    pq.write_table(table, path)
    store, report = _run(tmp_path, path, tz="Europe/Berlin")
    posts = store.con.execute("SELECT message_id, ts FROM posts ORDER BY 1").fetchall()
    # naive timestamps are read in --tz: 01:30 CET is 00:30 UTC
    assert posts == [(1, datetime(2020, 3, 29, 0, 30))]
    assert report.quarantined == 2
    hosts = store.con.execute("SELECT url FROM links").fetchall()
    assert hosts == [("https://one.example/x",)]


def test_parquet_aware_timestamps_keep_their_instant(tmp_path: Path) -> None:
    moment = datetime(2020, 1, 1, 12, 0, tzinfo=UTC)
    table = pa.table(
        {
            "acc": ["a"],
            "t": pa.array([moment], pa.timestamp("us", tz="UTC")),
            "txt": ["p"],
            "id": [1],
            "urls": ["https://two.example/y https://three.example/z"],
        }
    )
    path = tmp_path / "rows.parquet"
    pq.write_table(table, path)
    store, _ = _run(tmp_path, path, tz="Asia/Tokyo")
    assert store.con.execute("SELECT ts FROM posts").fetchall() == [(datetime(2020, 1, 1, 12),)]
    assert store.con.execute("SELECT count(*) FROM links").fetchone() == (2,)


def test_csv_ids_written_as_whole_decimals_are_the_same_ids(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text(
        "acc,t,txt,id,urls\n"
        "a,2020-01-01T00:00:00,p,12.0,\n"
        "a,2020-01-01T00:01:00,p,12,\n"
        "a,2020-01-01T00:02:00,p,12.5,\n"
        "a,2020-01-01T00:03:00,p, 13 ,\n"
    )
    store, report = _run(tmp_path, path)
    assert (report.new, report.duplicates, report.quarantined) == (2, 1, 1)
    ids = store.con.execute("SELECT message_id FROM posts ORDER BY 1").fetchall()
    assert ids == [(12,), (13,)]
