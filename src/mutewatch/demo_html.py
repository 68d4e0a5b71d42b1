"""Synthetic Telegram Desktop HTML exports: the demo's chats written as HTML pages.

``write_html_export(folder, chat)`` writes a chat (the ``{"name", "type", "id",
"messages"}`` dict that ``mutewatch.demo.write_export`` writes as JSON) the way Telegram
Desktop writes its default HTML export: ``messages.html``, ``messages2.html``, ... of
``per_page`` messages each, with Telegram's markup (day separators, ``joined`` runs of one
sender, forwarded bodies, media wrappers, service messages, the chat name in the page
header) and the ``css/``, ``js/`` and ``images/`` files beside them. So one synthetic chat
can be ingested from both of its exports and the posts compared.

``offset=False`` writes the date titles of older exports (no ``UTC+hh:mm``: the JSON
``date``, the exporting machine's wall time). Unsupported messages become the service
message Telegram Desktop writes for them; records that are no JSON object (or of another
type) are left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

__all__ = ["write_html_export"]

_NOT_INCLUDED = "Not included, change data exporting settings to download."
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_JOIN_SECONDS = 900
_ESCAPES = {"\n": "<br>", '"': "&quot;", "&": "&amp;", "'": "&apos;", "<": "&lt;", ">": "&gt;"}
_ASSETS = {
    "css/style.css": "body { margin: 0 }\n",
    "js/script.js": "function CheckLocation() { return true; }\n",
    "images/media_photo.png": "placeholder image\n",
}
_TITLES = {
    "sticker": ("media_photo", "Sticker"),
    "animation": ("media_video", "Animation"),
    "video_file": ("media_video", "Video file"),
    "video_message": ("media_video", "Video message"),
    "voice_message": ("media_voice_message", "Voice message"),
    "audio_file": ("media_audio_file", "Audio file"),
}
_TYPES = ("message", "service", "unsupported")
_UNSUPPORTED = (
    "This message is not supported by this version of Telegram Desktop. "
    "Please update the application."
)
_TIMED = ("video_file", "video_message", "voice_message", "audio_file")  # status: duration
_WRAPS = {"sticker": "sticker_wrap", "animation": "animated_wrap", "video_file": "video_file_wrap"}


def _esc(text: str) -> str:
    return "".join(_ESCAPES.get(ch, ch) for ch in text)


def write_html_export(
    folder: Path | str,
    chat: dict[str, Any],
    *,
    tz: str = "UTC",
    offset: bool = True,
    per_page: int = 1000,
) -> list[Path]:
    """Write ``chat`` as a Telegram Desktop HTML export in ``folder``; the pages written.

    Date titles are the ``date_unixtime`` in ``tz`` with its offset (``offset=True``), or
    the JSON ``date`` as it stands (``offset=False``).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in _ASSETS.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    writer = _Writer(ZoneInfo(tz), offset)
    messages = [m for m in chat.get("messages", []) if _exported(m)]
    pages: list[Path] = []
    for start in range(0, max(len(messages), 1), per_page):
        number = start // per_page + 1
        path = folder / ("messages.html" if number == 1 else f"messages{number}.html")
        last = start + per_page >= len(messages)
        body = "".join(writer.message(m) for m in messages[start : start + per_page])
        path.write_text(_page(str(chat.get("name", "")), number, last, body), encoding="utf-8")
        pages.append(path)
    return pages


def _exported(message: Any) -> bool:
    return isinstance(message, dict) and message.get("type") in _TYPES


def _page(name: str, number: int, last: bool, body: str) -> str:
    before = (
        f'\n     <a class="pagination block_link" href="{_page_name(number - 1)}">'
        "\n      Previous messages\n     </a>\n"
        if number > 1
        else ""
    )
    after = (
        ""
        if last
        else f'\n     <a class="pagination block_link" href="{_page_name(number + 1)}">'
        "\n      Next messages\n     </a>\n"
    )
    return (
        '<!DOCTYPE html>\n<html>\n\n <head>\n\n  <meta charset="utf-8"/>\n'
        "<title>Exported Data</title>\n"
        '  <meta name="viewport" content="width=device-width, initial-scale=1.0"/>\n'
        '  <link href="css/style.css" rel="stylesheet"/>\n'
        '  <script src="js/script.js" type="text/javascript">\n  </script>\n\n </head>\n\n'
        ' <body onload="CheckLocation();">\n\n  <div class="page_wrap">\n\n'
        '   <div class="page_header">\n\n    <div class="content">\n\n'
        f'     <div class="text bold">\n{_esc(_header(name))}\n     </div>\n\n'
        "    </div>\n\n   </div>\n\n"
        '   <div class="page_body chat_page">\n\n    <div class="history">\n'
        f"{before}{body}{after}\n    </div>\n\n   </div>\n\n  </div>\n\n </body>\n\n</html>\n"
    )


def _header(name: str) -> str:
    """The chat's name as Telegram Desktop heads a page with it: the name, a space and the
    last name (empty but for a personal chat)."""
    return f"{name} " if name else ""


def _page_name(number: int) -> str:
    return "messages.html" if number == 1 else f"messages{number}.html"


class _Writer:
    """Telegram's markup of each message, with what carries over from the one before."""

    def __init__(self, zone: ZoneInfo, offset: bool) -> None:
        self.zone = zone
        self.offset = offset
        self.previous: dict[str, Any] | None = None
        self.day: str | None = None
        self.separators = 0

    def message(self, m: dict[str, Any]) -> str:
        out = self._separator(m)
        if m.get("type") != "message":
            self.previous = None
            return out + _service(m)
        joined = self._joins(m)
        self.previous = m
        return out + "".join(self._default(m, joined))

    def _when(self, m: dict[str, Any]) -> tuple[datetime | None, str]:
        """The message's local time and its date title."""
        if self.offset and m.get("date_unixtime") is not None:
            local = datetime.fromtimestamp(int(m["date_unixtime"]), self.zone)
            delta = local.utcoffset() or timedelta(0)
            minutes = int(delta.total_seconds()) // 60
            sign = "+" if minutes >= 0 else "-"
            zone = f" UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
            return local.replace(tzinfo=None), local.strftime("%d.%m.%Y %H:%M:%S") + zone
        try:
            local = datetime.fromisoformat(str(m.get("date")))
        except ValueError:
            return None, str(m.get("date"))
        return local, local.strftime("%d.%m.%Y %H:%M:%S")

    def _separator(self, m: dict[str, Any]) -> str:
        local, _ = self._when(m)
        if local is None:
            return ""
        day = f"{local.day} {_MONTHS[local.month - 1]} {local.year}"
        if day == self.day:
            return ""
        self.day = day
        self.separators += 1
        self.previous = None
        return (
            f'\n     <div class="message service" id="message-{self.separators}">\n\n'
            f'      <div class="body details">\n{day}\n      </div>\n\n     </div>\n'
        )

    def _joins(self, m: dict[str, Any]) -> bool:
        p = self.previous
        if p is None or p.get("from_id") != m.get("from_id") or not m.get("from_id"):
            return False
        if p.get("forwarded_from") != m.get("forwarded_from"):
            return False
        try:
            gap = abs(int(m["date_unixtime"]) - int(p["date_unixtime"]))
        except (KeyError, TypeError, ValueError):
            return False
        return gap <= (1 if m.get("forwarded_from") else _JOIN_SECONDS)

    def _default(self, m: dict[str, Any], joined: bool) -> Iterator[str]:
        _, title = self._when(m)
        css = "message default clearfix" + (" joined" if joined else "")
        yield f'\n     <div class="{css}" id="message{m.get("id")}">\n'
        if not joined:
            yield '\n      <div class="pull_left userpic_wrap">\n       <div class="userpic">'
            yield "</div>\n      </div>\n"
        yield '\n      <div class="body">\n'
        yield f'\n       <div class="pull_right date details" title="{_esc(title)}">\n'
        yield f"{title[11:16]}\n       </div>\n"
        if not joined:
            yield f'\n       <div class="from_name">\n{_esc(str(m.get("from") or ""))}\n'
            yield "       </div>\n"
        if m.get("forwarded_from"):
            yield '\n       <div class="pull_left forwarded userpic_wrap">\n       </div>\n'
            yield '\n       <div class="forwarded body">\n\n        <div class="from_name">\n'
            yield f"{_esc(str(m['forwarded_from']))}"
            yield f'<span class="date details" title="{_esc(title)}"> {_esc(title)}</span>'
            yield "\n        </div>\n"
        if m.get("reply_to_message_id"):
            reply = m["reply_to_message_id"]
            yield '\n       <div class="reply_to details">\nIn reply to '
            yield f'<a href="#go_to_message{reply}" onclick="return GoToMessage({reply})">'
            yield "this message</a>\n       </div>\n"
        yield _media(m)
        text = _text(m.get("text", ""))
        if text:
            yield f'\n       <div class="text">\n{text}\n       </div>\n'
        if m.get("author"):
            yield f'\n       <div class="signature details">\n{_esc(str(m["author"]))}\n'
            yield "       </div>\n"
        if m.get("forwarded_from"):
            yield "\n       </div>\n"
        yield "\n      </div>\n\n     </div>\n"


def _service(m: dict[str, Any]) -> str:
    actor = _esc(str(m.get("actor") or "Channel"))
    title = _esc(str(m.get("title") or ""))
    action = m.get("action")
    if m.get("type") == "unsupported":
        text = _UNSUPPORTED
    elif action == "pin_message":
        mid = m.get("message_id", 0)
        text = (
            f'{actor} pinned <a href="#go_to_message{mid}" '
            f'onclick="return GoToMessage({mid})">this message</a>'
        )
    elif action == "create_channel":
        text = f"Channel &laquo;{title}&raquo; created"
    elif action == "create_group":
        text = f"{actor} created group &laquo;{title}&raquo;"
    elif action == "edit_group_title":
        text = f"{actor} changed group title to &laquo;{title}&raquo;"
    elif action == "edit_group_photo":
        text = f"{actor} changed group photo"
    else:
        text = f"{actor}: {_esc(str(action))}"
    return (
        f'\n     <div class="message service" id="message{m.get("id")}">\n\n'
        f'      <div class="body details">\n{text}\n      </div>\n\n     </div>\n'
    )


def _text(text: Any) -> str:
    if isinstance(text, str):
        return _esc(text)
    return "".join(_esc(p) if isinstance(p, str) else _entity(p) for p in text or [])


def _entity(part: dict[str, Any]) -> str:
    kind, text = part.get("type"), _esc(str(part.get("text", "")))
    if kind == "link":
        return f'<a href="{text}">{text}</a>'
    if kind == "text_link":
        return f'<a href="{_esc(str(part.get("href", "")))}">{text}</a>'
    if kind == "hashtag":
        return f'<a href="" onclick="return ShowHashtag(&quot;{text[1:]}&quot;)">{text}</a>'
    if kind == "mention":
        return f'<a href="https://t.me/{text[1:]}">{text}</a>'
    if kind == "email":
        return f'<a href="mailto:{text}">{text}</a>'
    tag = {"bold": "strong", "italic": "em", "code": "code", "underline": "u"}.get(str(kind))
    return f"<{tag}>{text}</{tag}>" if tag else text


def _generic(classes: str, title: str, link: str | None, status: str = "") -> str:
    """Telegram's generic media block (a file, or a medium without a thumbnail)."""
    opening = (
        f'<a class="media clearfix pull_left block_link {classes}" href="{_esc(link)}">'
        if link
        else f'<div class="media clearfix pull_left {classes}">'
    )
    description = "" if link else f'<div class="description">{_NOT_INCLUDED}</div>'
    return (
        f'\n       <div class="media_wrap clearfix">\n{opening}<div class="fill pull_left">'
        f'</div><div class="body"><div class="title bold">{_esc(title)}</div>{description}'
        f'<div class="status details">{_esc(status)}</div></div>'
        f"{'</a>' if link else '</div>'}\n       </div>\n"
    )


def _wrapped(wrap: str, link: str, duration: str = "") -> str:
    played = f'<div class="video_duration">{duration}</div>' if duration else ""
    return (
        f'\n       <div class="media_wrap clearfix">\n<a class="{wrap} clearfix pull_left" '
        f'href="{_esc(link)}">{played}<img class="photo" src="{_esc(link)}_thumb.jpg"/></a>'
        "\n       </div>\n"
    )


def _duration_text(seconds: int) -> str:
    """A duration as Telegram Desktop writes it: "00:15", "1:02:03"."""
    hours, rest = divmod(seconds, 3600)
    return (f"{hours}:" if hours else "") + f"{rest // 60:02d}:{rest % 60:02d}"


def _size_text(size: int) -> str:
    """A file size as Telegram Desktop writes it: to a tenth of a KB or MB."""
    if size >= 1 << 20:
        tenths = size * 10 // (1 << 20)
        return f"{tenths // 10}.{tenths % 10} MB"
    if size >= 1 << 10:
        tenths = size * 10 // (1 << 10)
        return f"{tenths // 10}.{tenths % 10} KB"
    return f"{size} B"


def _status(m: dict[str, Any], link: str | None) -> str:
    """A timed medium's status: its duration, and its size when it was not downloaded."""
    status = _duration_text(int(m.get("duration_seconds") or 0))
    if not link and m.get("file_size") is not None:
        status += ", " + _size_text(int(m["file_size"]))
    return status


def _media(m: dict[str, Any]) -> str:
    """The media block of a message from its JSON media fields (see the module docstring)."""
    if m.get("poll"):
        poll = m["poll"]
        return (
            '\n       <div class="media_wrap clearfix">\n<div class="media_poll">'
            f'<div class="question bold">{_esc(str(poll.get("question", "")))}</div>'
            '<div class="details">Final results</div>'
            f'<div class="total details\t">{poll.get("total_voters", 0)} votes</div>'
            "</div>\n       </div>\n"
        )
    if m.get("location_information") is not None:
        return _generic("media_location", "Location", None, "0, 0")
    if m.get("contact_information") is not None:
        return _generic("media_contact", "Contact", None, "+0 000")
    photo, file = m.get("photo"), m.get("file")
    if photo is not None:
        placeholder = str(photo).startswith("(")
        return (
            _generic("media_photo", "Photo", None) if placeholder else _wrapped("photo_wrap", photo)
        )
    if file is None and m.get("media_type") is None:
        return ""
    link = None if file is None or str(file).startswith("(") else str(file)
    kind = m.get("media_type")
    timed = kind in _TIMED and m.get("duration_seconds") is not None
    if kind in _WRAPS and link:
        return _wrapped(_WRAPS[kind], link, _status(m, link) if timed else "")
    if kind in _TITLES:
        classes, title = _TITLES[kind]
        return _generic(classes, title, link, _status(m, link) if timed else "")
    return _generic("media_file", str(m.get("file_name") or "File"), link)
