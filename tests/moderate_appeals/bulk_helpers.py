"""A store with many comments, written in bulk SQL (no models run), for queue timings."""

from __future__ import annotations

import duckdb

from mutewatch.moderate.service import migrate_moderation, recount_moderation

CLAUSES_JSON = (
    '[{"clause": "personal", "fired": true, "score": 0.9, "threshold": 0.5,'
    ' "evidence": {"action": "reject"}},'
    ' {"clause": "irrelevant", "fired": false, "score": 0.1, "threshold": 0.5,'
    ' "evidence": {"action": "hold"}}]'
)


def fill(
    con: duckdb.DuckDBPyConnection,
    comments: int,
    authors: int = 19_997,
    *,
    with_author_counts: bool = True,
) -> None:
    """``comments`` comments on article a1 by ``authors`` authors (half the comments with an
    e-mail): 80% published, 10% held, 10% rejected; a machine decision each, a moderator's on every
    20th, an appeal on every 50th held; the machine fired ``personal`` on each. With
    ``with_author_counts`` the per-author counts are written as the service keeps them (the
    queue's fast path); without, the queue counts from the comments (its fallback)."""
    migrate_moderation(con)
    con.execute(
        "INSERT INTO mod_articles VALUES ('a1', 'Title', 'Body', NULL, now()::TIMESTAMP,"
        " now()::TIMESTAMP)"
    )
    con.execute(
        """
        INSERT INTO mod_comments
        SELECT 'c' || i, 'a1', NULL, 'Author ' || (i % $2),
               CASE WHEN i % 4 < 2 THEN 'user' || (i % $2) || '@example.org' END,
               'Placeholder comment text number ' || i, 1,
               CASE i % 10 WHEN 0 THEN 'held' WHEN 1 THEN 'rejected' ELSE 'published' END,
               CASE i % 10 WHEN 0 THEN 'hold' WHEN 1 THEN 'reject' ELSE 'publish' END,
               NULL, TIMESTAMP '2026-01-01' + to_seconds(i), TIMESTAMP '2026-01-01' + to_seconds(i)
        FROM range(1, $1 + 1) t(i)
        """,
        [comments, authors],
    )
    con.execute(
        """
        INSERT INTO mod_decisions
        SELECT row_number() OVER (), comment_id, 1, who, decision, 'reason', $1, 'v1', '{}',
               created_at
        FROM (SELECT comment_id, 'machine' AS who, decision, created_at FROM mod_comments
              UNION ALL
              SELECT comment_id, 'mod1', 'reject', created_at FROM mod_comments
              WHERE status = 'rejected' AND hash(comment_id) % 20 = 0)
        """,
        [CLAUSES_JSON],
    )
    con.execute(
        "INSERT INTO mod_fired SELECT comment_id, 'personal' FROM mod_decisions"
        " WHERE decided_by = 'machine'"
    )
    con.execute(
        "INSERT INTO mod_appeals SELECT comment_id, 'a note', 'viewer1', 'held', created_at"
        " FROM mod_comments WHERE status = 'held' AND hash(comment_id) % 50 = 0"
    )
    if with_author_counts:  # as `mutewatch moderate recount` leaves them: the fast path
        con.begin()
        recount_moderation(con)
        con.commit()
