"""A feed entry's e-mail anchor (``<a href="mailto:desk@site.example">``) was stored as a
link to the host after the '@', so `platforms` counted a link to site.example that no
reader could follow; an in-page anchor (``href="#top"``) became a second link to the
entry's own page. Telegram HTML exports' e-mail and phone anchors are no links
(``telegram_html``); now a feed's are not either."""

from __future__ import annotations

from pathlib import Path

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store

BODY = (
    '<a href="mailto:desk@mail.example">mail</a> <a href="TEL:+100">call</a> '
    '<a href="javascript:void(0)">js</a> <a href="#top">top</a> '
    '<a href="//cdn.example/x">x</a> <a href="/rel/y">y</a> '
    "<a href='https://q.example/?a=1&amp;b=2'>q</a>"
)
FEED = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Sample</title>
<link>https://site.example/</link><item><title>A</title><link>https://site.example/1</link>
<pubDate>Wed, 01 Jan 2020 10:00:00 +0000</pubDate><description><![CDATA[{BODY}]]></description>
</item></channel></rss>"""


def test_only_anchors_to_a_place_are_links(tmp_path: Path) -> None:
    (tmp_path / "feed.xml").write_text(FEED, encoding="utf-8")
    with Store.open(tmp_path / "s.duckdb") as store:
        ingest(store, [tmp_path / "feed.xml"], IngestOptions(format="feed"))
        urls = sorted(r["url"] for r in store.rows("SELECT url FROM links"))
    assert urls == [
        "https://cdn.example/x",
        "https://q.example/?a=1&b=2",
        "https://site.example/1",
        "https://site.example/rel/y",
    ]
