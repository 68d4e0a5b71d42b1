"""A feed file cut short (a download that stopped, a truncated .gz) ends inside an entry.
feedparser's lenient reading still returns that entry, with whatever text came before the
cut: it was stored as a whole post, its text silently cut, and nothing said the file was
incomplete. Now the entry the file ends inside is quarantined naming the file, the entry
and the reason, and the whole entries before it are stored."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store


def _feed(entries: int) -> str:
    items = "".join(
        f"<item><title>Title {i}</title><link>https://feed.example/{i}</link>"
        f"<pubDate>Wed, 0{i} Jan 2020 10:00:00 +0000</pubDate>"
        f"<description>Placeholder body of entry {i}</description></item>"
        for i in range(1, entries + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Sample feed</title><link>https://feed.example/</link>{items}</channel></rss>"
    )


@pytest.mark.parametrize("compressed", [False, True])
def test_the_entry_a_feed_ends_inside_is_quarantined(tmp_path: Path, compressed: bool) -> None:
    whole = _feed(6)
    cut = whole[: whole.index("body of entry 5") + 7]  # after entry 5's date, inside its text
    path = tmp_path / ("feed.xml.gz" if compressed else "feed.xml")
    path.write_bytes(gzip.compress(cut.encode()) if compressed else cut.encode())
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [path], IngestOptions(format="feed"))
        texts = [r["text"] for r in store.rows("SELECT text FROM posts ORDER BY ts")]
        (bad,) = store.rows("SELECT position, reason FROM quarantine")
    assert (report.read, report.new, report.quarantined) == (5, 4, 1)
    assert texts == [f"Title {i}\nPlaceholder body of entry {i}" for i in range(1, 5)]
    assert bad["position"] == 4
    assert "entry 5: the file ends inside this entry" in bad["reason"]
    assert path.name in bad["reason"]


def test_a_whole_feed_and_a_loosely_written_one_lose_nothing(tmp_path: Path) -> None:
    """Not-well-formed XML whose entries all close (a bare '&') is read whole, as before."""
    loose = _feed(6).replace("<title>Title 3</title>", "<title>Title 3 & more</title>")
    for name, text in (("whole.xml", _feed(6)), ("loose.xml", loose)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        with Store.open(tmp_path / f"{name}.duckdb") as store:
            report = ingest(store, [tmp_path / name], IngestOptions(format="feed"))
        assert (report.read, report.new, report.quarantined) == (6, 6, 0)


def test_a_feed_cut_between_entries_says_what_followed_is_lost(tmp_path: Path) -> None:
    """Cut right after an entry's end tag: every entry read is whole, but the entries after
    the cut are gone; one record says so (before, the run read as a whole file)."""
    whole = _feed(6)
    cut = whole[: whole.index("</item>", whole.index("Title 4")) + len("</item>")]
    (tmp_path / "feed.xml").write_text(cut, encoding="utf-8")
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [tmp_path / "feed.xml"], IngestOptions(format="feed"))
        (bad,) = store.rows("SELECT position, reason FROM quarantine")
    assert (report.read, report.new, report.quarantined) == (5, 4, 1)
    assert bad["position"] == 4
    assert bad["reason"].startswith("the file ends before the feed closes")
    assert "cut short after entry 4" in bad["reason"]
