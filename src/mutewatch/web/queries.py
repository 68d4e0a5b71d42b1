"""Read-only queries the API and the dashboard need beyond the measurement library.

Every function takes a read-only ``Store`` (a snapshot cursor) and returns JSON-ready data.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from mutewatch.errors import NotFoundError, UsageError
from mutewatch.store import Store, iso_utc

MAX_OFFSET = 10**9
URL_RE = re.compile(r"\b((?:https?|ftp|tg)://[^\s<>\"']+|www\.[^\s<>\"']+)", re.IGNORECASE)


def jsonable(value: Any) -> Any:
    """Make query results JSON-ready: datetimes as ISO 8601 (UTC, ``Z``), decimals as floats."""
    if isinstance(value, datetime):
        return value.isoformat() + ("Z" if value.tzinfo is None else "")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def defang(text: str) -> str:
    """Defang URLs in text: ``https://example.org`` becomes ``hxxps://example[.]org``."""

    def one(match: re.Match[str]) -> str:
        url = match.group(0)
        scheme, sep, rest = url.partition("://")
        if not sep:
            scheme, rest = "", url
        host, slash, path = rest.partition("/")
        host = host.replace(".", "[.]")
        scheme = re.sub(r"^http", "hxxp", scheme, flags=re.IGNORECASE)
        scheme = re.sub(r"^ftp", "fxp", scheme, flags=re.IGNORECASE)
        return (f"{scheme}://" if sep else "") + host + slash + path

    return URL_RE.sub(one, text)


def status(store: Store) -> dict[str, Any]:
    """The same figures as ``mutewatch status --json`` (the store's ``status()`` if present)."""
    reader = getattr(store, "status", None)
    if callable(reader):
        return jsonable(reader())  # type: ignore[no-any-return]
    row = store.rows(
        """
        SELECT count(*) AS posts,
               count(*) FILTER (WHERE official) AS official_posts,
               count(*) FILTER (WHERE NOT coalesce(official, FALSE)) AS supporter_posts,
               min(ts) AS first, max(ts) AS last
        FROM posts
        """
    )[0]
    row["quarantined"] = store.scalar("SELECT count(*) FROM quarantine")
    row["outlets"] = store.scalar("SELECT count(*) FROM outlets")
    row["accounts"] = store.scalar("SELECT count(*) FROM accounts")
    row["sources"] = store.scalar("SELECT count(*) FROM sources")
    return jsonable(row)  # type: ignore[no-any-return]


def outlets(store: Store) -> dict[str, Any]:
    """Every outlet with its accounts, posts, first and last post."""
    rows = store.rows(
        """
        SELECT o.outlet_id, o.name, o.official, o.region, o.registered,
               (SELECT count(*) FROM accounts a WHERE a.outlet_id = o.outlet_id) AS accounts,
               count(p.message_id) AS posts, min(p.ts) AS first, max(p.ts) AS last
        FROM outlets o LEFT JOIN posts p ON p.outlet_id = o.outlet_id
        GROUP BY ALL ORDER BY o.official DESC, posts DESC, o.name
        """
    )
    return {"outlets": jsonable(rows)}


def outlet_list(store: Store) -> dict[str, Any]:
    """Every outlet as ``mutewatch outlets list --json`` prints it (the same library call)."""
    from mutewatch.outlets import list_outlets

    rows = list_outlets(store)
    for row in rows:
        row["first"], row["last"] = iso_utc(row["first"]), iso_utc(row["last"])
    return {"outlets": jsonable(rows)}


def outlet_detail(store: Store, outlet_id: int) -> dict[str, Any]:
    """One outlet: its accounts, every name they had, and its daily posts."""
    found = store.rows("SELECT * FROM outlets WHERE outlet_id = ?", [outlet_id])
    if not found:
        raise NotFoundError(f"no outlet with id {outlet_id}", hint="list them at /api/v1/outlets")
    accounts = store.rows(
        "SELECT platform, account_id, name, chat_type, first_seen, last_seen FROM accounts "
        "WHERE outlet_id = ? ORDER BY first_seen, platform, account_id",
        [outlet_id],
    )
    names = store.rows(
        "SELECT n.platform, n.account_id, n.name, n.first_seen, n.last_seen "
        "FROM account_names n JOIN accounts a USING (platform, account_id) "
        "WHERE a.outlet_id = ? ORDER BY n.account_id, n.first_seen, n.platform, n.name",
        [outlet_id],
    )
    daily = store.rows(
        "SELECT CAST(ts AS DATE) AS day, count(*) AS posts, "
        "count(*) FILTER (WHERE forwarded_from IS NULL) AS releases "
        "FROM posts WHERE outlet_id = ? GROUP BY ALL ORDER BY day",
        [outlet_id],
    )
    return jsonable({"outlet": found[0], "accounts": accounts, "names": names, "daily": daily})  # type: ignore[no-any-return]


def parse_time(value: str | None, name: str) -> datetime | None:
    """Parse an ISO date or datetime query parameter (UTC)."""
    if value in (None, ""):
        return None
    assert value is not None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise UsageError(
            f"{name}={value!r} is not a date", hint="use YYYY-MM-DD or YYYY-MM-DDTHH:MM"
        ) from exc
    if parsed.tzinfo is not None:  # 09:00+05:00 is 04:00 UTC, not 09:00
        parsed = parsed.astimezone(UTC)
    return parsed.replace(tzinfo=None)


def check_window(since: datetime | None, until: datetime | None, asked: str) -> None:
    """Refuse a window whose end is not after its start (it selects nothing, and an empty
    answer would read as "no posts then"); ``asked`` names what was asked, for the message."""
    if since is not None and until is not None and until <= since:
        raise UsageError(
            f"{asked}: the end is not after the start, so nothing would be selected",
            hint="swap them, or give an end after the start",
        )


def search_posts(
    store: Store,
    *,
    q: str | None = None,
    outlet_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """Posts matching a case-insensitive substring search, newest first, links defanged."""
    if not 1 <= limit <= 500:
        raise UsageError(f"limit={limit} is out of range", hint="use 1..500")
    if offset < 0:
        raise UsageError(f"offset={offset} is negative", hint="use 0 or more")
    if offset > MAX_OFFSET:  # DuckDB's OFFSET is a 64-bit integer: a larger one failed there
        raise UsageError(f"offset={offset} is past any archive", hint=f"use 0..{MAX_OFFSET}")
    where: list[str] = ["TRUE"]
    params: list[Any] = []
    if q:
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append("p.text ILIKE ? ESCAPE '\\'")
        params.append(f"%{escaped}%")
    if outlet_id is not None:
        where.append("p.outlet_id = ?")
        params.append(outlet_id)
    if since is not None:
        where.append("p.ts >= ?")
        params.append(since)
    if until is not None:
        where.append("p.ts < ?")
        params.append(until)
    clause = " AND ".join(where)
    total = store.scalar(f"SELECT count(*) FROM posts p WHERE {clause}", params)
    rows = store.rows(
        f"""
        SELECT p.platform, p.account_id, a.name AS account_name, p.message_id, p.ts, p.kind,
               p.text, p.forwarded_from, p.outlet_id, o.name AS outlet, p.official, p.media
        FROM posts p LEFT JOIN accounts a USING (platform, account_id)
        LEFT JOIN outlets o ON o.outlet_id = p.outlet_id
        WHERE {clause} ORDER BY p.ts DESC, p.message_id DESC, p.platform, p.account_id
        LIMIT ? OFFSET ?
        """,
        [*params, limit, offset],
    )
    for row in rows:
        row["text"] = defang(row["text"] or "")
        row["media"] = _media_label(row.pop("media"), row["kind"])
    return jsonable({"total": total, "limit": limit, "offset": offset, "posts": rows})  # type: ignore[no-any-return]


def _media_label(media: str | None, kind: str) -> str | None:
    """A text label for a post's media: never a URL, never loaded."""
    if kind == "text" and not media:
        return None
    try:
        meta = json.loads(media) if media else {}
    except ValueError:
        meta = {}
    parts = [kind]
    if isinstance(meta, dict):  # the keys of model.MEDIA_TYPE, shown short
        for key, label in _MEDIA_LABELS:
            if meta.get(key) is not None:
                parts.append(f"{label}={meta[key]}")
        if meta.get("placeholder"):
            parts.append("not downloaded")
    return "[" + " ".join(str(p) for p in parts) + "]"


_MEDIA_LABELS = (("mime_type", "mime"), ("file_size", "size"), ("duration_seconds", "duration"))
