"""Batches in: dedupe, accounting, one transaction per batch, resumable.

Every record of a file is counted exactly once per run: read = new + duplicates +
quarantined + skipped. A batch (its posts, links, quarantined records, names, coverage and
the source's resume position) commits in one transaction, so a ``kill -9`` leaves the store
as it was after the last whole batch, and running the same ingest again resumes there and
ends with exactly the store a clean run gives.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from mutewatch.ingest.links import classify_host, host_of
from mutewatch.model import NameSeen, Post, Quarantined, Record, Skipped
from mutewatch.store import Store

_POST_COLUMNS = (
    "platform",
    "account_id",
    "message_id",
    "ts",
    "edited",
    "time_from_local",
    "kind",
    "text",
    "forwarded_from",
    "reply_to",
    "author",
    "media",
)


@dataclass
class Counts:
    """What happened to the records of one file in one run."""

    read: int = 0
    new: int = 0
    duplicates: int = 0
    quarantined: int = 0
    skipped: int = 0

    def add(self, other: Counts) -> None:
        self.read += other.read
        self.new += other.new
        self.duplicates += other.duplicates
        self.quarantined += other.quarantined
        self.skipped += other.skipped

    def as_dict(self) -> dict[str, int]:
        return {
            "read": self.read,
            "new": self.new,
            "duplicates": self.duplicates,
            "quarantined": self.quarantined,
            "skipped": self.skipped,
        }


@dataclass
class SourceState:
    """The sources row this run writes to, and where it resumes."""

    source_id: int
    resume_from: int  # records before this position were committed by an earlier run
    previously_done: bool
    resumed_counts: Counts = field(default_factory=Counts)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class SourceWriter:
    """Writes one file's records into the store, batch by batch."""

    def __init__(self, store: Store, path: str, fmt: str, sha256: str, size: int) -> None:
        self.store = store
        self.path = path
        self.format = fmt
        self.state = self._begin(sha256, size)
        self.run = Counts()
        self.run.add(self.state.resumed_counts)
        self.touched_accounts: set[tuple[str, str]] = set()

    @property
    def source_id(self) -> int:
        return self.state.source_id

    @property
    def resume_from(self) -> int:
        return self.state.resume_from

    def _begin(self, sha256: str, size: int) -> SourceState:
        con = self.store.con
        row = con.execute(
            "SELECT source_id, status, position, read, new, duplicates, quarantined, skipped "
            "FROM sources WHERE sha256 = ?",
            [sha256],
        ).fetchone()
        if row is None:
            source_id = int(con.execute("SELECT nextval('source_ids')").fetchone()[0])  # type: ignore[index]
            con.execute(
                "INSERT INTO sources (source_id, path, format, sha256, size_bytes, status, "
                "started_at) VALUES (?, ?, ?, ?, ?, 'running', ?)",
                [source_id, self.path, self.format, sha256, size, _now()],
            )
            return SourceState(source_id, 0, False)
        source_id, status, position = int(row[0]), str(row[1]), int(row[2])
        if status == "done":
            return SourceState(source_id, 0, True)
        resumed = Counts(*(int(v) for v in row[3:8]))
        return SourceState(source_id, position, False, resumed)

    def write(self, records: list[Record], names: list[NameSeen], position_after: int) -> Counts:
        """Commit one batch; ``position_after`` is the index of the next unread record."""
        fresh = [r for r in records if r.position >= self.state.resume_from]
        counts = Counts(read=len(fresh))
        posts = _first_of_each_key([r for r in fresh if isinstance(r, Post)])
        counts.duplicates += sum(1 for r in fresh if isinstance(r, Post)) - len(posts)
        quarantined = [r for r in fresh if isinstance(r, Quarantined)]
        counts.quarantined = len(quarantined)
        counts.skipped = sum(1 for r in fresh if isinstance(r, Skipped))
        with self.store.transaction() as con:
            inserted = self._insert_posts(con, posts)
            counts.new = len(inserted)
            counts.duplicates += len(posts) - len(inserted)
            self._insert_links(con, posts, inserted)
            self._insert_quarantine(con, quarantined)
            self._record_nonpost_ids(con, fresh)
            self._record_names(con, posts, names)
            if not self.state.previously_done:  # a finished source's coverage is complete
                self._record_coverage(con, posts)
                self._advance_source(con, counts, posts, position_after)
        self.run.add(counts)
        return counts

    def _insert_posts(self, con: Any, posts: list[Post]) -> set[tuple[str, str, int]]:
        if not posts:
            return set()
        table = pa.table(
            {
                "platform": [p.platform for p in posts],
                "account_id": [p.account_id for p in posts],
                "message_id": pa.array([p.message_id for p in posts], pa.int64()),
                "ts": pa.array([p.ts for p in posts], pa.timestamp("us")),
                "edited": pa.array([p.edited for p in posts], pa.timestamp("us")),
                "time_from_local": [p.time_from_local for p in posts],
                "kind": [p.kind for p in posts],
                "text": [p.text for p in posts],
                "forwarded_from": pa.array([p.forwarded_from for p in posts], pa.string()),
                "reply_to": pa.array([p.reply_to for p in posts], pa.int64()),
                "author": pa.array([p.author for p in posts], pa.string()),
                "media": pa.array([p.media for p in posts], pa.string()),
            }
        )
        con.register("_batch_posts", table)
        cols = ", ".join(_POST_COLUMNS)
        rows = con.execute(
            f"INSERT OR IGNORE INTO posts ({cols}, source_id) "
            f"SELECT {cols}, ? FROM _batch_posts "
            "RETURNING platform, account_id, message_id",
            [self.state.source_id],
        ).fetchall()
        con.unregister("_batch_posts")
        return {(str(a), str(b), int(c)) for a, b, c in rows}

    def _insert_links(
        self, con: Any, posts: list[Post], inserted: set[tuple[str, str, int]]
    ) -> None:
        columns: dict[str, list[Any]] = {k: [] for k in _LINK_COLUMNS}
        for p in posts:
            if p.links and (p.platform, p.account_id, p.message_id) in inserted:
                for url in dict.fromkeys(p.links):
                    host = host_of(url)
                    for key, value in zip(
                        _LINK_COLUMNS,
                        (p.platform, p.account_id, p.message_id, url, host, classify_host(host), p.ts),
                        strict=True,
                    ):
                        columns[key].append(value)
        _insert_columns(con, "links", columns, "INSERT INTO links SELECT * FROM {batch}")

    def _insert_quarantine(self, con: Any, quarantined: list[Quarantined]) -> None:
        columns = {
            "source_id": [self.state.source_id] * len(quarantined),
            "path": [self.path] * len(quarantined),
            "position": [q.position for q in quarantined],
            "reason": [q.reason for q in quarantined],
            "raw": [q.raw for q in quarantined],
        }
        _insert_columns(con, "quarantine", columns, "INSERT OR IGNORE INTO quarantine SELECT * FROM {batch}")

    def _record_nonpost_ids(self, con: Any, records: list[Record]) -> None:
        rows = [
            r
            for r in records
            if not isinstance(r, Post) and r.platform and r.account_id and r.message_id is not None
        ]
        columns = {
            "platform": [r.platform for r in rows],
            "account_id": [r.account_id for r in rows],
            "message_id": [r.message_id for r in rows],
            "ts": [r.ts if isinstance(r, Skipped) else None for r in rows],
        }
        _insert_columns(
            con, "nonpost_ids", columns, "INSERT OR IGNORE INTO nonpost_ids SELECT * FROM {batch}"
        )

    def _record_names(self, con: Any, posts: list[Post], names: list[NameSeen]) -> None:
        seen: dict[tuple[str, str, str], list[datetime | None]] = {}
        chat_types: dict[tuple[str, str], str] = {}

        def note(platform: str, account: str, name: str, at: datetime | None) -> None:
            span = seen.setdefault((platform, account, name), [at, at])
            if at is not None:
                span[0] = at if span[0] is None or at < span[0] else span[0]
                span[1] = at if span[1] is None or at > span[1] else span[1]

        for p in posts:
            note(p.platform, p.account_id, p.account_name or p.account_id, p.ts)
        for n in names:
            note(n.platform, n.account_id, n.name, n.at)
            if n.chat_type:
                chat_types[(n.platform, n.account_id)] = n.chat_type
        self.touched_accounts.update((platform, account) for platform, account, _ in seen)
        keys = list(seen)
        _insert_columns(
            con,
            "account_names",
            {
                "platform": [k[0] for k in keys],
                "account_id": [k[1] for k in keys],
                "name": [k[2] for k in keys],
                "first_seen": [seen[k][0] for k in keys],
                "last_seen": [seen[k][1] for k in keys],
            },
            "INSERT INTO account_names SELECT * FROM {batch} ON CONFLICT DO UPDATE SET "
            "first_seen = least(account_names.first_seen, excluded.first_seen), "
            "last_seen = greatest(account_names.last_seen, excluded.last_seen)",
        )
        spans = _spans_by_account(seen)
        accounts = list(spans)
        _insert_columns(
            con,
            "accounts",
            {
                "platform": [k[0] for k in accounts],
                "account_id": [k[1] for k in accounts],
                "chat_type": [chat_types.get(k) for k in accounts],
                "first_seen": [spans[k][0] for k in accounts],
                "last_seen": [spans[k][1] for k in accounts],
            },
            "INSERT INTO accounts (platform, account_id, chat_type, first_seen, last_seen) "
            "SELECT * FROM {batch} ON CONFLICT DO UPDATE SET "
            "chat_type = coalesce(excluded.chat_type, accounts.chat_type), "
            "first_seen = least(accounts.first_seen, excluded.first_seen), "
            "last_seen = greatest(accounts.last_seen, excluded.last_seen)",
        )

    def _record_coverage(self, con: Any, posts: list[Post]) -> None:
        spans: dict[tuple[str, str], list[Any]] = {}
        for p in posts:
            span = spans.get((p.platform, p.account_id))
            if span is None:
                spans[(p.platform, p.account_id)] = [p.ts, p.ts, p.message_id, p.message_id, 1]
                continue
            if p.ts < span[0]:
                span[0] = p.ts
            if p.ts > span[1]:
                span[1] = p.ts
            if p.message_id < span[2]:
                span[2] = p.message_id
            if p.message_id > span[3]:
                span[3] = p.message_id
            span[4] += 1
        keys = list(spans)
        columns = {
            "source_id": [self.state.source_id] * len(keys),
            "platform": [k[0] for k in keys],
            "account_id": [k[1] for k in keys],
            **{
                name: [spans[k][i] for k in keys]
                for i, name in enumerate(
                    ("first_time", "last_time", "first_message_id", "last_message_id", "messages")
                )
            },
        }
        _insert_columns(
            con,
            "coverage",
            columns,
            "INSERT INTO coverage SELECT * FROM {batch} ON CONFLICT DO UPDATE SET "
            "first_time = least(coverage.first_time, excluded.first_time), "
            "last_time = greatest(coverage.last_time, excluded.last_time), "
            "first_message_id = least(coverage.first_message_id, excluded.first_message_id), "
            "last_message_id = greatest(coverage.last_message_id, excluded.last_message_id), "
            "messages = coverage.messages + excluded.messages",
        )

    def _advance_source(self, con: Any, counts: Counts, posts: list[Post], position: int) -> None:
        first = min((p.ts for p in posts), default=None)
        last = max((p.ts for p in posts), default=None)
        con.execute(
            "UPDATE sources SET position = ?, read = read + ?, new = new + ?, "
            "duplicates = duplicates + ?, quarantined = quarantined + ?, skipped = skipped + ?, "
            "first_time = least(first_time, ?), last_time = greatest(last_time, ?) "
            "WHERE source_id = ?",
            [
                position,
                counts.read,
                counts.new,
                counts.duplicates,
                counts.quarantined,
                counts.skipped,
                first,
                last,
                self.state.source_id,
            ],
        )

    def finish(self) -> None:
        """Close the source: derived tables for touched accounts, then status done."""
        with self.store.transaction() as con:
            self._refresh_latest_names(con)
            refresh_id_gaps(con, self.touched_accounts)
            con.execute(
                "UPDATE sources SET status = 'done', finished_at = ? WHERE source_id = ? "
                "AND status = 'running'",
                [_now(), self.state.source_id],
            )
            con.execute(
                "INSERT INTO ingest_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [_now(), self.state.source_id, self.path, *self.run.as_dict().values()],
            )

    def _refresh_latest_names(self, con: Any) -> None:
        con.execute(
            "UPDATE accounts SET name = n.name FROM ("
            "  SELECT platform, account_id, arg_max(name, coalesce(last_seen, TIMESTAMP '0001-01-01'))"
            "  AS name FROM account_names GROUP BY ALL) n "
            "WHERE accounts.platform = n.platform AND accounts.account_id = n.account_id "
            "AND accounts.name IS DISTINCT FROM n.name"
        )


_LINK_COLUMNS = ("platform", "account_id", "message_id", "url", "host", "host_class", "ts")


def _insert_columns(con: Any, table: str, columns: dict[str, list[Any]], sql: str) -> None:
    """Insert column lists through one Arrow batch: one statement, not one per row."""
    if not next(iter(columns.values())):
        return
    schema = con.sql(f"SELECT * FROM {table} LIMIT 0").to_arrow_table().schema
    batch = pa.table({name: pa.array(values, schema.field(name).type) for name, values in columns.items()})
    name = f"_batch_{table}"
    con.register(name, batch)
    try:
        con.execute(sql.format(batch=name))
    finally:
        con.unregister(name)


def _first_of_each_key(posts: list[Post]) -> list[Post]:
    seen: set[tuple[str, str, int]] = set()
    unique = []
    for p in posts:
        key = (p.platform, p.account_id, p.message_id)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def _spans_by_account(
    seen: dict[tuple[str, str, str], list[datetime | None]],
) -> dict[tuple[str, str], tuple[datetime | None, datetime | None]]:
    spans: dict[tuple[str, str], tuple[datetime | None, datetime | None]] = {}
    for (platform, account, _name), (first, last) in seen.items():
        old_first, old_last = spans.get((platform, account), (None, None))
        spans[(platform, account)] = (
            min((t for t in (old_first, first) if t is not None), default=None),
            max((t for t in (old_last, last) if t is not None), default=None),
        )
    return spans


def refresh_id_gaps(con: Any, accounts: Iterable[tuple[str, str]]) -> None:
    """Recompute the message-id jumps (deleted or uncollected posts) of these channels.

    Only platforms with sequential ids have gaps; derived ids (tabular imports) are hashes.
    """
    for platform, account in accounts:
        con.execute("DELETE FROM id_gaps WHERE platform = ? AND account_id = ?", [platform, account])
        if platform != "telegram":
            continue
        con.execute(
            "INSERT INTO id_gaps SELECT ?, ?, prev_id, message_id, "
            "message_id - prev_id - 1, prev_ts, next_ts FROM ("
            "  SELECT message_id, lag(message_id) OVER w AS prev_id, "
            "  lag(known_ts) OVER w AS prev_ts, "
            "  first_value(ts IGNORE NULLS) OVER (ORDER BY message_id "
            "    ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS next_ts FROM ("
            "    SELECT message_id, ts, last_value(ts IGNORE NULLS) OVER (ORDER BY message_id "
            "      ROWS UNBOUNDED PRECEDING) AS known_ts FROM ("
            "      SELECT message_id, ts FROM posts WHERE platform = ? AND account_id = ? "
            "      UNION ALL SELECT message_id, ts FROM nonpost_ids "
            "      WHERE platform = ? AND account_id = ?)) "
            "  WINDOW w AS (ORDER BY message_id)) "
            "WHERE prev_id IS NOT NULL AND message_id - prev_id > 1",
            [platform, account, platform, account, platform, account],
        )
