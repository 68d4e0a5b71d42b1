"""The moderation service: articles, comments, revisions, decisions, queue and audit log.

Everything lives in the store (DuckDB), in this component's own tables (``mod_*``), created by
``mutewatch.store.schema.migrate(con, component="moderate", ...)``. Each write is one
transaction, committed before the call returns: a comment acknowledged to a client survives a
crash. The audit log is append-only: nothing in mutewatch updates or deletes its rows.

The service reaches the store through an *access*: ``DirectAccess`` over one connection (the
CLI, tests), or ``GatewayAccess`` over the web server's ``StoreGateway`` (writes run in its
single writer against the main file; reads come from its snapshot). Everything a decision
depends on (the article, the thread) is read inside the write transaction itself, so a comment
is never stored against an article that does not exist: from the store, or from the
service's ``TopicCache`` when the transaction finds the store in the very state the cache
holds (the id of the last audit entry, which every write of this module appends).

Library use::

    from mutewatch.moderate.service import ModerationService
    svc = ModerationService.open("mutewatch.duckdb")
    svc.add_article("a1", "Title", "Body text", actor="cli")
    result = svc.submit_comment({"article_id": "a1", "author_name": "Ana Silva",
                                 "text": "A fair point about the budget."})
    print(result["decision"])
"""

from __future__ import annotations

import contextlib
import difflib
import gc
import hashlib
import json
import os
import random
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple, Protocol, TypeVar

import duckdb
import numpy as np
import numpy.typing as npt

from mutewatch.errors import (
    ConflictError,
    InputError,
    NotFoundError,
    StoreBusyError,
    StoreError,
    UsageError,
)
from mutewatch.moderate import _textview
from mutewatch.moderate._limits import (
    MAX_BODY_CHARS,
    MAX_EMAIL_CHARS,
    MAX_ID_CHARS,
    MAX_NOTE_CHARS,
    MAX_TITLE_CHARS,
)
from mutewatch.moderate.checks import CommentInput, Decision, Moderator, Topic, thread_copies
from mutewatch.moderate.models import embedder
from mutewatch.moderate.policy import CLAUSES, SEVERITY, Policy, load_policy
from mutewatch.store.schema import current_version, migrate

GENESIS_HASH = "0" * 64
"""The ``prev_hash`` of the first moderation audit entry."""


AUDIT_FIELDS = (
    "actor", "action", "comment_id", "article_id", "clause", "note", "submitted_by",
)  # fmt: skip
"""The text columns of an audit entry, in the order its hash covers them."""
TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def audit_payload(row: str = "", prev: str = "prev_hash") -> str:
    """The SQL expression of the text an audit entry's ``hash`` is the SHA-256 of.

    ``audit_id|logged_at|actor|...|submitted_by|prev``: the id in decimal, the time to the
    microsecond, each text column as the upper-case hex of its UTF-8 bytes (``-`` for
    NULL), and ``prev``, the hash of the entry before (``row`` prefixes the columns, e.g.
    ``"o."``). Hex leaves nothing to escape, so ``payload_text`` builds the same text in
    Python. The migration that chained existing entries and the verification build it here,
    and every insert in ``payload_text``: never change either, or every stored chain breaks.
    """
    texts = [f"coalesce(hex({row}{name}), '-')" for name in AUDIT_FIELDS]
    parts = [f"{row}audit_id", f"strftime({row}logged_at, '{TIME_FORMAT}')", *texts, prev]
    return f"concat_ws('|', {', '.join(parts)})"


def payload_text(audit_id: int, logged_at: datetime, texts: list[str | None], prev: str) -> str:
    """The text ``audit_payload`` gives for these values (``texts`` in AUDIT_FIELDS order)."""
    hexed = ["-" if t is None else t.encode("utf-8").hex().upper() for t in texts]
    return "|".join([str(audit_id), logged_at.strftime(TIME_FORMAT), *hexed, prev])


AUTHOR_KEY = "md5_number_lower({kind} || ':' || {author})"
"""The ``author_key`` of an author: an integer the queue's lookups compare (comparing the
texts of every row took 10-20 ms at 300k comments); MD5, unlike ``hash()``, is the same in
every DuckDB version."""
AUTHOR_COUNTS_SQL = f"""
SELECT {AUTHOR_KEY.format(kind="kind", author="author")}, kind, author, status,
       coalesce(h.moderated, false), count(*) FROM (
    SELECT 'name' AS kind, author_name AS author, status, comment_id FROM mod_comments
    UNION ALL
    SELECT 'email', lower(email), status, comment_id FROM mod_comments WHERE email IS NOT NULL
) c LEFT JOIN (SELECT comment_id, true AS moderated FROM mod_decisions
               WHERE decided_by <> 'machine' GROUP BY comment_id) h USING (comment_id)
GROUP BY ALL
"""
"""The rows of ``mod_author_counts`` counted from the stored comments and decisions."""
FIRED_SQL = """
SELECT comment_id, c.clause FROM (
    SELECT comment_id,
           unnest(from_json(clauses, '[{"clause": "VARCHAR", "fired": "BOOLEAN"}]')) AS c
    FROM mod_decisions WHERE decided_by = 'machine'
) WHERE c.fired
"""
"""The rows of ``mod_fired`` worked out from the machine's stored decisions."""
HEAD_RESET_SQL = f"""
UPDATE mod_audit_head SET audit_id = e.last, last_id = e.last, last_hash = e.hash,
       counted = true, comments = (SELECT count(*) FROM mod_comments)
FROM (SELECT coalesce(max(audit_id), 0) AS last,
             coalesce(arg_max(hash, audit_id), '{GENESIS_HASH}') AS hash FROM mod_audit) e
WHERE k = 1
"""
"""The audit head set to the log's last entry, with the author counts marked complete (run
after counting them afresh, in the same transaction)."""
STATUS_COUNTS_SQL = """
SELECT count(*) AS comments, count(*) FILTER (WHERE status = 'held') AS held,
       count(*) FILTER (WHERE status = 'published') AS published,
       count(*) FILTER (WHERE status = 'rejected') AS rejected
FROM mod_comments
"""
"""The comments and how many have each status: what the audit head keeps (MIGRATIONS 9)
and ``COUNTS_CURRENT_SQL`` compares it with (about 2 ms at 300k comments, measured)."""
HEAD_STATUS_SQL = f"""
UPDATE mod_audit_head SET held = s.held, published = s.published, rejected = s.rejected
FROM ({STATUS_COUNTS_SQL}) s WHERE k = 1
"""
"""The audit head's comments by status set to the stored comments' (with HEAD_RESET_SQL)."""

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
        clauses VARCHAR NOT NULL,            -- JSON [{clause, score, threshold, fired, evidence}]
        policy_version VARCHAR,
        model_versions VARCHAR,              -- JSON object
        created_at TIMESTAMP NOT NULL
    );
    CREATE SEQUENCE IF NOT EXISTS mod_audit_ids START 1;
    CREATE TABLE IF NOT EXISTS mod_audit (
        audit_id BIGINT PRIMARY KEY,
        logged_at TIMESTAMP NOT NULL,
        actor VARCHAR NOT NULL,
        action VARCHAR NOT NULL,             -- article_added | submitted | approve | reject | edit
        comment_id VARCHAR,
        article_id VARCHAR,
        clause VARCHAR,
        note VARCHAR
    );
    """,
    # who submitted a comment (the signed-in API user, or `cli`): the `submitted:*` rows'
    # actor is `machine`, the decider; this says on whose behalf. NULL on other rows.
    "ALTER TABLE mod_audit ADD COLUMN IF NOT EXISTS submitted_by VARCHAR;",
    # the audit log's hash chain (as the access audit's): each entry's `hash` is the SHA-256
    # of its columns and `prev_hash`, the hash of the entry before it (by audit_id). Entries
    # written before this migration are chained here, in audit_id order (measured: about 5 s
    # per 100k entries on the shared 2-core machine, once).
    f"""
    ALTER TABLE mod_audit ADD COLUMN IF NOT EXISTS prev_hash VARCHAR;
    ALTER TABLE mod_audit ADD COLUMN IF NOT EXISTS hash VARCHAR;
    UPDATE mod_audit SET prev_hash = c.prev_hash, hash = c.hash FROM (
        WITH RECURSIVE o AS MATERIALIZED (
            SELECT *, row_number() OVER (ORDER BY audit_id) AS n FROM mod_audit
        ),
        chain(n, audit_id, prev_hash, hash) AS (
            SELECT n, audit_id, '{GENESIS_HASH}',
                   sha256({audit_payload("o.", f"'{GENESIS_HASH}'")})
            FROM o WHERE n = 1
            UNION ALL
            SELECT o.n, o.audit_id, chain.hash, sha256({audit_payload("o.", "chain.hash")})
            FROM chain JOIN o ON o.n = chain.n + 1
        )
        SELECT audit_id, prev_hash, hash FROM chain
    ) AS c WHERE mod_audit.audit_id = c.audit_id;
    """,
    # a reader's appeal against the machine's decision (at most one per comment): the note,
    # who sent it (the API user who submitted the comment), the status it had before, when.
    """
    CREATE TABLE IF NOT EXISTS mod_appeals (
        comment_id VARCHAR PRIMARY KEY,
        note VARCHAR NOT NULL,
        appealed_by VARCHAR NOT NULL,
        prior_status VARCHAR NOT NULL,       -- held | rejected (the machine's decision)
        appealed_at TIMESTAMP NOT NULL
    );
    """,
    # the clauses that fired in the machine's decision on each comment, one row each: the
    # queue's clause filter reads them instead of parsing every held comment's JSON (which
    # took 200-400 ms with 30k held comments, measured). Filled from the stored decisions
    # here, and on each submission from then on (the machine decides only then).
    f"""
    CREATE TABLE IF NOT EXISTS mod_fired (
        comment_id VARCHAR NOT NULL,
        clause VARCHAR NOT NULL
    );
    INSERT INTO mod_fired {FIRED_SQL};
    """,
    # the audit log's head: one row, which every audit entry updates in its own transaction.
    # Two connections appending at once (two services on one file in one process) then
    # conflict, and the second retries, instead of both chaining onto the same entry (a fork
    # that verification reports as a broken log).
    """
    CREATE TABLE IF NOT EXISTS mod_audit_head (k INTEGER PRIMARY KEY, audit_id BIGINT NOT NULL);
    INSERT OR IGNORE INTO mod_audit_head (k, audit_id)
    SELECT 1, coalesce((SELECT max(audit_id) FROM mod_audit), 0);
    """,
    # each author's comments counted by status and whether a moderator decided them, once
    # under the author's name and once under the case-folded e-mail (when given): each write
    # of this module appends the changes it makes (+1 for a new comment; -1 and +1 when one
    # changes status), and the queue's author records add up the rows of the page's authors
    # instead of matching them against every comment (60-140 ms at 300k comments, measured).
    # Appending costs a plain insert (about 1 ms); updating rows in place (ON CONFLICT DO
    # UPDATE) cost 5-8 ms per comment. Counted here from the stored comments. And the
    # decisions get an index on comment_id: a comment's status, history and clause read its
    # decisions by comment, which scanned them all.
    f"""
    CREATE TABLE IF NOT EXISTS mod_author_counts (
        author_key UBIGINT NOT NULL,         -- AUTHOR_KEY of kind and author
        kind VARCHAR NOT NULL,               -- name | email
        author VARCHAR NOT NULL,             -- the author_name, or lower(email)
        status VARCHAR NOT NULL,             -- published | held | rejected
        moderated BOOLEAN NOT NULL,          -- a moderator decided the comment
        comments BIGINT NOT NULL             -- how many, or the change a write made
    );
    DELETE FROM mod_author_counts;
    INSERT INTO mod_author_counts {AUTHOR_COUNTS_SQL};
    CREATE INDEX IF NOT EXISTS mod_decisions_comment ON mod_decisions (comment_id);
    """,
    # the audit head also keeps what this release's writes know (each in the UPDATE that
    # moves the head, so no statement is added): the id and hash of the entry this release
    # appended last (``last_id``, ``last_hash``: a write chains onto them instead of looking
    # the last entry up in mod_audit, which a submission did by joining the whole log: its
    # store part took p50 83 -> 21 ms at 300k comments, measured), whether the
    # author counts are complete (``counted``) and how many comments they count. A write of
    # an older release moves ``audit_id`` past ``last_id`` (or, before migration 6, appends
    # past ``audit_id``): then ``counted`` turns false and stays false until
    # ``recount_moderation`` (``mutewatch moderate recount``). The counts are rebuilt here
    # (a release before migration 7 may have written since they were counted).
    f"""
    ALTER TABLE mod_audit_head ADD COLUMN IF NOT EXISTS last_id BIGINT;
    ALTER TABLE mod_audit_head ADD COLUMN IF NOT EXISTS last_hash VARCHAR;
    ALTER TABLE mod_audit_head ADD COLUMN IF NOT EXISTS counted BOOLEAN;
    ALTER TABLE mod_audit_head ADD COLUMN IF NOT EXISTS comments BIGINT;
    DELETE FROM mod_author_counts;
    INSERT INTO mod_author_counts {AUTHOR_COUNTS_SQL};
    {HEAD_RESET_SQL}
    """,
    # the audit head also counts the comments by status (each write of this release moves
    # them in the UPDATE that moves the head): a status changed by bulk SQL (an UPDATE of
    # mod_comments with no audit entry) leaves the comments by status unlike the head's,
    # which COUNTS_CURRENT_SQL sees, and the queue then counts authors from the comments
    # (their counts were stale) until `mutewatch moderate recount`. The author counts are
    # rebuilt here, as in migration 8 (bulk SQL may have changed a status before).
    f"""
    ALTER TABLE mod_audit_head ADD COLUMN IF NOT EXISTS held BIGINT;
    ALTER TABLE mod_audit_head ADD COLUMN IF NOT EXISTS published BIGINT;
    ALTER TABLE mod_audit_head ADD COLUMN IF NOT EXISTS rejected BIGINT;
    DELETE FROM mod_author_counts;
    INSERT INTO mod_author_counts {AUTHOR_COUNTS_SQL};
    {HEAD_RESET_SQL};
    {HEAD_STATUS_SQL};
    """,
    # the ``Idempotency-Key`` of ``POST /api/v1/comments`` (``submit_comment_once``): a key
    # of the caller (``principal``: the API user, "" for a library caller), the SHA-256 of
    # the canonical JSON of the body it came with, and the answer given, written in the
    # transaction that stores the comment: a 201 acknowledged is replayed after a crash too.
    # Rows older than IDEMPOTENCY_HOURS count for nothing and are deleted (``_keep_key``).
    """
    CREATE TABLE IF NOT EXISTS mod_idempotency (
        principal VARCHAR NOT NULL,
        idempotency_key VARCHAR NOT NULL,
        body_hash VARCHAR NOT NULL,
        comment_id VARCHAR NOT NULL,
        status INTEGER NOT NULL,             -- the HTTP status answered (201)
        response VARCHAR NOT NULL,           -- the JSON answered
        created_at TIMESTAMP NOT NULL,
        PRIMARY KEY (principal, idempotency_key)
    );
    """,
    # the key's route (``KEY_ROUTES``): POST /api/v1/articles, the actions and the appeal
    # take keys too, each route its own (a key of the comments route is not one of the
    # actions'); ``comment_id`` is the record the request made or acted on (the article's
    # id for an article). The primary key gains the route, so the table is rebuilt; the
    # keys kept so far are the comments route's (named columns: a store whose version was
    # set back runs this again on the rebuilt table).
    """
    ALTER TABLE mod_idempotency
        ADD COLUMN IF NOT EXISTS route VARCHAR DEFAULT 'POST /api/v1/comments';
    CREATE TABLE mod_idempotency_routes (
        principal VARCHAR NOT NULL,
        idempotency_key VARCHAR NOT NULL,
        body_hash VARCHAR NOT NULL,
        comment_id VARCHAR NOT NULL,
        status INTEGER NOT NULL,             -- the HTTP status answered (201 or 200)
        response VARCHAR NOT NULL,           -- the JSON answered
        created_at TIMESTAMP NOT NULL,
        route VARCHAR NOT NULL,              -- e.g. POST /api/v1/comments/{id}/actions
        PRIMARY KEY (principal, route, idempotency_key)
    );
    INSERT INTO mod_idempotency_routes
        SELECT principal, idempotency_key, body_hash, comment_id, status, response,
               created_at, route
        FROM mod_idempotency;
    DROP TABLE mod_idempotency;
    ALTER TABLE mod_idempotency_routes RENAME TO mod_idempotency;
    """,
]

STATUS_OF = {"publish": "published", "hold": "held", "reject": "rejected"}
ACTIONS = ("approve", "reject", "edit")
THREAD_SIZE = 50
MAX_EMAIL_LOCAL_CHARS = 64
AUDIT_KEYS = (
    "audit_id", "at", "actor", "action", "comment_id", "article_id", "clause", "note",
    "submitted_by",
)  # fmt: skip
VECTOR_PARAM = "CAST(? AS FLOAT[384])"
"""An embedding parameter: bound from the float32 NumPy array itself (measured: about 4 ms
less per insert than a list of 384 Python floats); stored in the FLOAT[] columns."""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def shown(value: str, limit: int = 60) -> str:
    """A value quoted for an error message: shortened, and printable even when it holds a
    lone surrogate (which could not be written to a UTF-8 terminal or JSON body)."""
    short = value if len(value) <= limit else value[:limit] + "..."
    return repr(short.encode("utf-8", "backslashreplace").decode("utf-8"))


def check_unicode(value: str, key: str, what: str = "request") -> None:
    """InputError unless ``value`` can be written as UTF-8.

    JSON can carry a lone surrogate (``"\\ud800"``): Python decodes it into a string that no
    UTF-8 file, database or model can take (DuckDB and fastText fail on it).
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = value[exc.start].encode("utf-8", "backslashreplace").decode("ascii")
        raise InputError(
            f"the {what} field `{key}` is not valid Unicode: a lone surrogate ({bad}) at"
            f" character {exc.start}",
            hint="send UTF-8 text; a JSON \\uD800-\\uDFFF escape must be half of a pair",
        ) from exc


def unreadable(exc: ValueError | RecursionError, subject: str = "the request body") -> InputError:
    """The InputError for JSON text that Python's parser cannot read.

    Besides bad syntax, the parser fails on input that is valid JSON: arrays nested
    thousands deep (RecursionError) and integers of more than 4300 digits (a ValueError
    from ``int()``). ``subject`` starts the message (``""`` for none: ``moderate check``
    names the line itself).
    """
    lead = f"{subject} is " if subject else ""
    if isinstance(exc, json.JSONDecodeError):
        return InputError(f"{lead}not JSON: {json_problem(exc)}")
    if isinstance(exc, RecursionError):
        return InputError(f"{lead}nested too deeply to be read")
    return InputError(
        f"{lead}not readable: it holds a number of more than 4300 digits",
        hint="send ids as strings and numbers of reasonable size",
    )


def json_problem(exc: json.JSONDecodeError) -> str:
    """What is wrong and where: ``Invalid control character at line 1 column 80`` (Python's
    own message for that one ends in "at" already)."""
    return f"{exc.msg.removesuffix(' at')} at line {exc.lineno} column {exc.colno}"


def read_json(text: str, subject: str = "the request body") -> Any:
    """Parse one JSON document; an InputError (see ``unreadable``) when it cannot be read.

    The API and ``moderate check`` share this, so each refuses the same text as bad input.
    """
    try:
        return json.loads(text, object_pairs_hook=unique_keys)
    except RepeatedKey as exc:
        lead = f"{subject} gives" if subject else "it gives"
        raise InputError(
            f"{lead} the field {shown(str(exc.args[0]))} twice in one object: JSON readers"
            " disagree on which value counts (a filter in front reading the first would pass"
            " one text and mutewatch store another)",
            hint="give each field once",
        ) from None
    except (ValueError, RecursionError) as exc:
        raise unreadable(exc, subject) from exc


class RepeatedKey(Exception):  # noqa: N818 - a signal out of json.loads, not an error shown
    """A key given twice in one JSON object (its name in ``args[0]``)."""


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``json.loads``'s ``object_pairs_hook`` refusing a key given twice (RepeatedKey):
    plain ``json.loads`` keeps the last value silently."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise RepeatedKey(key)
        out[key] = value
    return out


MAX_RECORD_FIELDS = 100
"""The most fields a comment may have, its own and the site's (``refuse_unknown_fields``)."""


def refuse_unknown_fields(
    record: dict[str, Any], known: tuple[str, ...], what: str, *, near_misses_only: bool = False
) -> None:
    """An InputError naming a field of ``record`` that is not one of ``known``.

    With ``near_misses_only``, only a field that looks like a misspelt known one is refused
    (``parentId``, ``parent`` for ``parent_id``): other extra fields are let through, up to
    ``MAX_RECORD_FIELDS`` in all. Each is compared with the known ones (difflib, about 30
    microseconds), and a 1 MB comment of 90,000 made-up fields took 2.8 s of CPU where a
    plain one takes 30 ms, and was then stored; more fields than that are refused at once.
    """
    if near_misses_only and len(record) > MAX_RECORD_FIELDS:
        raise InputError(
            f"the {what} has {len(record)} fields; at most {MAX_RECORD_FIELDS} are read",
            hint=f"send {', '.join(known)} and at most a few fields of your own",
        )
    for key in record:
        if key in known:
            continue
        meant = _meant_field(key, known)
        if meant is None and near_misses_only:
            continue
        guess = f" (did you mean `{meant}`?)" if meant else ""
        raise InputError(
            f"the {what} has an unknown field {shown(key)}{guess}: it would be ignored",
            hint=f"send only {', '.join(known)}",
        )


def _meant_field(key: str, known: tuple[str, ...]) -> str | None:
    """The known field ``key`` is a misspelling of: the same once case, ``_`` and ``-`` are
    set aside, or close to it (difflib), else None."""
    folded = {k.replace("_", "").lower(): k for k in known}
    plain = key.replace("_", "").replace("-", "").lower()
    if plain in folded:
        return folded[plain]
    close = difflib.get_close_matches(plain, list(folded), n=1, cutoff=0.8)
    return folded[close[0]] if close else None


def _text_field(
    record: dict[str, Any], key: str, *, limit: int, required: bool = True, what: str = "request"
) -> str | None:
    """A string field of a request: present (if required), a string, valid Unicode,
    non-empty, not too long."""
    value = record.get(key)
    if value is None:
        if required:
            raise InputError(f"the {what} has no `{key}` field", hint=f"send `{key}` as a string")
        return None
    if not isinstance(value, str):
        raise InputError(f"the {what} field `{key}` must be a string, not {type(value).__name__}")
    check_unicode(value, key, what)
    if required and not value.strip():
        raise InputError(f"the {what} field `{key}` is empty", hint=f"send a non-empty `{key}`")
    if required and not any(map(_textview.visible, value)):
        raise InputError(
            f"the {what} field `{key}` has no visible characters (only spaces, invisible "
            "format characters such as U+200B, lone combining marks or blank fillers such as"
            " U+3164)",
            hint=f"send a `{key}` a reader can see",
        )
    if len(value) > limit:
        raise InputError(
            f"the {what} field `{key}` has {len(value)} characters; the limit is {limit}",
            hint="shorten it",
        )
    if "\x00" in value:
        raise InputError(f"the {what} field `{key}` contains a NUL character")
    return value


def json_kind(value: Any) -> str:
    """A decoded JSON value as its sender wrote it, for an error message: ``true``,
    ``null``, ``the number 7.5``, ``an array [1, 2]``, ``a string "x"`` (shortened), where
    Python's type names (``list``, ``float``) are not words of JSON."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    kinds = (
        (dict, "an object"),
        (list, "an array"),
        (str, "a string"),
        ((int, float), "the number"),
    )
    kind = next((name for types, name in kinds if isinstance(value, types)), type(value).__name__)
    given = json.dumps(value, ensure_ascii=False)
    return f"{kind} {given[:40]}{'...' if len(given) > 40 else ''}"


def _email_field(record: dict[str, Any], what: str = "comment") -> str | None:
    """The optional ``email``: one ``@``, a local part, a dotted domain, no spaces, not long.

    Left out, null or blank (a web form's empty field) means no address: None.
    """
    email = _text_field(record, "email", limit=MAX_EMAIL_CHARS, required=False, what=what)
    if email is None or not email.strip():
        return None
    local, at, domain = email.partition("@")
    labels = domain.split(".")
    problem = None
    if not at or "@" in domain:
        problem = "it needs exactly one @"
    elif any(ch.isspace() for ch in email):
        problem = "it contains white space"
    elif not local or len(local) > MAX_EMAIL_LOCAL_CHARS:
        problem = f"the part before @ must have 1..{MAX_EMAIL_LOCAL_CHARS} characters"
    elif len(labels) < 2 or not all(labels):
        problem = "the part after @ must be a domain with a dot, like example.org"
    if problem:
        raise InputError(
            f"the {what} field `email` {shown(email)} is not an e-mail address: {problem}",
            hint="send an address like name@example.org, or leave `email` out",
        )
    return email


def _id_field(record: dict[str, Any], what: str) -> str:
    """A record's own ``id`` (batch input): a non-empty string or an integer."""
    value = record.get("id")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # within the same length limit as a string id
        record = {"id": value}
    if value is None:
        raise InputError(f"the {what} has no `id`", hint='give each line an "id"')
    if not isinstance(value, str):
        raise InputError(
            f"the {what} field `id` must be a string or a whole number, not {json_kind(value)}",
            hint='give each line an "id" such as "c1" or 17',
        )
    checked = _text_field(record, "id", limit=MAX_ID_CHARS, what=what)
    assert checked is not None
    return checked


COMMENT_FIELDS = ("article_id", "author_name", "email", "text", "parent_id")
ACTION_FIELDS = (
    "action", "note", "text", "clause", "expected_status", "expected_revision",
    "expected_appealed",
)  # fmt: skip


def parse_comment(
    record: Any, policy: Policy, *, with_id: bool = False, article_required: bool = True
) -> CommentInput:
    """Check a comment's fields (not yet the article) against the policy's limits.

    The service (``article_id`` required, the id assigned on storing) and the batch CLI
    (``with_id``: each line has its own ``id``; ``article_id`` optional) share this, so the
    same comment is refused, with the same reason, in both. InputError names the field.

    A ``parent_id`` left out, null, empty or only white space means no parent: a top-level
    comment, as a blank ``email`` means no address. A web form or a comment widget sends
    its hidden parent field as ``""`` (or padded) for a comment that replies to nothing, and
    ``""`` always meant that; ``"   "`` was looked up as an id and answered 404.
    """
    if not isinstance(record, dict):
        raise InputError(
            f"the comment must be a JSON object, not {json_kind(record)}",
            hint='send {"id", "article_id", "author_name", "text"}'
            if with_id
            else 'send {"article_id", "author_name", "text"}',
        )
    fields = COMMENT_FIELDS + (("id",) if with_id else ())
    refuse_unknown_fields(record, fields, "comment", near_misses_only=True)
    comment_id = _id_field(record, "comment") if with_id else ""
    article_id = _text_field(
        record, "article_id", limit=MAX_ID_CHARS, required=article_required, what="comment"
    )
    author = _text_field(record, "author_name", limit=policy.max_name_chars, what="comment")
    text = _text_field(record, "text", limit=policy.max_text_chars, what="comment")
    _email_field(record)
    parent_id = _text_field(record, "parent_id", limit=MAX_ID_CHARS, required=False, what="comment")
    assert author is not None and text is not None
    return CommentInput(
        id=comment_id,
        text=text,
        author_name=author,
        article_id=article_id or None,
        parent_id=parent_id if parent_id and parent_id.strip() else None,
    )


def parse_article(record: Any) -> tuple[str, str, str]:
    """An article's ``id``, ``title`` and ``body``, checked (non-empty, valid Unicode, within
    the limits; an id without white space at its ends, as comments name it exactly). The
    API and ``moderate articles add`` share this; InputError names the field."""
    if not isinstance(record, dict):
        raise InputError("the article must be a JSON object {id, title, body}")
    article_id = _text_field(record, "id", limit=MAX_ID_CHARS, what="article")
    title = _text_field(record, "title", limit=MAX_TITLE_CHARS, what="article")
    body = _text_field(record, "body", limit=MAX_BODY_CHARS, what="article")
    assert article_id is not None and title is not None and body is not None
    if article_id != article_id.strip():
        raise InputError(
            f"the article field `id` {shown(article_id)} starts or ends with white space:"
            " comments name their article by its exact id",
            hint=f"send the id as {shown(article_id.strip())}",
        )
    return article_id, title, body


def _check_comment_id(comment_id: Any) -> str:
    """A comment id from a URL or a caller: a short string that can be written as UTF-8."""
    checked = _text_field({"id": comment_id}, "id", limit=MAX_ID_CHARS, what="comment")
    assert checked is not None
    return checked


def _clause_field(record: dict[str, Any]) -> str | None:
    """An action's optional ``clause``: one clause name or several joined by commas."""
    given = _text_field(record, "clause", limit=200, required=False, what="action")
    if given is None or not given.strip():
        return None
    names = [part.strip() for part in given.split(",")]
    unknown = [n for n in names if n not in CLAUSES]
    if unknown:
        raise InputError(
            f"the action field `clause` names unknown clause(s) {', '.join(map(shown, unknown))}",
            hint=f"use one of {', '.join(CLAUSES)} (several joined by commas), or leave it out",
        )
    return ",".join(names)


def deciding_clauses(clauses: list[dict[str, Any]]) -> str | None:
    """The clause(s) that made a decision: the fired ones with the most severe action
    (policy order, joined by commas); None when none fired."""
    fired = [c for c in clauses if c.get("fired")]
    if not fired:
        return None

    def level(c: dict[str, Any]) -> int:
        return SEVERITY.get(str((c.get("evidence") or {}).get("action", "hold")), 1)

    top = max(level(c) for c in fired)
    return ",".join(str(c["clause"]) for c in fired if level(c) == top)


def _machine_clause(con: Con, comment_id: str) -> str | None:
    """The clause(s) behind the machine's latest decision on a comment (see above)."""
    row = con.execute(
        "SELECT clauses FROM mod_decisions WHERE comment_id = ? AND decided_by = 'machine'"
        " ORDER BY decision_id DESC LIMIT 1",
        [comment_id],
    ).fetchone()
    return deciding_clauses(json.loads(row[0])) if row else None


T = TypeVar("T")
Con = duckdb.DuckDBPyConnection


def migrate_moderation(con: Con) -> None:
    """Create or update this component's tables (idempotent).

    An up-to-date store costs one version check (2 small queries): the server's writer runs
    this each time it opens the store, which is once per comment when comments come slowly.
    """
    if current_version(con, "moderate") >= len(MIGRATIONS):
        return
    migrate(con, component="moderate", migrations=MIGRATIONS)


class Access(Protocol):
    """How the service reads and writes the store."""

    def read(self, fn: Callable[[Con], T]) -> T:
        """Run a read-only function on a connection."""

    def write(self, fn: Callable[[Con], T]) -> T:
        """Run ``fn`` in one transaction on the main store; committed when this returns."""


def _transaction(con: Con, fn: Callable[[Con], T]) -> T:
    _run(con, "BEGIN TRANSACTION")
    try:
        result = fn(con)
    except BaseException:
        _run(con, "ROLLBACK")
        raise
    try:
        _run(con, "COMMIT")
    except duckdb.Error:
        with contextlib.suppress(duckdb.Error):  # a failed commit may have ended it already
            _run(con, "ROLLBACK")
        raise
    return result


WRITE_ATTEMPTS = 10


def _retried(con: Con, fn: Callable[[Con], T]) -> T:
    """``_transaction``, run again (up to WRITE_ATTEMPTS in all) when another connection to
    the same database wrote the same rows first (DuckDB: "Conflict on update"): each attempt
    reads afresh, so its checks (a comment's state, the audit head) see the other's write."""
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            return _transaction(con, fn)
        except duckdb.TransactionException as exc:
            if "conflict" not in str(exc).lower() or attempt == WRITE_ATTEMPTS:
                raise
            time.sleep(random.uniform(0, 0.002 * 2**attempt))  # jitter: not in lockstep
    raise AssertionError("unreachable")  # pragma: no cover


class _WriteTurn:
    """The lock the direct writers of one database file in this process take turns by."""

    __slots__ = ("lock", "__weakref__")

    def __init__(self) -> None:
        self.lock = threading.RLock()


_WRITE_TURNS: weakref.WeakValueDictionary[str, _WriteTurn] = weakref.WeakValueDictionary()
_WRITE_TURNS_LOCK = threading.Lock()


def _write_turn(con: Con) -> _WriteTurn:
    """The write turn of the database file ``con`` is connected to (every connection to one
    file in a process is to one DuckDB database); a new one for an in-memory database."""
    row = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    if row is None or not row[0]:
        return _WriteTurn()
    key = os.path.realpath(str(row[0]))
    with _WRITE_TURNS_LOCK:
        turn = _WRITE_TURNS.get(key)
        if turn is None:
            turn = _WRITE_TURNS[key] = _WriteTurn()
        return turn


class DirectAccess:
    """One connection, serialised by a lock (CLI, library, tests).

    Writes also take the turn of the store file (``_write_turn``), which every DirectAccess
    on that file in this process shares: two services on one file (two connections to one
    DuckDB database) write one after the other. Without it both transactions ran at once
    and the second to move the audit head lost (DuckDB's "Conflict on update") and started
    again: measured 0.6-0.74 conflicts per submission with two services writing, and a
    submission losing ten times in a row (WRITE_ATTEMPTS) reached its caller as that error
    (3 of 10 runs of four services x 12 comments). The server's ``GatewayAccess`` takes the
    same turn. ``_retried`` still handles conflicts with any other writer (another
    connection of this process through neither).
    """

    def __init__(self, con: Con) -> None:
        self.con = con
        con.execute("SET TimeZone = 'UTC'")
        migrate_moderation(con)
        self._lock = threading.RLock()
        self._turn = _write_turn(con)

    def read(self, fn: Callable[[Con], T]) -> T:
        with self._lock:
            return fn(self.con)

    def write(self, fn: Callable[[Con], T]) -> T:
        with self._lock, self._turn.lock:  # this order only: the turn is taken last
            return _retried(self.con, fn)

    def close(self) -> None:
        self.con.close()


class ReadOnlyAccess:
    """A read-only connection (``moderate check`` reading articles); writes are refused."""

    def __init__(self, con: Con) -> None:
        self.con = con
        con.execute("SET TimeZone = 'UTC'")

    def read(self, fn: Callable[[Con], T]) -> T:
        if not _has_tables(self.con):
            return fn(_empty_tables(self.con))
        return fn(self.con)

    def write(self, fn: Callable[[Con], T]) -> T:
        raise StoreError("this store was opened read-only", hint="open it read-write")

    def close(self) -> None:
        self.con.close()


class GatewayAccess:
    """The web server's StoreGateway: writes in its single writer, reads from its snapshot.

    Reads after one of our own writes wait (up to ``FRESH_WAIT`` seconds) for a snapshot
    taken after that write, so a moderator never sees the queue as it was before an action.

    A write takes the store file's write turn (``_write_turn``) as ``DirectAccess`` does and
    is retried on a conflict (``_retried``): a direct writer on the same file in this
    process (a ``ModerationService.open`` beside the server, sharing its DuckDB database
    while the writer holds the store) otherwise moved the audit head under it, and the
    server's write failed on the first "Conflict on update" (measured: 9 of 12 web
    submissions lost, each a 500 for a comment that was not stored).
    """

    FRESH_WAIT = 5.0

    def __init__(self, gateway: Any) -> None:
        self.gateway = gateway
        self._written_after: int | None = None  # snapshot generation current at our last write
        self._migrated: Any = None  # the writer connection our tables were last checked on
        self._current = False  # a snapshot had this release's tables (see read)
        self._turn: tuple[Any, _WriteTurn] | None = None  # (writer connection, its file's turn)
        if migrate_moderation not in gateway.migrators:
            gateway.migrators.append(migrate_moderation)

    def read(self, fn: Callable[[Con], T]) -> T:
        """Run ``fn`` on a snapshot; one whose moderation tables are older than this release
        (a store from before, not yet written to: migrations run in the writer) is first
        migrated, by an empty write, and read again once a snapshot has the new tables."""
        for attempt in (1, 2):
            self._await_fresh()
            with self.gateway.reading() as snap:
                cur = snap.cursor()
                try:
                    if not _has_tables(cur):
                        return fn(_empty_tables(cur))
                    if self._current or _up_to_date(cur):
                        self._current = True  # snapshots only get newer
                        return fn(cur)
                    if attempt == 2:  # the migration failed (the writer logged why)
                        return fn(cur)
                finally:
                    cur.close()
            self.write(lambda con: None)  # the writer migrates the main store first
        raise AssertionError("unreachable")  # pragma: no cover

    def _await_fresh(self) -> None:
        stale = self._written_after
        if stale is None:
            return
        deadline = time.monotonic() + self.FRESH_WAIT
        while self.gateway.generation <= stale and time.monotonic() < deadline:
            self.gateway.request_refresh()
            time.sleep(0.01)
        if self.gateway.generation > stale and self._written_after == stale:
            self._written_after = None

    def write(self, fn: Callable[[Con], T]) -> T:
        def job(store: Any) -> T:
            if self._migrated is not store.con:  # once per writer session (the gateway's
                migrate_moderation(store.con)  # migrators ran it too; if that failed, its
                self._migrated = store.con  # error reaches the caller here)
            with self._turn_of(store.con).lock:
                result = _retried(store.con, fn)
            # runs in the writer thread: any snapshot numbered above this one includes the write
            self._written_after = self.gateway.generation
            return result

        result: T = self.gateway.write(job, data=False)
        self.gateway.request_refresh()
        return result

    def _turn_of(self, con: Con) -> _WriteTurn:
        """The write turn of the writer's store file, looked up once per writer session (run
        in the writer thread only; held here so the weakly kept turn lives as long)."""
        if self._turn is None or self._turn[0] is not con:
            self._turn = (con, _write_turn(con))
        return self._turn[1]


def _has_tables(con: Con) -> bool:
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'mod_comments'"
    ).fetchone()
    return bool(row and row[0])


def _up_to_date(con: Con) -> bool:
    """Whether the moderation tables of this connection's store are at this release's version."""
    return current_version(con, "moderate") >= len(MIGRATIONS)


def _empty_tables(con: Con) -> Con:
    """An in-memory connection with empty moderation tables (a snapshot taken before them)."""
    mem = duckdb.connect(":memory:")
    migrate_moderation(mem)
    return mem


_PARSED: dict[str, duckdb.Statement] = {}
"""The statements ``_run`` has parsed, by their SQL."""
_PARSED_MOST = 256


def _run(con: Con, sql: str, params: list[Any] | dict[str, Any] | None = None) -> Con:
    """``con.execute(sql, params)``, with ``sql`` parsed once per process: for the fixed
    statements that every submission runs (about ten), parsing each time was 10-20% of their
    time (DuckDB 2.0's parser; measured: 13.5 -> 12.1 ms for a submission's statements,
    COMMIT included). The values stay bound parameters. Statements written with values in
    them would fill the cache: it keeps the first ``_PARSED_MOST``, and parses the others
    each time."""
    statement = _PARSED.get(sql)
    if statement is None:
        [statement] = con.extract_statements(sql)
        if len(_PARSED) < _PARSED_MOST:
            _PARSED[sql] = statement
    return con.execute(statement, params or [])


def _rows(
    con: Con, sql: str, params: list[Any] | dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    cur = _run(con, sql, params)
    names = [d[0] for d in cur.description or []]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _audit(
    con: Con,
    actor: str,
    action: str,
    *,
    comment_id: str | None = None,
    article_id: str | None = None,
    clause: str | None = None,
    note: str | None = None,
    submitted_by: str | None = None,
    head: _Head | None = None,
    status: tuple[str | None, str] | None = None,
) -> None:
    """Append one audit entry, chained to the last one (the only insert into mod_audit).

    ``status``: the comment's status before (None: a new comment) and after this write; the
    head's comments by status move with it (MIGRATIONS 9).

    A submission took the next id and the end of the chain already (``head``); any other
    write takes them here (``_AUDIT_HEAD``). The hash of this entry is computed here
    (building the payload in SQL cost about 1 ms more per entry, measured), and the head
    row moves to this entry in one UPDATE (see MIGRATIONS 6 and 8): two writers appending at
    once conflict there, and the second retries.
    """
    if head is None:
        row = _run(con, _AUDIT_HEAD).fetchone()
        assert row is not None, "mod_audit_head has no row"
        audit_id, _, prev, counted = _chain_end(con, *row)
        new_comments = 0
    else:
        audit_id, prev, counted = head.audit_id, head.prev, head.counted
        new_comments = 1
    now = _now()
    texts = [actor, action, comment_id, article_id, clause, note, submitted_by]
    digest = hashlib.sha256(payload_text(audit_id, now, texts, prev).encode()).hexdigest()
    moves = dict.fromkeys(STATUS_OF.values(), 0)
    if status is not None and status[0] != status[1]:
        moves[status[1]] += 1
        if status[0] is not None:
            moves[status[0]] -= 1
    _run(con, _HEAD_UPDATE, [audit_id, digest, counted, new_comments, *moves.values()])
    _run(con, _AUDIT_INSERT, [audit_id, now, *texts, prev, digest])


_HEAD_UPDATE = """
UPDATE mod_audit_head SET audit_id = $1, last_id = $1, last_hash = $2, counted = $3,
       comments = comments + $4, published = published + $5, held = held + $6,
       rejected = rejected + $7
WHERE k = 1
"""
_HEAD_COLUMNS = "h.audit_id, h.last_id, h.last_hash, h.counted"
_SUBMIT_HEAD = f"""
SELECT nextval('mod_audit_ids'), {_HEAD_COLUMNS}, nextval('mod_decision_ids'),
       lower($1::VARCHAR)
FROM mod_audit_head h
"""
"""What a submission needs before it writes, in one statement reading one row: the new
audit entry's id, the audit head (see ``_chain_end``), the new decision's id and the e-mail
folded by DuckDB (for the author counts). Not the comment's id: a sequence's ``nextval``
is not undone by a rollback, so a comment id taken here was used up by every submission
refused inside the transaction (an unknown article or parent: ``c1``, ``c3``, gaps a site
shows its readers); the comment's INSERT takes it (``_COMMENT_INSERT``), once every check
has passed. The audit and decision ids are internal (``_chain_end`` takes audit gaps)."""
_AUDIT_HEAD = f"SELECT nextval('mod_audit_ids'), {_HEAD_COLUMNS} FROM mod_audit_head h"
_LAST_ENTRY = (
    "SELECT audit_id, hash FROM mod_audit WHERE audit_id >= ? ORDER BY audit_id DESC LIMIT 1"
)


def _chain_end(
    con: Con,
    audit_id: int,
    head: int | None,
    last_id: int | None,
    last_hash: str | None,
    counted: bool | None,
) -> tuple[int, int, str, bool]:
    """The new entry's id, the id and hash of the entry it follows, and whether the author
    counts stay complete after this write.

    The head row answers when it names the entry this release appended last (``last_id``)
    and the new id follows it directly: every writer takes its id from the sequence, so no
    entry can lie between. Otherwise (a rolled-back write used an id, or an older release
    wrote: one from before migration 8 moves ``audit_id`` only, one from before migration
    6 not even that) the last entry is looked up in mod_audit, from the head on (the zone
    maps skip the rest), and unless it is the head this release wrote, the counts are no
    longer known to be complete.
    """
    if head is not None and audit_id - 1 == head == last_id and last_hash is not None:
        return audit_id, head, last_hash, bool(counted)
    row = _run(con, _LAST_ENTRY, [head or 0]).fetchone()
    row = row or _run(con, _LAST_ENTRY, [0]).fetchone()
    last, prev = (int(row[0]), str(row[1] or GENESIS_HASH)) if row else (0, GENESIS_HASH)
    own = head is not None and head == last_id and last == head
    return audit_id, last, prev, bool(counted) and own


@dataclass
class _Head:
    """A submission's ids and the end of the audit chain (``_SUBMIT_HEAD``, ``_chain_end``);
    ``comment_id`` is set when the comment is inserted (``_COMMENT_INSERT``)."""

    comment_id: str
    decision_id: int
    audit_id: int
    last: int
    prev: str
    counted: bool
    email_key: str | None


def _submit_head(con: Con, email: str | None) -> _Head:
    row = _run(con, _SUBMIT_HEAD, [email]).fetchone()
    assert row is not None, "mod_audit_head has no row"
    audit_id, last, prev, counted = _chain_end(con, *row[:5])
    return _Head(
        comment_id="", decision_id=int(row[5]), audit_id=audit_id, last=last,
        prev=prev, counted=counted, email_key=row[6],
    )  # fmt: skip


_COMMENT_INSERT = f"""
INSERT INTO mod_comments
VALUES ('c' || nextval('mod_comment_ids'), ?, ?, ?, ?, ?, 1, ?, ?, {VECTOR_PARAM}, ?, ?)
RETURNING comment_id
"""
"""A new comment, its id taken from the sequence by the insert itself: the last step that
can refuse a submission (the article, the parent) is behind it, so only a failure of the
store (a 5xx, or a write conflict retried) can leave a gap in the ids."""


_AUDIT_INSERT = (
    "INSERT INTO mod_audit (audit_id, logged_at, actor, action, comment_id, article_id, clause,"
    " note, submitted_by, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _audit_rows(
    con: Con, where: str, params: list[Any], keys: tuple[str, ...] = AUDIT_KEYS
) -> list[dict[str, Any]]:
    """Audit entries as dicts of ``keys`` (``at`` is ``logged_at``).

    Reads ``*``: a snapshot taken before the ``submitted_by`` migration still answers
    (with None there) instead of failing.
    """
    rows = _rows(con, f"SELECT * FROM mod_audit {where}", params)
    return [{k: row.get("logged_at" if k == "at" else k) for k in keys} for row in rows]


MAX_AUDIT_PAGE = 5000
MAX_BIGINT = 2**63 - 1
"""The largest audit_id, offset and limit DuckDB takes (a larger Python int is refused: a
``?before=`` or ``?offset=`` of 30 nines was a 500): larger ones are cut to it."""


def _audit_filter(
    before: int | None, actor: str | None, action: str | None, comment_id: str | None
) -> tuple[str, list[Any]]:
    """The WHERE clause (and its parameters) of ``ModerationService.audit``'s filters."""
    where: list[str] = ["TRUE"]
    params: list[Any] = []
    if before is not None:
        if isinstance(before, bool) or not isinstance(before, int) or before < 1:
            raise UsageError(
                f"before must be an audit_id of at least 1, not {before!r}"[:200],
                hint="send the audit_id of the last entry of the page before",
            )
        where.append("audit_id < ?")
        # every audit_id is a BIGINT: a larger ``before`` means "from the newest" (DuckDB
        # refused it: a 500 for ``?before=`` and 30 nines)
        params.append(min(before, MAX_BIGINT))
    for column, value in (("actor", actor), ("action", action), ("comment_id", comment_id)):
        if value is not None:
            checked = query_text(value, column, "audit filter")
            where.append(f"{column} = ?")
            params.append(checked)
    return " AND ".join(where), params


def moderation_audit_chain(source: Any) -> dict[str, Any]:
    """The state of the moderation audit log's hash chain, as ``web.auth.audit_chain``.

    ``source`` is a ``mutewatch.store.Store`` (read-only is enough) or a DuckDB connection.
    Returns ``intact``; ``entries`` (rows read); ``head`` (the last entry's hash: note it
    down, since a chain cannot show entries cut from its end; None when there are none or
    the store predates the chain); ``broken_at`` (the audit_id of the first entry whose hash
    does not match its content or the entry before it, else None). A store without the
    moderation tables is an intact, empty chain; one whose tables predate the chain is
    intact with ``head`` None (the next read-write open chains its entries).
    """
    con = getattr(source, "con", source)
    columns = _audit_columns(con)
    if "audit_id" not in columns:
        return {"intact": True, "entries": 0, "head": None, "broken_at": None}
    if "hash" not in columns:
        row = con.execute("SELECT count(*) FROM mod_audit").fetchone()
        return {"intact": True, "entries": int(row[0]) if row else 0, "head": None,
                "broken_at": None}  # fmt: skip
    return _walk_chain(con)


def _audit_columns(con: Con) -> set[str]:
    """The columns of mod_audit in the connection's main database (empty when none)."""
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'mod_audit'"
        " AND table_schema = current_schema() AND table_catalog = current_database()"
    ).fetchall()
    return {str(r[0]) for r in rows}


def _walk_chain(con: Con, batch: int = 10_000) -> dict[str, Any]:
    """Recompute each entry's hash in audit_id order (in batches: any log size fits)."""
    cur = con.execute(
        f"SELECT audit_id, {audit_payload()}, prev_hash, hash FROM mod_audit ORDER BY audit_id"
    )
    expected, count = GENESIS_HASH, 0
    while rows := cur.fetchmany(batch):
        for audit_id, payload, prev, digest in rows:
            count += 1
            actual = hashlib.sha256(str(payload).encode("utf-8")).hexdigest()
            if prev != expected or digest != actual:
                return {"intact": False, "entries": count, "head": None, "broken_at": audit_id}
            expected = digest
    return {"intact": True, "entries": count, "head": expected if count else None,
            "broken_at": None}  # fmt: skip


def _article(con: Con, article_id: str) -> dict[str, Any]:
    rows = _rows(
        con,
        "SELECT article_id AS id, title, body, created_at, updated_at FROM mod_articles"
        " WHERE article_id = ?",
        [article_id],
    )
    if not rows:
        raise NotFoundError(
            f"unknown article {article_id!r}",
            hint="add it first: POST /api/v1/articles or `mutewatch moderate articles add`",
        )
    return rows[0]


def _comment(con: Con, comment_id: str) -> dict[str, Any]:
    rows = _rows(
        con,
        "SELECT comment_id AS id, article_id, parent_id, author_name, text, revision, status,"
        " decision, created_at, updated_at FROM mod_comments WHERE comment_id = ?",
        [comment_id],
    )
    if not rows:
        raise NotFoundError(
            f"unknown comment {comment_id!r}", hint="list held comments at the queue"
        )
    return rows[0]


_PUBLISHED_SQL = """
SELECT comment_id AS id, parent_id, author_name, text, revision, created_at, updated_at
FROM mod_comments WHERE article_id = $article AND status = 'published' {after}
ORDER BY created_at, length(comment_id), comment_id
LIMIT $limit OFFSET $offset
"""
_AFTER_SQL = """AND (created_at > $at OR (created_at = $at AND (length(comment_id) > $len
     OR (length(comment_id) = $len AND comment_id > $id))))"""
"""Past the ``after`` comment in the published order (created_at, then the id's number)."""
_PUBLISHED_TOTAL_SQL = """
SELECT count(*),
       list(comment_id) FILTER (WHERE comment_id IN (SELECT unnest($2::VARCHAR[])))
FROM mod_comments WHERE article_id = $1 AND status = 'published'
"""
"""The count of an article's published comments, and which of the ids in $2 are among them
(a reply's parent is always on the same article). A semi-join: ``list_contains`` and an IN
list were 2-3 times slower on a million comments (measured)."""


_STATUS_SQL = """
SELECT c.comment_id AS id, c.article_id, c.parent_id, c.author_name, c.email, c.status,
       c.decision, d.decided_by, d.reason AS last_reason, c.revision, c.created_at,
       c.updated_at, a.action AS last_action, a.clause AS last_clause
FROM mod_comments c
LEFT JOIN (SELECT * FROM mod_decisions WHERE comment_id = $1
           ORDER BY decision_id DESC LIMIT 1) d ON d.comment_id = c.comment_id
LEFT JOIN (SELECT * FROM mod_audit WHERE comment_id = $1 AND action IN ('approve', 'reject', 'edit')
           ORDER BY audit_id DESC LIMIT 1) a ON a.comment_id = c.comment_id
WHERE c.comment_id = $1
"""


def _published_page(
    con: Con, article_id: str, limit: int, offset: int, after: str | None
) -> list[dict[str, Any]]:
    """Published comments of the article in order, past the ``after`` comment if given."""
    page = {"article": article_id, "limit": limit, "offset": min(offset, MAX_BIGINT)}
    if after is None:
        return _rows(con, _PUBLISHED_SQL.format(after=""), page)
    row = con.execute(
        "SELECT created_at FROM mod_comments WHERE comment_id = ? AND article_id = ?",
        [after, article_id],
    ).fetchone()
    if row is None:
        raise NotFoundError(
            f"the `after` comment {shown(after)} is not a comment on article {shown(article_id)}",
            hint="send the `next_after` of the page before, or leave `after` out to start",
        )
    cursor = {"at": row[0], "len": len(after), "id": after}
    return _rows(con, _PUBLISHED_SQL.format(after=_AFTER_SQL), {**page, **cursor})


def _queue_where(
    clause: str | None, appeal: bool | None, article_id: str | None = None
) -> tuple[str, list[Any]]:
    """The queue's filter on ``mod_comments c``: held, with ``clause`` among the machine's
    fired clauses (``mod_fired``), appealed or not, on ``article_id``. Each filter is in
    the SQL only when asked for: DuckDB computes a subquery even behind ``? IS NULL OR``.

    ``(c.comment_id IN (...)) IS TRUE`` (the same rows: neither table holds a NULL id) is
    joined as a mark join; a plain ``IN`` became a semi join whose build side DuckDB pushed
    into the comments' scan as a filter on every id (``join_filter_pushdown``), which cost
    more than it saved: the page's query took 22 -> 15 ms of CPU with the clause filter and
    16 -> 8 ms with the appeal filter at 300k comments (measured; EXPLAIN ANALYZE showed the
    scan's dynamic filter). ``NOT IN`` (an anti join) is not filtered so, and stays.

    A comment whose decision was inserted by other means than this module (bulk SQL, a
    release before migration 5) without its ``mod_fired`` rows is not found by the clause
    filter until ``mutewatch moderate recount`` works them out from its decision."""
    where, params = ["c.status = 'held'"], []
    if clause is not None:
        where.append(
            "(c.comment_id IN (SELECT comment_id FROM mod_fired WHERE clause = ?)) IS TRUE"
        )
        params.append(clause)
    if appeal is not None:
        where.append(
            "(c.comment_id IN (SELECT comment_id FROM mod_appeals)) IS TRUE"
            if appeal
            else "c.comment_id NOT IN (SELECT comment_id FROM mod_appeals)"
        )
    if article_id is not None:
        where.append("c.article_id = ?")
        params.append(article_id)
    return " AND ".join(where), params


def _queue_page(
    con: Con,
    clause: str | None,
    appeal: bool | None,
    limit: int,
    offset: int,
    article_id: str | None = None,
    after: str | None = None,
) -> tuple[int, list[tuple[str, datetime]]]:
    """The number of queue items matching the filters and the ids and times of the page,
    oldest first, then by the comment's number as in the published list (c9 before c10; by
    the id as text, c10 came first), past the ``after`` comment if given (``_queue_after``).
    Only ids and times are read: the texts and decisions of the page come next, their scan
    cut to the page's time range."""
    where, params = _queue_where(clause, appeal, article_id)
    past, cursor = _queue_after(con, after)
    counted = "" if after is not None else ", count(*) OVER ()"  # a cursor cuts the count
    rows = con.execute(
        f"SELECT c.comment_id, c.created_at{counted} FROM mod_comments c WHERE {where}{past}"
        " ORDER BY c.created_at, length(c.comment_id), c.comment_id LIMIT ? OFFSET ?",
        [*params, *cursor, limit, min(offset, MAX_BIGINT)],  # past every row: empty, no 500
    ).fetchall()
    page = [(str(r[0]), r[1]) for r in rows]
    if rows and after is None:
        return int(rows[0][2]), page
    total = con.execute(f"SELECT count(*) FROM mod_comments c WHERE {where}", params).fetchone()
    return (int(total[0]) if total else 0), page


def _queue_after(con: Con, after: str | None) -> tuple[str, list[Any]]:
    """The queue's condition (and its parameters) for the items past the comment ``after``
    in the queue's order: the ``next_after`` of the page before, whatever became of it
    since (approved, it left the queue); NotFoundError for an id no comment has."""
    if after is None:
        return "", []
    row = con.execute("SELECT created_at FROM mod_comments WHERE comment_id = ?", [after])
    found = row.fetchone()
    if found is None:
        raise NotFoundError(
            f"the `after` comment {shown(after)} is no comment",
            hint="send the `next_after` of the queue's page before, or leave `after` out",
        )
    at, size = found[0], len(after)
    return (
        " AND (c.created_at > ? OR (c.created_at = ? AND (length(c.comment_id) > ?"
        " OR (length(c.comment_id) = ? AND c.comment_id > ?))))",
        [at, at, size, size, after],
    )


_QUEUE_ITEMS_SQL = """
SELECT c.comment_id AS id, c.article_id, a.title AS article_title, c.parent_id,
       c.author_name, c.email, c.text, c.revision, c.status, c.decision, c.created_at,
       d.reason, d.clauses, d.policy_version, d.model_versions,
       p.note AS appeal_note, p.appealed_at
FROM mod_comments c
LEFT JOIN mod_articles a USING (article_id)
LEFT JOIN (SELECT * FROM mod_decisions
           WHERE decided_by = 'machine' AND {decisions}
           QUALIFY row_number() OVER (PARTITION BY comment_id ORDER BY decision_id DESC) = 1
          ) d ON d.comment_id = c.comment_id
LEFT JOIN mod_appeals p ON p.comment_id = c.comment_id
WHERE c.created_at BETWEEN $2 AND $3 AND list_contains($1::VARCHAR[], c.comment_id)
ORDER BY c.created_at, length(c.comment_id), c.comment_id
"""
"""The queue items of a page of ids ($1, created from $2 to $3), with the machine's latest
decision and the appeal. Both scans are cut to the page's times by the zone maps: looking
50 rows up by key fetched each on its own (20-45 ms at 300k comments, measured). With
``decisions`` set to ``_MACHINE_AT`` the decision is looked for at its comment's time (the
machine decides in the transaction that stores the comment, at the same time); set to
``_MACHINE_ANYTIME``, by comment id alone. Within the page's times the ids are matched by
``list_contains`` on the few hundred rows left: a semi-join (IN a subquery) probed every row
of the row group, 9 ms of CPU against 2.6 ms for the decisions at 300k comments (measured)."""
_MACHINE_AT = "created_at BETWEEN $2 AND $3 AND list_contains($1::VARCHAR[], comment_id)"
_MACHINE_ANYTIME = "comment_id IN (SELECT unnest($1::VARCHAR[]))"


def _queue_items(con: Con, page: list[tuple[str, datetime]]) -> list[dict[str, Any]]:
    """The queue items of the page (ids and times, oldest first), each with its machine
    decision: looked for at the comments' times, and by comment id alone when one is not
    there (a store written otherwise)."""
    if not page:
        return []
    params = [[cid for cid, _ in page], page[0][1], page[-1][1]]
    rows = _rows(con, _QUEUE_ITEMS_SQL.format(decisions=_MACHINE_AT), params)
    if any(row["clauses"] is None for row in rows):
        rows = _rows(con, _QUEUE_ITEMS_SQL.format(decisions=_MACHINE_ANYTIME), params)
    return rows


RECORD_KEYS = (
    "comments", "published", "held", "rejected", "rejected_by_moderator", "rejected_by_machine",
)  # fmt: skip
_PAGE_AUTHORS = """
WITH page AS (SELECT unnest($1::VARCHAR[]) AS id, lower(unnest($2::VARCHAR[])) AS email,
                     unnest($3::VARCHAR[]) AS name),
keyed AS (SELECT id, email, CASE WHEN email IS NULL THEN name END AS name,
                 CASE WHEN email IS NULL THEN 'name' ELSE 'email' END AS kind,
                 coalesce(email, name) AS author FROM page)"""
_COUNTS = {
    "published": "status = 'published'", "held": "status = 'held'",
    "rejected": "status = 'rejected'", "rejected_by_moderator": "status = 'rejected' AND moderated",
    "rejected_by_machine": "status = 'rejected' AND NOT moderated",
}  # fmt: skip
_AUTHOR_SQL = f"""{_PAGE_AUTHORS},
keys AS (SELECT *, {AUTHOR_KEY.format(kind="kind", author="author")} AS author_key FROM keyed),
counted AS (SELECT * FROM mod_author_counts WHERE author_key IN (SELECT author_key FROM keys))
SELECT k.id, coalesce(sum(a.comments), 0),
       {", ".join(f"coalesce(sum(a.comments) FILTER (WHERE {w}), 0)" for w in _COUNTS.values())}
FROM keys k LEFT JOIN counted a
    ON a.author_key = k.author_key AND a.kind = k.kind AND a.author = k.author
GROUP BY k.id
"""
"""For each item of the page (ids $1, e-mails $2, names $3) its author's comments by
status, from ``mod_author_counts`` (the item itself included). The counts are first cut to
the page's author keys (one integer per row): joining on key, kind and author at once
hashed the two texts of every row (6.9 against 4.4 ms of CPU at 300k comments, measured)."""
COUNTS_CURRENT_SQL = f"""
SELECT coalesce(h.counted, false) AND h.last_id = h.audit_id
       AND (h.comments, h.held, h.published, h.rejected)
           IS NOT DISTINCT FROM (s.comments, s.held, s.published, s.rejected)
       AND h.audit_id = (SELECT coalesce(max(audit_id), 0) FROM mod_audit)
FROM mod_audit_head h, ({STATUS_COUNTS_SQL}) s
"""
"""Whether ``mod_author_counts`` is complete, from the audit head (MIGRATIONS 8) in about a
millisecond: only this release's writes appended since the counts were last made complete
(by the migration or a recount), and the comments are as many as they counted. False
after a write by an older release (one from before migration 6 appends past the head) or
comments added by other means, such as bulk SQL: ``_AUTHOR_SCAN_SQL`` then counts from the
comments themselves. A status changed by bulk SQL (no audit entry) is seen when it
changes how many comments have each status (the head keeps them, MIGRATIONS 9): about 2 ms
more per queue page at 300k comments (measured). Bulk changes that leave every status's
count as it was (one held comment published and one published comment held in the same
UPDATE), and bulk changes of author names or e-mail addresses, are not seen: run
``mutewatch moderate recount`` after such SQL."""
_AUTHOR_SCAN_SQL = f"""{_PAGE_AUTHORS},
found AS (
    SELECT 'email' AS kind, lower(email) AS author, comment_id, status FROM mod_comments
    WHERE lower(email) IN (SELECT email FROM keyed)
    UNION ALL
    SELECT 'name', author_name, comment_id, status FROM mod_comments
    WHERE author_name IN (SELECT name FROM keyed)
),
matched AS (
    SELECT f.kind, f.author, f.comment_id, f.status, h.comment_id IS NOT NULL AS moderated
    FROM found f LEFT JOIN (SELECT DISTINCT comment_id FROM mod_decisions
                            WHERE decided_by <> 'machine') h USING (comment_id)
)
SELECT k.id, count(m.comment_id),
       {", ".join(f"count(m.comment_id) FILTER (WHERE {w})" for w in _COUNTS.values())}
FROM keyed k LEFT JOIN matched m
    ON m.kind = k.kind AND m.author = k.author AND m.comment_id <> k.id
GROUP BY k.id
"""
"""The same records counted from the comments, each item left out of its own: two filtered
scans of the comments (one per key) and the moderators' decisions."""
_COUNT_SQL = f"""
INSERT INTO mod_author_counts
SELECT {AUTHOR_KEY.format(kind="k.kind", author="k.author")}, k.kind, k.author, s.status,
       s.moderated, s.delta
FROM (SELECT 'name' AS kind, author_name AS author FROM mod_comments WHERE comment_id = $1
      UNION ALL
      SELECT 'email', lower(email) FROM mod_comments WHERE comment_id = $1 AND email IS NOT NULL
     ) k,
     (SELECT unnest($2::VARCHAR[]) AS status, unnest($3::BOOLEAN[]) AS moderated,
             unnest($4::BIGINT[]) AS delta) s
"""


def author_key(kind: str, author: str) -> int:
    """``AUTHOR_KEY`` worked out in Python (DuckDB's ``md5_number_lower``: the last eight
    bytes of the MD5 digest, little-endian), so a submission's insert needs no query."""
    digest = hashlib.md5(f"{kind}:{author}".encode(), usedforsecurity=False).digest()
    return int.from_bytes(digest[8:], "little")


def _count_new(con: Con, name: str, folded_email: str | None, status: str) -> None:
    """Count a new comment under its author's name and case-folded e-mail (one insert)."""
    keys = [("name", name)] + ([("email", folded_email)] if folded_email is not None else [])
    values = ", ".join("(?, ?, ?, ?, false, 1)" for _ in keys)
    params = [v for kind, author in keys for v in (author_key(kind, author), kind, author, status)]
    _run(con, f"INSERT INTO mod_author_counts VALUES {values}", params)


def _count_author(
    con: Con, comment_id: str, before: tuple[str, bool] | None, after: tuple[str, bool]
) -> None:
    """Move a stored comment in its author's counts (``mod_author_counts``) from ``before``
    (status, moderated) to ``after``."""
    if before == after:
        return
    changes = [(*after, 1)] + ([(*before, -1)] if before else [])
    statuses, moderated, deltas = (list(c) for c in zip(*changes, strict=True))
    _run(con, _COUNT_SQL, [comment_id, statuses, moderated, deltas])


def _author_records(con: Con, items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """For each queue item (by id), its author's other comments by current status.

    ``{matched_on: email|author_name, comments, published, held, rejected,
    rejected_by_moderator, rejected_by_machine}``: matched on the e-mail address (case
    folded) when the item has one, else on the exact author name; the item itself is not
    counted. A comment rejected by a moderator is one with any human decision (a moderator
    acted last, since the machine decides only on submission). One grouped query for the
    whole page, reading each author's counts (``mod_author_counts``); the item, held and
    decided by no moderator (a queue item), is taken out of its own. A store whose counts
    do not cover its comments is counted from the comments instead (``_AUTHOR_SCAN_SQL``).
    """
    if not items:
        return {}
    ids = [str(i["id"]) for i in items]
    # folded in SQL only (Python's lower() differs on some letters, e.g. İ): symmetric
    emails = [str(i["email"]) if i["email"] else None for i in items]
    params = [ids, emails, [str(i["author_name"]) for i in items]]
    rows = _counted_records(con, params)
    if rows is None:
        got = con.execute(_AUTHOR_SCAN_SQL, params).fetchall()
        rows = {str(r[0]): [int(v) for v in r[1:]] for r in got}
    out = {}
    for cid, email in zip(ids, emails, strict=True):
        record: dict[str, Any] = {"matched_on": "email" if email else "author_name"}
        record.update({k: int(v) for k, v in zip(RECORD_KEYS, rows[cid], strict=True)})
        out[cid] = record
    return out


def counts_current(con: Con) -> bool:
    """Whether the author counts are complete (``COUNTS_CURRENT_SQL``); False for a store
    from before migration 8 (a read-only snapshot not yet migrated)."""
    try:
        row = con.execute(COUNTS_CURRENT_SQL).fetchone()
    except (duckdb.CatalogException, duckdb.BinderException):
        return False
    return bool(row and row[0])


_STATUS_TOTALS = """
SELECT status || CASE WHEN moderated THEN ' (moderator)' ELSE '' END, sum(comments)::BIGINT
FROM {table} WHERE kind = 'name' GROUP BY ALL HAVING sum(comments) <> 0 ORDER BY 1
"""
_AUTHORS_CHANGED = f"""
WITH was AS (SELECT kind, author, status, moderated, sum(comments) AS n
             FROM mod_author_counts GROUP BY ALL HAVING sum(comments) <> 0),
     now AS (SELECT kind, author, status, moderated, n
             FROM ({AUTHOR_COUNTS_SQL}) t(k, kind, author, status, moderated, n))
SELECT count(DISTINCT (kind, author)) FROM was FULL JOIN now USING (kind, author, status, moderated)
WHERE coalesce(was.n, 0) <> coalesce(now.n, 0)
"""
_FIRED_CHANGES = f"""
WITH was AS (SELECT DISTINCT comment_id, clause FROM mod_fired),
     now AS (SELECT DISTINCT comment_id, clause FROM ({FIRED_SQL}))
SELECT (SELECT count(*) FROM mod_fired),
       (SELECT count(*) FROM (SELECT * FROM now EXCEPT SELECT * FROM was)),
       (SELECT count(*) FROM (SELECT * FROM was EXCEPT SELECT * FROM now))
"""


def _one(con: Con, sql: str) -> tuple[Any, ...]:
    row = con.execute(sql).fetchone()
    assert row is not None
    return tuple(row)


def _status_totals(con: Con, table: str) -> dict[str, int]:
    """Comments by status (and by a moderator or not) in author counts ``table``."""
    rows = con.execute(_STATUS_TOTALS.format(table=table)).fetchall()
    return {str(k): int(v) for k, v in rows}


def recount_moderation(con: Con) -> dict[str, Any]:
    """Rebuild what the moderation tables keep beside the comments, decisions and audit log,
    on ``con`` inside the caller's transaction, and say what changed.

    ``mod_author_counts`` is counted afresh (compacting the rows each write appended),
    ``mod_fired`` is worked out again from the machine's decisions, and the audit head is
    set to the last entry with the counts marked complete (``HEAD_RESET_SQL``): the queue
    reads the counts again after an older release wrote to the store. Returns
    ``{comments, counts_were_complete, author_counts: {rows_before, rows_after, authors,
    authors_changed, by_status: {status: {before, after}}}, fired: {rows_before,
    rows_after, added, removed}, audit_head: {before, after, moved}, fast_path_restored,
    changed}``: ``fast_path_restored`` when the queue counted from the comments before
    (``counts_current`` false) and reads ``mod_author_counts`` again now; ``changed`` when
    anything above changed, that included (the head row then marks the counts complete
    again, though no count differed).
    """
    complete = counts_current(con)
    (comments,) = _one(con, "SELECT count(*) FROM mod_comments")
    (rows_before,) = _one(con, "SELECT count(*) FROM mod_author_counts")
    (changed_authors,) = _one(con, _AUTHORS_CHANGED)
    before = _status_totals(con, "mod_author_counts")
    fired_before, added, removed = _one(con, _FIRED_CHANGES)
    (head_before,) = _one(con, "SELECT audit_id FROM mod_audit_head")
    con.execute("DELETE FROM mod_author_counts")
    con.execute(f"INSERT INTO mod_author_counts {AUTHOR_COUNTS_SQL}")
    if added or removed:
        con.execute(f"DELETE FROM mod_fired; INSERT INTO mod_fired {FIRED_SQL}")
    con.execute(HEAD_RESET_SQL)
    con.execute(HEAD_STATUS_SQL)
    rows_after, authors = _one(
        con, "SELECT count(*), count(DISTINCT (kind, author)) FROM mod_author_counts"
    )
    after = _status_totals(con, "mod_author_counts")
    (fired_after,) = _one(con, "SELECT count(*) FROM mod_fired")
    (head_after,) = _one(con, "SELECT audit_id FROM mod_audit_head")
    restored = not complete and counts_current(con)
    by_status = {
        k: {"before": before.get(k, 0), "after": after.get(k, 0)}
        for k in sorted(set(before) | set(after))
    }
    counts = {"rows_before": rows_before, "rows_after": rows_after, "authors": authors,
              "authors_changed": changed_authors}  # fmt: skip
    fired = {"rows_before": fired_before, "rows_after": fired_after, "added": added,
             "removed": removed}  # fmt: skip
    return {
        "comments": int(comments),
        "counts_were_complete": complete,
        "author_counts": {**{k: int(v) for k, v in counts.items()}, "by_status": by_status},
        "fired": {k: int(v) for k, v in fired.items()},
        "audit_head": {
            "before": int(head_before),
            "after": int(head_after),
            "moved": head_before != head_after,
        },  # fmt: skip
        "fast_path_restored": restored,
        "changed": bool(
            changed_authors or added or removed or head_before != head_after or restored
        ),
    }


def _counted_records(con: Con, params: list[Any]) -> dict[str, list[int]] | None:
    """The page's author records from ``mod_author_counts``, the item itself taken out; None
    when the counts are not known to be complete (``counts_current``)."""
    if not counts_current(con):
        return None
    got = con.execute(_AUTHOR_SQL, params).fetchall()
    records = {}
    for row in got:
        counts = dict(zip(RECORD_KEYS, row[1:], strict=True))
        counts["comments"] -= 1  # the item itself: held, decided by no moderator
        counts["held"] -= 1
        records[str(row[0])] = list(counts.values())
    return records


def _appealable(con: Con, comment_id: str, reader: str) -> dict[str, Any]:
    """The comment a reader may appeal, or the error that says why not (see ``appeal``)."""
    rows = _rows(con, "SELECT comment_id FROM mod_comments WHERE comment_id = ?", [comment_id])
    if not rows or _submitter(con, comment_id) != reader:
        raise NotFoundError(
            f"unknown comment {comment_id!r}",
            hint="a comment can be appealed by the account that submitted it",
        )
    current = _comment(con, comment_id)
    earlier = con.execute(
        "SELECT appealed_at FROM mod_appeals WHERE comment_id = ?", [comment_id]
    ).fetchone()
    if earlier:
        raise ConflictError(
            f"comment {comment_id!r} was already appealed at"
            f" {earlier[0].isoformat(timespec='seconds')}Z: a comment can be appealed once",
            hint="a moderator will review it; its status shows the outcome",
        )
    if _human_decided(con, comment_id):
        raise ConflictError(
            f"comment {comment_id!r} was decided by a moderator ({current['status']}): a"
            " moderator's decision is final and cannot be appealed",
            hint="only an automated hold or reject can be appealed",
        )
    if current["status"] == "published":
        raise ConflictError(
            f"comment {comment_id!r} is published: there is nothing to appeal",
            hint="only an automated hold or reject can be appealed",
        )
    return current


def _human_decided(con: Con, comment_id: str) -> bool:
    """Whether a moderator has decided on the comment (any decision not by the machine)."""
    row = con.execute(
        "SELECT count(*) FROM mod_decisions WHERE comment_id = ? AND decided_by <> 'machine'",
        [comment_id],
    ).fetchone()
    return bool(row and row[0])


def _appeal_view(con: Con, view: dict[str, Any]) -> dict[str, Any]:
    """Add to a comment_status answer what a reader needs to contest it.

    ``automated``: the machine made the current decision (no moderator has acted);
    ``appealed`` and ``appeal`` (``{note, at}`` or None); ``how_to_appeal``: how to ask for
    a human review, while the comment is held or rejected by the machine and not appealed
    (else None).
    """
    row = con.execute(
        "SELECT note, appealed_at FROM mod_appeals WHERE comment_id = ?", [view["id"]]
    ).fetchone()
    automated = view["decided_by"] == "machine"
    view["automated"] = automated
    view["appealed"] = row is not None
    view["appeal"] = {"note": row[0], "at": row[1]} if row else None
    open_to_appeal = automated and row is None and view["status"] in ("held", "rejected")
    view["how_to_appeal"] = (
        f"This decision was made automatically. To ask for a review by a moderator, send"
        f' POST /api/v1/comments/{view["id"]}/appeal with {{"note": "why the decision is'
        f' wrong"}}, once.'
        if open_to_appeal
        else None
    )
    return view


def _submitter(con: Con, comment_id: str) -> str | None:
    """The API user who submitted a comment (its ``submitted:*`` audit entry), if recorded.

    Reads ``*``, as ``_audit_rows``: a snapshot from before ``submitted_by`` answers None.
    """
    rows = _rows(
        con,
        "SELECT * FROM mod_audit WHERE comment_id = ? AND starts_with(action, 'submitted:')"
        " ORDER BY audit_id LIMIT 1",
        [comment_id],
    )
    return rows[0].get("submitted_by") if rows else None


def _check_article_id(article_id: Any) -> str:
    """An article id from a URL or a caller: a short string that can be written as UTF-8."""
    checked = _text_field({"id": article_id}, "id", limit=MAX_ID_CHARS, what="article")
    assert checked is not None
    return checked


def query_text(value: Any, name: str, what: str) -> str:
    """A query parameter's text (an article or comment id, a moderator, an action), checked
    as ``_text_field`` checks a field but refused as a UsageError (HTTP 400, as every other
    bad query parameter: an unknown ``clause``, the stats' ``from`` or empty ``article_id``)
    naming the parameter: the queue's ``?article_id=`` was a 422 about "the article field
    `id`", a field nobody sent, while the stats answered the same parameter with a 400.
    Text UTF-8 cannot encode (a library caller's lone surrogate) stays an InputError.
    The one check of an id filter's text: the queue's, the audit's and the stats'
    (``stats._window``) ``article_id``, whose length message it alone words."""
    if isinstance(value, str):
        check_unicode(value, name, what)
    try:
        checked = _text_field({name: value}, name, limit=MAX_ID_CHARS, what=what)
    except InputError as exc:
        raise UsageError(exc.message, hint=exc.hint) from None
    assert checked is not None
    return checked


def _check_page(limit: int, offset: int) -> None:
    """UsageError unless 1 <= limit <= 500 and offset >= 0 (as the queue)."""
    if not 1 <= limit <= 500 or offset < 0:
        raise UsageError(f"limit must be 1..500 and offset at least 0 (got {limit}, {offset})")


def _action_field(record: dict[str, Any]) -> str:
    """The action's ``action``, one of ACTIONS; an InputError in the words of every other
    field for one missing (null) or not a string: they read "unknown action None" and
    "unknown action 5", as if an action of that name had been asked for."""
    action = record.get("action")
    choose = f"send one of {', '.join(ACTIONS)}"
    if action is None:
        raise InputError("the action has no `action` field", hint=choose)
    if not isinstance(action, str):
        raise InputError(
            f"the action field `action` must be a string, not {type(action).__name__}",
            hint=choose,
        )
    if action not in ACTIONS:
        raise InputError(f"unknown action {shown(action)}", hint=f"use one of {', '.join(ACTIONS)}")
    return action


def _check_parent(con: Con, parent_id: str, article_id: str) -> None:
    """NotFoundError unless ``parent_id`` is a stored comment; InputError unless it is on
    ``article_id``. Both name the field, for the commenting site rather than a moderator."""
    rows = _rows(con, "SELECT article_id FROM mod_comments WHERE comment_id = ?", [parent_id])
    if not rows:
        padded = parent_id != parent_id.strip()
        raise NotFoundError(
            f"the comment field `parent_id` names no comment: {shown(parent_id)}"
            + (" (comment ids have no white space at their ends)" if padded else ""),
            hint=f"send it as {shown(parent_id.strip())}"
            if padded
            else "reply to a comment that was submitted here, or leave `parent_id` out",
        )
    if rows[0]["article_id"] != article_id:
        raise InputError(
            f"the parent comment {shown(parent_id)} belongs to article "
            f"{shown(rows[0]['article_id'])}, not {shown(article_id)}",
            hint="reply within the same article",
        )


_TOPIC_SQL = """
SELECT 0 AS part, embedding, NULL AS comment_id FROM mod_articles WHERE article_id = $1
UNION ALL
(SELECT 1 AS part, embedding, comment_id FROM mod_comments
 WHERE article_id = $1 AND status = 'published' AND embedding IS NOT NULL
 ORDER BY created_at DESC, length(comment_id) DESC, comment_id DESC LIMIT $2)
UNION ALL
SELECT 2 AS part, embedding, comment_id FROM mod_comments
WHERE comment_id = $3 AND status = 'published' AND embedding IS NOT NULL
"""
"""The article, its published thread and the parent when it is published: a held or rejected
parent is no topic (an off-topic reply to held spam was published as on topic for it).

The thread is the latest ``THREAD_SIZE`` published comments: the last ones of the published
list (``_PUBLISHED_SQL``'s order, reversed), comments of the same ``created_at`` taken by
their number (``c12`` after ``c9``: the order they were stored in). By ``created_at`` alone,
ties (comments imported with one time) were cut where the rows happened to lie in the file:
the same comments stored in another order made another thread, and so another relevance
score for the same comment (tests/s15_moderate)."""


def _topic(con: Con, article_id: str, parent_id: str | None) -> Topic:
    """The article's vector, its published thread (latest 50, with their ids) and the
    parent, if published.

    One query reads all three (each statement costs about a millisecond in DuckDB, and this
    runs in the writer for every comment).
    """
    got = _run(con, _TOPIC_SQL, [article_id, THREAD_SIZE, parent_id]).fetchnumpy()
    parts = np.asarray(got["part"])
    vectors = [np.asarray(v, dtype=np.float32) for v in got["embedding"]]

    def of(part: int) -> npt.NDArray[np.float32]:
        rows = [v for p, v in zip(parts, vectors, strict=True) if p == part]
        return np.stack(rows) if rows else np.zeros((0, 384), dtype=np.float32)

    article = of(0)
    if not len(article):
        _article(con, article_id)  # raises NotFoundError
    parent = of(2)
    ids = [str(i) for p, i in zip(parts, got["comment_id"], strict=True) if p == 1]
    return Topic(
        article_id=article_id,
        article=article[0],
        thread=of(1),
        parent=parent[0] if len(parent) else None,
        thread_ids=tuple(ids),
    )


def _without_copies(
    topic: Topic, vector: npt.NDArray[np.float32], parent_id: str | None
) -> tuple[Topic, str | None]:
    """The topic without the comments of its thread (and the parent) that the comment
    embedded as ``vector`` copies (``checks.thread_copies``: a copy gets no similarity
    from its original), and the earliest of them (None: no copy). Computed in memory from
    the vectors the submission has anyway: no statement under the write lock (a lookup of
    text keys in the store cost 5 ms there, reverted in 38cac83). Only the published thread
    (the latest ``THREAD_SIZE``) and a published parent are compared: a copy of a held or
    rejected comment, or of one older than the thread, is not found."""
    copies = thread_copies(topic.thread, vector)
    found = [topic.thread_ids[i] for i in np.flatnonzero(copies) if i < len(topic.thread_ids)]
    first = found[-1] if found else None  # the thread is latest first
    parent = topic.parent
    if parent is not None and bool(thread_copies(parent[None, :], vector)[0]):
        parent = None
        if parent_id and parent_id not in found:  # older than the thread: the first
            first = parent_id
    if copies.any() or parent is not topic.parent:
        keep = np.flatnonzero(~copies)
        ids = tuple(topic.thread_ids[i] for i in keep if i < len(topic.thread_ids))
        topic = replace(topic, thread=topic.thread[keep], thread_ids=ids, parent=parent)
    return topic, first


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    row["clauses"] = json.loads(row["clauses"])
    row["model_versions"] = json.loads(row["model_versions"] or "{}")
    return row


def _insert_decision(
    con: Con,
    comment_id: str,
    revision: int,
    by: str,
    d: dict[str, Any],
    now: datetime,
    decision_id: int | None = None,
) -> None:
    """Insert a decision, numbered ``decision_id`` or else from the sequence."""
    number = "nextval('mod_decision_ids')" if decision_id is None else "?"
    _run(
        con,
        f"INSERT INTO mod_decisions VALUES ({number}, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            *([] if decision_id is None else [decision_id]),
            comment_id, revision, by, d["decision"], d["reason"],
            json.dumps(d.get("clauses", []), ensure_ascii=False, sort_keys=True),
            d.get("policy_version"), json.dumps(d.get("model_versions", {}), sort_keys=True),
            now,
        ],
    )  # fmt: skip


class TopicCache:
    """Articles' vectors and published threads (``Topic`` without a parent) as of one state of
    the store, so that a submission need not read them (one statement, 2-3 ms, measured).

    The state is named by the id of the last audit entry: every write of this module (an
    article added or changed, a comment submitted, approved, rejected, edited or appealed)
    appends one, in the transaction that makes the change, and two writers cannot both
    append after the same entry (``mod_audit_head``). A submission reads that id first;
    the cache answers only when it holds the state of that very entry, and otherwise the
    topic is read from the store. After a submission commits, the cache moves to its entry:
    the topic it used, with the new comment first in the thread when it was published. A
    change by anyone else (another process, another service, a moderator here) leaves the
    cache at an older entry, so the next submission reads the store again. It holds the
    ``ARTICLES`` articles last commented on (about 80 KB each).
    """

    ARTICLES = 256

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._at: int | None = None
        self._topics: dict[str, Topic] = {}

    def get(self, article_id: str, at: int) -> Topic | None:
        """The article's topic if the cache holds the state after audit entry ``at``."""
        with self._lock:
            return self._topics.get(article_id) if self._at == at else None

    def note(
        self,
        before: int,
        after: int,
        topic: Topic,
        published: npt.NDArray[np.float32] | None,
        comment_id: str = "",
    ) -> None:
        """A submission (``comment_id``) committed audit entry ``after`` on the state after
        ``before``, judged against ``topic`` (the whole thread: with any copies of it);
        ``published``: its vector, if it was published. The thread's ids move with its
        vectors (``Topic.thread_ids``: what ``duplicate_of`` names)."""
        thread, ids = topic.thread, topic.thread_ids
        if published is not None:
            thread = np.vstack([published[None, :].astype(np.float32), thread])[:THREAD_SIZE]
            ids = (comment_id, *ids)[:THREAD_SIZE]
        with self._lock:
            if self._at != before:
                self._topics = {}  # the store moved on: only this article is known now
            self._topics.pop(topic.article_id, None)  # to the end: the latest commented on
            self._topics[topic.article_id] = Topic(
                topic.article_id, topic.article, thread, thread_ids=ids
            )
            while len(self._topics) > self.ARTICLES:
                del self._topics[next(iter(self._topics))]
            self._at = after


class ModerationService:
    """Comment moderation: validation, checks, storage, queue, actions and audit."""

    def __init__(
        self,
        access: Access,
        policy: Policy | None = None,
        moderator: Moderator | None = None,
    ) -> None:
        self.access = access
        self.policy = policy or load_policy()
        self._moderator = moderator
        self._topics = TopicCache()
        self._purge_at = 0.0  # when a keyed submission next deletes expired keys

    @classmethod
    def open(
        cls, path: str | Path, policy: Policy | None = None, *, create: bool = True
    ) -> ModerationService:
        """A service over the store file at ``path`` (opened read-write, migrated).

        ``create`` False: a path with no store is a StoreError (connecting would create
        it), and a store without the moderation tables (moderation never used on it) is a
        NotFoundError; the file is left as it was (nothing is written to it).
        """
        if not create and not Path(path).exists():
            raise StoreError(
                f"no store at {path}",
                hint="pass the --store the moderation service writes to (`mutewatch serve`'s)",
            )
        try:
            con = duckdb.connect(str(path))
        except duckdb.Error as exc:
            if "lock" in str(exc).lower():  # retry with mutewatch.store.when_free
                raise StoreBusyError(
                    f"the store {path} is locked by another process",
                    hint="wait for it (`mutewatch serve` lets go when asked), or use another"
                    " --store",
                ) from exc
            raise StoreError(
                f"cannot open the store {path}: {exc}",
                hint="check the path, or stop the process holding its lock",
            ) from exc
        if not create and not _has_tables(con):
            con.close()
            raise NotFoundError(
                f"no moderation in the store {path}: no article or comment was ever added to it",
                hint="check that --store names the store `mutewatch serve` moderates; moderation"
                " starts with `mutewatch moderate articles add` or POST /api/v1/articles",
            )
        return cls(DirectAccess(con), policy)

    @property
    def moderator(self) -> Moderator:
        """The policy engine (models load on first use).

        Once the models are loaded, every object alive is moved out of the garbage
        collector's reach (``gc.freeze()``): they live as long as the process, and scanning
        them (about 80k objects) made a full collection a pause of 50-200 ms (measured on a
        busy 2-core machine) in the middle of whichever request triggered it.
        """
        if self._moderator is None:
            self._moderator = Moderator(self.policy)
            gc.collect()
            gc.freeze()
        return self._moderator

    def close(self) -> None:
        """Close a direct connection (no-op for the gateway)."""
        closer = getattr(self.access, "close", None)
        if callable(closer):
            closer()

    # --- reading ---------------------------------------------------------------------------

    def article(self, article_id: str) -> dict[str, Any]:
        """One article; NotFoundError if unknown."""
        return self.access.read(lambda con: _article(con, article_id))

    def topic(self, article_id: str, parent_id: str | None = None) -> Topic:
        """What a comment on this article should be about (see ``checks.Topic``)."""
        return self.access.read(lambda con: _topic(con, article_id, parent_id))

    def comment(self, comment_id: str) -> dict[str, Any]:
        """One comment's current state; NotFoundError if unknown."""
        comment_id = _check_comment_id(comment_id)
        return self.access.read(lambda con: _comment(con, comment_id))

    def queue(
        self,
        limit: int = 50,
        offset: int = 0,
        clause: str | None = None,
        appeal: bool | None = None,
        *,
        article_id: str | None = None,
        after: str | None = None,
    ) -> dict[str, Any]:
        """Held comments, oldest first, each with the machine's fired clauses and evidence:
        ``{total, next_after, items}``.

        ``clause`` keeps those where that clause fired; an unknown clause is a UsageError
        naming the valid ones (not an empty list that looks like an empty queue). ``appeal``
        True keeps the comments a reader appealed, False the others. ``article_id`` keeps
        one article's comments (a story drawing many comments is worked through on its
        own); an article nobody added is a NotFoundError, not an empty queue. ``after`` (a
        comment id: the ``next_after`` of the page before, None on the last page) starts
        the page after that comment: an offset skipped as many items as moderators had
        decided since the page before (with c1-c5 held and c1, c2 approved, offset 2 gave
        c5); ``total`` counts the queue whole. Each item has
        ``appeal`` (``{note, at}`` or None) and ``author_record`` (see ``_author_records``):
        the page is filtered and cut in SQL, and the records of its authors read in one
        grouped query.
        """
        _check_page(limit, offset)
        if article_id is not None:
            article_id = query_text(article_id, "article_id", "queue filter")
        if after is not None:
            after = query_text(after, "after", "queue page")
        if clause is not None and clause not in CLAUSES:
            raise UsageError(
                f"unknown clause {shown(str(clause))} in the queue filter",
                hint=f"use one of {', '.join(CLAUSES)}, or leave `clause` out",
            )

        def read(con: Con) -> dict[str, Any]:
            if article_id is not None:
                _article(con, article_id)  # NotFoundError if unknown
            total, page = _queue_page(con, clause, appeal, limit + 1, offset, article_id, after)
            more, page = len(page) > limit, page[:limit]
            rows = _queue_items(con, page)
            records = _author_records(con, rows)
            for row in rows:
                _decoded(row)
                row["clauses"] = [c for c in row["clauses"] if c["fired"]]
                note, at = row.pop("appeal_note"), row.pop("appealed_at")
                row["appeal"] = None if at is None else {"note": note, "at": at}
                row["author_record"] = records[row["id"]]
                row.pop("email")
            next_after = page[-1][0] if more else None
            return {"total": total, "next_after": next_after, "items": rows}

        return self.access.read(read)

    def history(self, comment_id: str) -> dict[str, Any]:
        """A comment's revisions, decisions and audit entries."""
        comment_id = _check_comment_id(comment_id)

        def read(con: Con) -> dict[str, Any]:
            current = _comment(con, comment_id)
            revisions = _rows(
                con,
                "SELECT revision, text, editor, note, created_at FROM mod_revisions"
                " WHERE comment_id = ? ORDER BY revision",
                [comment_id],
            )
            decisions = _rows(
                con,
                "SELECT decision_id, revision, decided_by, decision, reason, clauses,"
                " policy_version, model_versions, created_at FROM mod_decisions"
                " WHERE comment_id = ? ORDER BY decision_id",
                [comment_id],
            )
            keys = tuple(k for k in AUDIT_KEYS if k not in ("comment_id", "article_id"))
            audit = _audit_rows(con, "WHERE comment_id = ? ORDER BY audit_id", [comment_id], keys)
            return {
                "comment": current,
                "revisions": revisions,
                "decisions": [_decoded(d) for d in decisions],
                "audit": audit,
            }

        return self.access.read(read)

    def audit(
        self,
        limit: int = 200,
        *,
        before: int | None = None,
        actor: str | None = None,
        action: str | None = None,
        comment_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """The newest audit entries first, ``limit`` (1..5000) of them.

        ``before`` (an ``audit_id``: the last one of the page before) pages back through the
        whole log, which a limit alone could not reach past its newest entries; ``actor``,
        ``action`` (``approve``, ``reject``, ``edit``, ``appeal``, ``submitted:hold``, ...)
        and ``comment_id`` keep the entries that match exactly (what one moderator did,
        one comment's entries). UsageError for a limit out of range, a ``before`` below 1 or a
        filter that is empty or too long (``query_text``).
        """
        page = self.audit_page(
            limit, before=before, actor=actor, action=action, comment_id=comment_id
        )
        items: list[dict[str, Any]] = page["items"]
        return items

    def audit_page(
        self,
        limit: int = 200,
        *,
        before: int | None = None,
        actor: str | None = None,
        action: str | None = None,
        comment_id: str | None = None,
    ) -> dict[str, Any]:
        """``audit``'s page with its cursor: ``{items, next_before}``, ``next_before`` the
        last item's ``audit_id`` when older entries match, None on the last page (one more
        entry is read to know, as the queue and the published list do: a last page exactly
        full no longer points to an empty one)."""
        where, params = _audit_filter(before, actor, action, comment_id)
        if not 1 <= limit <= MAX_AUDIT_PAGE:
            raise UsageError(
                f"limit must be 1..{MAX_AUDIT_PAGE} (got {limit})",
                hint="page back with `before`: the audit_id of the last entry of the page",
            )
        sql = f"WHERE {where} ORDER BY audit_id DESC LIMIT ?"
        rows = self.access.read(lambda con: _audit_rows(con, sql, [*params, limit + 1]))
        items = rows[:limit]
        next_before = items[-1]["audit_id"] if len(rows) > limit else None
        return {"items": items, "next_before": next_before}

    def recount(self) -> dict[str, Any]:
        """Rebuild the author counts, fired clauses and audit head in one transaction (see
        ``recount_moderation``); what changed."""
        return self.access.write(recount_moderation)

    def audit_chain(self) -> dict[str, Any]:
        """The moderation audit log's hash chain (see ``moderation_audit_chain``)."""
        return self.access.read(moderation_audit_chain)

    def published_comments(
        self, article_id: str, limit: int = 50, offset: int = 0, after: str | None = None
    ) -> dict[str, Any]:
        """An article's published comments for the site to show, oldest first.

        ``{article_id, total, limit, offset, next_after, items: [{id, parent_id,
        parent_published, author_name, text, revision, created_at, updated_at}]}``.
        ``after`` (a comment id: the ``next_after`` of the page before) starts the page
        after that comment: unlike an offset, it neither repeats nor skips a comment when
        moderators publish or reject one between pages (even ``after`` itself);
        ``next_after`` is None on the last page. ``total`` counts all published comments
        now (it grows when one is approved). The current text of each,
        never an e-mail address, never a held or rejected comment. A reply keeps its
        ``parent_id`` (an opaque id) even when the parent is not published, and
        ``parent_published`` says whether the site can show the parent; nothing of an
        unpublished parent's content is returned. NotFoundError for an unknown article or
        an ``after`` not on it, UsageError for limit outside 1..500, a negative offset or an
        empty ``after``.
        """
        article_id = _check_article_id(article_id)
        _check_page(limit, offset)
        after = None if after is None else query_text(after, "after", "page")

        def read(con: Con) -> dict[str, Any]:
            _article(con, article_id)  # NotFoundError if unknown
            items = _published_page(con, article_id, limit + 1, offset, after)
            more, items = len(items) > limit, items[:limit]
            parents = sorted({str(i["parent_id"]) for i in items if i["parent_id"]})
            row = con.execute(_PUBLISHED_TOTAL_SQL, [article_id, parents]).fetchone()
            total, shown = (int(row[0]), set(row[1] or ())) if row else (0, set())
            for item in items:
                parent = item["parent_id"]
                item["parent_published"] = None if parent is None else parent in shown
            return {"article_id": article_id, "total": total, "limit": limit, "offset": offset,
                    "next_after": items[-1]["id"] if more else None, "items": items}  # fmt: skip

        return self.access.read(read)

    def comment_status(
        self,
        comment_id: str,
        *,
        staff: bool = False,
        reader: str | None = None,
        appeals: bool = False,
    ) -> dict[str, Any]:
        """Where one comment stands, for the site that submitted it.

        ``{id, article_id, parent_id, author_name, status, decision, decided_by, reason,
        revision, created_at, updated_at}``: ``decision`` is the machine's decision on
        submission, ``status`` the current state (a moderator may have changed it), and
        ``reason`` a text for the commenter: the machine's reason, or after a moderator's
        action the policy's reason for the clause they named (their note is internal).
        ``decided_by`` is ``machine`` or ``moderator``. ``staff`` (moderators, admins) adds
        ``email``, ``note`` (the moderator's note) and the moderator's name in ``decided_by``.
        ``reader`` (not staff): only a comment that user submitted is found, so one API user
        cannot read the held and rejected comments of another. NotFoundError for an unknown
        id, or one the reader did not submit (its existence is not revealed either).
        ``appeals`` adds ``automated``, ``appealed``, ``appeal`` and ``how_to_appeal`` (see
        ``_appeal_view``; the API always asks for them).
        """
        comment_id = _check_comment_id(comment_id)

        def read(con: Con) -> dict[str, Any]:
            rows = _rows(con, _STATUS_SQL, [comment_id])
            if not rows or (
                reader is not None and not staff and _submitter(con, comment_id) != reader
            ):
                raise NotFoundError(
                    f"unknown comment {comment_id!r}",
                    hint="a comment's status is shown to the account that submitted it and to"
                    " moderators",
                )
            view = self._status_view(rows[0], staff)
            return _appeal_view(con, view) if appeals else view

        return self.access.read(read)

    def _status_view(self, row: dict[str, Any], staff: bool) -> dict[str, Any]:
        """The comment_status answer from one ``_STATUS_SQL`` row."""
        decided_by = row.pop("decided_by") or "machine"
        action, clause = row.pop("last_action"), row.pop("last_clause")
        last_reason, email = row.pop("last_reason"), row.pop("email")
        by_machine = decided_by == "machine"
        row["decided_by"] = decided_by if by_machine or staff else "moderator"
        row["reason"] = last_reason if by_machine else self._moderator_reason(action, clause)
        if staff:
            row["email"] = email
            row["note"] = None if by_machine else last_reason  # a moderator's reason is the note
        return row

    def _moderator_reason(self, action: str | None, clause: str | None) -> str:
        """The commenter's reason after a moderator's action (never the moderator's note).

        After a reject: the policy's reason for each clause named whose action is reject (a
        hold clause's reason promises a review, which has now happened), else a plain text
        naming the clauses.
        """
        if action == "edit":
            return "A moderator edited the comment and published it."
        if action != "reject":
            return "A moderator approved the comment."
        named = [c for c in (clause or "").split(",") if c]
        texts = [
            c.reason for c in self.policy.clauses if c.clause in named and c.action == "reject"
        ]
        if texts:
            return " ".join(dict.fromkeys(texts))
        under = f" under the terms on {', '.join(named)} comments" if named else ""
        return f"A moderator decided not to publish the comment{under}."

    # --- writing ---------------------------------------------------------------------------

    def add_article(self, record: Any, actor: str) -> dict[str, Any]:
        """Create or replace an article ``{id, title, body}``; its embedding is stored.
        Returns ``{id, title, created, updated}``; the same article again (title, body and
        embedding) writes and audits nothing (``updated`` false)."""
        return self._add_article(record, actor, None)[0]

    def add_article_once(
        self, record: Any, actor: str, idempotency_key: str
    ) -> tuple[dict[str, Any], bool]:
        """``add_article`` under an idempotency key of ``actor``: ``(answer, replayed)``, as
        ``submit_comment_once`` (a retry with the key and the same body gets the first
        answer, ``created`` as it was then; the key with another body is an
        IdempotencyKeyReused)."""
        once = _Once.of("article", actor, idempotency_key, record)
        return self._add_article(record, actor, once)

    def _add_article(
        self, record: Any, actor: str, once: _Once | None
    ) -> tuple[dict[str, Any], bool]:
        if once is not None and (earlier := self._replay(once)) is not None:
            return earlier, True
        article_id, title, body = parse_article(record)
        vector = embedder().embed([f"{title}. {body}"])[0]

        def write(con: Con) -> dict[str, Any]:
            now = _now()
            old = _rows(
                con,
                "SELECT created_at, title, body, embedding FROM mod_articles WHERE article_id = ?",
                [article_id],
            )
            answer = {"id": article_id, "title": title, "created": not old, "updated": False}
            if old and _same_article(old[0], title, body, vector):
                return answer  # a CMS posting the article again: nothing to write or audit
            created = old[0]["created_at"] if old else now
            con.execute(
                f"INSERT OR REPLACE INTO mod_articles VALUES (?, ?, ?, {VECTOR_PARAM}, ?, ?)",
                [article_id, title, body, vector, created, now],
            )
            action = "article_updated" if old else "article_added"
            note = _article_change(old[0], title, body) if old else None
            _audit(con, actor, action, article_id=article_id, note=note)
            return {**answer, "updated": bool(old)}

        return self._write_once(once, write, article_id, 201)

    def validate_comment(self, record: Any) -> CommentInput:
        """Check a comment request's fields (not yet the article); InputError says what."""
        return parse_comment(record, self.policy)

    def submit_comment(self, record: Any, submitted_by: str | None = None) -> dict[str, Any]:
        """Validate, check and store a comment with its decision; returns the contract shape.

        The text is embedded and the language and name models run first; then one
        transaction reads the article and thread, decides, and writes the comment, its first
        revision, its decision and the audit entry (actor ``machine``, the decider, and
        ``submitted_by``: the API user who sent it). It is committed before this returns.
        The article's vector and thread come from ``TopicCache`` when the store is still in
        the state they were read or last updated in (a reply reads them afresh, with its
        parent). A copy of a comment of the published thread (the latest ``THREAD_SIZE``)
        or of the published parent (the same text but for case, white space and invisible
        characters, found by its embedding: ``checks.COPY_SIMILARITY``) is judged without
        its copies, and held when it has ``COPY_MIN_WORDS`` words or more (``duplicate_of``
        in the ``irrelevant`` clause's evidence names the earliest). Only those published
        comments are compared (in memory, no lookup in the store): a copy of a held,
        rejected or older comment is judged as a new text; an edited comment is compared by
        its edit's text.
        """
        result, _ = self._submit(record, submitted_by, None)
        return result

    def submit_comment_once(
        self, record: Any, submitted_by: str | None, idempotency_key: str
    ) -> tuple[dict[str, Any], bool]:
        """``submit_comment`` under an idempotency key: ``(answer, replayed)``.

        The first submission with a key of this ``submitted_by`` (the key is theirs alone;
        None and "" are one caller) stores the comment, and in the same transaction the key,
        the SHA-256 of the body's canonical JSON (``body_hash``) and the answer. A later one
        with the same key and the same body, within IDEMPOTENCY_HOURS, stores nothing and
        gets that answer again (``replayed`` True): the same id, decision, clauses and
        reason, even after a crash or restart. The same key with another body is an
        IdempotencyKeyReused (HTTP 422). Only a stored comment keeps its key: a refused
        one (4xx) may be sent again with it."""
        once = _Once.of("comment", submitted_by, idempotency_key, record)
        return self._submit(record, submitted_by, once)

    def _submit(
        self, record: Any, submitted_by: str | None, once: _Once | None
    ) -> tuple[dict[str, Any], bool]:
        if once is not None:
            earlier = self._replay(once)
            if earlier is not None:  # a retry: no model need run
                return earlier, True
        comment = self.validate_comment(record)
        if submitted_by is not None:
            check_unicode(submitted_by, "submitted_by", "submission")
        [features] = self.moderator.prepare([comment])
        email = _email_field(record)
        purge = once is not None and time.monotonic() >= self._purge_at

        def write(con: Con) -> tuple[_Head, Decision, Topic, dict[str, Any]] | dict[str, Any]:
            if once is not None:
                earlier = _keyed(con, once)
                if earlier is not None:  # the same request, stored since the read above
                    return earlier
            head = _submit_head(con, email)
            article_id = comment.article_id or ""
            known = None if comment.parent_id else self._topics.get(article_id, head.last)
            topic = known or _topic(con, article_id, comment.parent_id)  # NotFoundError
            if comment.parent_id:
                _check_parent(con, comment.parent_id, article_id)
            features.topic, features.copy_of = _without_copies(
                topic, features.vector, comment.parent_id
            )
            decision = self.moderator.decide(features)
            _store_comment(con, head, comment, email, decision, submitted_by)
            out = decision.as_dict()
            out["id"] = head.comment_id
            if once is not None:  # answered as it is stored, and replayed
                out = _answer(out)
                _keep_key(con, once, head.comment_id, out, 201, purge)
            return head, decision, topic, out

        written = self.access.write(write)
        if isinstance(written, dict):
            return written, True
        head, decision, topic, out = written
        if purge:
            self._purge_at = time.monotonic() + PURGE_EVERY
        published = decision.decision == "publish" and decision.embedding is not None
        self._topics.note(head.last, head.audit_id, topic,
                          decision.embedding if published else None,
                          head.comment_id)  # fmt: skip
        return out, False

    def act(self, comment_id: str, record: Any, actor: str) -> dict[str, Any]:
        """A moderator's action (see ``_act``): the comment's new state."""
        return self._act(comment_id, record, actor, None)[0]

    def act_once(
        self, comment_id: str, record: Any, actor: str, idempotency_key: str
    ) -> tuple[dict[str, Any], bool]:
        """``act`` under an idempotency key of ``actor``: ``(answer, replayed)``, as
        ``submit_comment_once``. A retry of an action that was done (a timeout, a double
        click) gets the first answer again instead of the 409 of a decision already made;
        the key with another body or another comment is an IdempotencyKeyReused."""
        comment_id = _check_comment_id(comment_id)
        once = _Once.of("action", actor, idempotency_key, record, comment_id)
        return self._act(comment_id, record, actor, once)

    def _act(
        self, comment_id: str, record: Any, actor: str, once: _Once | None
    ) -> tuple[dict[str, Any], bool]:
        """A moderator's action ``{action: approve|reject|edit, text?, note, clause?,
        expected_status?, expected_revision?, expected_appealed?}``.

        ``edit`` stores the new text as a new revision (the original stays) and publishes it;
        ``text`` with approve or reject is refused (it would be dropped without a word).
        Every action is appended to the audit log with the moderator's name, the note (which
        must say something) and the clause it concerns: the one given, else the clause(s)
        behind the machine's decision on the comment. ``expected_status`` / ``expected_revision``
        / ``expected_appealed`` say what the moderator saw: when another moderator acted since,
        or the reader appealed, the action is refused with a ConflictError (HTTP 409) instead
        of silently overriding theirs or deciding without the appeal. Left out, the action
        overrides on purpose: a reject of an approved comment, an approve of a rejected one.
        An approve of a comment a moderator approved (or edited) and a reject of one a
        moderator rejected override nothing: two moderators deciding alike, or a double
        click, are refused with a ConflictError naming who decided it and when, and nothing
        is written (the audit log, the decisions and the moderators' figures in ``stats``
        would count it twice). A moderator's approve of a comment the machine published, or
        reject of one it rejected, is a human review and is recorded.
        """
        if once is not None and (earlier := self._replay(once)) is not None:
            return earlier, True
        comment_id = _check_comment_id(comment_id)
        if not isinstance(record, dict):
            raise InputError("the action must be a JSON object {action, note, text?}")
        refuse_unknown_fields(record, ACTION_FIELDS, "action")
        action = _action_field(record)
        given_note = record.get("note")
        if given_note is None or (isinstance(given_note, str) and not given_note.strip()):
            raise InputError(
                "the action has no `note`: every approve, reject and edit needs one for the"
                " audit log",
                hint='say why, e.g. "note": "on topic, allegation is sourced"',
            )
        # a note that is no string is refused there, naming its type ("has no note" it had)
        note = _text_field(record, "note", limit=MAX_NOTE_CHARS, what="action")
        clause = _clause_field(record)
        text = None
        if action == "edit":
            text = _text_field(record, "text", limit=self.policy.max_text_chars, what="action")
        elif record.get("text") is not None:
            raise InputError(
                f"the action field `text` is only for edit, not {action}: the text would not"
                " be changed",
                hint=f'send "action": "edit" to change the text, or leave `text` out to {action}',
            )
        expected = _expected_state(record)
        vector = embedder().embed([text])[0] if text is not None else None

        def write(con: Con) -> dict[str, Any]:
            current = _comment(con, comment_id)
            _check_unchanged(con, current, expected)
            if text is None:
                _check_not_repeated(con, current, action)
            if text is not None and text == current["text"]:
                raise InputError(
                    f"the edit's text is comment {comment_id}'s text as it stands: an edit"
                    " would store a copy of it as a new revision",
                    hint="send approve to publish it as it stands, or change the text",
                )
            before = (str(current["status"]), _human_decided(con, comment_id))
            now = _now()
            status = "rejected" if action == "reject" else "published"
            revision = int(current["revision"])
            if text is not None:
                revision += 1
                con.execute(
                    "INSERT INTO mod_revisions VALUES (?, ?, ?, ?, ?, ?)",
                    [comment_id, revision, text, actor, note, now],
                )
                con.execute(
                    f"UPDATE mod_comments SET embedding = {VECTOR_PARAM} WHERE comment_id = ?",
                    [vector, comment_id],
                )
            con.execute(
                "UPDATE mod_comments SET status = ?, text = ?, revision = ?, updated_at = ?"
                " WHERE comment_id = ?",
                [status, text or current["text"], revision, now, comment_id],
            )
            _count_author(con, comment_id, before, (status, True))
            verdict = "reject" if action == "reject" else "publish"
            reason = note or f"moderator: {action}"
            _insert_decision(
                con, comment_id, revision, actor, {"decision": verdict, "reason": reason}, now
            )
            _audit(
                con, actor, action, comment_id=comment_id, article_id=current["article_id"],
                clause=clause or _machine_clause(con, comment_id), note=note,
                status=(before[0], status),
            )  # fmt: skip
            return _comment(con, comment_id)

        return self._write_once(once, write, comment_id)

    def appeal(self, comment_id: str, record: Any, reader: str) -> dict[str, Any]:
        """A reader's appeal (see ``_appeal``): ``{id, status, appealed, appeal}``."""
        return self._appeal(comment_id, record, reader, None)[0]

    def appeal_once(
        self, comment_id: str, record: Any, reader: str, idempotency_key: str
    ) -> tuple[dict[str, Any], bool]:
        """``appeal`` under an idempotency key of ``reader``: ``(answer, replayed)``, as
        ``submit_comment_once`` (a retry gets the first answer, not the 409 of an appeal
        already made; the key with another body or comment is an IdempotencyKeyReused)."""
        comment_id = _check_comment_id(comment_id)
        once = _Once.of("appeal", reader, idempotency_key, record, comment_id)
        return self._appeal(comment_id, record, reader, once)

    def _appeal(
        self, comment_id: str, record: Any, reader: str, once: _Once | None
    ) -> tuple[dict[str, Any], bool]:
        """A reader's appeal ``{note}`` against the machine's decision on their comment.

        Only the API user who submitted the comment may appeal (NotFoundError for anyone
        else, as ``comment_status``), once, and only against an automated hold or reject:
        a moderator's decision is final and a published comment has nothing to appeal
        (ConflictError, HTTP 409). The comment goes (back) to the queue as held with the
        appeal, and an ``appeal`` entry (actor: the reader) is chained into the audit log,
        in one transaction. Returns ``{id, status, appealed, appeal: {note, at}}``.
        """
        if once is not None and (earlier := self._replay(once)) is not None:
            return earlier, True
        comment_id = _check_comment_id(comment_id)
        if not isinstance(record, dict):
            raise InputError(
                "the appeal must be a JSON object {note}",
                hint='say why the decision is wrong, e.g. {"note": "my comment is on topic"}',
            )
        refuse_unknown_fields(record, ("note",), "appeal")
        note = _text_field(record, "note", limit=MAX_NOTE_CHARS, what="appeal")
        assert note is not None
        check_unicode(reader, "reader", "appeal")

        def write(con: Con) -> dict[str, Any]:
            current = _appealable(con, comment_id, reader)
            now = _now()
            con.execute(
                "INSERT INTO mod_appeals VALUES (?, ?, ?, ?, ?)",
                [comment_id, note, reader, current["status"], now],
            )
            con.execute(
                "UPDATE mod_comments SET status = 'held', updated_at = ? WHERE comment_id = ?",
                [now, comment_id],
            )
            _count_author(con, comment_id, (str(current["status"]), False), ("held", False))
            _audit(
                con, reader, "appeal", comment_id=comment_id, article_id=current["article_id"],
                clause=_machine_clause(con, comment_id), note=note,
                status=(str(current["status"]), "held"),
            )  # fmt: skip
            return {"id": comment_id, "status": "held", "appealed": True,
                    "appeal": {"note": note, "at": now}}  # fmt: skip

        return self._write_once(once, write, comment_id)

    def _replay(self, once: _Once) -> dict[str, Any] | None:
        """The answer stored under ``once``'s key for its request, read before the request
        is checked or anything is computed (see ``_keyed``)."""
        return self.access.read(lambda con: _keyed(con, once))

    def _write_once(
        self,
        once: _Once | None,
        write: Callable[[Con], dict[str, Any]],
        record_id: str,
        created_status: int = 200,
    ) -> tuple[dict[str, Any], bool]:
        """Run ``write`` in one transaction: ``(answer, replayed)``. With ``once``, the key is
        looked up again in that transaction (the same request may have been stored since
        ``_replay``) and kept there with the answer and its status (``created_status`` when
        the answer says ``created``, else 200), so an answer given is replayed after a
        restart too; a refused request (an exception) keeps nothing."""
        if once is None:
            return self.access.write(write), False
        purge = time.monotonic() >= self._purge_at

        def keyed(con: Con) -> tuple[dict[str, Any], bool]:
            earlier = _keyed(con, once)
            if earlier is not None:
                return earlier, True
            out = _answer(write(con))
            status = created_status if out.get("created", True) else 200
            _keep_key(con, once, record_id, out, status, purge)
            return out, False

        answer, replayed = self.access.write(keyed)
        if purge and not replayed:
            self._purge_at = time.monotonic() + PURGE_EVERY
        return answer, replayed


IDEMPOTENCY_HOURS = 24
"""How long an idempotency key is kept (Stripe keeps them 24 hours): a retry comes within
seconds or minutes; a key sent again after a day is a new submission."""
PURGE_EVERY = 3600.0
"""Seconds between the deletions of expired keys (by one keyed submission, in its own
transaction): a DELETE scanning the keys on every submission would cost each one."""
MAX_IDEMPOTENCY_KEY_CHARS = 255


class IdempotencyKeyReused(InputError):
    """An idempotency key sent again with another request on its route: another body, or
    another comment on a comment's routes (HTTP 422, as Stripe answers it and the IETF draft
    "The Idempotency-Key HTTP Header Field" asks)."""

    code = "idempotency_key_reused"


def check_idempotency_key(key: Any) -> str:
    """The key, or a UsageError (HTTP 400) unless it is 1-255 printable ASCII characters
    (space to ``~``; a header's leading and trailing white space is not part of it)."""
    if not isinstance(key, str) or not key:
        raise UsageError(
            "the Idempotency-Key is empty",
            hint="send 1-255 printable ASCII characters, e.g. a UUID, or leave the header out",
        )
    if len(key) > MAX_IDEMPOTENCY_KEY_CHARS:
        raise UsageError(
            f"the Idempotency-Key has {len(key)} characters; the limit is"
            f" {MAX_IDEMPOTENCY_KEY_CHARS}",
            hint="send a shorter key, e.g. a UUID",
        )
    bad = next((i for i, ch in enumerate(key) if not " " <= ch <= "~"), None)
    if bad is not None:
        raise UsageError(
            f"the Idempotency-Key holds a character that is not printable ASCII"
            f" (U+{ord(key[bad]):04X} at character {bad})",
            hint="send 1-255 printable ASCII characters (space to ~), e.g. a UUID",
        )
    return key


def body_hash(record: Any) -> str:
    """The SHA-256 of a request body's canonical JSON (keys sorted, no spaces, UTF-8): two
    bodies that parse to the same JSON (keys in another order, other spacing or escapes)
    have the same hash."""
    canonical = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


_KEYED_SQL = """
SELECT body_hash, comment_id, response, created_at FROM mod_idempotency
WHERE principal = ? AND route = ? AND idempotency_key = ?
"""


def _article_change(stored: dict[str, Any], title: str, body: str) -> str:
    """What an update changed, for its audit entry: the comments judged before it were
    judged against the old text, which the article row no longer holds (the title itself,
    cut at 200 characters; the body by its length and SHA-256)."""
    changes = []
    if stored["title"] != title:
        was = stored["title"] if len(stored["title"]) <= 200 else stored["title"][:199] + "…"
        changes.append(f"title was {was!r}")
    if stored["body"] != body:
        digest = hashlib.sha256(stored["body"].encode("utf-8")).hexdigest()[:16]
        changes.append(
            f"body changed ({len(stored['body'])} -> {len(body)} characters; "
            f"the old body's sha256 {digest}...)"
        )
    return "; ".join(changes) or "embedding refreshed (title and body unchanged)"


def _same_article(
    stored: dict[str, Any], title: str, body: str, vector: npt.NDArray[np.float32]
) -> bool:
    """Whether a stored article row holds this title, body and embedding already (the
    embedding too: posting an article again is how its vector is refreshed after a model
    change)."""
    if stored["title"] != title or stored["body"] != body or stored["embedding"] is None:
        return False
    return bool(np.array_equal(np.asarray(stored["embedding"], dtype=np.float32), vector))


class KeyRoute(NamedTuple):
    """A route that takes an ``Idempotency-Key``: its keys are its own (``path``), and its
    refusal of a key sent with another request names what the key was used for."""

    path: str
    noun: str  # what a new key is for
    other: str  # "another ...": {} is the record the key made or acted on
    same: str  # what a retry must send the same of
    field: str  # the error's field naming that record


KEY_ROUTES = {
    "comment": KeyRoute("POST /api/v1/comments", "comment", "comment ({})", "body",
                        "comment_id"),
    "article": KeyRoute("POST /api/v1/articles", "request", "article body (article {})",
                        "body", "article_id"),
    "action": KeyRoute("POST /api/v1/comments/{id}/actions", "action",
                       "action (on comment {})", "body to the same comment", "comment_id"),
    "appeal": KeyRoute("POST /api/v1/comments/{id}/appeal", "appeal",
                       "appeal (of comment {})", "body to the same comment", "comment_id"),
}  # fmt: skip
"""The routes that take an ``Idempotency-Key`` (``mutewatch.web.moderation``), by name."""


@dataclass(frozen=True)
class _Once:
    """An idempotency key of one caller (``principal``: the API user, "" for a library
    caller) on one route, and the digest of the request it came with: the SHA-256 of the
    body's canonical JSON, with the path's comment id on the routes of one comment."""

    principal: str
    route: KeyRoute
    key: str
    digest: str

    @classmethod
    def of(
        cls, route: str, caller: str | None, key: str, record: Any, comment_id: str | None = None
    ) -> _Once:
        checked = check_idempotency_key(key)
        principal = caller or ""
        what = "submission" if route == "comment" else route
        check_unicode(principal, "submitted_by" if route == "comment" else "actor", what)
        request = record if comment_id is None else {"comment_id": comment_id, "body": record}
        return cls(principal, KEY_ROUTES[route], checked, body_hash(request))


def _keyed(con: Con, once: _Once) -> dict[str, Any] | None:
    """The answer stored under the caller's key on the route for this request (None: no
    key within IDEMPOTENCY_HOURS); IdempotencyKeyReused when the key came with another."""
    row = _run(con, _KEYED_SQL, [once.principal, once.route.path, once.key]).fetchone()
    if row is None or (_now() - row[3]).total_seconds() >= IDEMPOTENCY_HOURS * 3600:
        return None
    if row[0] != once.digest:
        route = once.route
        raise IdempotencyKeyReused(
            f"the Idempotency-Key {shown(once.key)} was used for another"
            f" {route.other.format(row[1])}: a retry must send the same {route.same}",
            hint=f"send a new key for a new {route.noun}",
            fields={route.field: row[1]},
        )
    answer: dict[str, Any] = json.loads(row[2])
    return answer


def _answer(out: dict[str, Any]) -> dict[str, Any]:
    """An answer as JSON gives it back (times in ISO 8601 with ``Z``, as the API writes
    them): what is kept under a key is what was answered."""
    from mutewatch.web.queries import jsonable

    answer: dict[str, Any] = json.loads(json.dumps(jsonable(out), ensure_ascii=False, default=str))
    return answer


def _keep_key(
    con: Con, once: _Once, record_id: str, answer: dict[str, Any], status: int, purge: bool
) -> None:
    """Store the key with the answer and its HTTP status (replacing an expired row of it);
    with ``purge``, first delete every key older than IDEMPOTENCY_HOURS."""
    now = _now()
    cutoff = now - timedelta(hours=IDEMPOTENCY_HOURS)
    if purge:
        _run(con, "DELETE FROM mod_idempotency WHERE created_at <= ?", [cutoff])
    _run(
        con,
        "INSERT OR REPLACE INTO mod_idempotency (principal, route, idempotency_key,"
        " body_hash, comment_id, status, response, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [once.principal, once.route.path, once.key, once.digest, record_id, status,
         json.dumps(answer, ensure_ascii=False), now],
    )  # fmt: skip


def _expected_state(record: dict[str, Any]) -> dict[str, Any]:
    """The optional ``expected_status`` and ``expected_revision`` of an action, checked."""
    expected: dict[str, Any] = {}
    status = record.get("expected_status")
    if status is not None:
        if status not in STATUS_OF.values():
            raise InputError(
                f"the action field `expected_status` must be one of"
                f" {', '.join(STATUS_OF.values())}, not {status!r}"[:300],
                hint="send the status the comment had when you read it, or leave it out",
            )
        expected["status"] = status
    revision = record.get("expected_revision")
    if revision is not None:
        if isinstance(revision, bool) or not isinstance(revision, int) or revision < 1:
            raise InputError(
                f"the action field `expected_revision` must be a whole number of at least 1,"
                f" not {revision!r}"[:300],
                hint="send the revision the comment had when you read it, or leave it out",
            )
        expected["revision"] = revision
    appealed = record.get("expected_appealed")
    if appealed is not None:
        if not isinstance(appealed, bool):
            raise InputError(
                f"the action field `expected_appealed` must be true or false, not {appealed!r}"[
                    :300
                ],
                hint="send whether the comment had an appeal when you read it, or leave it out",
            )
        expected["appealed"] = appealed
    return expected


def _check_unchanged(con: Con, current: dict[str, Any], expected: dict[str, Any]) -> None:
    """ConflictError when the comment is no longer in the state the moderator acted on.

    A reader's appeal leaves a held comment held at its revision: ``expected_appealed``
    (whether the moderator saw an appeal) is what tells a decision taken before it.
    """
    now = {"status": current["status"], "revision": int(current["revision"])}
    if "appealed" in expected:
        row = con.execute(
            "SELECT count(*) FROM mod_appeals WHERE comment_id = ?", [current["id"]]
        ).fetchone()
        now["appealed"] = bool(row and row[0])
    if all(now[k] == v for k, v in expected.items()):
        return
    last = con.execute(
        "SELECT actor, action, logged_at FROM mod_audit WHERE comment_id = ?"
        " ORDER BY audit_id DESC LIMIT 1",
        [current["id"]],
    ).fetchone()
    by = f" ({last[1]} by {last[0]} at {last[2].isoformat(timespec='seconds')}Z)" if last else ""
    raise ConflictError(
        f"comment {current['id']!r} changed since it was read: it is {now['status']} at"
        f" revision {now['revision']}{by}, not {expected.get('status', now['status'])} at"
        f" revision {expected.get('revision', now['revision'])}{_appeal_change(now, expected)}",
        hint="reload the comment and decide again; leave out expected_status,"
        " expected_revision and expected_appealed to override on purpose",
        fields={"conflict": _conflict("changed", current["id"], now, last, expected)},
    )


def _check_not_repeated(con: Con, current: dict[str, Any], action: str) -> None:
    """ConflictError when a moderator already made the decision ``action`` (approve or
    reject) would make: the comment has its status and the latest decision on it is a
    moderator's (see ``ModerationService.act``)."""
    status = "rejected" if action == "reject" else "published"
    if current["status"] != status:
        return
    last = con.execute(
        "SELECT decided_by FROM mod_decisions WHERE comment_id = ?"
        " ORDER BY decision_id DESC LIMIT 1",
        [current["id"]],
    ).fetchone()
    if last is None or last[0] == "machine":
        return
    entry = con.execute(
        "SELECT actor, action, logged_at FROM mod_audit WHERE comment_id = ?"
        " AND action IN ('approve', 'reject', 'edit') ORDER BY audit_id DESC LIMIT 1",
        [current["id"]],
    ).fetchone()
    actor, done, at = entry if entry else (last[0], action, None)
    past = {"approve": "approved", "reject": "rejected", "edit": "edited and published"}
    when = f" at {at.isoformat(timespec='seconds')}Z" if at is not None else ""
    now = {"status": status, "revision": int(current["revision"])}
    raise ConflictError(
        f"comment {current['id']!r} was already {past.get(done, done)} by {actor}{when}:"
        f" it is {status}, and another {action} would change nothing; nothing was recorded",
        hint="reload the comment; send "
        + ("reject" if action == "approve" else "approve")
        + " to overturn that decision",
        fields={"conflict": _conflict("already_decided", current["id"], now, (actor, done, at))},
    )


def _conflict(
    reason: str,
    comment_id: str,
    now: dict[str, Any],
    last: Sequence[Any] | None,
    expected: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The ``conflict`` field of a moderator's refused action (the API's 409 answers it
    beside the error's code and message, ``MutewatchError.fields``): ``reason``
    ("changed": the comment is no longer as the moderator read it; "already_decided": a
    moderator already made this decision),
    the comment's ``id``, ``status``, ``revision`` (and ``appealed`` when asked), what the
    moderator ``expected`` (changed only), and ``last``, the latest audit entry behind it
    ``{actor, action, at}`` (``at`` ISO 8601 UTC to the second, or None), or None."""
    out: dict[str, Any] = {"reason": reason, "comment_id": comment_id, **now}
    if expected is not None:
        out["expected"] = dict(expected)
    out["last"] = None
    if last is not None:
        actor, action, at = last
        stamp = at.isoformat(timespec="seconds") + "Z" if at is not None else None
        out["last"] = {"actor": actor, "action": action, "at": stamp}
    return out


def _appeal_change(now: dict[str, Any], expected: dict[str, Any]) -> str:
    """The part of a conflict message about an appeal the moderator had not seen (or had)."""
    if expected.get("appealed", now.get("appealed")) == now.get("appealed"):
        return ""
    return "; the reader appealed since" if now["appealed"] else "; it has no appeal"


def _store_comment(
    con: Con,
    head: _Head,
    c: CommentInput,
    email: str | None,
    decision: Decision,
    submitted_by: str | None,
) -> None:
    """Insert a new comment (id ``c<sequence>``, taken by its insert and set in ``head``)
    with its author counts,
    revision, decision, fired clauses and audit entry: one statement each.

    They stay one statement each (measured in session 11, a store file, 150-200 comments,
    load 8-13 on 2 cores): each costs about a millisecond (medians: comment 1.9 ms, audit
    head update 1.3, audit entry 1.2, decision 1.1, author counts 0.9, revision 0.9, fired
    0.7; before them the head's SELECT 1.3 and BEGIN 0.5), the COMMIT about 6 ms (its WAL
    write and sync, which a 201 needs), this function about 8.5 ms of CPU. DuckDB cannot
    fold them: no statement with parameters may follow another in one call ("Prepared
    parameters are only supported for the last statement") and no INSERT writes two tables;
    appending the rows with ``con.appender`` (one flush per table, nothing parsed or
    planned) cost the same CPU, 8.0-8.7 against 8.3-8.8 ms (alternating runs).

    Session 15 (DuckDB 2.0): each statement is parsed once per process (``_run``), which
    cut the statements' time by about a tenth. Prepared statements (``PREPARE`` once,
    ``EXECUTE`` each time) take no bound parameters in DuckDB: the values would be written
    into the SQL, where a long string (the text, the clauses' JSON) cost more to parse than
    the plan saved (measured: the decision and audit inserts 1.1-1.2 -> 1.3 ms; an
    embedding 0.9 -> 4.6 ms); two statements in one ``execute`` cost as much as two calls."""
    now = _now()
    status = STATUS_OF[decision.decision]
    row = _run(
        con,
        _COMMENT_INSERT,
        [
            c.article_id, c.parent_id, c.author_name, email, c.text,
            status, decision.decision, decision.embedding, now, now,
        ],
    ).fetchone()  # fmt: skip
    assert row is not None
    comment_id = head.comment_id = str(row[0])
    _count_new(con, c.author_name, head.email_key, status)
    _run(
        con,
        "INSERT INTO mod_revisions VALUES (?, 1, ?, ?, NULL, ?)",
        [comment_id, c.text, c.author_name, now],
    )
    versions = decision.as_dict(versions=True)
    _insert_decision(con, comment_id, 1, "machine", versions, now, head.decision_id)
    fired = [x.clause for x in decision.clauses if x.fired]
    if fired:
        _run(con, "INSERT INTO mod_fired SELECT ?, unnest(?::VARCHAR[])", [comment_id, fired])
    _audit(
        con, "machine", f"submitted:{decision.decision}", comment_id=comment_id,
        article_id=c.article_id, clause=",".join(fired) or None, note=decision.reason,
        submitted_by=submitted_by, head=head, status=(None, status),
    )  # fmt: skip
