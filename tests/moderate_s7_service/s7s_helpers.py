"""Helpers of the session-7 moderation service tests (imported as a plain module)."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import duckdb
from perf_s6_helpers import open_service
from service_more_helpers import DEFAMATORY, ON_TOPIC, fresh_text

from mutewatch.moderate.service import (
    _AUTHOR_SCAN_SQL,
    GENESIS_HASH,
    RECORD_KEYS,
    ModerationService,
    payload_text,
)

__all__ = ["open_service"]  # shared with tests/moderate_perf_s6

TEXTS = {"reject": "You are an idiot and a moron.", "hold": DEFAMATORY, "publish": ON_TOPIC}
"""A text the small policy rejects (personal), one it holds, one it publishes."""


def con_of(svc: ModerationService) -> duckdb.DuckDBPyConnection:
    con: duckdb.DuckDBPyConnection = svc.access.read(lambda c: c)
    return con


def post(svc: ModerationService, decision: str, name: str, email: str | None = None) -> str:
    """Submit a comment the machine decides ``decision`` on; its id."""
    record = {
        "article_id": "a1",
        "author_name": name,
        "text": fresh_text(TEXTS[decision]),
        "email": email,
    }
    result = svc.submit_comment(record, "viewer1")
    assert result["decision"] == decision, result
    return str(result["id"])


def old_release_approve(con: duckdb.DuckDBPyConnection, comment_id: str, release: int) -> None:
    """Publish a comment as a moderator's approve does in an older release: the comment,
    its decision and a chained audit entry, but not the author counts (release 6, the last
    before them, which moves the audit head's ``audit_id``; release 5, before the head,
    which does not even that)."""
    con.execute("BEGIN TRANSACTION")
    con.execute(
        "UPDATE mod_comments SET status = 'published', updated_at = now() WHERE comment_id = ?",
        [comment_id],
    )
    con.execute(
        "INSERT INTO mod_decisions VALUES (nextval('mod_decision_ids'), ?, 1, 'mod0',"
        " 'publish', 'fine', '[]', NULL, '{}', now())",
        [comment_id],
    )
    append_old_entry(con, comment_id, move_head=release >= 6)
    con.execute("COMMIT")


def append_old_entry(con: duckdb.DuckDBPyConnection, comment_id: str, move_head: bool) -> None:
    """An audit entry chained as releases 5-7 chain it (onto the entry of the highest id)."""
    row = con.execute(
        "SELECT nextval('mod_audit_ids'), (SELECT hash FROM mod_audit"
        " WHERE audit_id = (SELECT max(audit_id) FROM mod_audit))"
    ).fetchone()
    assert row is not None
    audit_id, prev = int(row[0]), str(row[1] or GENESIS_HASH)
    if move_head:
        con.execute("UPDATE mod_audit_head SET audit_id = ? WHERE k = 1", [audit_id])
    now = datetime(2026, 11, 29, 12, 0, 0)
    texts = ["mod0", "approve", comment_id, "a1", None, "fine", None]
    digest = hashlib.sha256(payload_text(audit_id, now, texts, prev).encode()).hexdigest()
    con.execute(
        "INSERT INTO mod_audit (audit_id, logged_at, actor, action, comment_id, article_id,"
        " clause, note, submitted_by, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [audit_id, now, *texts, prev, digest],
    )


def records(svc: ModerationService) -> dict[str, dict[str, Any]]:
    """Each queue item's author record (without ``matched_on``), checked against the same
    records counted from the comments themselves (``scanned``)."""
    got = {i["id"]: i["author_record"] for i in svc.queue(limit=500)["items"]}
    for record in got.values():
        record.pop("matched_on")
    assert got == scanned(svc)
    return got


def scanned(svc: ModerationService) -> dict[str, dict[str, Any]]:
    """The held comments' author records counted from the comments (the queue's fallback)."""
    con = con_of(svc)
    rows = con.execute(
        "SELECT comment_id, email, author_name FROM mod_comments WHERE status = 'held'"
    ).fetchall()
    params = [[r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]]
    got = con.execute(_AUTHOR_SCAN_SQL, params).fetchall()
    return {r[0]: dict(zip(RECORD_KEYS, r[1:], strict=True)) for r in got}
