"""Tabular times without an offset, read in --tz, that fall in a daylight-saving change: a
wall time that never happened is quarantined (file, row, reason), as Telegram's local dates
are; one that happened twice is stored at the earlier instant; the counts add up."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store

# wall times in Europe/Berlin (2016: spring gap 02:00-03:00 on 27 March, autumn overlap
# 02:00-03:00 on 30 October)
WALL = [
    datetime(2016, 3, 27, 1, 30),  # 00:30 UTC
    datetime(2016, 3, 27, 2, 30),  # never happened
    datetime(2016, 10, 30, 2, 30),  # twice: 00:30 UTC (CEST) and 01:30 UTC (CET)
    datetime(2016, 10, 30, 3, 30),  # 02:30 UTC
]
STORED = [
    datetime(2016, 3, 27, 0, 30),
    datetime(2016, 10, 30, 0, 30),
    datetime(2016, 10, 30, 2, 30),
]
MAP = {"account": "user", "time": "when", "text": "body", "message_id": "mid"}


def _csv(path: Path) -> tuple[Path, IngestOptions]:
    lines = ["user,when,body,mid"] + [
        f"acc,{t.strftime('%m/%d/%Y %H:%M')},placeholder {i},{i + 1}" for i, t in enumerate(WALL)
    ]
    lines.append(lines[1])  # the first row again: a duplicate
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    options = IngestOptions(
        platform="twitter", mapping=dict(MAP), time_format="%m/%d/%Y %H:%M", tz="Europe/Berlin"
    )
    return path, options


def _jsonl(path: Path) -> tuple[Path, IngestOptions]:
    rows = [
        {"user": "acc", "when": t.isoformat(), "body": f"placeholder {i}", "mid": i + 1}
        for i, t in enumerate(WALL)
    ]
    rows.append(rows[0])
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path, IngestOptions(platform="twitter", mapping=dict(MAP), tz="Europe/Berlin")


def _parquet(path: Path) -> tuple[Path, IngestOptions]:
    """Naive timestamps in a typed column, read in --tz."""
    table = pa.table(
        {
            "user": ["acc"] * (len(WALL) + 1),
            "when": pa.array([*WALL, WALL[0]], pa.timestamp("us")),
            "body": [f"placeholder {i}" for i in range(len(WALL))] + ["placeholder 0"],
            "mid": [*range(1, len(WALL) + 1), 1],
        }
    )
    pq.write_table(table, path)
    return path, IngestOptions(platform="twitter", mapping=dict(MAP), tz="Europe/Berlin")


@pytest.mark.parametrize(
    ("maker", "name"), [(_csv, "t.csv"), (_jsonl, "t.jsonl"), (_parquet, "t.parquet")]
)
def test_dst_gap_is_quarantined_with_file_row_and_reason(
    tmp_path: Path, maker: object, name: str
) -> None:
    path, options = maker(tmp_path / name)  # type: ignore[operator]
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [path], options)
        assert (report.read, report.new, report.duplicates, report.quarantined) == (5, 3, 1, 1)
        assert report.read == report.new + report.duplicates + report.quarantined
        times = [r["ts"] for r in store.rows("SELECT ts FROM posts ORDER BY ts")]
        assert times == STORED
        (q,) = store.quarantine()
    assert (q["file"], q["position"]) == (str(path), 1)
    assert "never happened in Europe/Berlin" in q["reason"]
    assert "2016-03-27 02:30:00" in q["reason"] and "'when'" in q["reason"]
    assert "check --tz" in q["reason"]
    assert "placeholder 1" in q["raw"]


def test_utc_times_are_never_in_a_gap(tmp_path: Path) -> None:
    path, options = _csv(tmp_path / "t.csv")
    options = IngestOptions(platform="twitter", mapping=dict(MAP), time_format="%m/%d/%Y %H:%M")
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [path], options)
        assert (report.read, report.new, report.duplicates, report.quarantined) == (5, 4, 1, 0)
