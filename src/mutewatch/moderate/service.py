"""The moderation service: articles, comments, revisions, decisions, queue and audit log.

Everything lives in the store (DuckDB), in this component's own tables (``mod_*``), created by
``mutewatch.store.schema.migrate(con, component="moderate", ...)``. Each write is one
transaction, committed before the call returns: a comment acknowledged to a client survives a
crash. The audit log is append-only: nothing in mutewatch updates or deletes its rows.

Library use::

    from mutewatch.moderate.service import ModerationService
    svc = ModerationService.open("mutewatch.duckdb")
    svc.add_article("a1", "Title", "Body text", actor="cli")
    result = svc.submit_comment({"article_id": "a1", "author_name": "Ana Silva",
                                 "text": "A fair point about the budget."})
    print(result["decision"])
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from mutewatch.errors import InputError, NotFoundError, StoreError, UsageError
from mutewatch.moderate.checks import CommentInput, Decision, Moderator, Topic
from mutewatch.moderate.models import embedder
from mutewatch.moderate.policy import Policy, load_policy
from mutewatch.store.schema import migrate

MIGRATIONS: list[str] = [
    """
    CREATE TABLE IF NOT EXISTS mod_articles (
        article_id VARCHAR PRIMARY KEY,
        title VARCHAR NOT NULL,
        body VARCHAR NOT NULL,
        embedding FLOAT[],
        created_at TIMESTAMP NOT NULL,
        updated_at TIMESTAMP NOT NULL
    );
    CREATE SEQUENCE IF NOT EXISTS mod_comment_ids START 1;
    CREATE TABLE IF NOT EXISTS mod_comments (
        comment_id VARCHAR PRIMARY KEY,
        article_id VARCHAR NOT NULL,
        parent_id VARCHAR,
        author_name VARCHAR NOT NULL,
        email VARCHAR,
        text VARCHAR NOT NULL,               -- the current text (latest revision)
        revision INTEGER NOT NULL,
        status VARCHAR NOT NULL,             -- published | held | rejected
        decision VARCHAR NOT NULL,           -- the machine's decision on submission
        embedding FLOAT[],
        created_at TIMESTAMP NOT NULL,
        updated_at TIMESTAMP NOT NULL
    );
    CREATE TABLE IF NOT EXISTS mod_revisions (
        comment_id VARCHAR NOT NULL,
        revision INTEGER NOT NULL,
        text VARCHAR NOT NULL,
        editor VARCHAR NOT NULL,             -- the commenter's name for revision 1
        note VARCHAR,
        created_at TIMESTAMP NOT NULL,
        PRIMARY KEY (comment_id, revision)
    );
    CREATE SEQUENCE IF NOT EXISTS mod_decision_ids START 1;
    CREATE TABLE IF NOT EXISTS mod_decisions (
        decision_id BIGINT PRIMARY KEY,
        comment_id VARCHAR NOT NULL,
        revision INTEGER NOT NULL,
        decided_by VARCHAR NOT NULL,         -- machine | the moderator's user name
        decision VARCHAR NOT NULL,           -- publish | hold | reject
        reason VARCHAR NOT NULL,
        clauses VARCHAR NOT NULL,            -- JSON list of {clause, score, threshold, fired, evidence}
        policy_version VARCHAR,
        model_versions VARCHAR,              -- JSON object
        created_at TIMESTAMP NOT NULL
    );
    CREATE SEQUENCE IF NOT EXISTS mod_audit_ids START 1;
    CREATE TABLE IF NOT EXISTS mod_audit (
        audit_id BIGINT PRIMARY KEY,
        at TIMESTAMP NOT NULL,
        actor VARCHAR NOT NULL,
        action VARCHAR NOT NULL,             -- article_added | submitted | approve | reject | edit
        comment_id VARCHAR,
        article_id VARCHAR,
        clause VARCHAR,
        note VARCHAR
    );
    """,
]

STATUS_OF = {"publish": "published", "hold": "held", "reject": "rejected"}
ACTIONS = ("approve", "reject", "edit")
THREAD_SIZE = 50
MAX_ID_CHARS = 200
MAX_TITLE_CHARS = 1000
MAX_BODY_CHARS = 200_000


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _text_field(
    record: dict[str, Any], key: str, *, limit: int, required: bool = True, what: str = "request"
) -> str | None:
    """A string field of a request: present (if required), a string, non-empty, not too long."""
    value = record.get(key)
    if value is None:
        if required:
            raise InputError(f"the {what} has no `{key}` field", hint=f"send `{key}` as a string")
        return None
    if not isinstance(value, str):
        raise InputError(f"the {what} field `{key}` must be a string, not {type(value).__name__}")
    if required and not value.strip():
        raise InputError(f"the {what} field `{key}` is empty", hint=f"send a non-empty `{key}`")
    if len(value) > limit:
        raise InputError(
            f"the {what} field `{key}` has {len(value)} characters; the limit is {limit}",
            hint="shorten it",
        )
    if "\x00" in value:
        raise InputError(f"the {what} field `{key}` contains a NUL character")
    return value


class ModerationService:
    """Comment moderation over one DuckDB connection (writes serialised by a lock)."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        policy: Policy | None = None,
        moderator: Moderator | None = None,
    ) -> None:
        self.con = con
        self.con.execute("SET TimeZone = 'UTC'")
        migrate(con, component="moderate", migrations=MIGRATIONS)
        self.policy = policy or load_policy()
        self._moderator = moderator
        self._lock = threading.RLock()

    @classmethod
    def open(cls, path: str | Path, policy: Policy | None = None) -> ModerationService:
        """Open (and migrate) the store file at ``path``."""
        try:
            con = duckdb.connect(str(path))
        except duckdb.Error as exc:
            raise StoreError(
                f"cannot open the store {path}: {exc}",
                hint="check the path, or stop the process holding its lock",
            ) from exc
        return cls(con, policy)

    @property
    def moderator(self) -> Moderator:
        """The policy engine (models load on first use)."""
        if self._moderator is None:
            self._moderator = Moderator(self.policy)
        return self._moderator

    def close(self) -> None:
        """Close the connection."""
        self.con.close()

    # --- reading ---------------------------------------------------------------------------

    def _rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        with self._lock:
            cur = self.con.execute(sql, params or [])
            names = [d[0] for d in cur.description or []]
            return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def article(self, article_id: str) -> dict[str, Any]:
        """One article (without its embedding); NotFoundError if unknown."""
        rows = self._rows(
            "SELECT article_id, title, body, created_at, updated_at FROM mod_articles"
            " WHERE article_id = ?",
            [article_id],
        )
        if not rows:
            raise NotFoundError(
                f"unknown article {article_id!r}",
                hint="add it first: POST /api/v1/articles or `mutewatch moderate articles add`",
            )
        return rows[0]

    def topic(self, article_id: str, parent_id: str | None = None) -> Topic:
        """The article's vector, its published thread (latest 50) and the parent comment."""
        rows = self._rows(
            "SELECT embedding FROM mod_articles WHERE article_id = ?", [article_id]
        )
        if not rows:
            self.article(article_id)  # raises NotFoundError
        article = np.asarray(rows[0]["embedding"], dtype=np.float32)
        thread_rows = self._rows(
            "SELECT embedding FROM mod_comments WHERE article_id = ? AND status = 'published'"
            " AND embedding IS NOT NULL ORDER BY created_at DESC LIMIT ?",
            [article_id, THREAD_SIZE],
        )
        thread = np.asarray(
            [r["embedding"] for r in thread_rows], dtype=np.float32
        ).reshape(-1, 384)
        parent = None
        if parent_id:
            prow = self._rows(
                "SELECT embedding FROM mod_comments WHERE comment_id = ?", [parent_id]
            )
            if prow and prow[0]["embedding"] is not None:
                parent = np.asarray(prow[0]["embedding"], dtype=np.float32)
        return Topic(article_id=article_id, article=article, thread=thread, parent=parent)

    def comment(self, comment_id: str) -> dict[str, Any]:
        """One comment's current state; NotFoundError if unknown."""
        rows = self._rows(
            "SELECT comment_id AS id, article_id, parent_id, author_name, text, revision, status,"
            " decision, created_at, updated_at FROM mod_comments WHERE comment_id = ?",
            [comment_id],
        )
        if not rows:
            raise NotFoundError(
                f"unknown comment {comment_id!r}", hint="list held comments at the queue"
            )
        return rows[0]

    def latest_decision(self, comment_id: str) -> dict[str, Any] | None:
        """The machine's latest decision on a comment, clauses decoded."""
        rows = self._rows(
            "SELECT decision, reason, clauses, policy_version, model_versions, created_at"
            " FROM mod_decisions WHERE comment_id = ? AND decided_by = 'machine'"
            " ORDER BY decision_id DESC LIMIT 1",
            [comment_id],
        )
        if not rows:
            return None
        row = rows[0]
        row["clauses"] = json.loads(row["clauses"])
        row["model_versions"] = json.loads(row["model_versions"] or "{}")
        return row

    def queue(self, limit: int = 50, offset: int = 0, clause: str | None = None) -> dict[str, Any]:
        """Held comments, oldest first, with the machine's evidence."""
        if not 1 <= limit <= 500 or offset < 0:
            raise UsageError("limit must be 1..500 and offset ≥ 0")
        rows = self._rows(
            "SELECT comment_id FROM mod_comments WHERE status = 'held'"
            " ORDER BY created_at, comment_id",
        )
        items = []
        for row in rows:
            item = self.comment(row["comment_id"])
            decision = self.latest_decision(row["comment_id"]) or {"clauses": []}
            fired = [c for c in decision["clauses"] if c["fired"]]
            if clause and clause not in {c["clause"] for c in fired}:
                continue
            item.update(reason=decision.get("reason"), clauses=fired)
            items.append(item)
        return {"total": len(items), "items": items[offset : offset + limit]}

    def history(self, comment_id: str) -> dict[str, Any]:
        """A comment's revisions, decisions and audit entries."""
        current = self.comment(comment_id)
        revisions = self._rows(
            "SELECT revision, text, editor, note, created_at FROM mod_revisions"
            " WHERE comment_id = ? ORDER BY revision",
            [comment_id],
        )
        decisions = self._rows(
            "SELECT decision_id, revision, decided_by, decision, reason, clauses, policy_version,"
            " model_versions, created_at FROM mod_decisions WHERE comment_id = ?"
            " ORDER BY decision_id",
            [comment_id],
        )
        for d in decisions:
            d["clauses"] = json.loads(d["clauses"])
            d["model_versions"] = json.loads(d["model_versions"] or "{}")
        return {
            "comment": current,
            "revisions": revisions,
            "decisions": decisions,
            "audit": self.audit(comment_id=comment_id),
        }

    def audit(self, comment_id: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        """Audit entries, newest first (optionally for one comment)."""
        where, params = ("WHERE comment_id = ?", [comment_id]) if comment_id else ("", [])
        return self._rows(
            f"SELECT audit_id, at, actor, action, comment_id, article_id, clause, note"
            f" FROM mod_audit {where} ORDER BY audit_id DESC LIMIT ?",
            [*params, limit],
        )

    # --- writing ---------------------------------------------------------------------------

    def _audit(
        self,
        actor: str,
        action: str,
        *,
        comment_id: str | None = None,
        article_id: str | None = None,
        clause: str | None = None,
        note: str | None = None,
    ) -> None:
        self.con.execute(
            "INSERT INTO mod_audit VALUES (nextval('mod_audit_ids'), ?, ?, ?, ?, ?, ?, ?)",
            [_now(), actor, action, comment_id, article_id, clause, note],
        )

    def add_article(self, record: dict[str, Any], actor: str) -> dict[str, Any]:
        """Create or replace an article ``{id, title, body}``; its embedding is stored."""
        article_id = _text_field(record, "id", limit=MAX_ID_CHARS, what="article")
        title = _text_field(record, "title", limit=MAX_TITLE_CHARS, what="article")
        body = _text_field(record, "body", limit=MAX_BODY_CHARS, what="article")
        assert article_id is not None and title is not None and body is not None
        vector = embedder().embed([f"{title}. {body}"])[0]
        now = _now()
        with self._lock:
            self.con.execute("BEGIN TRANSACTION")
            try:
                exists = self.con.execute(
                    "SELECT count(*) FROM mod_articles WHERE article_id = ?", [article_id]
                ).fetchone()
                self.con.execute(
                    "INSERT OR REPLACE INTO mod_articles VALUES (?, ?, ?, ?, "
                    "coalesce((SELECT created_at FROM mod_articles WHERE article_id = ?), ?), ?)",
                    [article_id, title, body, vector.tolist(), article_id, now, now],
                )
                action = "article_updated" if exists and exists[0] else "article_added"
                self._audit(actor, action, article_id=article_id)
                self.con.execute("COMMIT")
            except BaseException:
                self.con.execute("ROLLBACK")
                raise
        return {"id": article_id, "title": title, "created": action == "article_added"}

    def validate_comment(self, record: dict[str, Any]) -> CommentInput:
        """Check a comment request; InputError/NotFoundError say what is wrong."""
        if not isinstance(record, dict):
            raise InputError("the comment must be a JSON object")
        article_id = _text_field(record, "article_id", limit=MAX_ID_CHARS, what="comment")
        author = _text_field(
            record, "author_name", limit=self.policy.max_name_chars, what="comment"
        )
        text = _text_field(record, "text", limit=self.policy.max_text_chars, what="comment")
        _text_field(record, "email", limit=320, required=False, what="comment")
        parent_id = _text_field(
            record, "parent_id", limit=MAX_ID_CHARS, required=False, what="comment"
        )
        assert article_id is not None and author is not None and text is not None
        self.article(article_id)
        if parent_id:
            parent = self.comment(parent_id)
            if parent["article_id"] != article_id:
                raise InputError(
                    f"the parent comment {parent_id!r} belongs to article "
                    f"{parent['article_id']!r}, not {article_id!r}"
                )
        return CommentInput(
            id="", text=text, author_name=author, article_id=article_id, parent_id=parent_id
        )

    def submit_comment(self, record: dict[str, Any]) -> dict[str, Any]:
        """Validate, check and store a comment with its decision; returns the contract shape.

        The comment, its first revision, its decision and the audit entry are written in one
        transaction and committed before this returns.
        """
        comment = self.validate_comment(record)
        topic = self.topic(comment.article_id or "", comment.parent_id)
        [decision] = self.moderator.check([comment], [topic])
        with self._lock:
            self.con.execute("BEGIN TRANSACTION")
            try:
                seq = self.con.execute("SELECT nextval('mod_comment_ids')").fetchone()
                comment_id = f"c{seq[0] if seq else 0}"
                self._store_comment(comment_id, comment, record.get("email"), decision)
                self.con.execute("COMMIT")
            except BaseException:
                self.con.execute("ROLLBACK")
                raise
        out = decision.as_dict()
        out["id"] = comment_id
        return out

    def _store_comment(
        self, comment_id: str, c: CommentInput, email: Any, decision: Decision
    ) -> None:
        now = _now()
        vector = decision.embedding.tolist() if decision.embedding is not None else None
        self.con.execute(
            "INSERT INTO mod_comments VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)",
            [
                comment_id, c.article_id, c.parent_id, c.author_name, email, c.text,
                STATUS_OF[decision.decision], decision.decision, vector, now, now,
            ],
        )  # fmt: skip
        self.con.execute(
            "INSERT INTO mod_revisions VALUES (?, 1, ?, ?, NULL, ?)",
            [comment_id, c.text, c.author_name, now],
        )
        self._insert_decision(comment_id, 1, "machine", decision.as_dict(versions=True), now)
        fired = [x.clause for x in decision.clauses if x.fired]
        self._audit(
            "machine",
            f"submitted:{decision.decision}",
            comment_id=comment_id,
            article_id=c.article_id,
            clause=",".join(fired) or None,
            note=decision.reason,
        )

    def _insert_decision(
        self, comment_id: str, revision: int, by: str, d: dict[str, Any], now: datetime
    ) -> None:
        self.con.execute(
            "INSERT INTO mod_decisions VALUES (nextval('mod_decision_ids'), ?, ?, ?, ?, ?, ?, ?,"
            " ?, ?)",
            [
                comment_id, revision, by, d["decision"], d["reason"],
                json.dumps(d.get("clauses", []), ensure_ascii=False, sort_keys=True),
                d.get("policy_version"), json.dumps(d.get("model_versions", {}), sort_keys=True),
                now,
            ],
        )  # fmt: skip

    def act(self, comment_id: str, record: dict[str, Any], actor: str) -> dict[str, Any]:
        """A moderator's action ``{action: approve|reject|edit, text?, note, clause?}``.

        ``edit`` stores the new text as a new revision (the original stays) and publishes it.
        Every action is appended to the audit log with the moderator's name.
        """
        if not isinstance(record, dict):
            raise InputError("the action must be a JSON object")
        action = record.get("action")
        if action not in ACTIONS:
            raise InputError(
                f"unknown action {action!r}", hint=f"use one of {', '.join(ACTIONS)}"
            )
        if not isinstance(record.get("note"), str):
            raise InputError(
                "the action has no `note` string", hint="say why, e.g. \"note\": \"on topic\""
            )
        note = _text_field(record, "note", limit=2000, required=False, what="action")
        clause = _text_field(record, "clause", limit=50, required=False, what="action")
        text = None
        if action == "edit":
            text = _text_field(record, "text", limit=self.policy.max_text_chars, what="action")
        current = self.comment(comment_id)
        now = _now()
        status = "rejected" if action == "reject" else "published"
        decision = "reject" if action == "reject" else "publish"
        with self._lock:
            self.con.execute("BEGIN TRANSACTION")
            try:
                revision = int(current["revision"])
                if text is not None:
                    revision += 1
                    self.con.execute(
                        "INSERT INTO mod_revisions VALUES (?, ?, ?, ?, ?, ?)",
                        [comment_id, revision, text, actor, note, now],
                    )
                self.con.execute(
                    "UPDATE mod_comments SET status = ?, text = ?, revision = ?, updated_at = ?"
                    " WHERE comment_id = ?",
                    [status, text or current["text"], revision, now, comment_id],
                )
                self._insert_decision(
                    comment_id,
                    revision,
                    actor,
                    {"decision": decision, "reason": note or f"moderator: {action}"},
                    now,
                )
                self._audit(
                    actor, action, comment_id=comment_id, article_id=current["article_id"],
                    clause=clause, note=note,
                )  # fmt: skip
                self.con.execute("COMMIT")
            except BaseException:
                self.con.execute("ROLLBACK")
                raise
        return self.comment(comment_id)
