"""Telegram Desktop HTML exports: ``messages.html``, ``messages2.html``, ... of one chat.

Telegram Desktop writes a chat as HTML by default: a folder holding ``messages.html``,
``messages2.html``, ... (1000 messages a page) beside ``css/``, ``js/``, ``images/`` and the
downloaded media. One export is read as one source: its pages in numeric order
(``messages.html``, ``messages2.html``, ..., ``messages10.html``), one page in memory at a
time, parsed with the standard library's ``html.parser`` (or, for the plain markup
Telegram Desktop writes, a regular-expression tokenizer giving the same tags and text
several times faster: see ``_fast_feed``). Nothing is fetched.

What a page holds, and what becomes of it:

* ``<div class="message default clearfix" id="message123">``: a message (``... joined``
  when it continues the previous sender's run: no ``from_name``, which may cross pages).
  Each one is a record of the source, numbered in page order. It is turned into the JSON
  reader's ``Message`` and goes through the same rules (``telegram.message_records``), so
  both exports give the same posts: kind (medium), text, links, forwards, replies.
* ``<div class="pull_right date details" title="DD.MM.YYYY HH:MM:SS UTC+03:00">``: the
  time. With its ``UTC+hh:mm`` it is exact. Older exports write no offset: the time is the
  exporting machine's wall time, read in ``--tz`` and flagged ``time_from_local`` (one that
  never happened there, the clocks having gone forward over it, is quarantined; one that
  happened twice is the earlier instant). A date that cannot be read, or a message without
  one, is quarantined naming the page and the message id.
* ``<div class="text">``: the text (``<br>`` a line break); its ``<a href>`` links are the
  post's links, as the JSON reader takes ``link`` and ``text_link`` entities (mentions,
  hashtags, e-mail and phone anchors are not links).
* ``<div class="forwarded body">``: a forward; its ``from_name`` is ``forwarded_from`` (a
  joined forward without one repeats the previous message's).
* the media wrappers (``photo_wrap``, ``video_file_wrap``, ``animated_wrap``,
  ``sticker_wrap``, ``media_voice_message``, ``media_audio_file``, ``media_file``,
  ``media_video`` / ``media_photo`` with their title, ``media_poll``, ``media_location``,
  ``media_venue``, ``media_contact``): the kind, in the JSON reader's vocabulary.
* ``<div class="message service" id="message45">``: a service message (pin, title change,
  ...); skipped with the reason ``service:<action>``, the JSON export's action as far as
  Telegram Desktop's text for it tells (else ``unknown``); the service message Telegram
  writes for a message it cannot show is skipped as ``unsupported``, as in JSON. A title
  that a service message sets is recorded as a name of the account, without a time (HTML
  service messages carry none). Day separators (``message-1``, ...) are no messages and
  not counted.
* ``<div class="signature details">``: the author signature of a channel post.

What the HTML export does not carry, so HTML posts leave it empty where the JSON export
fills it: the edit time (Telegram Desktop's HTML writer puts only the send time in the
date title; JSON has ``edited_unixtime``, so ``posts.edited`` stays null), and exact
media file sizes (the HTML writes a size only as rounded text, "1.2 MB" to a tenth of a
KB or MB, and only for documents and media not downloaded: ``media.file_size`` stays null
rather than hold a rounded figure). Durations are exact ("0:15", "1:02:03") and read as
``duration_seconds`` of voice and video messages, audio and video files (an animation's
is not written); a not-downloaded photo's dimensions are not read.

The account. HTML pages name the chat (``<div class="page_header">...<div class="text
bold">Name</div>``) but carry no chat id. The account id is ``name:<chat name>``
(``name:Province 01 Media Office``), and the name is recorded as a name the account was
seen under, so a registry entry that gives the channel's ``name`` matches it. The name is
the JSON export's ``name`` of the same chat: the header's text without the page's layout
(line breaks, indentation, and the space Telegram Desktop writes between a name and its
empty last name), its own spaces kept (a double space, a no-break space or ``&nbsp;``);
forwarded-from names, signatures, titles that service messages set, poll questions and
file names are read the same way. (A personal chat's header is its first and last name,
where the JSON ``name`` is the first name only.) The same channel's JSON export (whose
account id is the numeric chat id) stands as a second account, unless the registry names
both (an entry with its ``id`` and its ``name``).

The chat's type. Pages name none. A full-account export lists its chats in
``lists/chats.html`` (beside ``chats/chat_NNN/``), each entry linking the chat's
``messages.html`` and giving its type: ``private`` (a one-to-one chat, Saved Messages,
Replies), ``bot``, ``group``, ``channel``. A chat listed ``private`` or ``bot`` is the
exporting account's own conversation, no outlet (``PRIVATE_LISTED``, as the JSON reader's
``telegram.PRIVATE_CHATS``): each of its messages is skipped (``chat:private``,
``chat:bot``) and nothing of it is stored, no account and no name. A single-chat HTML
export names its type nowhere, so a one-to-one chat exported alone as HTML is read like a
channel: its senders (two people, or only the other one) do not tell it apart safely from
a channel or a small group, and no rule is guessed from them.

A page may be gzip-compressed (``messages.html.gz``, ``messages2.html.gz``, any mix with
plain pages), as the other formats' ``.gz`` files: it is decompressed in memory, one page
at a time; the export's identity, size and progress are of the compressed bytes. A page
there both ways is read uncompressed (the ``.gz`` is listed as skipped).

A page that is not a Telegram export page (no message history in it) is one quarantined
record naming the page; a first page without a chat name quarantines every message. A
page cut short (a cut file or gzip stream: it does not end with ``</html>``) costs the
message it cuts, quarantined as truncated; cut between messages or inside a message's
start tag, it gives one quarantined record saying that what followed is lost.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

import msgspec

from mutewatch.ingest import files, telegram
from mutewatch.ingest.tabular import wall_time_utc
from mutewatch.model import Item, NameSeen, Quarantined, Skipped

__all__ = [
    "ACCOUNT_PREFIX",
    "ExportPages",
    "account_id",
    "export_pages",
    "first_page",
    "is_page_name",
    "not_an_export",
    "read",
    "twin",
]

PLATFORM = telegram.PLATFORM
ACCOUNT_PREFIX = "name:"
_PAGE = re.compile(r"messages(\d*)\.html(?:\.gz)?", re.I)
_DATE = re.compile(
    r"(\d{1,2})\.(\d{1,2})\.(\d{4}) (\d{1,2}):(\d{2}):(\d{2})(?: UTC([+-])(\d{1,2}):(\d{2}))?"
)
_MESSAGE_ID = re.compile(r"message(-?\d+)")
_REPLY = re.compile(r"(?:go_to_message|GoToMessage\()(-?\d+)")
_VOTES = re.compile(r"(\d+) votes?")
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:", re.I)
_NOT_LINKS = telegram.NOT_LINKS
_VOID = frozenset({"br", "img", "meta", "link", "hr", "input", "source", "wbr", "area"})
_EXPORT_MARKS = (b'class="history"', b'class="page_header"', b'class="message ')
_SCAN = 1 << 16  # an export page says so within this many bytes
_RAW_CAP = 64 << 10
_PAGE_END = re.compile(r"</html>\s*\Z", re.I)  # every page Telegram Desktop writes ends so
_VIA = re.compile(r"\s+via @\S+\Z")
_LAYOUT = re.compile(r"[ \t]*[\r\n][ \t\r\n]*")  # a line break of the page, with its indent
_EDGES = " \t\n\r\f"  # ASCII white space: a no-break space at an end is the name's
# the JSON export's "photo"/"file" of media that were not downloaded with the export
NOT_INCLUDED = "(File not included. Change data exporting settings to download.)"
_DATE_FORM = "DD.MM.YYYY HH:MM:SS, with or without ' UTC+hh:mm'"
# media wrapper class -> the JSON export's media_type ("photo", "file": those fields)
_WRAPS = {
    "photo_wrap": "photo",
    "sticker_wrap": "sticker",
    "animated_wrap": "animation",
    "video_file_wrap": "video_file",
    "media_voice_message": "voice_message",
    "media_audio_file": "audio_file",
    "media_file": "file",
    "media_poll": "poll",
    "media_location": "location",
    "media_live_location": "location",
    "media_venue": "location",
    "media_contact": "contact",
    "media_video": "?video",  # told apart by its title
    "media_photo": "?photo",
}
# roles whose own character data is not read; and those kept in a field of the message
_NO_TEXT = frozenset({"", "message", "fwd", "fwd_date", "reply", "page_header"})
_KEPT = {
    "signature": "signature",
    "title": "title",
    "question": "question",
    "total": "total",
    "status": "status",
    "video_duration": "status",
    "service_body": "service_text",
}
_TITLED = {
    "Video message": "video_message",
    "Animation": "animation",
    "Sticker": "sticker",
}
# (words of a service message's text, the JSON export's action): the first that matches
_ACTIONS = (
    (" pinned ", "pin_message"),
    (" created group «", "create_group"),
    ("Channel «", "create_channel"),  # Channel «Name» created
    ("changed group title to «", "edit_group_title"),
    ("Channel title changed to «", "edit_group_title"),
    ("changed group photo", "edit_group_photo"),
    ("Channel photo changed", "edit_group_photo"),
    ("removed group photo", "delete_group_photo"),
    ("Channel photo removed", "delete_group_photo"),
    (" to the voice chat", "invite_to_group_call"),
    (" invited ", "invite_members"),
    (" removed ", "remove_members"),
    (" joined group by link", "join_group_by_link"),
    (" joined group by request", "join_group_by_request"),
    (" converted this group to a supergroup", "migrate_to_supergroup"),
    (" converted a basic group to this supergroup", "migrate_from_group"),
    ("History cleared", "clear_history"),
    (" joined Telegram", "joined_telegram"),
    (" took a screenshot", "take_screenshot"),
    ("auto-delete", "set_messages_ttl"),
    ("oice chat", "group_call"),
)
# media whose status starts with their duration, as the JSON export's duration_seconds
_TIMED = frozenset({"voice_message", "audio_file", "video_message", "video_file"})
_DURATION = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2})(?:,|\Z)")
_TITLED_ACTIONS = frozenset({"create_group", "create_channel", "edit_group_title"})
_TITLE = re.compile(r"«(.*)»", re.S)
# Telegram Desktop writes a message it cannot show as a service message saying so
_UNSUPPORTED = "This message is not supported by this version"
# A full-account HTML export lists its chats in lists/chats.html, each entry a link to the
# chat's chats/chat_NNN/messages.html with the chat's type as the entry's info: "private"
# (a one-to-one chat, Saved Messages, Replies), "bot", "group", "channel" or "unknown"
# (export_output_html.cpp, HtmlWriter::writeDialogEnd). The exporter's own conversations,
# as the JSON reader's telegram.PRIVATE_CHATS.
PRIVATE_LISTED = frozenset({"private", "bot"})
_CHATS_LIST = Path("lists") / "chats.html"
_LIST_ENTRY = re.compile(
    r'<a class="entry block_link clearfix" href="([^"#]*)[^"]*">(.*?)</a>', re.S
)
_LIST_INFO = re.compile(r'<div class="pull_right info details">\s*([^<]*?)\s*</div>')


def is_page_name(name: str) -> bool:
    """Whether a file name is that of an HTML export page (``messages.html``,
    ``messages12.html``, either gzip-compressed: ``messages.html.gz``)."""
    return _PAGE.fullmatch(name) is not None


def _plain_name(path: Path) -> str:
    """A page's name without its ``.gz``."""
    return path.stem if files.is_compressed(path) else path.name


def _page_number(path: Path) -> int:
    found = _PAGE.fullmatch(path.name)
    return int(found.group(1) or 1) if found else 0


def export_pages(folder: Path) -> list[Path]:
    """The export pages of a folder in reading order: messages.html, messages2.html, ...,
    messages10.html (numerically, not by name). A page may be gzip-compressed
    (``messages2.html.gz``); a page there both ways is read uncompressed (see ``twin``)."""
    pages: dict[tuple[int, str], Path] = {}
    found = [p for p in folder.iterdir() if p.is_file() and is_page_name(p.name)]
    for page in sorted(found, key=lambda p: (files.is_compressed(p), p.name)):
        pages.setdefault((_page_number(page), _plain_name(page)), page)
    return [pages[key] for key in sorted(pages)]


def twin(path: Path) -> Path | None:
    """The uncompressed page that is read instead of the compressed page ``path``
    (``messages.html`` beside ``messages.html.gz``), or None."""
    plain = path.with_name(_plain_name(path))
    return plain if plain != path and plain.is_file() else None


def first_page(path: Path) -> Path:
    """The page that stands for the export ``path`` (a page or the folder) belongs to: its
    first page, ``messages.html`` as a rule."""
    folder = path if path.is_dir() else path.parent
    pages = export_pages(folder)
    return pages[0] if pages else path


def account_id(chat_name: str) -> str:
    """The account id of a chat read from HTML pages: ``name:<chat name>``."""
    return ACCOUNT_PREFIX + chat_name


def not_an_export(path: Path) -> str | None:
    """Why a page is not a Telegram Desktop HTML export page, or None."""
    with files.open_archive(path) as fh:
        head = fh.read(_SCAN)
    if not head and files.is_compressed(path) and path.stat().st_size:
        return (
            "its gzip stream gives no bytes (it is not gzip-compressed, or is damaged at its "
            "start): decompress it, or name it without .gz if it is a plain page"
        )
    if not head.strip():
        return "the file is empty: there is nothing to read"
    if not any(mark in head for mark in _EXPORT_MARKS):
        return (
            "not a Telegram Desktop HTML export page: no message history "
            '(<div class="history">, <div class="message ...">) in its first '
            f"{_SCAN >> 10} KB"
        )
    return None


class ExportPages:
    """The pages of one export, as a source: its identity (``sha256``), ``size`` and
    progress (``tell``: the bytes of the pages handed out by ``pages()``, one at a time).
    Identity, size and progress are of the pages as stored (a compressed page's gzip
    bytes); ``pages()`` hands out each page decompressed."""

    def __init__(self, first: Path) -> None:
        self.paths = export_pages(first.parent) or [first]
        self.done = 0

    def pages(self) -> Iterator[tuple[Path, bytes]]:
        for path in self.paths:
            data = path.read_bytes()
            self.done += len(data)
            yield path, _decompressed(data) if files.is_compressed(path) else data

    @property
    def size(self) -> int:
        return sum(p.stat().st_size for p in self.paths)

    def sha256(self) -> str:
        """The identity of the export: its pages' names and bytes, in reading order."""
        digest = hashlib.sha256()
        for path in self.paths:
            digest.update(path.name.encode() + b"\0")
            files.hash_into(digest, path)
        return digest.hexdigest()

    def tell(self) -> int:
        return self.done

    def close(self) -> None:
        """Nothing stays open between pages."""

    def __enter__(self) -> ExportPages:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read(fh: IO[bytes], path: Path, tz: str = "UTC") -> Iterator[Item]:
    """Yield the records of the export whose first page is ``path``, page by page,
    numbered from 0 across its pages (``fh``: the export as ``ExportPages``, for progress)."""
    pages = fh if isinstance(fh, ExportPages) else ExportPages(path)
    state = _State(ZoneInfo(tz))
    for page, data in pages.pages():
        # line breaks normalised as HTML's input stream does (a page saved with CRLF)
        text = data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
        yield from _Page(page, text, state).records()


def listed_type(folder: Path) -> str | None:
    """The type the export's chat list gives the chat whose pages are in ``folder`` (one
    of a full-account export's ``chats/chat_NNN``); None for a single-chat export, which
    names no type anywhere, or a chat the list does not link to."""
    listing = folder.parent.parent / _CHATS_LIST
    if folder.parent.name != "chats" or not listing.is_file():
        return None
    return _listed_types(listing, listing.stat().st_mtime_ns).get(folder.resolve())


@lru_cache(maxsize=4)
def _listed_types(listing: Path, _mtime_ns: int) -> dict[Path, str]:
    """Each listed chat's folder and type, from a full-account export's lists/chats.html
    (read once per export: its chats are ingested one after another)."""
    text = listing.read_text(encoding="utf-8", errors="replace")
    types = {}
    for entry in _LIST_ENTRY.finditer(text):
        info = _LIST_INFO.search(entry.group(2))
        if info is not None and entry.group(1):
            types[(listing.parent / unescape(entry.group(1))).resolve().parent] = info.group(1)
    return types


def _decompressed(data: bytes) -> bytes:
    """A gzip page's bytes; one cut short or damaged ends where it breaks (the message it
    cuts is then quarantined as truncated)."""
    with files.decompressed(io.BytesIO(data)) as fh:
        return fh.read()


# -- one message -------------------------------------------------------------------------


@dataclass
class _Chat:
    """What a page read so far tells of the chat: its name (from the first page)."""

    name: str | None = None
    chat: telegram.Chat | None = None


@dataclass
class _State:
    """What carries from page to page."""

    zone: ZoneInfo
    position: int = 0
    chat: _Chat = field(default_factory=_Chat)
    forwarded_from: str | None = None  # the last forward's sender (a joined forward's)


@dataclass
class _Piece:
    text: str
    href: str | None = None
    raw: bool = True  # character data of the page (its layout newlines are dropped)


@dataclass
class _Msg:
    """One message div as read."""

    ident: str
    service: bool
    start: int  # offsets in the page of the message's start tag and of its end tag
    end: int | None = None
    date: str | None = None
    pieces: list[_Piece] = field(default_factory=list)
    formatted: bool = False  # the text has markup beyond line breaks
    forwarded: bool = False
    forwarded_from: list[str] | None = None
    signature: list[str] = field(default_factory=list)
    reply_to: int | None = None
    wrap: str | None = None  # the media wrapper's _WRAPS value
    media_ref: str | None = None
    title: list[str] = field(default_factory=list)
    question: list[str] = field(default_factory=list)
    total: list[str] = field(default_factory=list)
    status: list[str] = field(default_factory=list)  # a medium's duration, size ...
    service_text: list[str] = field(default_factory=list)
    unclosed: str | None = None  # what came before the message's end tag (a damaged page)


class _Page(HTMLParser):
    """One page: a small state machine over its tags."""

    def __init__(self, path: Path, text: str, state: _State) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.source = text
        self.state = state
        self.line_starts: list[int] | None = None
        self._start_over()

    def _start_over(self) -> None:
        """The reading state of an unread page."""
        self.reset()
        self.at: int | None = None  # the fast reading's offset of the current tag
        self.stack: list[tuple[str, str]] = []  # (tag, role) of the open elements
        self.tags: dict[str, int] = {}  # how many open elements have each tag
        self.open: dict[str, int] = {}  # how many open elements have each role
        self.inner: list[str] = []  # the roles of the open elements that have one
        self.msg: _Msg | None = None
        self.header: list[str] | None = None
        self.is_export = False
        self.done: list[_Msg] = []
        self.anchor: _Piece | None = None

    def records(self) -> Iterator[Item]:
        self._parse()
        cut_in_a_message = self.msg is not None
        self._unclosed("the page ends inside this message (truncated)")
        yield from self._chat_name()
        if not self.is_export:
            yield self._page_not_an_export()
        run: list[telegram.Message] = []  # consecutive messages, read as one block
        for msg in self.done:
            base = self.state.position
            got = self._record_of(msg)
            if isinstance(got, telegram.Message):
                if not run:
                    start = base
                run.append(got)
                continue
            if run:
                yield from telegram.message_block(self._chat(), run, start, self.state.zone)
                run = []
            yield from got
        if run:
            yield from telegram.message_block(self._chat(), run, start, self.state.zone)
        if self.is_export and not cut_in_a_message and not _PAGE_END.search(self.source):
            yield self._cut_short()

    def _parse(self) -> None:
        """Read the page's markup: the fast tokenizer where it can tell the page, else
        (or when it meets markup it leaves to it) ``html.parser`` from the start."""
        if _PAGE_END.search(self.source) and _fast_feed(self):
            return
        self._start_over()
        self.feed(self.source)
        self.close()

    def _here(self) -> int:
        """The offset in the page of the tag being read."""
        return self.at if self.at is not None else self._offset(self.getpos())

    # -- the parser's callbacks -----------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        self.start_tag(tag, attr, (attr.get("class") or "").split())

    def start_tag(self, tag: str, attr: dict[str, str | None], classes: list[str]) -> None:
        """An element opens (``attr`` and ``classes`` are only read)."""
        if tag in _VOID:
            if tag == "br" and self._role_open("text"):
                self._text_piece(_Piece("\n", raw=False))
            return
        role = self._role(tag, classes, attr)
        self.stack.append((tag, role))
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if role:
            self.open[role] = self.open.get(role, 0) + 1
            self.inner.append(role)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or not self.tags.get(tag):
            return  # a stray end tag closes nothing, as in browsers
        while self.stack:
            open_tag, role = self.stack.pop()
            self.tags[open_tag] -= 1
            if role:
                self.open[role] -= 1
                self.inner.pop()
                self._close(role)
            if open_tag == tag:
                return

    def handle_data(self, data: str) -> None:
        role = self._innermost()
        if role in _NO_TEXT:
            return
        msg = self.msg
        if role == "header" and self.header is not None:
            self.header.append(data)
        elif msg is None:
            return
        elif role == "anchor" and self.anchor is not None:
            self.anchor.text += data
        elif role == "text" or self._role_open("text"):
            self._text_piece(_Piece(data))
        elif role == "from_name" and self._role_open("fwd") and msg.forwarded_from is not None:
            msg.forwarded_from.append(data)
        elif role in _KEPT:
            getattr(msg, _KEPT[role]).append(data)

    # -- roles ----------------------------------------------------------------------------

    def _role(self, tag: str, classes: list[str], attr: dict[str, str | None]) -> str:
        """What an element opening now is to the reader (its role)."""
        if "message" in classes and tag == "div":
            return self._open_message(classes, attr)
        if "history" in classes:
            self.is_export = True
        msg = self.msg
        if msg is None:
            if "page_header" in classes:
                self.is_export = True
                return "page_header"
            if self._role_open("page_header") and "text" in classes and "bold" in classes:
                self.header = []
                return "header"
            return ""
        if tag == "a" and self._role_open("text"):
            return self._open_anchor(attr.get("href"))
        if self._role_open("text"):
            msg.formatted = True
            return ""
        return self._message_part(msg, tag, classes, attr)

    def _message_part(
        self, msg: _Msg, tag: str, classes: list[str], attr: dict[str, str | None]
    ) -> str:
        if msg.service:
            return "service_body" if "body" in classes else ""
        if "date" in classes and "pull_right" in classes and msg.date is None:
            msg.date = attr.get("title") or ""
            return ""
        if "forwarded" in classes and "body" in classes:
            msg.forwarded = True
            return "fwd"
        if "from_name" in classes:
            if self._role_open("fwd") and msg.forwarded_from is None:
                msg.forwarded_from = []
            return "from_name"
        if ("date" in classes or "details" in classes) and self._role_open("from_name"):
            return "fwd_date"  # older exports: <span class="details"> DD.MM.YYYY ...</span>
        for role in ("text", "signature", "title", "question", "total", "status"):
            if role in classes:
                return role
        if "video_duration" in classes:
            return "video_duration"
        if "reply_to" in classes:
            return "reply"
        if tag == "a" and self._role_open("reply"):
            found = _REPLY.search((attr.get("href") or "") + " " + (attr.get("onclick") or ""))
            msg.reply_to = int(found.group(1)) if found else None
        wrap = next((_WRAPS[c] for c in classes if c in _WRAPS), None)
        if wrap is not None and msg.wrap is None:
            msg.wrap = wrap
            msg.media_ref = attr.get("href") or None
        return ""

    def _open_message(self, classes: list[str], attr: dict[str, str | None]) -> str:
        self.is_export = True
        self._unclosed("the next message starts before this one ends (damaged markup)")
        found = _MESSAGE_ID.fullmatch(attr.get("id") or "")
        service = "service" in classes
        if (found and found.group(1).startswith("-")) or (service and not attr.get("id")):
            return ""  # a day separator: no message
        ident = found.group(1) if found else (attr.get("id") or "")
        self.msg = _Msg(ident, service, self._here())
        return "message"

    def _open_anchor(self, href: str | None) -> str:
        assert self.msg is not None
        self.msg.formatted = True
        self.anchor = _Piece("", href or "", raw=False)
        return "anchor"

    def _close(self, role: str) -> None:
        if role == "message" and self.msg is not None:
            self.msg.end = self._here()
            self.done.append(self.msg)
            self.msg = None
        elif role == "anchor" and self.anchor is not None:
            anchor, self.anchor = self.anchor, None
            if not _is_link(anchor):
                anchor.href = None
            self._text_piece(anchor)

    def _unclosed(self, reason: str) -> None:
        """A message still open where none may be: it is quarantined with ``reason``."""
        if self.msg is None:
            return
        self.msg.unclosed = reason
        self.done.append(self.msg)
        self.msg = None
        while self.stack:  # its elements are closed with it
            tag, role = self.stack.pop()
            self.tags[tag] -= 1
            if role:
                self.open[role] -= 1
                self.inner.pop()
            if role == "message":
                return

    def _role_open(self, role: str) -> bool:
        return self.open.get(role, 0) > 0

    def _innermost(self) -> str:
        return self.inner[-1] if self.inner else ""

    def _text_piece(self, piece: _Piece) -> None:
        if self.msg is None:
            return
        pieces = self.msg.pieces
        if piece.raw and not pieces and piece.text.startswith("\n"):
            piece.text = piece.text[1:]  # the layout's newline after <div class="text">
        pieces.append(piece)

    # -- records --------------------------------------------------------------------------

    def _chat_name(self) -> Iterator[Item]:
        chat = self.state.chat
        if chat.chat is not None:
            return
        name = _field(self.header or [])
        listed = listed_type(self.path.parent)
        if listed in PRIVATE_LISTED:
            # the exporter's own conversation: no account, no name (see _record_of)
            chat.chat = telegram.Chat("", name or None, listed)
        elif name:
            chat.name = name
            chat.chat = telegram.Chat(account_id(name), name, listed)
            yield NameSeen(PLATFORM, chat.chat.id, name, None)
        else:
            chat.chat = telegram.Chat(
                "", None, None, f"its first page, {self.path.name}, names no chat"
            )

    def _page_not_an_export(self) -> Quarantined:
        if not _PAGE_END.search(self.source):  # cut before its message history
            reason = (
                f"{self.path.name}: no message history in it, and it is cut short (it does "
                "not end with </html>): its messages are lost; restore the page, or export "
                "the chat again"
            )
        else:
            reason = (
                f"{self.path.name}: not a Telegram Desktop HTML export page (no message "
                "history in it): nothing in it is read; leave it out of the export folder"
            )
        return self._quarantine(None, reason, self.source[:_RAW_CAP])

    def _cut_short(self) -> Quarantined:
        """A page that ends between messages or inside a message's start tag, short of its
        ``</html>`` (a cut file or gzip stream): what followed is lost, and said so."""
        last = self.done[-1] if self.done else None
        after = f"message {last.ident or '(no id)'}" if last else "its header"
        reason = (
            f"{self.path.name}: the page is cut short (it does not end with </html>): "
            f"whatever followed {after} is lost; restore the page, or export the chat again"
        )
        start = 0
        if last is not None and last.end is not None:
            start = self.source.find(">", last.end) + 1
        return self._quarantine(None, reason, self.source[start:][-_RAW_CAP:])

    def _chat(self) -> telegram.Chat:
        chat = self.state.chat.chat
        assert chat is not None
        return chat

    def _record_of(self, msg: _Msg) -> tuple[Item, ...] | telegram.Message:
        """A message as the JSON reader's Message (at the next position), or the records
        that stand for it (a service message, or one that cannot be read)."""
        chat = self._chat()
        if chat.type in PRIVATE_LISTED:  # counted, never stored, as in the JSON reader
            return (Skipped(self._next(), f"chat:{chat.type}"),)
        ident = _int(msg.ident)
        where = f"{self.path.name}, message {msg.ident or '(no id)'}"
        if chat.bad is not None:
            reason = (
                f"{where}: the export's chat cannot be told ({chat.bad}), so the message "
                "cannot be attributed to an account; ingest the export with its first page"
            )
            return (self._quarantine(ident, reason, self._raw(msg)),)
        if ident is None or msg.unclosed:
            reason = f"{where}: {msg.unclosed or 'the message id is not an integer'}"
            return (self._quarantine(ident, reason, self._raw(msg)),)
        if msg.service:
            return self._service(chat, msg, ident)
        date, unix, problem = _when(msg.date, self.state.zone)
        if problem is not None:
            return (self._quarantine(ident, f"{where}: {problem}", self._raw(msg)),)
        self._next()
        return self._message(msg, ident, date, unix)

    def _service(self, chat: telegram.Chat, msg: _Msg, ident: int) -> tuple[Item, ...]:
        """A service message: skipped, as the JSON reader does (``unsupported`` for a
        message Telegram Desktop could not show); a title it sets is a name of the account
        (without a time: HTML service messages carry none)."""
        text = _field(msg.service_text)
        if text.startswith(_UNSUPPORTED):
            return (Skipped(self._next(), "unsupported", PLATFORM, chat.id, ident, None),)
        action = next((a for words, a in _ACTIONS if words in f" {text} "), "unknown")
        skipped = Skipped(self._next(), f"service:{action}", PLATFORM, chat.id, ident, None)
        title = _TITLE.search(text) if action in _TITLED_ACTIONS else None
        if title is None or not title.group(1).strip(_EDGES):
            return (skipped,)
        return NameSeen(PLATFORM, chat.id, title.group(1).strip(_EDGES), None), skipped

    def _message(
        self, msg: _Msg, ident: int, date: str | None, unix: str | None
    ) -> telegram.Message:
        forwarded = None
        if msg.forwarded:
            named = _VIA.sub("", _field(msg.forwarded_from or []))
            forwarded = named or self.state.forwarded_from
            self.state.forwarded_from = forwarded
        message = telegram.Message(
            id=ident,
            forwarded_from=forwarded if msg.forwarded else msgspec.UNSET,
            reply_to_message_id=msg.reply_to,
            author=_field(msg.signature) or None,
            text=_text(msg),
            date=date,
            date_unixtime=unix,
        )
        _set_media(message, msg)
        return message

    def _next(self) -> int:
        position = self.state.position
        self.state.position += 1
        return position

    def _quarantine(self, ident: int | None, reason: str, raw: str) -> Quarantined:
        chat = self._chat()
        account = chat.id if chat.bad is None and chat.id else None
        return Quarantined(self._next(), reason, raw, PLATFORM, account, ident)

    def _raw(self, msg: _Msg) -> str:
        """The message's HTML as the page holds it."""
        begin = msg.start
        stop = len(self.source)
        if msg.end is not None:
            stop = self.source.find(">", msg.end) + 1 or len(self.source)
        return self.source[begin:stop][:_RAW_CAP]

    def _offset(self, where: tuple[int, int]) -> int:
        """The offset in the page of a parser position (line, column)."""
        if self.line_starts is None:
            self.line_starts = [0, *(m.end() for m in re.finditer("\n", self.source))]
        return self.line_starts[where[0] - 1] + where[1]


# -- the fast reading ----------------------------------------------------------------------
# Telegram Desktop writes plain markup: quoted attributes, no comments, nothing in its
# script element. For such a page a single regular expression gives the same tags,
# attributes and character data as html.parser, in the same pieces, several times faster;
# anything else (an unquoted attribute, a comment, a lone "<", raw text with markup or
# references in it, a page cut short) is left to html.parser, which reads the page anew.
_WS = "[ \t\n\r\f]"  # the white space html.parser's tag patterns agree on
_TOKEN = re.compile(
    r"([^<]+)"  # 1: character data
    rf"|<([a-zA-Z][a-zA-Z0-9]*)"  # 2: a start tag's name
    rf"((?:{_WS}+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:{_WS}*={_WS}*(?:\"[^\"]*\"|'[^']*'))?)*)"  # 3
    rf"{_WS}*(/?)>"  # 4: self-closing
    rf"|</([a-zA-Z][a-zA-Z0-9]*){_WS}*>"  # 5: an end tag's name
    r"|(<![dD][oO][cC][tT][yY][pP][eE][^<>]*>)"  # 6: the doctype
    r"|<"  # anything else: left to html.parser
)
_ATTR = re.compile(
    rf"{_WS}+([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:{_WS}*={_WS}*(?:\"([^\"]*)\"|'([^']*)'))?"
)
# elements whose content is raw text in some Python's html.parser: read fast only when
# that content has neither markup nor character references (so every version agrees)
_RAW_TEXT = frozenset(
    {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript"}
)
_Attrs = tuple[dict[str, str | None], list[str]]


def _attributes(spec: str) -> _Attrs:
    """A start tag's attributes (``spec``: the tag's text after its name) as html.parser
    gives them (names lower-cased, values unquoted and unescaped; the last of a name
    wins, as in ``dict(attrs)``), and its classes."""
    attr: dict[str, str | None] = {}
    for found in _ATTR.finditer(spec):
        name, double, single = found.groups()
        value = double if double is not None else single
        attr[name.lower()] = unescape(value) if value else value
    return attr, (attr.get("class") or "").split()


def _fast_feed(page: _Page) -> bool:
    """Read ``page`` with the fast tokenizer; False where it holds markup left to
    html.parser (what was read by then is to be read again)."""
    seen: dict[str, _Attrs] = {}  # a page repeats most of its tags' attributes
    raw: str | None = None  # the raw-text element open
    on_data, on_start, on_end = page.handle_data, page.start_tag, page.handle_endtag
    for token in _TOKEN.finditer(page.source):
        text, tag, spec, closed, end, doctype = token.groups()
        if text is not None:
            if raw is not None and "&" in text:
                return False
            on_data(unescape(text) if "&" in text else text)
            continue
        if raw is not None and (end is None or end.lower() != raw):
            return False
        page.at = token.start()
        if tag is not None:
            tag = tag.lower()
            if tag == "plaintext" or (closed and tag in _RAW_TEXT):
                return False
            attrs = seen.get(spec)
            if attrs is None:
                attrs = seen[spec] = _attributes(spec)
            on_start(tag, *attrs)
            if closed:
                on_end(tag)
            elif tag in _RAW_TEXT:
                raw = tag
        elif end is not None:
            raw = None
            on_end(end.lower())
        elif doctype is None:
            return False
    return raw is None


# -- fields --------------------------------------------------------------------------------


def _field(parts: list[str]) -> str:
    """A name (or a signature, title, question) as the JSON export has it: the page's
    layout taken out (the line breaks and indentation Telegram Desktop writes around an
    element's text, and the space it puts between a chat's name and its empty last name),
    the name's own spaces kept: a double space, a no-break space (``&nbsp;``)."""
    return _LAYOUT.sub(" ", "".join(parts)).strip(_EDGES)


def _int(text: str) -> int | None:
    try:
        value = int(text)
    except ValueError:
        return None
    return value if -(2**63) <= value < 2**63 else None


def _when(title: str | None, zone: ZoneInfo) -> tuple[str | None, str | None, str | None]:
    """The JSON ``date`` (a local time without an offset) and ``date_unixtime`` (with one)
    of a date title, and why it cannot be read (None when it can)."""
    if not title:
        return None, None, "the message has no date (no title on its date)"
    found = _DATE.fullmatch(title.strip())
    bad = (
        f"the date {title!r} cannot be read: it is not {_DATE_FORM}; repair it in the page "
        "and ingest the export again"
    )
    if found is None:
        return None, None, bad
    day, month, year, hour, minute, second = (int(g) for g in found.groups()[:6])
    try:
        local = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None, None, bad
    if found.group(7) is None:
        if wall_time_utc(local, zone) is None:
            return (
                None,
                None,
                (
                    f"the date {title!r} has no offset and never happened in {zone.key} (the "
                    "clocks went forward over it); check --tz, the zone of the machine that "
                    "exported the chat"
                ),
            )
        return local.isoformat(), None, None
    sign = 1 if found.group(7) == "+" else -1
    offset = sign * (int(found.group(8)) * 3600 + int(found.group(9)) * 60)
    unix = int(local.replace(tzinfo=UTC).timestamp()) - offset
    return None, str(unix), None


def _is_link(anchor: _Piece) -> bool:
    """Whether a text anchor is a link as the JSON export's ``link``/``text_link`` entities
    are: not a mention, hashtag, bot command, e-mail, phone or custom emoji anchor."""
    href = anchor.href or ""
    if not href or href.startswith("#") or href.lower().startswith(_NOT_LINKS):
        return False
    if href == anchor.text:
        return True
    if anchor.text.startswith("@") and href.endswith("/" + anchor.text[1:]):
        return False  # a mention: a link to the user's page
    return _SCHEME.match(href) is not None


def _text(msg: _Msg) -> str | list[str | telegram.Entity]:
    """The JSON export's ``text``: plain, or pieces with the links as entities."""
    pieces = msg.pieces
    if pieces and pieces[-1].raw:
        pieces[-1].text = re.sub(r"\n[ \t]*\Z", "", pieces[-1].text)
    if not msg.formatted:
        return "".join(p.text for p in pieces)
    return [
        telegram.Entity("text_link", p.text, p.href) if p.href is not None else p.text
        for p in pieces
    ]


def _set_media(message: telegram.Message, msg: _Msg) -> None:
    """The JSON export's media fields of a message, as far as its HTML tells them."""
    wrap = msg.wrap
    title = _field(msg.title)
    if wrap is None:
        return
    if wrap.startswith("?"):
        wrap = _TITLED.get(title, "video_file" if wrap == "?video" else "photo")
    ref = msg.media_ref or NOT_INCLUDED
    if wrap == "photo":
        message.photo = ref
    elif wrap == "poll":
        total = _VOTES.search("".join(msg.total))
        question = _field(msg.question)
        message.poll = telegram.Poll(question, int(total.group(1)) if total else 0)
    elif wrap == "location":
        message.location_information = {}
    elif wrap == "contact":
        message.contact_information = {}
    elif wrap == "file":
        message.file = ref
        message.file_name = title if title and title != "File" else None
    else:
        message.file, message.media_type = ref, wrap
        if wrap in _TIMED:
            message.duration_seconds = _duration(_field(msg.status))


def _duration(status: str) -> int | None:
    """Seconds of a medium's status ("0:15", "1:02:03, 2.1 MB"), as Telegram Desktop
    writes them (exact, unlike the size beside them)."""
    found = _DURATION.match(status)
    if found is None:
        return None
    hours, minutes, seconds = (int(g or 0) for g in found.groups())
    return hours * 3600 + minutes * 60 + seconds
