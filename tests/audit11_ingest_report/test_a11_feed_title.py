"""A feed's title names its account. Entry titles are read as plain text (tags dropped,
entities decoded), but the feed's own was stored as written: an Atom feed titled
``<title type="html">&lt;b&gt;News&lt;/b&gt; &amp;amp; Views</title>`` was the account
"<b>News</b> &amp; Views" in every table, where its entries' titles read plainly."""

from __future__ import annotations

from pathlib import Path

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store

FEED = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title type="html">&lt;b&gt;News&lt;/b&gt; &amp;amp; Views</title>
<link href="https://news.example/"/><id>urn:sample</id>
<entry><title type="html">&lt;i&gt;First&lt;/i&gt; &amp;amp; more</title><id>urn:1</id>
<updated>2020-01-01T10:00:00Z</updated></entry>
</feed>"""


def test_the_feed_title_is_plain_text_as_entry_titles_are(tmp_path: Path) -> None:
    (tmp_path / "feed.xml").write_text(FEED, encoding="utf-8")
    with Store.open(tmp_path / "s.duckdb") as store:
        ingest(store, [tmp_path / "feed.xml"], IngestOptions(format="feed"))
        names = {r["name"] for r in store.rows("SELECT name FROM accounts")}
        (post,) = store.rows("SELECT text FROM posts")
    assert post["text"] == "First & more"
    assert names == {"News & Views"}
