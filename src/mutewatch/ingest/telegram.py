"""Telegram Desktop JSON exports: single-chat ``result.json`` and full-account exports.

Streaming, in memory bounded by a block, not by the file:

* Fast path. Telegram Desktop pretty-prints its JSON. A JSON string cannot hold a raw
  newline, so every newline in the file is structure, and the line ``<indent>},`` followed by
  ``<indent>{`` at the messages' indentation can only be a boundary between two messages.
  Blocks of whole messages are cut at those boundaries with ``bytes.find`` and decoded in one
  ``msgspec`` call into typed structs.
* Slow path. Any other layout (minified, re-indented) streams through ``ijson``. After a
  JSON syntax error it resynchronises: the damaged bytes are one quarantined record and
  reading goes on at the next whole message, or at the next chat (see ``_Streamer``).

Both paths yield the same records. A block that fails to decode is decoded message by
message, so one bad record is quarantined and its neighbours are kept. The fast path joins
the posts of consecutive small chats into one columnar batch (up to FLUSH_ROWS records or
FLUSH_BYTES of JSON), so an account export of many small chats does not build and send one
Arrow table per chat; a big chat's blocks leave one batch each, as they are read.

Times come from ``date_unixtime``. Only where it is missing is the local ``date`` read in
``--tz`` and the post flagged ``time_from_local``. Across a daylight-saving change, a local
``date`` that never happened (the clocks went forward over it) is quarantined, naming the
date and the zone: --tz is wrong or the record damaged. One that happened twice (the clocks
went back) is the earlier of the two instants, at most an hour early, as any local time
flagged ``time_from_local``.

A message whose ``forwarded_from`` is ``null`` is a forward all the same: Telegram Desktop
writes ``null`` where the origin's name is unknown (hidden by its sender, a deleted
channel). Such a forward is stored with ``forwarded_from`` ``""`` (a forward from an
unnamed origin), so it is counted as distribution, never as the channel's own release; only
a message without the key is not a forward (``_forwarded_from``).

A full-account export holds the exporting account's own conversations too: one-to-one
chats with people (``personal_chat``) and with bots (``bot_chat``), Saved Messages and
Telegram's Replies chat (``PRIVATE_CHATS``). They are no outlet, so their messages are
counted as skipped (``chat:<type>``) and nothing of them is stored: no post, no account, no
name. Channels and groups are read.
"""

from __future__ import annotations

import ast
import io
import json
import re
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import IO, Annotated, Any, cast
from zoneinfo import ZoneInfo

import ijson
import ijson.utils
import msgspec
import pyarrow as pa

from mutewatch.ingest.links import find_urls
from mutewatch.ingest.tabular import skipped_local, wall_time_utc
from mutewatch.model import (
    BATCH_SCHEMA,
    LINK_SCHEMA,
    MEDIA_TYPE,
    Item,
    NameSeen,
    Post,
    PostBatch,
    Quarantined,
    Skipped,
    record_weight,
)

PLATFORM = "telegram"
BLOCK_BYTES = 8 << 20
# The fast reader joins the rows of consecutive small chats (or blocks) into one PostBatch
# until it holds this many records or this many bytes of their JSON (``_coalesced``).
FLUSH_ROWS = 8192
FLUSH_BYTES = 4 << 20
# A text_link whose href has one of these schemes (or is an in-page "#..." anchor) is no
# outbound link: an e-mail address, a phone number, a script; the HTML reader drops the same
# anchors, so both exports of a chat give the same links.
NOT_LINKS = ("mailto:", "tel:", "javascript:")
# Chat types of the exporting account's own conversations: skipped (see the module doc).
PRIVATE_CHATS = frozenset({"personal_chat", "bot_chat", "saved_messages", "replies"})
_PLACEHOLDER = re.compile(r"^\((?:File|Photo|Video)\b.*\)$", re.S)
_MESSAGES_OPEN = re.compile(rb'\n( *)"messages": \[(\]?)')
_ITEM_INDENT = re.compile(rb"\s*?\n( +)(?=[^\s\]])")
_HEADER_FIELD = re.compile(rb'\n( *)"(name|type|id)": (.*?),?(?=\n)')
_HEADER_KEYS = ("name", "type", "id")
_OBJECT_OPEN = re.compile(rb"\n( *)\{ *(?=\r?\n)")
_TITLE_ACTIONS = {"edit_group_title", "edit_channel_title", "create_channel", "create_group"}
_MEDIA_KIND = {
    "sticker": "sticker",
    "video_message": "video_message",
    "voice_message": "voice",
    "animation": "animation",
    "video_file": "video",
    "audio_file": "audio",
}


# Integers beyond 64 bits fail decoding, so the message is quarantined with the reason.
Int64 = Annotated[int, msgspec.Meta(ge=-(2**63), le=2**63 - 1)]


class Entity(msgspec.Struct, gc=False):
    type: str = "plain"
    text: str = ""
    href: str | None = None


class Poll(msgspec.Struct, gc=False):
    question: str = ""
    total_voters: Int64 | None = None


class Message(msgspec.Struct, rename={"from_": "from"}, gc=False):
    """The fields of a Telegram Desktop message that mutewatch reads; others are ignored."""

    id: Int64
    type: str = "message"
    date: str | None = None
    date_unixtime: str | int | None = None
    edited_unixtime: str | int | None = None
    from_: str | None = None
    from_id: str | None = None
    author: str | None = None
    # UNSET: no such key (not a forward); None: the key with null, a forward whose
    # origin is not named (see the module doc and ``_forwarded_from``)
    forwarded_from: str | None | msgspec.UnsetType = msgspec.UNSET
    reply_to_message_id: Int64 | None = None
    action: str | None = None
    title: str | None = None
    text: str | list[str | Entity] = ""
    photo: str | None = None
    file: str | None = None
    file_name: str | None = None
    file_size: Int64 | None = None
    photo_file_size: Int64 | None = None
    mime_type: str | None = None
    media_type: str | None = None
    duration_seconds: Int64 | None = None
    width: Int64 | None = None
    height: Int64 | None = None
    sticker_emoji: str | None = None
    poll: Poll | None = None
    location_information: dict[str, Any] | None = None
    contact_information: dict[str, Any] | None = None


_decode_block = msgspec.json.Decoder(list[Message]).decode
_decode_one = msgspec.json.Decoder(Message).decode


class Chat(msgspec.Struct):
    """The header of one chat: what every message of it is attributed to.

    ``bad`` says why the chat cannot be attributed (no usable id); its messages are then
    quarantined one by one with that reason, and the other chats of the file are read.
    """

    id: str
    name: str | None
    type: str | None
    bad: str | None = None


def _account(chat: Chat | None) -> str | None:
    """The account id records of this chat carry (None when the chat has no usable id)."""
    return chat.id if chat is not None and chat.bad is None else None


def _bad_chat_reason(chat: Chat) -> str:
    return (
        f"the chat this message belongs to has no usable id ({chat.bad}), so the message "
        "cannot be attributed to an account; repair the chat's id and ingest the file again"
    )


_SCALARS = {"string": "a string", "number": "a number", "boolean": "true or false", "null": "null"}
_CHAT_LISTS = ("chats", "left_chats")


def _misshapen(prefix: str, event: str) -> str | None:
    """Why this part of an export's skeleton is of the wrong type, or None. The skeleton:
    ``chats``/``left_chats`` hold a ``list`` of chat objects; a chat's ``messages`` is a list."""
    kind = _SCALARS.get(event) or {"start_map": "an object", "start_array": "a list"}.get(event)
    if kind is None:
        return None
    scalar = event in _SCALARS
    if prefix.endswith("messages") and (scalar or event == "start_map"):
        return (
            f'the chat\'s "messages" is {kind}, not a list of messages: nothing in it is read '
            "(repair it to a list and ingest the file again)"
        )
    if prefix in _CHAT_LISTS and scalar:
        return f'"{prefix}" is {kind}, not an object holding a list of chats'
    if prefix.endswith(".list") and prefix[:-5] in _CHAT_LISTS and scalar:
        return f'"{prefix}" is {kind}, not a list of chats'
    if prefix.endswith(".list.item") and prefix[:-10] in _CHAT_LISTS and event != "start_map":
        return (
            f'an entry of "{prefix[:-5]}" is {kind}, not a chat (an object with a name, an id '
            "and messages)"
        )
    return None


class _ShapeSink:
    """A reader as ``_Shape`` sees it: records numbered from ``position``."""

    position: int

    def quarantine_shape(self, reason: str, raw: str) -> Quarantined:
        """A part of the export's skeleton of the wrong type (see ``_Shape``)."""
        position = self.position
        self.position += 1
        return Quarantined(position, reason, raw, PLATFORM)


class _Shape:
    """Checks an export's skeleton (``_misshapen``): a part of the wrong type is one
    quarantined record with its value. The streaming reader hands it its ijson events
    (``event``); the fast reader feeds it the file's bytes outside the message lists, each
    list written as ``[]`` (``feed``), so both readers give the same records."""

    def __init__(self, sink: _ShapeSink) -> None:
        self.sink = sink
        self.builder: ijson.ObjectBuilder | None = None
        self.at = ""
        self.reason = ""
        self.events: Any = None
        self.parser: Any = None
        self.broken = False  # a syntax error: the fast reader's own checks take over

    @property
    def busy(self) -> bool:
        """Whether a misshapen object or list is being read (its events are taken here)."""
        return self.builder is not None

    def event(self, prefix: str, event: str, value: Any) -> Generator[Item, None, bool]:
        """Take one ijson event; True when it belonged to a misshapen part."""
        if self.builder is not None:
            self.builder.event(event, value)
            if prefix == self.at and event in ("end_map", "end_array"):
                raw = _json_text(self.builder.value, _RAW_CAP)
                self.builder = None
                yield self.sink.quarantine_shape(self.reason, raw)
            return True
        reason = _misshapen(prefix, event)
        if reason is None:
            return False
        if event in ("start_map", "start_array"):
            self.builder = ijson.ObjectBuilder()
            self.builder.event(event, value)
            self.at, self.reason = prefix, reason
        else:
            yield self.sink.quarantine_shape(reason, _json_text(value, _RAW_CAP))
        return True

    def feed(self, data: bytes) -> Iterator[Item]:
        """The fast reader's bytes (outside the message lists), in file order."""
        if self.broken or not data:
            return
        if self.parser is None:
            self.events = ijson.utils.sendable_list()
            self.parser = ijson.parse_coro(self.events)
        try:
            self.parser.send(bytes(data))
        except ijson.JSONError:
            self.broken = True
        yield from self._drain()

    def close(self) -> Iterator[Item]:
        """The end of the file."""
        if self.parser is not None and not self.broken:
            try:
                self.parser.close()
            except ijson.JSONError:
                self.broken = True
            yield from self._drain()

    def _drain(self) -> Iterator[Item]:
        events, self.events[:] = list(self.events), []
        for prefix, event, value in events:
            yield from self.event(prefix, event, value)


def read(fh: IO[bytes], path: Path, tz: str = "UTC") -> Iterator[Item]:
    """Yield the records of one export file, in file order, numbered from 0."""
    zone = ZoneInfo(tz)
    head = fh.read(1 << 16)
    fh.seek(0)
    # The fast reader knows Telegram's own layout (LF line ends); anything else streams.
    crlf = b"\r\n" in head
    if not crlf and (_MESSAGES_OPEN.search(head) or (b"\n" in head and b'"chats"' in head)):
        yield from _FastReader(fh, path, zone).records()
    else:
        yield from read_streaming(fh, path, zone)


class _FastReader(_ShapeSink):
    def __init__(self, fh: IO[bytes], path: Path, zone: ZoneInfo) -> None:
        self.fh = fh
        self.path = path
        self.zone = zone
        self.position = 0
        self.shape = _Shape(self)

    def records(self) -> Iterator[Item]:
        return _coalesced(self._records())

    def _records(self) -> Iterator[Item | _Rows]:
        # ``buf[at:]`` is what is left to read: each chat moves ``at`` on instead of copying
        # the rest of the buffer (up to BLOCK_BYTES) once per chat, which made an account
        # export of many small chats quadratic in its size. ``buf`` is compacted only when
        # more of the file is read into it.
        buf = b""
        at = 0
        eof = False
        header = b""
        while True:
            match = _MESSAGES_OPEN.search(buf, at)
            while match is None and not eof:
                buf, at = buf[at:], 0
                chunk = self.fh.read(BLOCK_BYTES)
                eof = not chunk
                header = (header + buf[:-256])[-(1 << 20) :]
                yield from self.shape.feed(buf[:-256])
                buf = buf[-256:] + chunk
                match = _MESSAGES_OPEN.search(buf)
            if match is None:
                yield from self.shape.feed(buf[at:])
                yield from self.shape.close()
                return
            chat = _chat_from_header(header + buf[at : match.start() + 1])
            yield from self.shape.feed(buf[at : match.end()] + (b"" if match.group(2) else b"]"))
            yield from _chat_names(chat)
            at = match.end()
            header = b""
            if match.group(2):  # "messages": []
                continue
            buf, at, eof = self._fill(buf, at, eof)
            items = _ITEM_INDENT.match(buf, at)
            if items is None:  # an empty list written over lines, or not Telegram's layout
                closing = buf.find(b"]", at)
                at = closing + 1 if closing >= 0 else len(buf)
                continue
            buf, at, eof = yield from self._messages(
                chat, match.group(1), items.group(1), buf, at, eof
            )

    def _fill(self, buf: bytes, at: int, eof: bool, need: int = 1 << 16) -> tuple[bytes, int, bool]:
        """Read until ``buf[at:]`` holds ``need`` bytes or the file ends (``buf`` then
        starts at ``at``: the new ``at`` is returned with it)."""
        while len(buf) - at < need and not eof:
            chunk = self.fh.read(BLOCK_BYTES)
            eof = not chunk
            buf, at = buf[at:] + chunk, 0
        return buf, at, eof

    def _messages(
        self, chat: Chat, key_indent: bytes, indent: bytes, buf: bytes, at: int, eof: bool
    ) -> Generator[Item | _Rows, None, tuple[bytes, int, bool]]:
        """Decode the chat's message list from ``buf[at:]`` on; the buffer and the offset
        just past the list's closing bracket."""
        # Only the array's own closing bracket sits at the indentation of its key.
        closing = b"\n" + key_indent + b"]"
        separator = b",\n" + indent + b"{"
        while True:
            end = buf.find(closing, at)
            if end >= 0:
                yield from self._decode(indent, chat, memoryview(buf)[at:end])
                return buf, end + len(closing), eof
            cut = buf.rfind(separator, at)
            if cut >= 0:
                yield from self._decode(indent, chat, memoryview(buf)[at:cut])
                at = cut + 1
            if eof:
                rest = buf[at:]
                if rest.strip():
                    yield self._quarantine(
                        chat, rest, "the file ends inside this message (truncated)"
                    )
                return b"", 0, True
            chunk = self.fh.read(BLOCK_BYTES)
            eof = not chunk
            buf, at = buf[at:] + chunk, 0

    def _decode(self, indent: bytes, chat: Chat, block: memoryview) -> Iterator[Item | _Rows]:
        # One copy of the block (into the array the decoder reads), not three.
        array = b"".join((b"[", block, b"]"))
        if len(array) < 256 and not array[1:-1].strip():
            return
        if chat.bad is not None:
            element = re.compile(rb",\n" + re.escape(indent) + rb"(?=\S)")
            for raw in element.split(array[1:-1].strip()):
                yield self._quarantine(chat, raw, _bad_chat_reason(chat))
            return
        try:
            messages = _decode_block(array)
        except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError):
            element = re.compile(rb",\n" + re.escape(indent) + rb"(?=\S)")
            yield from self._decode_each(chat, element.split(array[1:-1].strip()))
            return
        base = self.position
        self.position += len(messages)
        parts: list[bytes] = []

        def raw_of(i: int) -> bytes | None:
            """The i-th message's own bytes, for a quarantined record (split on demand)."""
            if not parts:
                element = re.compile(rb",\n" + re.escape(indent) + rb"(?=\S)")
                parts.extend(element.split(array[1:-1].strip()))
            return parts[i] if len(parts) == len(messages) else None

        yield _Rows.of(chat, messages, base, self.zone, len(array), raw_of)

    def _decode_each(self, chat: Chat, parts: list[bytes]) -> Iterator[Item]:
        for raw in parts:
            try:
                message = _decode_one(raw)
            except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError) as exc:
                yield self._quarantine(chat, raw, f"not a readable message: {exc}")
                continue
            yield from self._emit(chat, message, raw)

    def _emit(self, chat: Chat, message: Message, raw: bytes | None) -> Iterator[Item]:
        position = self.position
        self.position += 1
        yield from _records_of(chat, message, position, self.zone, raw)

    def _quarantine(self, chat: Chat, raw: bytes, reason: str) -> Quarantined:
        position = self.position
        self.position += 1
        text = raw.decode("utf-8", "replace")
        found = re.search(r'"id":\s*(-?\d+)\s*,', text[:200])
        ident = int(found.group(1)) if found else None
        return Quarantined(
            position,
            reason,
            text,
            PLATFORM,
            _account(chat),
            ident if ident is not None and -(2**63) <= ident < 2**63 else None,
        )


def _chat_from_header(header: bytes) -> Chat:
    """The name/type/id lines just above a messages list (at the list's indentation)."""
    fields: dict[str, Any] = {}
    matches = list(_HEADER_FIELD.finditer(header))
    if not matches:
        return _chat(fields)
    indent = matches[-1].group(1)
    # Only this chat's own fields: a chat without a "name" (Saved Messages) must not take
    # the name of an object above it (a contact in a full-account export).
    opening = [o.start() for o in _OBJECT_OPEN.finditer(header) if len(o.group(1)) < len(indent)]
    start = opening[-1] if opening else 0
    for m in reversed(matches):
        if m.group(1) != indent or m.start() < start:
            continue
        key = m.group(2).decode()
        if key not in fields:
            try:
                fields[key] = msgspec.json.decode(m.group(3))
            except msgspec.DecodeError:
                fields[key] = _Unreadable(m.group(3))
    return _chat(fields)


class _Unreadable:
    """A header value that is not JSON on its own line (an object or array over lines)."""

    def __init__(self, raw: bytes) -> None:
        text = raw.decode("utf-8", "replace").strip()
        self.text = {"{": "an object", "[": "an array"}.get(text[:1], text[:40])

    def __repr__(self) -> str:
        return self.text


def _chat(fields: dict[str, Any]) -> Chat:
    """A chat from its header fields; ``bad`` says why it has no usable id (an integer or
    non-empty text)."""
    ident = fields.get("id")
    name = fields.get("name") if isinstance(fields.get("name"), str) else None
    kind = fields.get("type") if isinstance(fields.get("type"), str) else None
    if "id" not in fields:
        return Chat("", name, kind, 'it has no "id"')
    usable = isinstance(ident, int | str) and not isinstance(ident, bool) and ident != ""
    if not usable:
        shown = ident if isinstance(ident, _Unreadable) else _json_text(ident)
        return Chat("", name, kind, f'its "id" is {shown}, not an integer or a name')
    return Chat(str(ident), name, kind)


def _json_text(value: Any, cap: int = 200) -> str:
    """JSON text of a value ijson or msgspec read (Decimal numbers as numbers), cut at cap."""
    return json.dumps(value, default=_plain, ensure_ascii=False)[:cap]


def _plain(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else str(value)


def _chat_names(chat: Chat) -> Iterator[NameSeen]:
    if chat.name and chat.bad is None and chat.type not in PRIVATE_CHATS:
        yield NameSeen(PLATFORM, chat.id, chat.name, None, chat.type)


# -- a block of messages -> one columnar batch -------------------------------------------


class _Rows:
    """The ordinary messages of one or more blocks, not yet in columns, with every other
    record read among them (``others``, in file order): what becomes one PostBatch.

    A batch's resume position is the highest position it holds, so every record read among
    its rows must be committed with it (``PostBatch.others``): a record left for the next
    batch would be skipped by a resumed run.

    The fast reader hands these to ``_coalesced``, which joins those of consecutive small
    chats, so that an account export of many one-post chats builds and pickles one Arrow
    table per few thousand chats, not one per chat. ``runs`` says which chat each row is of.
    """

    __slots__ = ("runs", "messages", "positions", "seconds", "others", "nbytes")

    def __init__(self) -> None:
        self.runs: list[tuple[Chat, int]] = []
        self.messages: list[Message] = []
        self.positions: list[int] = []
        self.seconds: list[int] = []
        self.others: list[Item] = []
        self.nbytes = 0  # the JSON bytes of the blocks: a bound on the memory held

    @classmethod
    def of(
        cls,
        chat: Chat,
        messages: list[Message],
        base: int,
        zone: ZoneInfo,
        nbytes: int,
        raw_of: Callable[[int], bytes | None] | None = None,
    ) -> _Rows:
        """``raw_of(i)``: the i-th message's bytes as the file holds them, which a
        quarantined record keeps (else the decoded fields, re-encoded)."""
        rows = cls()
        private = chat.type in PRIVATE_CHATS  # every message a skipped record
        unix = [None if private else _plain_unix(m) for m in messages]
        ordinary = [i for i, t in enumerate(unix) if t is not None]
        if len(ordinary) < len(messages):
            rows.others = [
                item
                for i, t in enumerate(unix)
                if t is None
                for item in _records_of(
                    chat, messages[i], base + i, zone, partial(raw_of, i) if raw_of else None
                )
            ]
        if ordinary:
            rows.runs.append((chat, len(ordinary)))
            if len(ordinary) == len(messages):
                rows.messages = messages
                rows.positions = list(range(base, base + len(messages)))
                rows.seconds = cast(list[int], unix)
            else:
                rows.messages = [messages[i] for i in ordinary]
                rows.positions = [base + i for i in ordinary]
                rows.seconds = [t for t in unix if t is not None]
        rows.nbytes = nbytes
        return rows

    @property
    def size(self) -> int:
        """The records held: rows and others."""
        return len(self.messages) + len(self.others)

    def full(self) -> bool:
        return self.size >= FLUSH_ROWS or self.nbytes >= FLUSH_BYTES

    def add(self, rows: _Rows) -> None:
        """Take the rows and records of the next block (or chat) read."""
        self.runs.extend(rows.runs)
        self.messages.extend(rows.messages)
        self.positions.extend(rows.positions)
        self.seconds.extend(rows.seconds)
        self.others.extend(rows.others)
        self.nbytes += rows.nbytes

    def records(self) -> Iterator[Item]:
        """One PostBatch carrying the others, or only the others when no row is held."""
        if not self.messages:
            yield from self.others
            return
        batch = _batch_of(self.runs, self.messages, self.positions, self.seconds)
        batch.others = self.others
        # Let go of the messages before the next block is decoded: held until the reader
        # moves on, they would keep two blocks of them in memory instead of one.
        self.runs, self.messages, self.positions, self.seconds, self.others = [], [], [], [], []
        yield batch


def _coalesced(items: Iterator[Item | _Rows]) -> Iterator[Item]:
    """The fast reader's records, the rows of consecutive small blocks joined into one
    PostBatch until FLUSH_ROWS records or FLUSH_BYTES of JSON are held, and at the end.

    A block that is full on its own (a big chat) leaves as it is, after what is held. Every
    record read while rows are held travels in the joined batch's ``others`` (a chat's
    header name, a quarantined record), in file order, so a write still ends only after a
    batch and all the records between its rows: no resume position passes a record not
    written (see ``_Rows``). Such a record counts toward both bounds, its bytes too
    (``model.record_weight``): a run of large damaged messages after a small chat leaves by
    bytes, as rows do. The records and their positions are those of one batch per block; only the
    number of Arrow tables changes.
    """
    pending: _Rows | None = None
    for item in items:
        if isinstance(item, _Rows):
            if item.full():
                if pending is not None:
                    yield from pending.records()
                    pending = None
                yield from item.records()
                continue
            if pending is None:
                pending = item
            else:
                pending.add(item)
        elif pending is not None:
            pending.others.append(item)
            pending.nbytes += record_weight(item)
        else:
            yield item
            continue
        if pending.full():
            yield from pending.records()
            pending = None
    if pending is not None:
        yield from pending.records()


def _plain_unix(m: Message) -> int | None:
    """The time of an ordinary message with a readable, in-range ``date_unixtime``, else None."""
    if m.type != "message" or m.date_unixtime is None:
        return None
    try:
        unix = int(m.date_unixtime)
    except ValueError:
        return None
    return unix if _MIN_UNIX <= unix <= _MAX_UNIX else None


def _batch_of(
    runs: list[tuple[Chat, int]], msgs: list[Message], positions: list[int], seconds: list[int]
) -> PostBatch:
    """The rows of ``msgs`` in columns; ``runs`` gives the chat of each row, run by run."""
    n = len(msgs)
    ids: list[str] = []
    names: list[str | None] = []
    for chat, count in runs:
        ids += [chat.id] * count
        names += [chat.name] * count
    texts = [m.text for m in msgs]
    links: list[tuple[str, int, str]] = []
    # Entity arrays, and plain texts that spell out a URL, need a closer look.
    for i in [i for i, t in enumerate(texts) if not isinstance(t, str) or "://" in t]:
        text, found = _plain_text(texts[i])
        texts[i] = text
        links.extend((ids[i], msgs[i].id, url) for url in found)
    table = pa.table(
        {
            "position": pa.array(positions, pa.int64()),
            "platform": pa.array([PLATFORM] * n, pa.string()),
            "account_id": pa.array(ids, pa.string()),
            "message_id": pa.array([m.id for m in msgs], pa.int64()),
            "ts": _timestamps(seconds),
            "edited": _timestamps([_unix_or_none(m.edited_unixtime) for m in msgs]),
            "time_from_local": pa.array([False] * n, pa.bool_()),
            "kind": pa.array([_kind(m) for m in msgs], pa.string()),
            "text": pa.array(texts, pa.string()),
            "forwarded_from": pa.array([_forwarded_from(m) for m in msgs], pa.string()),
            "reply_to": pa.array([m.reply_to_message_id for m in msgs], pa.int64()),
            "author": pa.array([m.author for m in msgs], pa.string()),
            "media": _media_column(msgs),
            "account_name": pa.array(names, pa.string()),
        },
        schema=BATCH_SCHEMA,
    )
    link_table = pa.table(
        {
            "platform": pa.array([PLATFORM] * len(links), pa.string()),
            "account_id": pa.array([a for a, _, _ in links], pa.string()),
            "message_id": pa.array([i for _, i, _ in links], pa.int64()),
            "url": pa.array([u for _, _, u in links], pa.string()),
        },
        schema=LINK_SCHEMA,
    )
    return PostBatch(table, link_table)


def _timestamps(seconds: Sequence[int | None]) -> pa.Array:
    return pa.array(seconds, pa.int64()).cast(pa.timestamp("s")).cast(pa.timestamp("us"))


def _kind(m: Message) -> str:
    if m.poll is not None:
        return "poll"
    if m.photo is not None:
        return "photo"
    if m.file is not None or m.media_type is not None:
        return _MEDIA_KIND.get(m.media_type or "", "document")
    if m.location_information is not None:
        return "location"
    if m.contact_information is not None:
        return "contact"
    return "text"


def _media_column(msgs: list[Message]) -> pa.StructArray:
    """Media metadata as a struct column, field by field (no per-message dicts)."""
    has_media = [
        m.photo is not None or m.file is not None or m.media_type is not None or m.poll is not None
        for m in msgs
    ]
    file_field = [m.photo if m.photo is not None else m.file for m in msgs]
    polls = [m.poll for m in msgs]
    fields = {
        "placeholder": pa.array(
            [f is not None and f[:1] == "(" and bool(_PLACEHOLDER.match(f)) for f in file_field],
            pa.bool_(),
        ),
        "file_name": pa.array([m.file_name for m in msgs], pa.string()),
        "file_size": pa.array(
            [m.photo_file_size if m.photo is not None else m.file_size for m in msgs], pa.int64()
        ),
        "mime_type": pa.array([m.mime_type for m in msgs], pa.string()),
        "duration_seconds": pa.array([m.duration_seconds for m in msgs], pa.int64()),
        "width": pa.array([m.width for m in msgs], pa.int64()),
        "height": pa.array([m.height for m in msgs], pa.int64()),
        "sticker_emoji": pa.array([m.sticker_emoji for m in msgs], pa.string()),
        "poll_question": pa.array([p.question if p else None for p in polls], pa.string()),
        "total_voters": pa.array([p.total_voters if p else None for p in polls], pa.int64()),
    }
    mask = pa.array([not h for h in has_media], pa.bool_())
    return pa.StructArray.from_arrays(list(fields.values()), fields=list(MEDIA_TYPE), mask=mask)


# Seconds since 1970 that a timestamp column can hold (years 1 to 9999).
_MIN_UNIX, _MAX_UNIX = -62_135_596_800, 253_402_300_799


def _unix_or_none(value: str | int | None) -> int | None:
    if value is None:
        return None
    try:
        seconds = int(value)
    except ValueError:
        return None
    return seconds if _MIN_UNIX <= seconds <= _MAX_UNIX else None


# -- one message -> records ---------------------------------------------------------------


def message_block(chat: Chat, messages: list[Message], base: int, zone: ZoneInfo) -> Iterator[Item]:
    """The records of consecutive messages (positions ``base`` on) read by another reader
    of Telegram exports (the HTML pages), by this file's rules (kind, text, links, times):
    ordinary messages become one columnar PostBatch, the rest travel inside it, in order."""
    return _Rows.of(chat, messages, base, zone, 0).records()


def _records_of(
    chat: Chat,
    m: Message,
    position: int,
    zone: ZoneInfo,
    raw: bytes | Callable[[], bytes | None] | None,
) -> Iterator[Item]:
    if chat.type in PRIVATE_CHATS:
        # counted, never stored: no account, id or time of the exporter's own chats
        yield Skipped(position, f"chat:{chat.type}")
        return
    ts, from_local = _timestamp(m, zone)
    if m.type == "unsupported":
        yield Skipped(position, "unsupported", PLATFORM, chat.id, m.id, ts)
        return
    if ts is None:
        yield Quarantined(
            position,
            _no_time_reason(m, zone),
            _raw_text(m, raw),
            PLATFORM,
            chat.id,
            m.id,
        )
        return
    if m.type == "service":
        if m.action in _TITLE_ACTIONS and m.title:
            yield NameSeen(PLATFORM, chat.id, m.title, ts, renamed=True)
        yield Skipped(position, f"service:{m.action or 'unknown'}", PLATFORM, chat.id, m.id, ts)
        return
    if m.type != "message":
        yield Quarantined(
            position, f"unknown message type {m.type!r}", _raw_text(m, raw), PLATFORM, chat.id, m.id
        )
        return
    text, links = _plain_text(m.text)
    kind, media = _media(m)
    yield Post(
        position=position,
        platform=PLATFORM,
        account_id=chat.id,
        message_id=m.id,
        ts=ts,
        kind=kind,
        text=text,
        links=links,
        edited=_from_unix(m.edited_unixtime),
        time_from_local=from_local,
        forwarded_from=_forwarded_from(m),
        reply_to=m.reply_to_message_id,
        author=m.author,
        media=media,
        account_name=chat.name,
    )


def _forwarded_from(m: Message) -> str | None:
    """The stored ``forwarded_from``: None for a message that is not a forward (no such
    key), the name for a named origin, ``""`` for a forward whose origin the export gives as
    ``null`` (hidden or deleted: still a forward, never an own release)."""
    if m.forwarded_from is msgspec.UNSET:
        return None
    return m.forwarded_from if m.forwarded_from is not None else ""


def _from_unix(value: str | int | None) -> datetime | None:
    seconds = _unix_or_none(value)
    if seconds is None:
        return None
    try:
        return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)
    except (ValueError, OverflowError, OSError):
        return None


def _timestamp(m: Message, zone: ZoneInfo) -> tuple[datetime | None, bool]:
    ts = _from_unix(m.date_unixtime)
    if ts is not None:
        return ts, False
    if not m.date:
        return None, False
    try:
        local = datetime.fromisoformat(m.date)
    except ValueError:
        return None, False
    if local.tzinfo is None:  # a skipped wall time has none; a doubled one its earlier
        utc = wall_time_utc(local, zone)
        return (None, False) if utc is None else (utc, True)
    return local.astimezone(UTC).replace(tzinfo=None), True


_NO_TIME = "no parseable time: date_unixtime is missing or invalid and date is unreadable"


def _no_time_reason(m: Message, zone: ZoneInfo) -> str:
    """Why a message has no time: unreadable, or a local date that never happened in --tz."""
    try:
        local = datetime.fromisoformat(m.date) if m.date else None
    except ValueError:
        local = None
    if local is None or local.tzinfo is not None or not skipped_local(local, zone):
        return _NO_TIME
    return (
        f"no parseable time: date_unixtime is missing and the local date {m.date} never "
        f"happened in {zone.key} (the clocks went forward over it); check --tz, the zone "
        "of the machine that exported the chat"
    )


def _plain_text(text: str | list[str | Entity]) -> tuple[str, list[str]]:
    if isinstance(text, str):
        return text, find_urls(text) if "://" in text else []
    plain = "".join([piece if isinstance(piece, str) else piece.text for piece in text])
    links = [
        (piece.href or "") if piece.type == "text_link" else piece.text
        for piece in text
        if not isinstance(piece, str)
        and (piece.type == "link" or (piece.type == "text_link" and _outbound(piece.href)))
    ]
    return plain, links


def _outbound(href: str | None) -> bool:
    """Whether a text_link's href is an outbound link (see ``NOT_LINKS``)."""
    target = (href or "").strip().lower()
    return bool(target) and not target.startswith("#") and not target.startswith(NOT_LINKS)


def _media(m: Message) -> tuple[str, str | None]:
    """Kind and media JSON of one message (the one-by-one path)."""
    media = _media_column([m])[0].as_py()
    if media is None:
        return _kind(m), None
    return _kind(m), msgspec.json.encode({k: v for k, v in media.items() if v is not None}).decode()


def _raw_text(m: Message, raw: bytes | Callable[[], bytes | None] | None) -> str:
    """The record as the file holds it (``raw``, or a function giving it), else its decoded
    fields re-encoded."""
    found = raw() if callable(raw) else raw
    return (found or msgspec.json.encode(m)).decode("utf-8", "replace")


# -- the streaming fallback (any JSON layout) --------------------------------------------
#
# A syntax error stops ijson for good, so the reader resynchronises itself: it finds where
# the damage starts (the end of the last message read, traced in the bytes it keeps), looks
# past it for the next object that decodes as a whole message of the same list (or for the
# end of the list, or the next chat whose header reads whole, when the damage runs into the
# next chat), quarantines the bytes in between as one record, and starts ijson again there,
# behind a made-up opening that puts it back inside the same list
# (``{"chats":{"list":[{"messages":[`` and the like) or the same array of chats.
#
# Positions stay those of a clean read: the same file gives the same records in the same
# order every time, so a resumed ingest skips exactly what an earlier run committed.
# Limits: a syntax error in the header before the first message list is an InputError (no
# message could be attributed); damage that still parses is checked for type: a message
# of the wrong shape, a chat without a usable id (its messages), a chat entry that is not
# an object and a ``messages``/``chats`` value of the wrong type are quarantined, each
# with its reason (``_misshapen``); a renamed key or a bracket that closes a list early
# is read as what it parses to, until a later syntax error.

_WINDOW = 4 << 20  # recent file bytes kept to trace a syntax error back to the last message
_RAW_CAP = 64 << 10  # the most of a damaged span a quarantined record keeps
_OBJECT_CAP = 64 << 20  # the largest message a resync candidate is read ahead for
_READ_AHEAD = 1 << 20
_LIST_END_TRIES = 200
_SURE_ELEMENTS = 64  # a candidate followed by this many whole messages is one
_CANDIDATE = re.compile(rb'\{\s*"id"\s*:\s*-?\d')
_MESSAGES_KEY = re.compile(rb'"messages"\s*:\s*\[')
_LIST_KEY = re.compile(rb'"messages"\s*:')  # another chat's list, its bracket damaged or not
_SPACE = b" \t\r\n"


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_JSON = json.JSONDecoder(parse_constant=_reject_constant)


def read_streaming(fh: IO[bytes], path: Path, zone: ZoneInfo) -> Iterator[Item]:
    """Walk the JSON events; build one message at a time; never the whole file.

    After a syntax error the damaged bytes are quarantined as one record and reading goes
    on at the next whole message (see ``_Streamer``).
    """
    return _Streamer(fh, path, zone).records()


class _Tap:
    """What ijson reads: a made-up opening (no file bytes), then the file from ``offset``.

    The last few megabytes of file bytes handed out are kept, so that a syntax error can be
    traced back to the end of the last message read.
    """

    def __init__(self, fh: IO[bytes], offset: int, opening: bytes = b"", ahead: bytes = b""):
        self.fh = fh
        self.opening = opening
        self.ahead = ahead  # file bytes from ``offset`` on, read already by a resync
        self.used = 0
        self.offset = offset  # file offset after the bytes handed out
        self.chunk_start = offset  # file offset of the last chunk handed out
        self.kept: deque[bytes] = deque()
        self.kept_from = offset
        self.kept_bytes = 0

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return b""
        if self.opening:
            out, self.opening = self.opening, b""
            return out
        if self.used < len(self.ahead):
            end = len(self.ahead) if size < 0 else self.used + size
            data = self.ahead[self.used : end]
            self.used += len(data)
        else:
            data = self.fh.read(size)
        self.chunk_start = self.offset
        self.offset += len(data)
        self.kept.append(data)
        self.kept_bytes += len(data)
        while len(self.kept) > 1 and self.kept_bytes - len(self.kept[0]) >= _WINDOW:
            old = self.kept.popleft()
            self.kept_bytes -= len(old)
            self.kept_from += len(old)
        return data

    def window(self) -> bytes:
        """The kept file bytes, from ``kept_from`` to ``offset``."""
        return b"".join(self.kept)

    def following(self) -> bytes:
        """The kept file bytes and, after them, those read ahead and not yet handed out:
        what the file holds from ``kept_from`` up to where its reading stands."""
        return self.window() + self.ahead[self.used :]


class _Streamer(_ShapeSink):
    """The ijson walk of one file, restarted behind each syntax error (module comment)."""

    def __init__(self, fh: IO[bytes], path: Path, zone: ZoneInfo) -> None:
        self.fh = fh
        self.path = path
        self.zone = zone
        self.position = 0
        # header fields by the object they belong to ("" the root, "chats.list.item" a
        # chat): a chat without a "name" must not take one from another object (a contact)
        self.fields_of: dict[str, dict[str, Any]] = {}
        self.chat: Chat | None = None
        self.carry: Chat | None = None  # the chat a restarted walk resumes inside
        self.list_prefix = ""  # the ijson prefix of the current message list
        self.seen_list = False
        # where the last thing found by its bytes ends: ("list"|"message"|"exact", first,
        # last, message id); "list"/"message" ended inside the file bytes [first, last),
        # "exact" (a restart) at byte first
        self.anchor: tuple[str, int, int, int | None] = ("exact", 0, 0, None)
        self.loose = 0  # elements read since the anchor (bare values, objects without an id)
        self.restarted_at = -1
        self.closed = (0, 0)  # the file bytes in which the last message list closed
        self.shape = _Shape(self)

    def records(self) -> Iterator[Item]:
        tap: _Tap | None = _Tap(self.fh, 0)
        while tap is not None:
            tap = yield from self._walk(tap)

    def _walk(self, tap: _Tap) -> Generator[Item, None, _Tap | None]:
        builder: ijson.ObjectBuilder | None = None
        depth_prefix = ""
        events = ijson.parse(tap)  # not use_float: yajl overflows on integers beyond 64 bits
        try:
            for prefix, event, value in events:
                if builder is not None:
                    builder.event(event, value)
                    if prefix == depth_prefix and event in ("end_map", "end_array"):
                        yield from self._message(builder.value, tap)
                        builder = None
                    continue
                if self.shape.busy or _misshapen(prefix, event):
                    yield from self.shape.event(prefix, event, value)
                elif prefix.endswith("messages.item"):
                    if event in ("start_map", "start_array"):
                        builder = ijson.ObjectBuilder()
                        builder.event(event, value)
                        depth_prefix = prefix
                    else:  # a bare string, number or null where a message should be
                        yield from self._message(value, tap)
                elif prefix.endswith("messages") and event == "start_array":
                    yield from self._open_list(prefix, tap)
                elif prefix.endswith("messages") and event == "end_array":
                    self.chat = None
                    self.closed = (tap.chunk_start, tap.offset)
                elif prefix.rsplit(".", 1)[-1] in _HEADER_KEYS and event != "map_key":
                    self._header_field(prefix, event, value)
                elif event == "start_map":
                    self.fields_of[prefix] = {}
        except ijson.JSONError as exc:
            return (yield from self._resync(tap, exc))
        return None

    def _header_field(self, prefix: str, event: str, value: Any) -> None:
        """A chat's name, type or id (an object or list there stands as unreadable)."""
        owner, _, key = prefix.rpartition(".")
        fields = self.fields_of.setdefault(owner, {})
        if event in _SCALARS:
            fields[key] = value
        elif event in ("start_map", "start_array") and key not in fields:
            fields[key] = _Unreadable(b"{" if event == "start_map" else b"[")

    def _message(self, obj: Any, tap: _Tap) -> Iterator[Item]:
        yield from _streamed_message(self.chat, obj, self.position, self.zone)
        self.position += 1
        found = obj.get("id") if isinstance(obj, dict) else None
        if isinstance(found, int) and not isinstance(found, bool):
            self.anchor = ("message", tap.chunk_start, tap.offset, found)
            self.loose = 0
        else:  # no id to find it by: counted, and skipped from the last one found
            self.loose += 1

    def _open_list(self, prefix: str, tap: _Tap) -> Iterator[Item]:
        self.list_prefix = prefix
        self.seen_list = True
        if self.carry is not None:  # the made-up opening of a restart: the same chat goes on
            self.chat, self.carry = self.carry, None
            return
        owner = prefix[: -len("messages")].rstrip(".")
        self.chat = _chat(self.fields_of.get(owner, {}))
        self.anchor = ("list", tap.chunk_start, tap.offset, None)
        self.loose = 0
        yield from _chat_names(self.chat)

    # -- after a syntax error --------------------------------------------------------------

    def _resync(self, tap: _Tap, exc: ijson.JSONError) -> Generator[Item, None, _Tap | None]:
        error = _yajl_error(exc)
        if self.chat is None:
            return (yield from self._between_lists(tap, error))
        window = tap.window()
        start = max(self._damage_start(window, tap.kept_from, error), tap.kept_from)
        following = tap.following()[start - tap.kept_from :]
        scan = _Scan(self.fh, following, start, self.list_prefix)
        kind, resume = scan.find(skip_first=start == self.restarted_at)
        chats = self._chats_opening()
        if kind == "list":
            found = scan.list_end(resume)
            kind, resume = ("end", found) if found is not None else ("lost", resume)
        if kind == "lost" and chats is not None:
            found = scan.next_chat(chats)
            kind, resume = ("chat", found) if found is not None else ("lost", resume)
        yield self._damaged(scan, resume, kind, error[0])
        if kind in ("eof", "lost"):
            return None
        if kind == "chat" and chats is not None:  # that chat's header is read as usual
            self.chat = None
            self.restarted_at = resume
            return _Tap(self.fh, resume, chats, scan.ahead(resume))
        self.carry, self.chat = self.chat, None
        self.anchor = ("exact", resume, resume, None)
        self.loose = 0
        self.restarted_at = resume
        return _Tap(self.fh, resume, _opening(self.list_prefix), scan.ahead(resume))

    def _damage_start(self, window: bytes, base: int, error: tuple[str, bytes]) -> int:
        """The file offset where the damage starts: just after the last element read.

        The anchor says in which bytes the last message with an id (or the list's opening)
        ended; the elements without one read since are skipped from there. Where that id
        occurs more than once (another chat's message, a duplicate), the right one is the
        first from which ijson meets the same error before any further element is whole.
        """
        kind, first, last, ident = self.anchor
        if kind == "exact" and not self.loose:
            return first
        lo, hi = max(first - base, 0), max(last - base, 0)
        if kind == "exact":
            ends = [lo]
        elif kind == "list":
            ends = [m.end() for m in _MESSAGES_KEY.finditer(window, max(lo - 64, 0), hi)]
        else:
            ends = [
                end
                for m in _message_of(ident or 0).finditer(window, 0, hi)
                if (end := _decoded_end(window[m.start() : hi], m.start())) is not None and end > lo
            ]
        element = kind == "message" or self.loose > 0  # an element precedes the damage
        # the element read stands for itself in the opening: a comma must follow it
        opening = _opening(self.list_prefix) + (b"{}" if element else b"")
        found = None
        for end in ends:
            found = _skip_values(window, end, self.loose, kind == "message")
            if found is not None and _fails_first(opening + window[found:], self, error):
                break
        if found is None:
            return first
        return base + (_past_comma(window, found) if element else found)

    def _damaged(self, scan: _Scan, end: int, kind: str, error: str) -> Quarantined:
        raw = scan.raw(end)
        where = f"bytes {scan.start}-{end}" if end > scan.start else f"byte {scan.start}"
        then = {
            "message": f"reading went on at the next whole message (byte {end})",
            "end": f"reading went on at the end of this chat's message list (byte {end})",
            "chat": "reading went on at the next chat whose header reads whole (byte "
            f"{end}); the rest of this chat's list, and any chat before that one, are in it",
            "eof": "the file ends inside this message list (truncated or damaged to the end)",
            "lost": "where this chat's message list ends cannot be told, so the rest of the "
            "file is not read; repair the JSON there and ingest the file again",
        }[kind]
        return self._quarantine(
            f"not valid JSON at {where} of the file ({error}); the damaged span is kept "
            f"here and {then}",
            raw,
        )

    def _between_lists(
        self, tap: _Tap, error: tuple[str, bytes]
    ) -> Generator[Item, None, _Tap | None]:
        """A syntax error outside any message list. Before the first list it is an
        InputError (no message can be attributed; nothing was read). After a list of a
        chat in an array of chats, the bytes from that list's end to the next chat whose
        header reads whole are one quarantined record and reading goes on there; elsewhere
        one quarantined record ends the reading of the file."""
        where = f"bytes {tap.chunk_start}-{tap.offset}"
        if not self.seen_list:
            from mutewatch.errors import InputError

            raise InputError(
                f"{self.path}: record {self.position}: the export is not valid JSON in its "
                f"header, before the first message list (somewhere in {where}: {error[0]})",
                hint="re-export the chat, or repair the JSON there; nothing of this file was read",
            )
        window = tap.window()
        start = self._next_chat(tap, error)
        if start is not None:
            scan, resume, opening = start
            yield self._quarantine(
                f"not valid JSON between two chats, at bytes {scan.start}-{resume} of the "
                f"file ({error[0]}); the damaged span is kept here and reading went on at "
                f"the next chat whose header reads whole (byte {resume})",
                scan.raw(resume),
            )
            self.restarted_at = resume
            return _Tap(self.fh, resume, opening, scan.ahead(resume))
        yield self._quarantine(
            f"not valid JSON outside the message lists, somewhere in {where} of the file "
            f"({error[0]}); earlier records were kept, the rest of the file is not read",
            window[-_RAW_CAP:],
        )
        return None

    def _chats_opening(self) -> bytes | None:
        """The opening that puts ijson in the array the current chat is an element of
        (``{"chats":{"list":[``), or None when the list is not a chat's in an array."""
        owner = self.list_prefix[: -len("messages")].rstrip(".")
        if not owner.endswith("item"):
            return None
        return _opening(owner[: -len("item")].rstrip("."))

    def _next_chat(self, tap: _Tap, error: tuple[str, bytes]) -> tuple[_Scan, int, bytes] | None:
        """After the last list's ``]`` (the one from which ijson meets the same error), the
        next chat of the same array whose header reads whole: the scan from that ``]``, the
        chat's file offset and the opening that puts ijson back in the array of chats."""
        opening = self._chats_opening()
        if opening is None:
            return None
        window, base = tap.window(), tap.kept_from
        lo, hi = (max(c - base, 0) for c in self.closed)
        ends = _positions(b"]", window, lo, hi)
        end = next((j for j in ends if _closes_then_fails(window[j:], self, error)), None)
        if end is None:
            return None
        following = tap.following()[end + 1 :]
        scan = _Scan(self.fh, following, base + end + 1, self.list_prefix)
        found = scan.next_chat(opening)
        return (scan, found, opening) if found is not None else None

    def _quarantine(self, reason: str, raw: bytes) -> Quarantined:
        position = self.position
        self.position += 1
        found = re.match(rb'\s*\{\s*"id"\s*:\s*(-?\d{1,18})\b', raw)
        return Quarantined(
            position,
            reason,
            raw.decode("utf-8", "replace"),
            PLATFORM,
            _account(self.chat),
            int(found.group(1)) if found else None,
        )


class _Scan:
    """The file from a damaged spot on, read ahead in bounded pieces."""

    def __init__(self, fh: IO[bytes], head: bytes, start: int, list_prefix: str) -> None:
        self.fh = fh
        self.list_prefix = list_prefix
        self.opening = _opening(list_prefix)
        self.buf = head
        self.base = start  # file offset of buf[0]
        self.start = start
        self.head = b""  # the first _RAW_CAP bytes from start, once buf has moved past them
        self.eof = False

    def find(self, skip_first: bool) -> tuple[str, int]:
        """The next message that decodes whole ("message"), the next chat's message list
        ("list", at its key) or the end of the file ("eof"), with its file offset."""
        i = 1 if skip_first else 0
        while True:
            cand = _CANDIDATE.search(self.buf, i)
            key = _LIST_KEY.search(self.buf, i)
            if key is not None and (cand is None or key.start() < cand.start()):
                return "list", self.base + key.start()
            if cand is not None:
                verdict = self._message_at(cand.start())
                if verdict is None:  # read on (at the end of the file it is decided)
                    self._more()
                    continue
                if verdict:
                    return "message", self.base + cand.start()
                i = cand.start() + 1
                continue
            i = self._forget_before(max(i, len(self.buf) - 64))
            if not self._more():
                return "eof", self.base + len(self.buf)

    def list_end(self, key: int) -> int | None:
        """The ``]`` that closes the damaged chat's list, before the next chat's ``key``:
        the first from which the file parses cleanly up to the next message list."""
        stop = key - self.base
        opened = _MESSAGES_KEY.match(self.buf, stop)
        if opened is None:  # that list's bracket is damaged too
            return None
        tail = self.buf[: opened.end()]
        tries = [m.start() for m in re.finditer(rb"\]", tail[:stop])][:_LIST_END_TRIES]
        for j in tries:
            if _parses_to_next_list(self.opening + tail[j:]):
                return self.base + j
        return None

    def next_chat(self, opening: bytes) -> int | None:
        """The file offset of the next chat object whose header, read from its ``{``
        behind ``opening`` (the array of chats), is whole up to its message list."""
        i = 0
        while True:
            key = _MESSAGES_KEY.search(self.buf, i)
            if key is None:
                i = self._forget_before(max(i, len(self.buf) - 64))
                if not self._more():
                    return None
                continue
            lo = max(i, key.start() - _READ_AHEAD)
            starts = list(_positions(b"{", self.buf, lo, key.start()))[-_LIST_END_TRIES:]
            for j in reversed(starts):
                if _opens_chat(opening + self.buf[j : key.end()], self.list_prefix):
                    return self.base + j
            i = key.end()

    def raw(self, end: int) -> bytes:
        size = min(max(end - self.start, 0), _RAW_CAP)
        if self.base == self.start:
            return self.buf[:size]
        return self.head[:size]

    def ahead(self, offset: int) -> bytes:
        """The bytes read already from ``offset`` on."""
        return self.buf[offset - self.base :]

    def _message_at(self, j: int) -> bool | None:
        """Whether an object starting at buf[j] is a whole message of the list (None: read
        more to tell): it is no field's value (after ``:``), decodes whole, looks like a
        message (an int id, a type, a date) and reads on as elements of the list
        (``_resumes_at``)."""
        before = self.buf[max(j - 256, 0) : j].rstrip(_SPACE)
        if before.endswith(b":"):
            return False
        if len(self.buf) - j < _READ_AHEAD and not self.eof:
            return None
        text = self.buf[j:].decode("utf-8", "surrogateescape")
        try:
            obj, _ = _JSON.raw_decode(text)
        except json.JSONDecodeError as exc:
            incomplete = exc.pos >= len(text) - 1 or exc.msg.startswith("Unterminated string")
            return None if incomplete and len(text) < _OBJECT_CAP and not self.eof else False
        except (ValueError, RecursionError):
            return False
        if not _looks_like_message(obj):
            return False
        return _resumes_at(self.opening + self.buf[j : j + _READ_AHEAD], self.list_prefix)

    def _forget_before(self, i: int) -> int:
        """Drop the bytes before buf[i] (once they are many); the new index of buf[i]."""
        if i < _READ_AHEAD:
            return i
        if self.base == self.start:
            self.head = self.buf[:_RAW_CAP]
        self.buf = self.buf[i:]
        self.base += i
        return 0

    def _more(self) -> bool:
        if self.eof:
            return False
        chunk = self.fh.read(_READ_AHEAD)
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        return True


def _yajl_error(exc: Exception) -> tuple[str, bytes]:
    """The parser's reason (the first line of its message) and the bytes its second line
    shows after the error: yajl puts the error at byte 40 of that line. A message that is
    not valid UTF-8 comes as the repr of its bytes."""
    text = str(exc)
    data = text.encode("utf-8", "surrogateescape")
    if text.startswith(("b'", 'b"')):
        try:
            data = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return text[:200], b""
    lines = bytes(data).split(b"\n")
    reason = lines[0].decode("utf-8", "replace").strip() or type(exc).__name__
    return reason, lines[1][40:] if len(lines) > 1 else b""


def _fails_first(data: bytes, streamer: _Streamer, error: tuple[str, bytes]) -> bool:
    """Whether ijson, reading ``data`` (an opening that may hold one element, then file
    bytes), fails with ``error`` inside the list, before any element of the file is whole."""
    item = streamer.list_prefix + ".item"
    whole = 0
    allowed = 1 if data.startswith(_opening(streamer.list_prefix) + b"{}") else 0
    try:
        for prefix, event, _ in ijson.parse(io.BytesIO(data)):
            if prefix == streamer.list_prefix and event == "end_array":
                return False
            if prefix == item and event not in ("map_key", "start_map", "start_array"):
                whole += 1
                if whole > allowed:
                    return False
    except ijson.JSONError as exc:
        return _same_error(_yajl_error(exc), error)
    return False


def _positions(needle: bytes, data: bytes, lo: int, hi: int) -> Iterator[int]:
    i = data.find(needle, lo, hi)
    while i >= 0:
        yield i
        i = data.find(needle, i + 1, hi)


def _closes_then_fails(data: bytes, streamer: _Streamer, error: tuple[str, bytes]) -> bool:
    """Whether ijson, put back inside the last message list and reading ``data`` (file
    bytes from a ``]``), closes that list at once and then meets the same error."""
    closed = False
    try:
        for prefix, event, _ in ijson.parse(io.BytesIO(_opening(streamer.list_prefix) + data)):
            if prefix == streamer.list_prefix and event == "end_array":
                closed = True
            elif not closed and prefix.startswith(streamer.list_prefix + "."):
                return False  # an element: this ] is not the list's own
    except ijson.JSONError as exc:
        return closed and _same_error(_yajl_error(exc), error)
    return False


def _same_error(got: tuple[str, bytes], want: tuple[str, bytes]) -> bool:
    """The same reason, and the same bytes after the error (as many as each parser's chunk
    held)."""
    (reason, after), (wanted_reason, wanted) = got, want
    return reason == wanted_reason and (after.startswith(wanted) or wanted.startswith(after))


def _opens_chat(data: bytes, list_prefix: str) -> bool:
    """Whether ``data`` (an opening of the array of chats, then file bytes from a ``{``)
    reads cleanly as one chat's header, with a usable id, up to its message list."""
    owner = list_prefix[: -len("messages")].rstrip(".")
    fields: dict[str, Any] = {}
    try:
        for prefix, event, value in ijson.parse(io.BytesIO(data)):
            if prefix == list_prefix and event == "start_array":
                return _chat(fields).bad is None
            parent, _, key = prefix.rpartition(".")
            if parent == owner and event in ("string", "number"):
                fields[key] = value
            elif prefix == owner and event == "start_map":
                fields = {}
    except ijson.JSONError:
        return False
    return False


def _skip_values(data: bytes, i: int, count: int, comma: bool) -> int | None:
    """The end of ``count`` JSON values that follow data[i:] (each after a comma when
    ``comma``, the first too), or None when they do not decode."""
    for _ in range(count):
        i = _past_comma(data, i) if comma else len(data) - len(data[i:].lstrip(_SPACE))
        end = _decoded_end(data[i:], i)
        if end is None:
            return None
        i, comma = end, True
    return i


def _looks_like_message(obj: Any) -> bool:
    if not isinstance(obj, dict):
        return False
    ident = obj.get("id")
    typed = isinstance(obj.get("type"), str) and ("date" in obj or "date_unixtime" in obj)
    return isinstance(ident, int) and not isinstance(ident, bool) and typed


def _message_of(ident: int) -> re.Pattern[bytes]:
    """Where a message with this id may start (its ``id`` comes first, as Telegram writes)."""
    return re.compile(rb'\{\s*"id"\s*:\s*%d(?![\d.eE])' % ident)


def _decoded_end(data: bytes, offset: int) -> int | None:
    """``offset`` plus the length in bytes of the JSON value ``data`` starts with, or None."""
    text = data.decode("utf-8", "surrogateescape")
    try:
        _, end = _JSON.raw_decode(text)
    except (ValueError, RecursionError):
        return None
    return offset + len(text[:end].encode("utf-8", "surrogateescape"))


def _past_comma(data: bytes, i: int) -> int:
    """The index of the first byte after the spaces and the one comma following data[i:]."""
    while i < len(data) and data[i] in _SPACE:
        i += 1
    if i < len(data) and data[i] == ord(","):
        i += 1
    while i < len(data) and data[i] in _SPACE:
        i += 1
    return i


def _opening(list_prefix: str) -> bytes:
    """JSON that opens the containers of the list at ijson ``list_prefix``, and the list:
    ``chats.list.item.messages`` -> ``{"chats":{"list":[{"messages":[``."""
    parts = [
        b"[" if part == "item" else b"{" + msgspec.json.encode(part) + b":"
        for part in list_prefix.split(".")
    ]
    return b"".join(parts) + b"["


def _resumes_at(data: bytes, list_prefix: str) -> bool:
    """Whether ``data`` (an opening, then file bytes from a candidate message on) reads as
    elements of the list at ``list_prefix``: _SURE_ELEMENTS of them; or some, then the end
    of ``data`` or more damage; or some, then the list's end as a chat's (the chat object
    closes right after its list, and what follows is the end of the file, the end of the
    array of chats, or a next object that does not begin with an "id" as a message does).
    An object inside an array of a message fails this: after that array, the message's
    other fields follow, or the next message."""
    item = list_prefix + ".item"
    owner = list_prefix[: -len("messages")].rstrip(".")
    elements = 0
    state = "list"  # -> "closed" (the list) -> "owner" (its chat) -> "next" (an object)
    try:
        for prefix, event, value in ijson.parse(io.BytesIO(data)):
            if state == "list":
                if prefix == list_prefix and event == "end_array":
                    state = "closed"
                    if not elements:
                        return False
                elif prefix == item and event in ("end_map", "end_array"):
                    elements += 1
                    if elements >= _SURE_ELEMENTS:
                        return True
            elif state == "closed":
                if not (prefix == owner and event == "end_map"):
                    return False
                state = "owner"
            elif state == "owner":
                if not (prefix == owner and event == "start_map"):
                    return True  # the array of chats ends
                state = "next"
            else:
                return not (prefix == owner and event == "map_key" and value == "id")
    except ijson.JSONError:  # the end of ``data``, or more damage further on
        if state == "list":
            return elements > 0
        # damage right after the list, or after its chat in an array of chats, is read on
        # to (it is that chat's end or the next chat's own); nothing may follow a single
        # chat's export
        return state in ("closed", "next") or (state == "owner" and bool(owner))
    return state != "list"


def _parses_to_next_list(data: bytes) -> bool:
    """Whether ``data`` (an opening, then file bytes up to a list's ``[``) parses cleanly
    until that second message list opens."""
    lists = 0
    try:
        for prefix, event, _ in ijson.parse(io.BytesIO(data)):
            if event == "start_array" and prefix.endswith("messages"):
                lists += 1
                if lists == 2:
                    return True
    except ijson.JSONError:
        return False
    return False


def _streamed_message(chat: Chat | None, obj: Any, position: int, zone: ZoneInfo) -> Iterator[Item]:
    assert chat is not None
    raw = msgspec.json.encode(obj)
    found = obj.get("id") if isinstance(obj, dict) else None
    ident = found if isinstance(found, int) and not isinstance(found, bool) else None
    if chat.bad is not None:
        yield Quarantined(position, _bad_chat_reason(chat), raw.decode(), PLATFORM, None, ident)
        return
    try:
        message = msgspec.convert(obj, Message)
    except msgspec.ValidationError as exc:
        yield Quarantined(
            position, f"not a readable message: {exc}", raw.decode(), PLATFORM, chat.id, ident
        )
        return
    yield from _records_of(chat, message, position, zone, raw)
