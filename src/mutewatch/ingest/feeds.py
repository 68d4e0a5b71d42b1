"""RSS and Atom feed files, through feedparser.

A feed is one account (its link, or its title when it has no link); each entry is a post
whose id is derived from the entry's id or link. An id (guid) that comes again in the same
file on an entry with another link or date is another post, not a duplicate of the first
(the repeat's id is derived from the guid, its link and its date together): CMSs that
reuse a guid would otherwise lose posts. A post's text is its title and summary as plain
text (tags dropped, HTML entities such as ``&amp;`` decoded); relative links are resolved
against the entry's or the feed's link; e-mail, phone, script and in-page anchors
(``mailto:``, ``tel:``, ``javascript:``, ``#top``) are no links. Nothing the feed links
to is fetched: feedparser's parsers are given the file's bytes, never a URL.

A feed is streamed, never read whole (a feed archive may be some GB): a first pass checks
it with the XML parser alone (``_Survey``: its encoding, whether it is well-formed, how it
ends), then feedparser's own strict or lenient parser, the one ``feedparser.parse`` would
choose, is fed a piece at a time and each entry is let go once it closes (``_Parse``), so
the records are those ``feedparser.parse`` gives for the whole file. Feed fields written
after the entries (a channel's link last) cost one more pass, as does a file that is not
well-formed before its end. The DOCTYPE goes through feedparser's ``replace_doctype`` and
external entities stay off, as in ``feedparser.parse``: no external entity or DTD is read.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import html
import itertools
import re
import xml.sax
import xml.sax.handler
from calendar import timegm
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import urljoin, urlsplit
from xml.sax.expatreader import ExpatLocator

import msgspec
from feedparser.api import PREFERRED_XML_PARSERS, LooseFeedParser, StrictFeedParser
from feedparser.encodings import RE_XML_DECLARATION, RE_XML_PI_ENCODING
from feedparser.exceptions import CharacterEncodingOverride
from feedparser.mixin import _FeedParserMixin
from feedparser.sanitizer import replace_doctype
from feedparser.sgml import sgmllib
from feedparser.urls import make_safe_absolute_uri

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
    """The entries of an RSS or Atom file as posts of one account, streamed: one entry in
    memory at a time (``_Survey``, ``_Parse``)."""
    reason = not_a_feed(fh.read(_HEAD))
    if reason:
        raise InputError(f"{path}: {reason}", hint=FEED_HINT)
    survey = _Survey.of(fh)
    meta = _Parse(fh, survey).metadata() if survey.late else None
    entries = _Parse(fh, survey)
    first = entries.first_entry()
    if survey.bozo and not first:
        raise InputError(
            f"{path}: not a readable RSS/Atom feed: {survey.exception}",
            hint="check the file, or pass --format for another format",
        )
    feed = meta if meta is not None else entries.feeddata
    account = str(feed.get("link") or feed.get("title") or path.stem)
    title = _plain(str(feed.get("title") or "")).strip() or account  # as entries' titles
    yield NameSeen(platform, account, title, None, "feed")
    base = str(feed.get("link") or "")
    seen: dict[int, int] = {}  # an entry key -> the link and date it came with (digests)
    whole = survey.ends if survey.bozo else None  # entries from this one on are cut short
    count = 0
    for position, entry in entries.entries():
        count = position + 1
        if whole is not None and position >= whole:
            yield _cut_short(entry, position, path, platform, account, survey.exception)
            continue
        record = _entry(entry, position, platform, account, base, seen)
        if isinstance(record, Post):
            record.account_name = title
        yield record
    if survey.bozo and count <= survey.ends and not survey.root_closed:
        reason = (
            f"the file ends before the feed closes (no closing </rss>, </feed> or </rdf:RDF>; "
            f"the XML parser says: {survey.exception}): it is cut short after "
            f"entry {count}, and what followed in {path.name} is lost"
        )
        yield Quarantined(count, reason, "", platform, account)


_PIECE = 256 << 10  # bytes read at a time (memory holds a few times this, and an entry)
_LOOSE_PIECE = 4 << 20  # text the lenient parser holds before it is cut at a tag instead
_ENTRY_END_TEXT = re.compile(_ENTRY_END.pattern.decode(), re.I)
_END_TAG_START = re.compile(rb"<(?:/[\w.:-]*\s*)?", re.I)  # how an entry end tag may begin
_ENTRY_NAMES = ("item", "entry")


def _encodings(head: bytes) -> tuple[int, list[str]]:
    """How many bytes of byte-order mark a feed starts with and the encodings feedparser
    tries for it, in its order (``feedparser.encodings.convert_to_utf8`` with no HTTP
    headers and no chardet): the declared one (UTF-8 when none), the mark's, then UTF-8,
    windows-1252 and iso-8859-2. The first that decodes the whole file is its encoding."""
    bom, mark = next(((len(b), name) for b, name in _BOMS if head.startswith(b)), (0, ""))
    if not mark:
        mark = _MARKERS.get(head[:4], "")
    declared = ""
    try:
        decoder = codecs.getincrementaldecoder(mark or "latin-1")()  # a cut character: no error
        sniffed = decoder.decode(head[bom:]).encode("utf-8") if mark else head[bom:]
    except (UnicodeDecodeError, LookupError):
        sniffed = b""
    found = RE_XML_PI_ENCODING.match(sniffed)
    if found:
        declared = found.groups()[0].decode("utf-8").lower()
        if mark and declared in _UNICODE_NAMES:
            declared = mark
    if declared == "gb2312":
        declared = "gb18030"
    candidates = (declared or "utf-8", declared, mark, "utf-8", "windows-1252", "iso-8859-2")
    return bom, list(dict.fromkeys(c for c in candidates if c))


# byte-order marks, longest first (a UTF-32 LE mark starts as a UTF-16 LE one)
_MARKED = ("utf-32be", "utf-32le", "utf-16be", "utf-16le", "utf-8")
_BOMS = tuple((codecs.encode("\ufeff", name), name) for name in _MARKED)
_MARKERS = {
    b"\x4c\x6f\xa7\x94": "cp037",
    b"\x00\x3c\x00\x3f": "utf-16be",
    b"\x3c\x00\x3f\x00": "utf-16le",
    b"\x00\x00\x00\x3c": "utf-32be",
    b"\x3c\x00\x00\x00": "utf-32le",
}
_UNICODE_NAMES = (
    "u16", "utf-16", "utf16", "utf_16", "u32", "utf-32", "utf32", "utf_32",
    "iso-10646-ucs-2", "iso-10646-ucs-4", "csucs4", "csunicode", "ucs-2", "ucs-4",
)  # fmt: skip


class _Text:
    """A feed's bytes as feedparser hands them to its XML parsers, made a piece at a time:
    decoded from ``encoding`` (strictly: a byte not of it raises UnicodeDecodeError), the
    XML declaration made ``encoding='utf-8'`` (or one put first), as UTF-8, and the
    DOCTYPE replaced by feedparser's ``replace_doctype`` (its external subset and any
    entity that is not plain text dropped, so no external entity or DTD is ever read)."""

    def __init__(self, fh: IO[bytes], encoding: str, bom: int) -> None:
        self.fh, self.encoding, self.bom = fh, encoding, bom
        self.entities: dict[str, str] = {}

    def pieces(self, raw: Callable[[bytes], None] | None = None) -> Iterator[bytes]:
        """The UTF-8 bytes, a piece at a time; ``raw`` is handed each piece of the file."""
        self.fh.seek(0)
        decoder = codecs.getincrementaldecoder(self.encoding)()
        text, data = "", b""
        declared = doctype = False
        skip = self.bom
        while True:
            chunk = self.fh.read(_PIECE)
            if raw is not None and chunk:
                raw(chunk)
            text += decoder.decode(chunk[skip:], final=not chunk)
            skip = max(0, skip - len(chunk))
            if not declared:
                if chunk and "<?xml".startswith(text[:5]) and ">" not in text:
                    continue  # the declaration may go on
                text, declared = _declared(text), True
            data += text.encode("utf-8")
            text = ""
            if not doctype:
                if chunk and not _ELEMENT.search(data):
                    continue  # the prolog may go on
                _, data, self.entities = replace_doctype(data)
                doctype = True
            if data:
                yield data
            data = b""
            if not chunk:
                return


_ELEMENT = re.compile(rb"<\w")
_DECLARATION = "<?xml version='1.0' encoding='utf-8'?>"


def _declared(text: str) -> str:
    """The start of a feed's text with feedparser's own XML declaration."""
    if RE_XML_DECLARATION.search(text):
        return str(RE_XML_DECLARATION.sub(_DECLARATION, text))
    return _DECLARATION + "\n" + text


class _Shape(xml.sax.handler.ContentHandler):
    """Whether an element outside the entries comes after the first entry begins (a
    feed's link or title may: then the feed's fields are read in a pass of their own)."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = 0  # depth inside an entry
        self.entered = False
        self.late = False

    def startElementNS(self, name: tuple[str | None, str], qname: Any, attrs: Any) -> None:
        if self.inside:
            self.inside += 1
        elif name[1].lower() in _ENTRY_NAMES and _plain_namespace(name[0]):
            self.inside, self.entered = 1, True
        elif self.entered:
            self.late = True

    def endElementNS(self, name: tuple[str | None, str], qname: Any) -> None:
        if self.inside:
            self.inside -= 1


# namespaces feedparser reads as RSS or Atom itself (an <item> in another is no entry)
_PLAIN = {uri.lower() for uri, prefix in _FeedParserMixin.namespaces.items() if prefix == ""}


def _plain_namespace(uri: str | None) -> bool:
    uri = (uri or "").lower()
    return uri in _PLAIN or "backend.userland.com/rss" in uri


_TAGS = re.compile(rb"<(/?)([A-Za-z_][\w.:-]*)|<>")  # a tag's start (and <>, a tag in SGML)


def _late_tags(pieces: Iterator[bytes]) -> bool:
    """Whether text holds a tag outside the entries after the first entry begins, told by
    the tags alone (for a file that is not well-formed, read by feedparser's lenient
    parser): an entry runs from ``<item>`` or ``<entry>`` (no prefix) to its end tag; any
    other tag after the first entry begins, outside them, counts (a tag in a comment or
    CDATA too, and what a prefixed entry holds: a pass too many, never one too few)."""
    inside = entered = False
    carry = b""
    for piece in pieces:
        data = carry + piece
        cut = data.rfind(b"<")
        if cut < 0 or b">" in data[cut:]:
            cut = len(data)
        for tag in _TAGS.finditer(data, 0, cut):
            end, name = tag.group(1), (tag.group(2) or b"").lower()
            if inside:
                inside = not (end and name in (b"item", b"entry"))
            elif name in (b"item", b"entry") and not end:
                closes = data.find(b">", tag.end())
                entered, inside = True, closes < 0 or data[closes - 1 : closes] != b"/"
            elif entered and not end:
                return True
            elif name.rsplit(b":", 1)[-1] in (b"item", b"entry") and not end:
                entered = True  # an entry, or not: what it holds counts as outside
        carry = data[cut:]
    return False


def _sax_reader(handler: Any) -> Any:
    """An XML reader set up as ``feedparser.parse`` sets up its strict one: namespaces on,
    external general entities off."""
    reader = xml.sax.make_parser(PREFERRED_XML_PARSERS)
    reader.setFeature(xml.sax.handler.feature_namespaces, 1)
    with contextlib.suppress(xml.sax.SAXNotSupportedException):
        reader.setFeature(xml.sax.handler.feature_external_ges, 0)
    reader.setContentHandler(handler)
    reader.setErrorHandler(handler)
    return reader


@dataclass
class _Survey:
    """What a first pass over a feed tells (an XML parser checking it and nothing more,
    fast): the encoding feedparser reads it in, whether it is well-formed (else
    feedparser's lenient parser reads it, and the strict parser's error is the reason
    given), how many entry end tags its bytes hold, whether its root element closes in
    its last 64 KB, and whether feed fields may come after the first entry."""

    encoding: str
    bom: int
    exception: Exception | None = None  # why it is not well-formed (or not as declared)
    bozo: bool = False
    ends: int = 0
    root_closed: bool = False
    late: bool = False

    @classmethod
    def of(cls, fh: IO[bytes]) -> _Survey:
        fh.seek(0)
        bom, candidates = _encodings(fh.read(_HEAD))
        for encoding in candidates:
            survey = cls(encoding, bom)
            try:
                survey._check(fh)
            except (UnicodeDecodeError, LookupError):
                continue
            if encoding != candidates[0] and not survey.bozo:
                survey.exception = CharacterEncodingOverride(
                    f"document declared as {candidates[0]}, but parsed as {encoding}"
                )
                survey.bozo = True
            return survey
        raise AssertionError("iso-8859-2 decodes any bytes")  # pragma: no cover

    def _check(self, fh: IO[bytes]) -> None:
        shape = _Shape()
        reader = _sax_reader(shape)
        reader.setErrorHandler(xml.sax.handler.ErrorHandler())
        carry, tail = b"", b""

        def raw(chunk: bytes) -> None:
            nonlocal carry, tail
            data = carry + chunk
            cut = data.rfind(b"<")
            if cut < 0 or b">" in data[cut:]:
                cut = len(data)
            self.ends += len(_ENTRY_END.findall(data, 0, cut))
            carry = data[cut:] if _END_TAG_START.fullmatch(data, cut) else b""
            tail = (tail + chunk[-_HEAD:])[-_HEAD:]

        for piece in _Text(fh, self.encoding, self.bom).pieces(raw):
            if self.exception is None:
                try:
                    reader.feed(piece)
                except xml.sax.SAXException as exc:
                    self.exception, self.bozo = exc, True
        stopped_at_end = self.exception is None  # well-formed to its last byte, if cut there
        if self.exception is None:
            try:
                reader.close()
            except xml.sax.SAXException as exc:
                self.exception, self.bozo = exc, True
        self.root_closed = _ROOT_END.search(tail) is not None
        self.late = shape.late
        if self.bozo and not self.late and not stopped_at_end:  # read on by the lenient parser
            self.late = _late_tags(_Text(fh, self.encoding, self.bom).pieces())


class _Parse:
    """feedparser's reading of a feed, fed a piece at a time (its strict parser for a
    well-formed file, its lenient one for another, as ``feedparser.parse`` chooses), each
    entry let go once it closes."""

    def __init__(self, fh: IO[bytes], survey: _Survey) -> None:
        self.survey = survey
        self.text = _Text(fh, survey.encoding, survey.bom)
        self.done: list[Any] = []  # closed entries not yet taken
        self.taken = 0
        self.parser: Any = None
        self.feeds = self._feeds()

    @property
    def feeddata(self) -> Any:
        return self.parser.feeddata

    def _feeds(self) -> Iterator[None]:
        """Parses the next piece each step, moving closed entries to ``done``."""
        base = make_safe_absolute_uri("", "") or make_safe_absolute_uri("") or ""
        pieces = self.text.pieces()
        first = next(pieces, b"")  # the DOCTYPE read: its plain entities known
        if not isinstance(self.survey.exception, xml.sax.SAXException):
            parser = StrictFeedParser(base, None, "utf-8")
            parser.resolve_relative_uris, parser.sanitize_html = False, True
            self.parser = parser
            reader = _sax_reader(parser)
            parser.setDocumentLocator(ExpatLocator(reader))
            for piece in itertools.chain([first], pieces):
                reader.feed(piece)
                self._closed()
                yield
            reader.close()
        else:
            parser = LooseFeedParser(base, None, "utf-8", self.text.entities)
            parser.resolve_relative_uris, parser.sanitize_html = False, True
            self.parser = parser
            decoder = codecs.getincrementaldecoder("utf-8")("replace")
            pending = ""
            for piece in itertools.chain([first], pieces):
                pending += decoder.decode(piece)
                cut = _loose_cut(pending)
                if cut:
                    _loose_feed(parser, pending[:cut])
                    pending = pending[cut:]
                    self._closed()
                    yield
            _loose_feed(parser, pending + decoder.decode(b"", final=True))
            sgmllib.SGMLParser.close(parser)
        self.parser.inentry = 0  # the file ends: every entry is as whole as it will be
        self._closed()
        yield

    def _closed(self) -> None:
        parser = self.parser
        still_open = 1 if parser.inentry and parser.entries else 0
        closed = parser.entries[: len(parser.entries) - still_open]
        del parser.entries[: len(closed)]
        for entry in closed:
            parser.property_depth_map.pop(entry, None)
        self.done += closed

    def first_entry(self) -> bool:
        """Parse until the first entry begins (or the file ends): whether it has any."""
        for _ in self.feeds:
            if self.done or self.parser.entries:
                return True
        return bool(self.done)

    def entries(self) -> Iterator[tuple[int, Any]]:
        """The entries with their positions, each once it closes."""
        while True:
            while self.done:
                yield self.taken, self.done.pop(0)
                self.taken += 1
            if next(self.feeds, False) is False:
                return

    def metadata(self) -> Any:
        """The feed's own fields, read through the whole file (entries let go)."""
        for _ in self.feeds:
            self.done.clear()
        return self.parser.feeddata


def _loose_cut(text: str) -> int:
    """Where text for the lenient parser may be cut: after its last entry end tag, or when
    it is long, before its last tag that is no declaration (0: not yet)."""
    ends = [m.end() for m in _ENTRY_END_TEXT.finditer(text)]
    if ends:
        return ends[-1]
    if len(text) < _LOOSE_PIECE:
        return 0
    cut = len(text) - 1
    while (cut := text.rfind("<", 0, cut)) > 0 and text.startswith("<!", cut):
        pass
    return max(cut, 0)


def _loose_feed(parser: Any, text: str) -> None:
    """``_BaseHTMLProcessor.feed`` for one piece of text, leaving the parser open: its
    rewrites (``<!x`` escaped, ``<x/>`` as ``<x></x>``, quote references) never reach
    across a cut after ``>`` or before ``<`` (not ``<!``)."""
    text = re.sub(r"<!((?!DOCTYPE|--|\[))", r"&lt;!\1", text, flags=re.IGNORECASE)
    text = re.sub(r"<([^<>\s]+?)\s*/>", parser._shorttag_replace, text)
    text = text.replace("&#39;", "'").replace("&#34;", '"')
    sgmllib.SGMLParser.feed(parser, text)


def _cut_short(
    entry: Any, position: int, path: Path, platform: str, account: str, error: Any
) -> Quarantined:
    """An entry the file ends inside, set aside whole: its text (or its date) may be cut."""
    reason = (
        f"entry {position + 1}: the file ends inside this entry (it never closes; the XML "
        f"parser says: {error}), so its text may be cut short; the "
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
    seen: dict[int, int],
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


def _told_apart(key: str, entry: Any, seen: dict[int, int]) -> str:
    """The key of an entry: its own (``_key``), unless an earlier entry of the file had the
    same key with another link or date; then the key, link and date together. ``seen``
    holds 64-bit digests of keys and of links and dates, not the text (a feed of millions
    of entries)."""
    sign = (str(entry.get("link") or ""), str(entry.get("published") or entry.get("updated")))
    told = _digest(f"{len(sign[0])}:{sign[0]}{sign[1]}")
    first = seen.setdefault(_digest(key), told)
    return key if first == told else "\x1f".join((key, *sign))


def _digest(text: str) -> int:
    data = text.encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


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
