"""Reading a feed keeps no Python object per entry.

The feed reader streams (one entry in memory at a time), but it tells apart entries that
reuse an id (guid) with another link or date, so it remembers every key of the file with
the link and date it first came with, as 64-bit digests. They were a dict of Python ints:
two objects and a dict slot an entry, 124 bytes, the one part of reading that grew with the
feed (25 MB at 200,000 entries, 620 MB at five million). They are now two arrays of 64-bit
values (``feeds._Seen``). These tests count what the reader's own code holds alive as
entries go by, hold the table to ``dict.setdefault``, and the rule for reused ids to what it
stored before, through a store.
"""

from __future__ import annotations

import hashlib
import random
import tracemalloc
from pathlib import Path

from mutewatch.ingest import IngestOptions, feeds, ingest
from mutewatch.model import Post
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


def test_reading_a_feed_holds_no_object_per_entry(tmp_path: Path) -> None:
    """Allocations made by feeds.py while 1,000 entries are read, still alive at the last
    entry: a few (the table's arrays), not two or more an entry (2,007 before)."""
    entries, start = 1500, 500
    path = _feed(
        tmp_path / "feed.xml",
        [
            _item(f"item-{i}", f"https://outlet.example/{i}", 1 + i % 28, f"item {i} lorem")
            for i in range(entries)
        ],
    )
    alive = -1
    try:
        with path.open("rb") as fh:
            for item in feeds.read(fh, path):
                if isinstance(item, Post) and item.position == start:
                    tracemalloc.start(1)
                if isinstance(item, Post) and item.position == entries - 1:
                    snapshot = tracemalloc.take_snapshot()
                    mine = snapshot.filter_traces([tracemalloc.Filter(True, feeds.__file__)])
                    alive = sum(s.count for s in mine.statistics("filename"))
    finally:
        tracemalloc.stop()
    assert 0 <= alive < (entries - start) // 10, alive


def test_the_table_of_keys_answers_as_dict_setdefault() -> None:
    """Keys 0 and 2**64 - 1, keys that share their low bits (probing, wrapping at the
    table's end), repeats with other values, through several growths."""
    rng = random.Random(16)
    keys = [0, 2**64 - 1, *((i << 40) | 1023 for i in range(1, 900))]
    keys += [rng.getrandbits(64) for _ in range(6000)]
    keys += rng.sample(keys, 3000)  # seen again, with other values
    rng.shuffle(keys)
    table, reference = feeds._Seen(), {}
    for key in keys:
        value = rng.getrandbits(64)
        assert table.setdefault(key, value) == reference.setdefault(key, value)
    assert len(table) == len(reference)


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
