"""RSS/Atom as real feeds come: a guid reused on another entry (another link and date) is a
second post, not a duplicate of the first; entities are decoded in the stored text;
relative links are resolved against the entry's or feed's link; an unreadable date is
quarantined naming the value. Reading the file again adds nothing."""

from __future__ import annotations

from typing import Any

import pytest

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Placeholder Feed</title><link>https://feed.example/</link>
<item><title>One</title><link>/posts/1</link><guid>g1</guid>
<pubDate>Mon, 06 Jan 2020 10:00:00 GMT</pubDate>
<description>placeholder &lt;a href="/x"&gt;rel&lt;/a&gt; &amp;amp; text</description></item>
<item><title>Two</title><link>/posts/2</link><guid>g1</guid>
<pubDate>Tue, 07 Jan 2020 10:00:00 GMT</pubDate><description>same guid</description></item>
<item><title>One again</title><link>/posts/1</link><guid>g1</guid>
<pubDate>Mon, 06 Jan 2020 10:00:00 GMT</pubDate><description>a repeat</description></item>
<item><title>Bad date</title><link>https://feed.example/posts/4</link>
<pubDate>not a date at all</pubDate></item>
<item><title>Five &amp;lt;b&amp;gt;</title><link>https://feed.example/posts/5</link>
<pubDate>Wed, 08 Jan 2020 10:00:00 +0300</pubDate>
<description><![CDATA[<p>cdata <b>bold</b> &amp; more</p>]]></description></item>
</channel></rss>
"""


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("feed")
    path = folder / "feed.xml"
    path.write_text(FEED, encoding="utf-8")
    with Store.open(folder / "s.duckdb") as store:
        first = ingest(store, [path], IngestOptions())
        again = ingest(store, [path], IngestOptions())
        return {
            "path": path,
            "first": first.as_dict(),
            "again": again.as_dict(),
            "texts": [r["text"] for r in store.rows("SELECT text FROM posts ORDER BY ts")],
            "links": sorted(r["url"] for r in store.rows("SELECT url FROM links")),
            "quarantine": store.quarantine(),
        }


def _counts(report: dict[str, Any]) -> tuple[int, ...]:
    return tuple(report[k] for k in ("read", "new", "duplicates", "quarantined"))


def test_a_reused_guid_on_another_entry_is_a_post_and_a_true_repeat_a_duplicate(
    result: dict[str, Any],
) -> None:
    assert _counts(result["first"]) == (5, 3, 1, 1)
    assert _counts(result["again"]) == (5, 0, 4, 1)
    assert result["texts"][:2] == ["One\nplaceholder rel & text", "Two\nsame guid"]


def test_entities_are_decoded_in_the_text(result: dict[str, Any]) -> None:
    assert result["texts"][2] == "Five <b>\ncdata bold & more"


def test_relative_links_are_resolved_against_the_feed(result: dict[str, Any]) -> None:
    assert result["links"] == [
        "https://feed.example/posts/1",
        "https://feed.example/posts/2",
        "https://feed.example/posts/5",
        "https://feed.example/x",
    ]


def test_an_unreadable_date_is_quarantined_naming_it(result: dict[str, Any]) -> None:
    (row,) = result["quarantine"]
    assert row["file"] == str(result["path"]) and row["position"] == 3
    assert "'not a date at all' is not a date" in row["reason"]
