"""Telegram Desktop JSON exports: single-chat ``result.json`` and full-account exports.

Streaming, in memory bounded by a block, not by the file:

* Fast path. Telegram Desktop pretty-prints its JSON. A JSON string cannot hold a raw
  newline, so every newline in the file is structure, and the line ``<indent>},`` followed by
  ``<indent>{`` at the messages' indentation can only be a boundary between two messages.
  Blocks of whole messages are cut at those boundaries with ``bytes.find`` and decoded in one
  ``msgspec`` call into typed structs.
* Slow path. Any other layout (minified, re-indented) streams through ``ijson``.

Both paths yield the same records. A block that fails to decode is decoded message by
message, so one bad record is quarantined and its neighbours are kept.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Annotated, Any
from zoneinfo import ZoneInfo

import ijson
import msgspec
import pyarrow as pa

from mutewatch.ingest.links import find_urls
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
)

PLATFORM = "telegram"
BLOCK_BYTES = 8 << 20
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
    forwarded_from: str | None = None
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
    """The header of one chat: what every message of it is attributed to."""

    id: str
    name: str | None
    type: str | None


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


class _FastReader:
    def __init__(self, fh: IO[bytes], path: Path, zone: ZoneInfo) -> None:
        self.fh = fh
        self.path = path
        self.zone = zone
        self.position = 0

    def records(self) -> Iterator[Item]:
        buf = b""
        eof = False
        header = b""
        while True:
            match = _MESSAGES_OPEN.search(buf)
            while match is None and not eof:
                chunk = self.fh.read(BLOCK_BYTES)
                eof = not chunk
                header = (header + buf[:-256])[-(1 << 20) :]
                buf = buf[-256:] + chunk
                match = _MESSAGES_OPEN.search(buf)
            if match is None:
                return
            chat = _chat_from_header(header + buf[: match.start() + 1])
            if chat is None:
                raise _unreadable(self.path, self.position, "a messages list without a chat id")
            yield from _chat_names(chat)
            buf = buf[match.end() :]
            header = b""
            if match.group(2):  # "messages": []
                continue
            buf, eof = self._fill(buf, eof)
            items = _ITEM_INDENT.match(buf)
            if items is None:  # an empty list written over lines, or not Telegram's layout
                closing = buf.find(b"]")
                buf = buf[closing + 1 :] if closing >= 0 else b""
                continue
            buf, eof = yield from self._messages(chat, match.group(1), items.group(1), buf, eof)

    def _fill(self, buf: bytes, eof: bool, need: int = 1 << 16) -> tuple[bytes, bool]:
        """Read until ``buf`` holds ``need`` bytes or the file ends."""
        while len(buf) < need and not eof:
            chunk = self.fh.read(BLOCK_BYTES)
            eof = not chunk
            buf += chunk
        return buf, eof

    def _messages(
        self, chat: Chat, key_indent: bytes, indent: bytes, buf: bytes, eof: bool
    ) -> Generator[Item, None, tuple[bytes, bool]]:
        # Only the array's own closing bracket sits at the indentation of its key.
        closing = b"\n" + key_indent + b"]"
        separator = b",\n" + indent + b"{"
        while True:
            end = buf.find(closing)
            if end >= 0:
                yield from self._decode(indent, chat, memoryview(buf)[:end])
                return buf[end + len(closing) :], eof
            cut = buf.rfind(separator)
            if cut >= 0:
                yield from self._decode(indent, chat, memoryview(buf)[:cut])
                buf = buf[cut + 1 :]
            if eof:
                if buf.strip():
                    yield self._quarantine(
                        chat, buf, "the file ends inside this message (truncated)"
                    )
                return b"", True
            chunk = self.fh.read(BLOCK_BYTES)
            eof = not chunk
            buf += chunk

    def _decode(self, indent: bytes, chat: Chat, block: memoryview) -> Iterator[Item]:
        # One copy of the block (into the array the decoder reads), not three.
        array = b"".join((b"[", block, b"]"))
        if len(array) < 256 and not array[1:-1].strip():
            return
        try:
            messages = _decode_block(array)
        except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError):
            element = re.compile(rb",\n" + re.escape(indent) + rb"(?=\S)")
            yield from self._decode_each(chat, element.split(array[1:-1].strip()))
            return
        base = self.position
        self.position += len(messages)
        yield from _block_records(chat, messages, base, self.zone)

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
        return Quarantined(
            position,
            reason,
            text,
            PLATFORM,
            chat.id,
            int(found.group(1)) if found else None,
        )


def _chat_from_header(header: bytes) -> Chat | None:
    """The name/type/id lines just above a messages list (at the list's indentation)."""
    fields: dict[str, Any] = {}
    matches = list(_HEADER_FIELD.finditer(header))
    if not matches:
        return None
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
                continue
    return _chat(fields)


def _chat(fields: dict[str, Any]) -> Chat | None:
    """A chat from its header fields; None without a usable id (int or non-empty text)."""
    ident = fields.get("id")
    if isinstance(ident, bool) or not isinstance(ident, int | str) or ident == "":
        return None
    name, kind = fields.get("name"), fields.get("type")
    return Chat(
        str(ident), name if isinstance(name, str) else None, kind if isinstance(kind, str) else None
    )


def _chat_names(chat: Chat) -> Iterator[NameSeen]:
    if chat.name:
        yield NameSeen(PLATFORM, chat.id, chat.name, None, chat.type)


def _unreadable(path: Path, position: int, reason: str) -> Exception:
    from mutewatch.errors import InputError

    return InputError(
        f"{path}: record {position}: {reason}",
        hint="check that this is a Telegram Desktop JSON export (result.json), or pass --format",
    )


# -- a block of messages -> one columnar batch -------------------------------------------


def _block_records(
    chat: Chat, messages: list[Message], base: int, zone: ZoneInfo
) -> Iterator[Item]:
    """Ordinary messages become one columnar PostBatch; the rest travel inside it, in order.

    A batch's resume position is the highest position it holds, so every record of the
    block must be committed with it (``PostBatch.others``): a record left for the next
    batch would be skipped by a resumed run.
    """
    unix = [_plain_unix(m) for m in messages]
    ordinary = [i for i, t in enumerate(unix) if t is not None]
    others = [
        item
        for i, t in enumerate(unix)
        if t is None
        for item in _records_of(chat, messages[i], base + i, zone, None)
    ]
    if not ordinary:
        yield from others
        return
    seconds = [t for t in unix if t is not None]
    batch = _batch_of(chat, [messages[i] for i in ordinary], [base + i for i in ordinary], seconds)
    batch.others = others
    yield batch


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
    chat: Chat, msgs: list[Message], positions: list[int], seconds: list[int]
) -> PostBatch:
    n = len(msgs)
    texts = [m.text for m in msgs]
    links: list[tuple[int, str]] = []
    # Entity arrays, and plain texts that spell out a URL, need a closer look.
    for i in [i for i, t in enumerate(texts) if not isinstance(t, str) or "://" in t]:
        text, found = _plain_text(texts[i])
        texts[i] = text
        links.extend((msgs[i].id, url) for url in found)
    table = pa.table(
        {
            "position": pa.array(positions, pa.int64()),
            "platform": pa.array([PLATFORM] * n, pa.string()),
            "account_id": pa.array([chat.id] * n, pa.string()),
            "message_id": pa.array([m.id for m in msgs], pa.int64()),
            "ts": _timestamps(seconds),
            "edited": _timestamps([_unix_or_none(m.edited_unixtime) for m in msgs]),
            "time_from_local": pa.array([False] * n, pa.bool_()),
            "kind": pa.array([_kind(m) for m in msgs], pa.string()),
            "text": pa.array(texts, pa.string()),
            "forwarded_from": pa.array([m.forwarded_from for m in msgs], pa.string()),
            "reply_to": pa.array([m.reply_to_message_id for m in msgs], pa.int64()),
            "author": pa.array([m.author for m in msgs], pa.string()),
            "media": _media_column(msgs),
            "account_name": pa.array([chat.name] * n, pa.string()),
        },
        schema=BATCH_SCHEMA,
    )
    link_table = pa.table(
        {
            "platform": pa.array([PLATFORM] * len(links), pa.string()),
            "account_id": pa.array([chat.id] * len(links), pa.string()),
            "message_id": pa.array([i for i, _ in links], pa.int64()),
            "url": pa.array([u for _, u in links], pa.string()),
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


def _records_of(
    chat: Chat, m: Message, position: int, zone: ZoneInfo, raw: bytes | None
) -> Iterator[Item]:
    ts, from_local = _timestamp(m, zone)
    if m.type == "unsupported":
        yield Skipped(position, "unsupported", PLATFORM, chat.id, m.id, ts)
        return
    if ts is None:
        yield Quarantined(
            position,
            "no parseable time: date_unixtime is missing or invalid and date is unreadable",
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
        forwarded_from=m.forwarded_from,
        reply_to=m.reply_to_message_id,
        author=m.author,
        media=media,
        account_name=chat.name,
    )


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
    if local.tzinfo is None:
        local = local.replace(tzinfo=zone)
    return local.astimezone(UTC).replace(tzinfo=None), True


def _plain_text(text: str | list[str | Entity]) -> tuple[str, list[str]]:
    if isinstance(text, str):
        return text, find_urls(text) if "://" in text else []
    plain = "".join([piece if isinstance(piece, str) else piece.text for piece in text])
    links = [
        (piece.href or "") if piece.type == "text_link" else piece.text
        for piece in text
        if not isinstance(piece, str)
        and (piece.type == "link" or (piece.type == "text_link" and piece.href))
    ]
    return plain, links


def _media(m: Message) -> tuple[str, str | None]:
    """Kind and media JSON of one message (the one-by-one path)."""
    media = _media_column([m])[0].as_py()
    if media is None:
        return _kind(m), None
    return _kind(m), msgspec.json.encode({k: v for k, v in media.items() if v is not None}).decode()


def _raw_text(m: Message, raw: bytes | None) -> str:
    return (raw or msgspec.json.encode(m)).decode("utf-8", "replace")


# -- the streaming fallback (any JSON layout) --------------------------------------------


def read_streaming(fh: IO[bytes], path: Path, zone: ZoneInfo) -> Iterator[Item]:
    """Walk the JSON events; build one message at a time; never the whole file."""
    position = 0
    # header fields by the object they belong to ("" the root, "chats.list.item" a chat):
    # a chat without a "name" must not take one from another object (a contact)
    fields_of: dict[str, dict[str, Any]] = {}
    chat: Chat | None = None
    builder: ijson.ObjectBuilder | None = None
    depth_prefix = ""
    events = ijson.parse(fh)  # not use_float: yajl overflows on integers beyond 64 bits
    try:
        for prefix, event, value in events:
            if builder is not None:
                builder.event(event, value)
                if prefix == depth_prefix and event in ("end_map", "end_array"):
                    yield from _streamed_message(chat, builder.value, position, zone)
                    position += 1
                    builder = None
                continue
            if prefix.endswith("messages.item"):
                if event in ("start_map", "start_array"):
                    builder = ijson.ObjectBuilder()
                    builder.event(event, value)
                    depth_prefix = prefix
                else:  # a bare string, number or null where a message should be
                    yield from _streamed_message(chat, value, position, zone)
                    position += 1
            elif prefix.endswith("messages") and event == "start_array":
                owner = prefix[: -len("messages")].rstrip(".")
                chat = _chat_from_fields(fields_of.get(owner, {}), path, position)
                yield from _chat_names(chat)
            elif prefix.endswith("messages") and event == "end_array":
                chat = None
            elif event == "start_map":
                fields_of[prefix] = {}
            elif event in ("string", "number") and prefix.rsplit(".", 1)[-1] in _HEADER_KEYS:
                owner, _, key = prefix.rpartition(".")
                fields_of.setdefault(owner, {})[key] = value
    except ijson.JSONError as exc:
        yield Quarantined(
            position,
            f"the file is not valid JSON from here on ({exc}); earlier records were kept",
            "",
            PLATFORM,
            chat.id if chat else None,
            None,
        )


def _chat_from_fields(fields: dict[str, Any], path: Path, position: int) -> Chat:
    chat = _chat(fields)
    if chat is None:
        raise _unreadable(path, position, "a messages list without a chat id")
    return chat


def _streamed_message(chat: Chat | None, obj: Any, position: int, zone: ZoneInfo) -> Iterator[Item]:
    assert chat is not None
    raw = msgspec.json.encode(obj)
    try:
        message = msgspec.convert(obj, Message)
    except msgspec.ValidationError as exc:
        found = obj.get("id") if isinstance(obj, dict) else None
        yield Quarantined(
            position,
            f"not a readable message: {exc}",
            raw.decode(),
            PLATFORM,
            chat.id,
            found if isinstance(found, int) else None,
        )
        return
    yield from _records_of(chat, message, position, zone, raw)
