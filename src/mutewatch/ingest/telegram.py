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
from collections.abc import Generator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

import ijson
import msgspec

from mutewatch.ingest.links import find_urls
from mutewatch.model import Item, NameSeen, Post, Quarantined, Skipped

PLATFORM = "telegram"
BLOCK_BYTES = 8 << 20
_PLACEHOLDER = re.compile(r"^\((?:File|Photo|Video)\b.*\)$", re.S)
_MESSAGES_OPEN = re.compile(rb'\n( *)"messages": \[(\]?)')
_HEADER_FIELD = re.compile(rb'\n( *)"(name|type|id)": (.*?),?(?=\n)')
_HEADER_KEYS = ("name", "type", "id")
_TITLE_ACTIONS = {"edit_group_title", "edit_channel_title", "create_channel", "create_group"}
_MEDIA_KIND = {
    "sticker": "sticker",
    "video_message": "video_message",
    "voice_message": "voice",
    "animation": "animation",
    "video_file": "video",
    "audio_file": "audio",
}


class Entity(msgspec.Struct):
    type: str = "plain"
    text: str = ""
    href: str | None = None


class Poll(msgspec.Struct):
    question: str = ""
    total_voters: int | None = None


class Message(msgspec.Struct, rename={"from_": "from"}):
    """The fields of a Telegram Desktop message that mutewatch reads; others are ignored."""

    id: int
    type: str = "message"
    date: str | None = None
    date_unixtime: str | int | None = None
    edited_unixtime: str | int | None = None
    from_: str | None = None
    from_id: str | None = None
    author: str | None = None
    forwarded_from: str | None = None
    reply_to_message_id: int | None = None
    action: str | None = None
    title: str | None = None
    text: str | list[str | Entity] = ""
    photo: str | None = None
    file: str | None = None
    file_name: str | None = None
    file_size: int | None = None
    photo_file_size: int | None = None
    mime_type: str | None = None
    media_type: str | None = None
    duration_seconds: int | None = None
    width: int | None = None
    height: int | None = None
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
    if _MESSAGES_OPEN.search(head) or (b"\n" in head and b'"chats"' in head):
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
            indent = match.group(1) + b" "
            buf, eof = yield from self._messages(chat, indent, buf, eof)

    def _messages(
        self, chat: Chat, indent: bytes, buf: bytes, eof: bool
    ) -> Generator[Item, None, tuple[bytes, bool]]:
        # Only the array's own closing bracket sits at the indentation just above its items.
        closing = b"\n" + indent[:-1] + b"]"
        separator = b",\n" + indent + b"{"
        while True:
            end = buf.find(closing)
            if end >= 0:
                yield from self._decode(indent, chat, buf[:end])
                return buf[end + len(closing) :], eof
            cut = buf.rfind(separator)
            if cut >= 0:
                yield from self._decode(indent, chat, buf[:cut])
                buf = buf[cut + 1 :]
            if eof:
                if buf.strip():
                    yield self._quarantine(chat, buf, "the file ends inside this message (truncated)")
                return b"", True
            chunk = self.fh.read(BLOCK_BYTES)
            eof = not chunk
            buf += chunk

    def _decode(self, indent: bytes, chat: Chat, block: bytes) -> Iterator[Item]:
        body = block.strip()
        if not body:
            return
        try:
            messages = _decode_block(b"[" + body + b"]")
        except (msgspec.DecodeError, msgspec.ValidationError):
            element = re.compile(rb",\n" + re.escape(indent) + rb"(?=\S)")
            yield from self._decode_each(chat, element.split(body))
            return
        for message in messages:
            yield from self._emit(chat, message, None)

    def _decode_each(self, chat: Chat, parts: list[bytes]) -> Iterator[Item]:
        for raw in parts:
            try:
                message = _decode_one(raw)
            except (msgspec.DecodeError, msgspec.ValidationError) as exc:
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
    for m in reversed(matches):
        if m.group(1) != indent:
            continue
        key = m.group(2).decode()
        if key not in fields:
            try:
                fields[key] = msgspec.json.decode(m.group(3))
            except msgspec.DecodeError:
                continue
    if "id" not in fields:
        return None
    return Chat(str(fields["id"]), fields.get("name"), fields.get("type"))


def _chat_names(chat: Chat) -> Iterator[NameSeen]:
    if chat.name:
        yield NameSeen(PLATFORM, chat.id, chat.name, None, chat.type)


def _unreadable(path: Path, position: int, reason: str) -> Exception:
    from mutewatch.errors import InputError

    return InputError(
        f"{path}: record {position}: {reason}",
        hint="check that this is a Telegram Desktop JSON export (result.json), or pass --format",
    )


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
            yield NameSeen(PLATFORM, chat.id, m.title, ts)
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
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(int(value), UTC).replace(tzinfo=None)
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
        return text, find_urls(text)
    parts: list[str] = []
    links: list[str] = []
    for piece in text:
        if isinstance(piece, str):
            parts.append(piece)
            continue
        parts.append(piece.text)
        if piece.type == "link":
            links.append(piece.text)
        elif piece.type == "text_link" and piece.href:
            links.append(piece.href)
    return "".join(parts), links


def _media(m: Message) -> tuple[str, str | None]:
    if m.poll is not None:
        return "poll", _media_json(poll_question=m.poll.question, total_voters=m.poll.total_voters)
    if m.photo is not None:
        return "photo", _media_json(
            placeholder=bool(_PLACEHOLDER.match(m.photo)),
            file_size=m.photo_file_size,
            width=m.width,
            height=m.height,
        )
    if m.file is not None or m.media_type is not None:
        kind = _MEDIA_KIND.get(m.media_type or "", "document")
        return kind, _media_json(
            placeholder=bool(m.file and _PLACEHOLDER.match(m.file)),
            file_name=m.file_name,
            file_size=m.file_size,
            mime_type=m.mime_type,
            duration_seconds=m.duration_seconds,
            width=m.width,
            height=m.height,
            sticker_emoji=m.sticker_emoji,
        )
    if m.location_information is not None:
        return "location", None
    if m.contact_information is not None:
        return "contact", None
    return "text", None


def _media_json(**fields: Any) -> str:
    return msgspec.json.encode({k: v for k, v in fields.items() if v is not None}).decode()


def _raw_text(m: Message, raw: bytes | None) -> str:
    return (raw or msgspec.json.encode(m)).decode("utf-8", "replace")


# -- the streaming fallback (any JSON layout) --------------------------------------------


def read_streaming(fh: IO[bytes], path: Path, zone: ZoneInfo) -> Iterator[Item]:
    """Walk the JSON events; build one message at a time; never the whole file."""
    position = 0
    chat_fields: dict[str, Any] = {}
    chat: Chat | None = None
    builder: ijson.ObjectBuilder | None = None
    depth_prefix = ""
    events = ijson.parse(fh, use_float=True)
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
                chat = _chat_from_fields(chat_fields, path, position)
                yield from _chat_names(chat)
            elif prefix.endswith("messages") and event == "end_array":
                chat, chat_fields = None, {}
            elif event in ("string", "number") and prefix.rsplit(".", 1)[-1] in _HEADER_KEYS:
                chat_fields[prefix.rsplit(".", 1)[-1]] = value
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
    if "id" not in fields:
        raise _unreadable(path, position, "a messages list without a chat id")
    return Chat(str(fields["id"]), fields.get("name"), fields.get("type"))


def _streamed_message(
    chat: Chat | None, obj: Any, position: int, zone: ZoneInfo
) -> Iterator[Item]:
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
