"""The canonical records every importer yields, whatever the platform.

An importer turns one file into a stream of these, each with its ``position``: the record's
0-based index in the file, which is what resume and quarantine refer to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

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
    media: str | None = None  # JSON text of the media metadata
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


Record = Post | Quarantined | Skipped
Item = Post | Quarantined | Skipped | NameSeen
