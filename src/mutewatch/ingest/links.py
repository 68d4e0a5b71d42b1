"""Outbound links: url -> host -> host class.

Classes: telegram, onion (hidden service), file_host, paste, video, social, shortener,
other. The lists are deliberately short; researchers extend them by editing
``HOST_CLASSES`` here (read once, at import; a new class also bumps
``measure.derived.FORMAT``, below). No URL is ever fetched: a link is only parsed.

Telegram's own deep links (``tg://resolve?domain=name``, ``tg://join?invite=...``) open
in the app what a ``t.me`` link opens in a browser; the part after ``tg://`` is a command,
not a place, so such a link is given ``t.me``'s host (``TELEGRAM_LINK_HOST``) and class
telegram. The URL is stored as written.

``shortener`` holds link shorteners (t.co, bit.ly, ...): a shortened link names the
shortener, not the place its content is uploaded to, and mutewatch never follows it to find
out. Measurements say how many of the links they count are shortened (``platforms``,
``findings``). Stores keep each link's class: whoever adds a class bumps
``measure.derived.FORMAT`` and names it in ``measure.derived.ADDED_HOST_CLASSES``; the
next refresh of the derived tables moves stored ``other`` links into it
(``measure.derived.reclassify_links``, once per ``classes_digest``).
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

HOST_CLASSES: dict[str, tuple[str, ...]] = {
    "telegram": ("t.me", "telegram.me", "telegram.org", "telegra.ph", "telesco.pe"),
    "file_host": (
        "archive.org",
        "mediafire.com",
        "mega.nz",
        "mega.co.nz",
        "drive.google.com",
        "dropbox.com",
        "files.fm",
        "sendvid.com",
        "justpaste.it",  # file+paste hybrid; classed by its main use in the literature
        "top4top.io",
        "file.io",
        "anonfiles.com",
        "gofile.io",
        "files.example",
        "example-files.example",
    ),
    "paste": ("pastebin.com", "paste.ee", "ghostbin.com", "dpaste.org", "paste.example"),
    "video": (
        "youtube.com",
        "youtu.be",
        "vimeo.com",
        "dailymotion.com",
        "rumble.com",
        "bitchute.com",
        "odysee.com",
        "video.example",
    ),
    "social": (
        "twitter.com",
        "x.com",
        "facebook.com",
        "instagram.com",
        "tiktok.com",
        "vk.com",
        "rocket.chat",
        "social.example",
    ),
    # Link shorteners: the host seen is the shortener's, never the destination's. Only
    # general-purpose shorteners (and the platforms' own: t.co, fb.me, lnkd.in, wp.me);
    # youtu.be, t.me and the like name their platform and keep its class.
    "shortener": (
        "t.co",
        "bit.ly",
        "j.mp",
        "goo.gl",
        "ow.ly",
        "tinyurl.com",
        "is.gd",
        "buff.ly",
        "dlvr.it",
        "fb.me",
        "tiny.cc",
        "cutt.ly",
        "rebrand.ly",
        "lnkd.in",
        "shorturl.at",
        "wp.me",
        "short.example",
    ),
}

# Telegram's deep-link scheme and the host its links are counted under (see the module doc).
TELEGRAM_SCHEME = "tg:"
TELEGRAM_LINK_HOST = "t.me"

_CLASS_OF_SUFFIX = {host: cls for cls, hosts in HOST_CLASSES.items() for host in hosts}
_URL_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'\]\[)]+|\b[a-z2-7]{16,56}\.onion\b[^\s<>\"']*", re.I
)
_SCHEME_RE = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)


def classes_digest() -> str:
    """A short digest of the host lists: stored classes made under other lists are stale."""
    listed = "\n".join(f"{suffix} {cls}" for suffix, cls in sorted(_CLASS_OF_SUFFIX.items()))
    return hashlib.sha256(listed.encode()).hexdigest()[:16]


def host_of(url: str) -> str | None:
    """The lower-case host of a URL, without ``www.`` (``t.me`` for a ``tg:`` link); None
    when there is none."""
    candidate = url.strip()
    if candidate.lower().startswith(TELEGRAM_SCHEME):
        return TELEGRAM_LINK_HOST
    if not _SCHEME_RE.match(candidate):
        candidate = "http://" + candidate
    try:
        host = urlsplit(candidate).hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def classify_host(host: str | None) -> str:
    """The host class of a host: the longest listed suffix wins; .onion is always onion."""
    if not host:
        return "other"
    if host.endswith(".onion"):
        return "onion"
    parts = host.split(".")
    for start in range(len(parts) - 1):
        cls = _CLASS_OF_SUFFIX.get(".".join(parts[start:]))
        if cls:
            return cls
    return "other"


def host_class_sql(host: str) -> str:
    """SQL that gives ``classify_host`` of the host expression ``host``, row by row.

    Same rules: no host is other, ``.onion`` is onion, then the longest listed suffix that
    is the host or ends it after a dot.
    """
    listed = sorted(
        ((suffix, cls) for suffix, cls in _CLASS_OF_SUFFIX.items() if "." in suffix),
        key=lambda pair: -len(pair[0]),
    )
    whens = " ".join(
        f"WHEN {host} = {_sql_text(suffix)} OR suffix({host}, {_sql_text('.' + suffix)}) "
        f"THEN {_sql_text(cls)}"
        for suffix, cls in listed
    )
    return (
        f"CASE WHEN {host} IS NULL OR {host} = '' THEN 'other' "
        f"WHEN suffix({host}, '.onion') THEN 'onion' {whens} ELSE 'other' END"
    )


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def find_urls(text: str) -> list[str]:
    """URLs written in plain text (for formats without link entities)."""
    return [m.group(0).rstrip(".,;:!?") for m in _URL_RE.finditer(text)]
