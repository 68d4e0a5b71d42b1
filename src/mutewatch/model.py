"""The canonical records every importer yields, whatever the platform.

An importer turns one file into a stream of these, each with its ``position``: the record's
0-based index in the file, which is what resume and quarantine refer to.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

MEDIA_KINDS = (
    "text",
    "photo",
    "video",
    "audio",
    "voice",
    "video_message",
    "animation",
    "sticker",
    "document",
    "poll",
    "location",
    "contact",
)


@dataclass(slots=True)
class Post:
    """One message, in the same shape for every platform. Times are naive UTC."""

    position: int
    platform: str
    account_id: str
    message_id: int
    ts: datetime
    kind: str = "text"
    text: str = ""
    links: list[str] = field(default_factory=list)
    edited: datetime | None = None
    time_from_local: bool = False
    forwarded_from: str | None = None
    reply_to: int | None = None
    author: str | None = None
    media: str | None = None  # JSON text of the media metadata (fields of MEDIA_TYPE)
    account_name: str | None = None  # the channel's name as this record shows it


@dataclass(slots=True)
class Quarantined:
    """A record that could not be read: kept whole, with the reason."""

    position: int
    reason: str
    raw: str
    platform: str | None = None
    account_id: str | None = None
    message_id: int | None = None  # when readable: a quarantined message is not an id gap


@dataclass(slots=True)
class Skipped:
    """A record that is not a post (service or unsupported message), counted and dropped."""

    position: int
    reason: str
    platform: str | None = None
    account_id: str | None = None
    message_id: int | None = None
    ts: datetime | None = None


@dataclass(slots=True)
class NameSeen:
    """An account was seen under a name at a time (chat header, title change, feed title).

    Not a record of the file: it has no position and is not counted.
    """

    platform: str
    account_id: str
    name: str
    at: datetime | None
    chat_type: str | None = None
    renamed: bool = False  # a title change at ``at``: the name holds from then to the next


# Media metadata of a post; stored as JSON text in the store.
MEDIA_TYPE = pa.struct(
    [
        ("placeholder", pa.bool_()),  # the file was not downloaded with the export
        ("file_name", pa.string()),
        ("file_size", pa.int64()),
        ("mime_type", pa.string()),
        ("duration_seconds", pa.int64()),
        ("width", pa.int64()),
        ("height", pa.int64()),
        ("sticker_emoji", pa.string()),
        ("poll_question", pa.string()),
        ("total_voters", pa.int64()),
    ]
)

# The columns of a PostBatch table, in order, with their Arrow types.
BATCH_SCHEMA = pa.schema(
    [
        ("position", pa.int64()),
        ("platform", pa.string()),
        ("account_id", pa.string()),
        ("message_id", pa.int64()),
        ("ts", pa.timestamp("us")),
        ("edited", pa.timestamp("us")),
        ("time_from_local", pa.bool_()),
        ("kind", pa.string()),
        ("text", pa.string()),
        ("forwarded_from", pa.string()),
        ("reply_to", pa.int64()),
        ("author", pa.string()),
        ("media", MEDIA_TYPE),
        ("account_name", pa.string()),
    ]
)
LINK_SCHEMA = pa.schema(
    [
        ("platform", pa.string()),
        ("account_id", pa.string()),
        ("message_id", pa.int64()),
        ("url", pa.string()),
    ]
)


@dataclass(slots=True)
class PostBatch:
    """Many posts in columns: what fast importers yield instead of one Post each.

    ``table`` follows BATCH_SCHEMA; ``links`` follows LINK_SCHEMA. Each row counts as one
    record of the file, at its ``position``.
    """

    table: pa.Table
    links: pa.Table
    # Records of the same block that are not posts (service, unsupported, quarantined,
    # title changes), in file order. They travel with the batch so that no cut between
    # batches falls inside a block: a resume position must never pass a record not written.
    others: list[Any] = field(default_factory=list)

    @classmethod
    def of(cls, posts: list[Post]) -> PostBatch:
        columns = {name: [getattr(p, name) for p in posts] for name in BATCH_SCHEMA.names}
        columns["media"] = [json.loads(m) if m else None for m in columns["media"]]
        links = [
            (p.platform, p.account_id, p.message_id, url)
            for p in posts
            for url in dict.fromkeys(p.links)
        ]
        return cls(
            pa.table(columns, schema=BATCH_SCHEMA),
            pa.table(
                {name: [row[i] for row in links] for i, name in enumerate(LINK_SCHEMA.names)},
                schema=LINK_SCHEMA,
            ),
        )

    def __len__(self) -> int:
        return int(self.table.num_rows)

    def posts(self) -> list[Post]:
        """The rows as Post records (for tests and small batches; slow on big ones)."""
        links: dict[tuple[str, str, int], list[str]] = {}
        for row in self.links.to_pylist():
            key = (row["platform"], row["account_id"], row["message_id"])
            links.setdefault(key, []).append(row["url"])
        return [
            Post(
                **{**row, "media": _media_json(row["media"])},
                links=links.get((row["platform"], row["account_id"], row["message_id"]), []),
            )
            for row in self.table.to_pylist()
        ]

    @property
    def last_position(self) -> int:
        return int(pc.max(self.table["position"]).as_py()) if len(self) else -1


def _media_json(media: dict[str, object] | None) -> str | None:
    if media is None:
        return None
    compact = {k: v for k, v in media.items() if v is not None}
    return json.dumps(compact, separators=(",", ":"), ensure_ascii=False)


Record = Post | Quarantined | Skipped | PostBatch
Item = Record | NameSeen


def record_weight(item: Item) -> int:
    """About the bytes a record holds that grow with its content, by which batches are
    bounded (the Telegram reader's joined batches, ingest's store batches): a post's text,
    links and media (UTF-8), a quarantined record's raw text, a PostBatch's Arrow tables;
    a name seen or a skipped record: none."""
    if isinstance(item, PostBatch):
        return int(item.table.nbytes) + int(item.links.nbytes)
    if isinstance(item, Post):
        texts = (item.text, *item.links, item.media or "")
        return sum(len(t.encode("utf-8", "surrogatepass")) for t in texts)
    if isinstance(item, Quarantined):
        return len(item.raw.encode("utf-8", "surrogatepass"))
    return 0
