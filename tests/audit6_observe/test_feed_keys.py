"""Feed entries without an id or link are not duplicates of each other because they share
a title."""

from __future__ import annotations

from pathlib import Path

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store

FEED = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Placeholder feed</title><link>https://feed.example/</link>
<description>placeholder</description>
<item><title>Update</title><description>placeholder one</description>
<pubDate>Mon, 04 Jan 2016 10:00:00 GMT</pubDate></item>
<item><title>Update</title><description>placeholder two</description>
<pubDate>Tue, 05 Jan 2016 10:00:00 GMT</pubDate></item>
<item><title>Update</title><description>placeholder two</description>
<pubDate>Tue, 05 Jan 2016 10:00:00 GMT</pubDate></item>
<item><title>Other</title><link>https://feed.example/a</link>
<pubDate>Tue, 05 Jan 2016 11:00:00 GMT</pubDate></item>
</channel></rss>
"""


def test_title_only_entries_are_told_apart(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_text(FEED)
    with Store.open(tmp_path / "store.duckdb") as store:
        report = ingest(store, [path], IngestOptions())
        assert (report.read, report.new, report.duplicates) == (4, 3, 1)
        again = ingest(store, [path], IngestOptions())
        assert (again.new, again.duplicates) == (0, 4)
