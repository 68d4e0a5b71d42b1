"""RSS and Atom feed files, through feedparser.

A feed is one account (its link, or its title when it has no link); each entry is a post
whose id is derived from the entry's id or link. An id (guid) that comes again in the same
file on an entry with another link or date is another post, not a duplicate of the first
(the repeat's id is derived from the guid, its link and its date together): CMSs that
reuse a guid would otherwise lose posts. A post's text is its title and summary as plain
text (tags dropped, HTML entities such as ``&amp;`` decoded); relative links are resolved
against the entry's or the feed's link; e-mail, phone, script and in-page anchors
(``mailto:``, ``tel:``, ``javascript:``, ``#top``) are no links. Nothing the feed links
to is fetched: feedparser is given the file's bytes, never a URL.
"""

from __future__ import annotations

import hashlib
import html
import re
from calendar import timegm
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import urljoin, urlsplit

import feedparser
import msgspec

from mutewatch.errors import InputError
from mutewatch.ingest.files import open_archive
from mutewatch.ingest.links import find_urls
from mutewatch.model import Item, NameSeen, Post, Quarantined

_TAG = re.compile(r"<[^>]+>")
_HREF = re.compile(r"""href=["']([^"']+)["']""", re.I)
# anchors that point to no place on the web: e-mail, phone, script and in-page anchors (as
# Telegram HTML exports' e-mail and phone anchors are not links, ``telegram_html``)
_NOT_LINKS = ("mailto:", "tel:", "sms:", "javascript:", "data:", "#")
_HEAD = 1 << 16  # the root element must start within this many bytes
_PROLOG = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>", re.S | re.I)
_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_ROOT_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?(?:rss|feed|RDF)\s*>")
_ENTRY_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?(?:item|entry)\s*>", re.I)
FEED_ROOTS = ("rss", "feed", "RDF")  # RSS 0.9x/2.0, Atom, RSS 1.0 (rdf:RDF)
FEED_HINT = (
    "pass an RSS or Atom file (root element <rss>, <feed> or <rdf:RDF>), "
    "or --format with the file's real format"
)


def root_element(head: bytes) -> str | None:
    """The local name of an XML document's root element, from its first bytes."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", "replace").encode()
    head = head.removeprefix(b"\xef\xbb\xbf")
    position = 0
    while match := _PROLOG.match(head, position):
        position = match.end()
    root = _ROOT.match(head, position)
    return root.group(1).decode("ascii") if root else None


def not_a_feed(head: bytes) -> str | None:
    """Why a file whose first bytes are ``head`` is not RSS/Atom, or None when it is."""
    root = root_element(head)
    if root is None:
        return "not an RSS or Atom feed: it does not start with an XML element"
    if root not in FEED_ROOTS:
        return f"not an RSS or Atom feed: its root element is <{root}>"
    return None


def file_not_a_feed(path: Path) -> str | None:
    """Why the file at ``path`` is not RSS/Atom by its root element, or None when it is."""
    with open_archive(path) as fh:
        return not_a_feed(fh.read(_HEAD))


def read(fh: IO[bytes], path: Path, platform: str = "web") -> Iterator[Item]:
    """The entries of an RSS or Atom file as posts of one account."""
    data = fh.read()
    reason = not_a_feed(data[:_HEAD])
    if reason:
        raise InputError(f"{path}: {reason}", hint=FEED_HINT)
    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    if parsed.bozo and not parsed.entries:
        raise InputError(
            f"{path}: not a readable RSS/Atom feed: {parsed.get('bozo_exception')}",
            hint="check the file, or pass --format for another format",
        )
    feed = parsed.feed
    account = str(feed.get("link") or feed.get("title") or path.stem)
    title = _plain(str(feed.get("title") or "")).strip() or account  # as entries' titles
    yield NameSeen(platform, account, title, None, "feed")
    base = str(feed.get("link") or "")
    seen: dict[str, tuple[str, str]] = {}  # an entry key -> the link and date it came with
    whole = _whole_entries(data, parsed)
    for position, entry in enumerate(parsed.entries):
        if position >= whole:
            yield _cut_short(entry, position, path, platform, account, parsed)
            continue
        record = _entry(entry, position, platform, account, base, seen)
        if isinstance(record, Post):
            record.account_name = title
        yield record
    if whole == len(parsed.entries) and parsed.bozo and not _ROOT_END.search(data[-_HEAD:]):
        reason = (
            f"the file ends before the feed closes (no closing </rss>, </feed> or </rdf:RDF>; "
            f"the XML parser says: {parsed.get('bozo_exception')}): it is cut short after "
            f"entry {whole}, and what followed in {path.name} is lost"
        )
        yield Quarantined(len(parsed.entries), reason, "", platform, account)


def _whole_entries(data: bytes, parsed: Any) -> int:
    """How many of a feed's entries are whole: all of them, unless the file is not
    well-formed XML and fewer entries close (``</item>``, ``</entry>``) than feedparser's
    lenient reading found: the file was cut short inside the entries after those."""
    if not parsed.bozo:
        return len(parsed.entries)
    return min(len(parsed.entries), len(_ENTRY_END.findall(data)))


def _cut_short(
    entry: Any, position: int, path: Path, platform: str, account: str, parsed: Any
) -> Quarantined:
    """An entry the file ends inside, set aside whole: its text (or its date) may be cut."""
    reason = (
        f"entry {position + 1}: the file ends inside this entry (it never closes; the XML "
        f"parser says: {parsed.get('bozo_exception')}), so its text may be cut short; the "
        f"entries before it are read: ingest a complete copy of {path.name} to read it"
    )
    raw = msgspec.json.encode(dict(entry), enc_hook=str).decode()
    return Quarantined(position, reason, raw, platform, account)


def _entry(
    entry: Any,
    position: int,
    platform: str,
    account: str,
    base: str,
    seen: dict[str, tuple[str, str]],
) -> Post | Quarantined:
    # dict.get: feedparser's own get() maps updated to published with a deprecation warning
    stamp = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
    key = _key(entry)
    raw = msgspec.json.encode(dict(entry), enc_hook=str).decode()
    if stamp is None:
        return Quarantined(position, _no_time(entry), raw, platform, account)
    if not key:
        return Quarantined(
            position, "no entry id, link or title to identify it", raw, platform, account
        )
    key = _told_apart(key, entry, seen)
    summary = str(entry.get("summary") or "")
    link = _absolute(str(entry.get("link") or ""), base)
    text = "\n".join(p for p in (_plain(str(entry.get("title") or "")), _plain(summary)) if p)
    links = [link] if link else []
    hrefs = (html.unescape(h).strip() for h in _HREF.findall(summary))
    links += [_absolute(h, link or base) for h in hrefs if not h.lower().startswith(_NOT_LINKS)]
    links += find_urls(html.unescape(_TAG.sub(" ", summary)))
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return Post(
        position=position,
        platform=platform,
        account_id=account,
        message_id=int.from_bytes(digest, "big") >> 1,
        ts=datetime.fromtimestamp(timegm(stamp), UTC).replace(tzinfo=None),
        text=text,
        links=links,
        author=entry.get("author"),
        edited=_updated(entry),
    )


def _plain(markup: str) -> str:
    """Text of a feed field that may hold HTML: tags dropped, entities decoded."""
    return html.unescape(_TAG.sub("", markup))


def _absolute(url: str, base: str) -> str:
    """A link resolved against the entry's or feed's own link when it is relative (an
    ``href="/x"``); other links (absolute, or with no http base to resolve) as they are."""
    url = html.unescape(url).strip()
    if not url or urlsplit(url).scheme or not urlsplit(base).scheme.startswith("http"):
        return url
    return urljoin(base, url)


def _told_apart(key: str, entry: Any, seen: dict[str, tuple[str, str]]) -> str:
    """The key of an entry: its own (``_key``), unless an earlier entry of the file had the
    same key with another link or date; then the key, link and date together."""
    sign = (str(entry.get("link") or ""), str(entry.get("published") or entry.get("updated")))
    first = seen.setdefault(key, sign)
    return key if first == sign else "\x1f".join((key, *sign))


def _no_time(entry: Any) -> str:
    """Why an entry has no time: no date at all, or one feedparser cannot read (named)."""
    written = dict.get(entry, "published") or dict.get(entry, "updated")
    if written:
        return (
            f"no parseable time: the entry's date {str(written)[:80]!r} is not a date "
            "(RFC 822 or ISO 8601); repair the entry"
        )
    return "no parseable time: no published or updated date"


def _key(entry: Any) -> str:
    """What identifies an entry: its id, else its link; an entry with neither is known
    by its title, time and summary together (entries that share only a title, such as
    "Update", are different posts, not duplicates of the first)."""
    ident = entry.get("id") or entry.get("link")
    if ident:
        return str(ident)
    title = str(entry.get("title") or "")
    if not title:
        return ""
    stamp = entry.get("published") or entry.get("updated") or ""
    return "\x1f".join((title, str(stamp), str(entry.get("summary") or "")))


def _updated(entry: Any) -> datetime | None:
    published = dict.get(entry, "published_parsed")
    stamp = dict.get(entry, "updated_parsed") if published else None
    return datetime.fromtimestamp(timegm(stamp), UTC).replace(tzinfo=None) if stamp else None
