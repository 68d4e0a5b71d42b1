"""A feed file is read as a stream: ``feeds.read`` read the whole file (``fh.read()``) and
handed it to ``feedparser.parse``, so a feed archive of some GB needed that much memory,
and more (its text decoded and re-encoded, every entry's dict kept to the end). Now a first
pass checks the XML as it streams and feedparser's own parsers are fed a piece at a time,
each entry let go once it closes: memory holds a piece and an entry, not the file.

The records are those ``feedparser.parse`` over the whole file gave, which
``_whole_file_read`` (the reader as it was) computes here for each feed: whole and
loosely written feeds, feeds cut short inside and between entries, feed fields after the
entries, other encodings, DOCTYPE entities (external ones never read), gzip."""

from __future__ import annotations

import gzip
import io
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import msgspec
import pytest

from mutewatch.errors import InputError
from mutewatch.ingest import IngestOptions, feeds, ingest
from mutewatch.ingest.files import open_archive
from mutewatch.model import Item, NameSeen, Post, Quarantined
from mutewatch.store import Store


def _whole_file_read(data: bytes, path: Path, platform: str = "web") -> Iterator[Item]:
    """The records of a feed as the reader made them from the whole file in memory (as of
    d255b50), through the same entry rules (``feeds._entry``)."""
    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    if parsed.bozo and not parsed.entries:
        raise InputError(f"{path}: not a readable RSS/Atom feed: {parsed.get('bozo_exception')}")
    feed = parsed.feed
    account = str(feed.get("link") or feed.get("title") or path.stem)
    title = feeds._plain(str(feed.get("title") or "")).strip() or account
    yield NameSeen(platform, account, title, None, "feed")
    base = str(feed.get("link") or "")
    seen: dict[int, int] = {}
    whole = len(parsed.entries)
    if parsed.bozo:
        whole = min(whole, len(feeds._ENTRY_END.findall(data)))
    error = parsed.get("bozo_exception")
    for position, entry in enumerate(parsed.entries):
        if position >= whole:
            yield feeds._cut_short(entry, position, path, platform, account, error)
            continue
        record = feeds._entry(entry, position, platform, account, base, seen)
        if isinstance(record, Post):
            record.account_name = title
        yield record
    if whole == len(parsed.entries) and parsed.bozo and not feeds._ROOT_END.search(data[-65536:]):
        reason = (
            f"the file ends before the feed closes (no closing </rss>, </feed> or </rdf:RDF>; "
            f"the XML parser says: {error}): it is cut short after "
            f"entry {whole}, and what followed in {path.name} is lost"
        )
        yield Quarantined(len(parsed.entries), reason, "", platform, account)


def _items(n: int, extra: str = "") -> str:
    return "".join(
        f"<item><title>Title {i}{extra}</title><link>https://feed.example/{i}</link>"
        f"<guid>g-{i % 7}</guid><pubDate>Wed, 0{1 + i % 9} Jan 2020 10:{i % 60:02d}:00 +0000"
        f"</pubDate><description>Placeholder body {i} &lt;a href=&quot;/rel/{i}&quot;&gt;x"
        f"&lt;/a&gt; &lt;a href=&quot;mailto:someone@example.org&quot;&gt;m&lt;/a&gt; "
        f"see https://other.example/p{i}</description></item>\n"
        for i in range(n)
    )


def _rss(body: str, head: str = '<?xml version="1.0" encoding="UTF-8"?>') -> str:
    return (
        f'{head}<rss version="2.0"><channel><title>Sample &amp; feed</title>'
        f"<link>https://feed.example/</link>\n{body}</channel></rss>\n"
    )


WHOLE = _rss(_items(30))
ATOM = (
    '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
    '<title type="html">Sample &lt;b&gt;Atom&lt;/b&gt; &amp;amp; co</title>'
    '<link href="https://atom.example/"/><id>urn:example:atom</id>'
    "<updated>2020-01-05T00:00:00Z</updated>"
    + "".join(
        f'<entry><title type="html">Entry &lt;i&gt;{i}&lt;/i&gt;</title><link href="/e{i}"/>'
        f"<id>urn:e:{i}</id><published>2020-01-0{1 + i % 9}T12:00:00Z</published>"
        f"<updated>2020-01-0{1 + i % 9}T13:00:00Z</updated>"
        f'<content type="html">&lt;p&gt;Placeholder {i}&lt;/p&gt;</content></entry>'
        for i in range(12)
    )
    + "</feed>"
)
LOOSE = WHOLE.replace("Title 3<", "Title 3 & more<")
LATE = (
    f'<?xml version="1.0"?><rss version="2.0"><channel>{_items(5)}<title>Late title</title>'
    "<link>https://late.example/</link></channel></rss>"
)
FEEDS: dict[str, bytes] = {
    "whole.xml": WHOLE.encode(),
    "cut_inside.xml": WHOLE[: WHOLE.index("Placeholder body 20") + 9].encode(),
    "cut_between.xml": WHOLE[: WHOLE.index("<item><title>Title 21")].encode(),
    "cut_in_tag.xml": WHOLE[: WHOLE.index("<item><title>Title 21") + 3].encode(),
    "loose.xml": LOOSE.encode(),
    "loose_cut.xml": LOOSE[: LOOSE.index("Placeholder body 25")].encode(),
    "atom.xml": ATOM.encode(),
    "atom_cut.xml": ATOM[: ATOM.index("Placeholder 9")].encode(),
    "atom_link_last.xml": ATOM.replace('<link href="https://atom.example/"/>', "")
    .replace("</feed>", '<link href="https://atom-late.example/"/></feed>')
    .encode(),
    "atom_link_last_loose.xml": ATOM.replace('<link href="https://atom.example/"/>', "")
    .replace("</feed>", '<link href="https://atom-late.example/"/></feed>')
    .replace("Placeholder 4", "Placeholder 4 & 5")
    .encode(),
    "atom_prefixed_loose.xml": ATOM.replace("<entry>", "<a:entry>")
    .replace("</entry>", "</a:entry>")
    .replace(
        'xmlns="http://www.w3.org/2005/Atom"',
        'xmlns:a="http://www.w3.org/2005/Atom" xmlns="http://www.w3.org/2005/Atom"',
    )
    .replace("Placeholder 4", "Placeholder 4 & 5")
    .encode(),
    "late.xml": LATE.encode(),
    "late_loose.xml": LATE.replace("Title 2<", "Title 2 & x<").encode(),
    "utf16.xml": WHOLE.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"),
    "latin1_undeclared.xml": WHOLE.replace("body 5", "b\u00e9dy 5").encode("latin-1"),
    "cp1252.xml": WHOLE.replace("UTF-8", "windows-1252")
    .replace("body 6", "\u20ac6")
    .encode("cp1252"),
    "no_declaration.xml": WHOLE.split("?>", 1)[1].encode(),
    "cdata.xml": WHOLE.replace(
        "<title>Title 4</title>", "<title><![CDATA[T <b>4</b> & </item>]]></title>"
    ).encode(),
    "doctype.xml": WHOLE.replace("<rss ", '<!DOCTYPE rss [<!ENTITY place "Placeholder">]><rss ')
    .replace("Title 9<", "Title 9 &place;<")
    .encode(),
    "undefined_entity.xml": WHOLE.replace("Title 9<", "Title 9 &nbsp; x<").encode(),
    "empty_channel.xml": _rss("").encode(),
    "long_loose.xml": _rss(_items(5200, " " + "z" * 800))
    .replace("Title 5 ", "Title 5 & ")
    .encode(),
}


def _fields(items: list[Item]) -> list[Any]:
    return [msgspec.to_builtins(item, enc_hook=str) for item in items]


def _streamed(data: bytes, path: Path) -> list[Item]:
    return list(feeds.read(io.BufferedReader(io.BytesIO(data)), path))  # type: ignore[arg-type]


@pytest.mark.parametrize("name", sorted(FEEDS))
def test_the_records_are_those_of_the_whole_file(name: str) -> None:
    data, path = FEEDS[name], Path(name)
    try:
        expected = _fields(list(_whole_file_read(data, path)))
    except InputError as exc:
        with pytest.raises(InputError, match="not a readable RSS/Atom feed"):
            _streamed(data, path)
        assert "not a readable" in str(exc)
        return
    got = _fields(_streamed(data, path))
    assert got == expected
    assert any(item.get("text") is not None for item in got) or name == "empty_channel.xml"


def test_a_feed_cut_before_its_first_entry_is_refused_as_before() -> None:
    data = WHOLE[: WHOLE.index("<item>") - 5].encode()
    with pytest.raises(InputError, match="not a readable RSS/Atom feed: <unknown>:1:"):
        _streamed(data, Path("cut.xml"))
    with pytest.raises(InputError, match="not a readable RSS/Atom feed: <unknown>:1:"):
        list(_whole_file_read(data, Path("cut.xml")))


class _Counted(io.RawIOBase):
    """A file that remembers the largest read asked of it."""

    def __init__(self, data: bytes) -> None:
        self.inner, self.largest = io.BytesIO(data), 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.inner.seek(offset, whence)

    def tell(self) -> int:
        return self.inner.tell()

    def readinto(self, buffer: Any) -> int:
        self.largest = max(self.largest, len(buffer))
        return self.inner.readinto(buffer)

    def read(self, size: int = -1) -> bytes:
        self.largest = max(self.largest, size if size >= 0 else 1 << 62)
        return self.inner.read(size)


def _big_feed(entries: int) -> bytes:
    body = "".join(
        f"<item><title>Item {i}</title><link>https://feed.example/{i}</link>"
        f"<pubDate>Wed, 01 Jan 2020 10:{i % 60:02d}:00 +0000</pubDate>"
        f"<description>Placeholder {i} {'lorem ipsum ' * 1600}</description></item>\n"
        for i in range(entries)
    )
    return _rss(body).encode()


def test_a_large_feed_is_read_a_piece_at_a_time() -> None:
    """Never the whole file in one read, and memory held (Python's allocations, at their
    peak) well under the file's size: before, the file, its decoded copy and every entry
    were held at once (about 4 times the file; now about 2 MB whatever the size)."""
    data = _big_feed(500)  # about 9.7 MB
    counted = _Counted(data)
    tracemalloc.start()
    try:
        posts = sum(isinstance(item, Post) for item in feeds.read(counted, Path("big.xml")))  # type: ignore[arg-type]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert posts == 500
    assert counted.largest <= 1 << 20
    assert peak < len(data) // 3, f"peak {peak / 1e6:.1f} MB for a {len(data) / 1e6:.1f} MB feed"


def test_no_external_entity_or_dtd_is_read(tmp_path: Path) -> None:
    """An external entity names a local file: its text never comes in; a nest of entities
    (the "billion laughs") is not expanded: feedparser keeps only plain-text entities."""
    secret = tmp_path / "private.txt"
    secret.write_text("PRIVATE-MARKER", encoding="utf-8")
    laughs = "".join(f'<!ENTITY l{n} "{("&l" + str(n - 1) + ";") * 10}">' for n in range(1, 9))
    doctype = (
        f'<!DOCTYPE rss SYSTEM "{secret.as_uri()}" [<!ENTITY ext SYSTEM "{secret.as_uri()}">'
        f'<!ENTITY l0 "ha">{laughs}]>'
    )
    text = WHOLE.replace("<rss ", doctype + "<rss ").replace("Title 9<", "Title 9 &ext; &l8;<")
    for name, data in (("feed.xml", text.encode()), ("feed.xml.gz", gzip.compress(text.encode()))):
        path = tmp_path / name
        path.write_bytes(data)
        with Store.open(tmp_path / f"{name}.duckdb") as store:
            report = ingest(store, [path], IngestOptions(format="feed"))
            texts = [r["text"] for r in store.rows("SELECT text FROM posts")]
            raws = [r["raw"] for r in store.rows("SELECT raw FROM quarantine")]
        assert report.read == report.new + report.duplicates + report.quarantined
        assert report.new > 0
        assert not any("PRIVATE-MARKER" in t for t in texts + raws)
        assert max(len(t) for t in texts) < 1000  # no entity expanded 10^8 times
        with open_archive(path) as fh:
            streamed = _fields(list(feeds.read(fh, path)))
        assert streamed == _fields(list(_whole_file_read(text.encode(), path)))
