"""A feed that reuses an entry's id (guid) with the same link and date repeats the entry
(a duplicate); with another link or date it is another post, whose id is derived from the
guid, link and date together."""

from __future__ import annotations

import hashlib
from pathlib import Path

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
    "<title>Sample Outlet</title><link>https://outlet.example/</link>\n"
)


def _item(guid: str, link: str, day: int, text: str) -> str:
    return (
        f"<item><guid>{guid}</guid><title>{text}</title><link>{link}</link>"
        f"<pubDate>Wed, {day:02d} Jan 2020 10:00:00 +0000</pubDate></item>\n"
    )


def _feed(path: Path, items: list[str]) -> Path:
    path.write_text(HEAD + "".join(items) + "</channel></rss>\n", encoding="utf-8")
    return path


def test_reused_ids_are_told_apart_as_before(tmp_path: Path) -> None:
    """1,000 guids, then 500 of them again with the same link and date (duplicates), then
    500 again with another link (other posts, their ids derived from guid, link and date)."""
    items = [
        _item(f"g{i % 1000}", f"https://outlet.example/{i % 1000}", 1 + i % 1000 % 28, f"item {i}")
        for i in range(1500)
    ]
    again = [
        (f"g{i % 1000}", f"https://outlet.example/other/{i}", 1 + i % 1000 % 28)
        for i in range(1500, 2000)
    ]
    items += [_item(guid, link, day, f"item {i}") for i, (guid, link, day) in enumerate(again)]
    path = _feed(tmp_path / "feed.xml", items)
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [path], IngestOptions(format="feed"))
        ids = {int(i) for (i,) in store.con.execute("SELECT message_id FROM posts").fetchall()}
    assert (report.read, report.new, report.duplicates, report.quarantined) == (2000, 1500, 500, 0)

    def derived(key: str) -> int:
        return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big") >> 1

    stamp = "Wed, {:02d} Jan 2020 10:00:00 +0000"
    assert {derived(f"g{i}") for i in range(1000)} <= ids
    assert {derived("\x1f".join((g, link, stamp.format(day)))) for g, link, day in again} <= ids
