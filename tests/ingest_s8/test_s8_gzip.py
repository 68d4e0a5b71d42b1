"""gzip-compressed archives (result.json.gz, posts.csv.gz, feed.xml.gz) are read as they
decompress, with the same records as the plain files; before, a folder walk skipped them
as "not a supported archive" and naming one failed. A gzip stream cut short keeps what came
before its cut, and the record it cuts is quarantined as truncated."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store


def _export(messages: int) -> bytes:
    chat = {
        "name": "Placeholder channel",
        "type": "public_channel",
        "id": 4242,
        "messages": [
            {
                "id": i,
                "type": "message",
                "date": "2020-01-01T00:00:00",
                "date_unixtime": str(1577836800 + 60 * i),
                "text": f"placeholder {i}",
            }
            for i in range(1, messages + 1)
        ],
    }
    return json.dumps(chat, indent=1).encode()


CSV = b"user,when,body\nacc1,2020-01-01T10:00:00,one\nacc2,2020-01-01T11:00:00,two\n"
FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>
<link>https://feed.example/</link><item><title>A</title><guid>a</guid>
<pubDate>Mon, 06 Jan 2020 10:00:00 GMT</pubDate></item></channel></rss>"""
OPTIONS = IngestOptions(
    platform="forum", mapping={"account": "user", "time": "when", "text": "body"}
)


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("gz")
    archives = folder / "in"
    archives.mkdir()
    (archives / "result.json.gz").write_bytes(gzip.compress(_export(50)))
    (archives / "posts.CSV.gz").write_bytes(gzip.compress(CSV))
    (archives / "feed.xml.gz").write_bytes(gzip.compress(FEED))
    cut = gzip.compress(_export(3000))
    (folder / "cut.json.gz").write_bytes(cut[: len(cut) // 2])
    seen: dict[str, tuple[int, int]] = {}

    def progress(path: Path, done: int, total: int) -> None:
        seen[path.name] = (done, total)

    with Store.open(folder / "s.duckdb") as store:
        first = ingest(store, [archives], OPTIONS, progress)
        again = ingest(store, [archives], OPTIONS)
        cut_report = ingest(store, [folder / "cut.json.gz"], OPTIONS)
        return {
            "first": first,
            "again": again,
            "cut": cut_report,
            "progress": seen,
            "sizes": {p.name: p.stat().st_size for p in archives.iterdir()},
            "quarantine": store.quarantine(),
        }


def test_compressed_archives_are_read_whole(result: dict[str, Any]) -> None:
    first = result["first"]
    assert sorted(Path(f.path).name for f in first.files) == [
        "feed.xml.gz",
        "posts.CSV.gz",
        "result.json.gz",
    ]
    assert (first.read, first.new, first.quarantined, first.skipped_files) == (53, 53, 0, [])
    assert [f.status for f in result["again"].files] == ["already ingested"] * 3


def test_progress_counts_compressed_bytes(result: dict[str, Any]) -> None:
    for name, size in result["sizes"].items():
        assert result["progress"][name] == (size, size)


def test_a_cut_stream_keeps_what_came_before(result: dict[str, Any]) -> None:
    cut = result["cut"]
    # the same channel as result.json.gz: its first 50 messages are stored already
    assert cut.read == cut.new + cut.duplicates + cut.quarantined
    assert (cut.duplicates, cut.quarantined) == (50, 1) and 100 < cut.new < 3000
    (row,) = result["quarantine"]
    assert row["file"].endswith("cut.json.gz") and "truncated" in row["reason"]
