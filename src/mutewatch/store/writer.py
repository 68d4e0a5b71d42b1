"""Batches in: dedupe, accounting, one transaction per batch, resumable.

Every record of a file is counted exactly once per run: read = new + duplicates +
quarantined + skipped. A batch (its posts, links, quarantined records, names, coverage and
the source's resume position) commits in one transaction, so a ``kill -9`` leaves the store
as it was after the last whole batch, and running the same ingest again resumes there and
ends with exactly the store a clean run gives.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from mutewatch.ingest.links import (
    TELEGRAM_LINK_HOST,
    TELEGRAM_SCHEME,
    classify_host,
    host_class_sql,
)
from mutewatch.model import NameSeen, Post, PostBatch, Quarantined, Record, Skipped
from mutewatch.store import Store
from mutewatch.store.hosts import is_host_name_sql
from mutewatch.store.schema import migrate

# The ingest component's own tables. ``derived_id_sources``: sources whose message ids were
# derived from content (tabular files without a message_id column, feeds): hashes, not a
# channel's sequence, so their posts never make id gaps.
MIGRATIONS = [
    "CREATE TABLE IF NOT EXISTS derived_id_sources (source_id BIGINT PRIMARY KEY)",
    # the options (zone, mapping, time format, platform) of a source's latest finished reading
    "CREATE TABLE IF NOT EXISTS source_options (source_id BIGINT PRIMARY KEY, "
    "options VARCHAR NOT NULL)",
    # accounts whose names a committed batch recorded and no finished file has taken as
    # their latest name yet (``SourceWriter._refresh_latest_names``): this run's, and those
    # of a run killed after some batches. A store from before this table: every account.
    # (no key: an account may be listed more than once; the list empties at each finish)
    "CREATE TABLE IF NOT EXISTS names_pending (platform VARCHAR NOT NULL, "
    "account_id VARCHAR NOT NULL)",
    "INSERT INTO names_pending SELECT platform, account_id FROM accounts",
]

#: Platforms whose message ids count up per channel, so a jump shows deleted or uncollected
#: posts (``id_gaps``).
SEQUENTIAL_ID_PLATFORMS = frozenset({"telegram"})
#: On any other platform a channel's real ids (a tabular file's message_id column) are taken
#: as its own sequence only when they are dense: their span (largest - smallest + 1) at most
#: this many times the number of posts (a per-wall or per-forum counter, even with most
#: posts deleted). Ids that are not (a tweet's id is global and jumps by about 10**13 an
#: hour) make no id gaps and cannot show missing posts: silences in such channels are
#: ``ids_checked`` false (``measure.silences``). Ids derived from content never count.
DENSE_ID_SPAN_PER_POST = 100

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


# Media structs become JSON text without their empty fields (a JSON merge patch drops the
# members whose value is null; three times cheaper than cutting them out with a regexp).
_MEDIA_JSON = (
    "CASE WHEN media IS NULL THEN NULL ELSE "
    "json_merge_patch('{}', to_json(media))::VARCHAR END AS media"
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

    def __init__(
        self,
        store: Store,
        path: str,
        fmt: str,
        sha256: str,
        size: int,
        *,
        derived_ids: bool = False,
        options: str | None = None,
    ) -> None:
        """``derived_ids``: this run derives message ids from content (no id column);
        ``options``: the reading options that matter to this format, as one text."""
        self.store = store
        self.path = path
        self.format = fmt
        self.options = options
        if "ingest" not in store.migrated:  # once per open store, not once per file
            migrate(store.con, component="ingest", migrations=MIGRATIONS)
            store.migrated.add("ingest")
        self.state = self._begin(sha256, size)
        self.reread = self.state.previously_done and self._options_changed()
        if derived_ids:
            store.con.execute(
                "INSERT OR IGNORE INTO derived_id_sources VALUES (?)", [self.state.source_id]
            )
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
        rows = con.execute(
            "SELECT source_id, status, position, read, new, duplicates, quarantined, skipped "
            "FROM sources WHERE sha256 = ?",
            [sha256],
        ).fetchall()
        row = rows[0] if rows else None
        if row is None:
            source_id = int(con.execute("SELECT nextval('source_ids')").fetchall()[0][0])
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

    def _options_changed(self) -> bool:
        """Whether a finished source is read again with other options than its last reading
        (unknown for a source finished before options were kept: taken as the same)."""
        rows = self.store.con.execute(
            "SELECT options FROM source_options WHERE source_id = ?", [self.state.source_id]
        ).fetchall()
        return bool(rows) and self.options is not None and rows[0][0] != self.options

    def write(self, records: list[Record], names: list[NameSeen], position_after: int) -> Counts:
        """Commit one batch; ``position_after`` is the index of the next unread record."""
        resume = self.state.resume_from
        batch = _one_batch(records, resume)
        others = [
            r for r in records if isinstance(r, Quarantined | Skipped) and r.position >= resume
        ]
        counts = Counts(
            read=len(batch) + len(others),
            quarantined=sum(1 for r in others if isinstance(r, Quarantined)),
            skipped=sum(1 for r in others if isinstance(r, Skipped)),
        )
        con = self.store.con
        con.register("_batch", batch.table)
        con.register("_batch_links", batch.links)
        try:
            with self.store.transaction():
                counts.new = self._insert_posts(con)
                counts.duplicates = len(batch) - counts.new
                if self.state.previously_done:
                    self._forget_quarantine(con, batch, others)
                self._insert_quarantine(con, [r for r in others if isinstance(r, Quarantined)])
                if counts.duplicates:
                    clashes = self._clashes(con)
                    self._insert_quarantine(con, clashes)
                    counts.duplicates -= len(clashes)
                    counts.quarantined += len(clashes)
                self._record_nonpost_ids(con, others)
                self._record_names(con, names)
                if not self.state.previously_done:  # a finished source's coverage is complete
                    self._record_coverage(con)
                    self._advance_source(con, counts, position_after)
        finally:
            con.unregister("_batch")
            con.unregister("_batch_links")
        self.run.add(counts)
        return counts

    def _insert_posts(self, con: Any) -> int:
        """Insert the batch's first occurrence of each key; links of new posts only."""
        cols = ", ".join(_POST_COLUMNS)
        values = cols.replace("media", _MEDIA_JSON)
        returned = con.execute(
            f"INSERT OR IGNORE INTO posts ({cols}, source_id) "
            f"SELECT {values}, ? FROM _batch QUALIFY row_number() OVER "
            "(PARTITION BY platform, account_id, message_id ORDER BY position) = 1 "
            "RETURNING platform, account_id, message_id, ts",
            [self.state.source_id],
        ).fetchnumpy()
        inserted = pa.table(returned)
        if inserted.num_rows:
            con.register("_new_keys", inserted)
            con.execute(
                "INSERT INTO links SELECT l.platform, l.account_id, l.message_id, l.url, "
                f"l.host, {host_class_sql('l.host')}, k.ts FROM ("
                f"  SELECT *, {_HOST_SQL} AS host FROM (SELECT DISTINCT * FROM _batch_links)) l "
                "JOIN _new_keys k USING (platform, account_id, message_id)"
            )
            con.unregister("_new_keys")
        return int(inserted.num_rows)

    def _clashes(self, con: Any) -> list[Quarantined]:
        """Records of the batch whose key (platform, account, message id) a stored post
        holds with another time and another text: not the same post, so not duplicates
        (ids that repeat across chats or files, e.g. a row number mapped as message_id).
        They are quarantined with both times, never dropped as duplicates. Times read from
        local dates (``time_from_local``) may differ with --tz and are left as duplicates."""
        rows = con.execute(
            "SELECT b.position, b.platform, b.account_id, b.message_id, p.ts, "
            "p.source_id, to_json(b)::VARCHAR FROM _batch b JOIN posts p "
            "USING (platform, account_id, message_id) "
            "WHERE p.ts <> b.ts AND p.text IS DISTINCT FROM b.text "
            "AND NOT b.time_from_local AND NOT p.time_from_local"
        ).fetchall()
        return [
            Quarantined(
                int(position),
                f"{platform} account {account!r} message id {ident} is stored already "
                f"(source {stored_source}) with another time ({stored_ts:%Y-%m-%d %H:%M:%S} "
                "UTC) and text, so this is another post under the same id: ids repeat "
                "across chats or files (is a row number mapped as message_id?); map a "
                "column that identifies posts, or leave message_id unmapped to derive ids",
                raw,
                str(platform),
                str(account),
            )
            for position, platform, account, ident, stored_ts, stored_source, raw in rows
        ]

    def _forget_quarantine(
        self, con: Any, batch: PostBatch, others: list[Quarantined | Skipped]
    ) -> None:
        """A finished source read again (other --map, --time-format or --tz): what an
        earlier run quarantined at these positions is replaced by what this run made of
        them, so a record now stored as a post is no longer listed as quarantined."""
        positions = batch.table["position"].to_pylist() + [r.position for r in others]
        if positions:
            con.execute(
                "DELETE FROM quarantine WHERE source_id = ? AND position IN "
                "(SELECT unnest(?::BIGINT[]))",
                [self.state.source_id, positions],
            )

    def _insert_quarantine(self, con: Any, quarantined: list[Quarantined]) -> None:
        columns: dict[str, list[Any]] = {
            "source_id": [self.state.source_id] * len(quarantined),
            "path": [self.path] * len(quarantined),
            "position": [q.position for q in quarantined],
            "reason": [q.reason for q in quarantined],
            "raw": [q.raw for q in quarantined],
        }
        _insert_columns(
            con, "quarantine", columns, "INSERT OR IGNORE INTO quarantine SELECT * FROM {batch}"
        )

    def _record_nonpost_ids(self, con: Any, records: list[Quarantined | Skipped]) -> None:
        """Ids of messages that are not posts (they bound id gaps, with their time: the
        gaps' after_ts and before_ts). An id given more than once, in this batch or by an
        earlier batch or source, keeps its earliest known time: the same row whatever the
        order of records, batches and files (a batch has no order in DuckDB), and a record
        without a time (quarantined, or a service message of an HTML page) does not hide
        one that has it."""
        rows = [r for r in records if r.platform and r.account_id and r.message_id is not None]
        columns: dict[str, list[Any]] = {
            "platform": [r.platform for r in rows],
            "account_id": [r.account_id for r in rows],
            "message_id": [r.message_id for r in rows],
            "ts": [r.ts if isinstance(r, Skipped) else None for r in rows],
        }
        _insert_columns(
            con,
            "nonpost_ids",
            columns,
            "INSERT INTO nonpost_ids SELECT platform, account_id, message_id, min(ts) "
            "FROM {batch} GROUP BY ALL ON CONFLICT DO UPDATE SET "
            "ts = least(nonpost_ids.ts, excluded.ts)",
        )

    def _record_names(self, con: Any, names: list[NameSeen]) -> None:
        """Names from the posts (with their time span) and from headers and title changes."""
        columns = {
            "platform": [n.platform for n in names],
            "account_id": [n.account_id for n in names],
            "name": [n.name for n in names],
            "seen_at": pa.array([n.at for n in names], pa.timestamp("us")),
            "chat_type": pa.array([n.chat_type for n in names], pa.string()),
            "renamed": pa.array([n.renamed for n in names], pa.bool_()),
        }
        con.register("_names", pa.table(columns))
        try:
            con.execute(
                "INSERT INTO account_renames SELECT DISTINCT platform, account_id, name, seen_at "
                "FROM _names WHERE renamed AND seen_at IS NOT NULL ON CONFLICT DO NOTHING"
            )
            con.execute(
                "CREATE OR REPLACE TEMP TABLE _seen AS "
                "SELECT platform, account_id, coalesce(account_name, account_id) AS name, "
                "min(ts) AS first_seen, max(ts) AS last_seen, NULL::VARCHAR AS chat_type "
                "FROM _batch GROUP BY ALL "
                "UNION ALL "
                "SELECT platform, account_id, name, seen_at, seen_at, chat_type FROM _names"
            )
        finally:
            con.unregister("_names")
        con.execute(
            "INSERT INTO account_names SELECT platform, account_id, name, min(first_seen), "
            "max(last_seen) FROM _seen GROUP BY ALL ON CONFLICT DO UPDATE SET "
            "first_seen = least(account_names.first_seen, excluded.first_seen), "
            "last_seen = greatest(account_names.last_seen, excluded.last_seen)"
        )
        con.execute(
            "INSERT INTO accounts (platform, account_id, chat_type, first_seen, last_seen) "
            "SELECT platform, account_id, max(chat_type), min(first_seen), max(last_seen) "
            "FROM _seen GROUP BY ALL ON CONFLICT DO UPDATE SET "
            "chat_type = coalesce(excluded.chat_type, accounts.chat_type), "
            "first_seen = least(accounts.first_seen, excluded.first_seen), "
            "last_seen = greatest(accounts.last_seen, excluded.last_seen)"
        )
        touched = con.execute(
            "INSERT INTO names_pending SELECT DISTINCT platform, account_id FROM _seen "
            "RETURNING platform, account_id"
        ).fetchall()
        self.touched_accounts.update((str(p), str(a)) for p, a in touched)
        con.execute("DROP TABLE _seen")

    def _record_coverage(self, con: Any) -> None:
        con.execute(
            "INSERT INTO coverage SELECT ?, platform, account_id, min(ts), max(ts), "
            "min(message_id), max(message_id), count(*) FROM _batch GROUP BY ALL "
            "ON CONFLICT DO UPDATE SET "
            "first_time = least(coverage.first_time, excluded.first_time), "
            "last_time = greatest(coverage.last_time, excluded.last_time), "
            "first_message_id = least(coverage.first_message_id, excluded.first_message_id), "
            "last_message_id = greatest(coverage.last_message_id, excluded.last_message_id), "
            "messages = coverage.messages + excluded.messages",
            [self.state.source_id],
        )

    def _advance_source(self, con: Any, counts: Counts, position: int) -> None:
        con.execute(
            "UPDATE sources SET position = ?, read = read + ?, new = new + ?, "
            "duplicates = duplicates + ?, quarantined = quarantined + ?, skipped = skipped + ?, "
            "first_time = least(first_time, b.first), last_time = greatest(last_time, b.last) "
            "FROM (SELECT min(ts) AS first, max(ts) AS last FROM _batch) b "
            "WHERE source_id = ?",
            [
                position,
                counts.read,
                counts.new,
                counts.duplicates,
                counts.quarantined,
                counts.skipped,
                self.state.source_id,
            ],
        )

    def finish(self) -> None:
        """Close the source: derived tables for touched accounts, then status done."""
        with self.store.transaction() as con:
            _bound_renamed_names(con, self.touched_accounts)
            self._refresh_latest_names(con)
            classify_links(con)
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
            if self.reread:  # the file's row tells its latest reading (each is in ingest_runs)
                con.execute(
                    "UPDATE sources SET read = ?, new = ?, duplicates = ?, quarantined = ?, "
                    "skipped = ?, finished_at = ? WHERE source_id = ?",
                    [*self.run.as_dict().values(), _now(), self.state.source_id],
                )
            if self.options is not None:
                con.execute(
                    "INSERT OR REPLACE INTO source_options VALUES (?, ?)",
                    [self.state.source_id, self.options],
                )

    def _refresh_latest_names(self, con: Any) -> None:
        """Each account's latest name (the one seen last), for the accounts in
        names_pending, which it then empties.

        Names seen last at the same instant (two rows of a minute-resolution CSV, a title
        change and a post in the same second) are ranked: the one first seen later (the
        newer name), then the least name in code-point order (names are unique per
        account); a name never seen at a time comes after every dated one. ``arg_max`` on
        the time alone took whichever tied row it met first, so the same files ingested in
        another order gave the account another name. account_names keeps no message id,
        so ids cannot break the tie.

        Only ingest writes account_names and accounts (``_record_names``, in a batch's
        transaction, which lists the accounts it wrote in names_pending too;
        ``_bound_renamed_names``, in ``finish``, for this run's accounts: all listed); a
        forward's name is no account's name. So an account not listed has the names it had
        when a finished file last took its latest name, and the same latest name: taking
        them all, as each finished file once did, gives the same rows at a cost that grew
        with the store. Listed are this run's accounts and those of runs killed after some
        batches (left to whichever file finishes next, as when every file took them all).
        """
        con.execute(
            "UPDATE accounts SET name = n.name FROM ("
            "  SELECT platform, account_id, "
            "  first(name ORDER BY last_seen DESC NULLS LAST, first_seen DESC NULLS LAST, "
            "  name) AS name "
            "  FROM account_names SEMI JOIN names_pending USING (platform, account_id) "
            "  GROUP BY ALL) n "
            "WHERE accounts.platform = n.platform AND accounts.account_id = n.account_id "
            "AND accounts.name IS DISTINCT FROM n.name"
        )
        con.execute("DELETE FROM names_pending")


def _bound_renamed_names(con: Any, accounts: set[tuple[str, str]]) -> None:
    """A name a channel took by a title change was seen from that change to the next one.

    Posts carry the name the channel had when exported, so without this the newest name
    would span every post, and older names only their title-change messages.
    """
    if not accounts:
        return
    with _accounts_table(con, "_touched", accounts):
        con.execute(_BOUND_RENAMED_NAMES)


@contextmanager
def _accounts_table(con: Any, name: str, accounts: Iterable[tuple[str, str]]) -> Iterator[None]:
    """``accounts`` as a table ``name`` (platform, account_id) for the statements within."""
    pairs = list(accounts)
    table = pa.table(
        {"platform": [p for p, _ in pairs], "account_id": [a for _, a in pairs]},
        schema=pa.schema([("platform", pa.string()), ("account_id", pa.string())]),
    )
    con.register(name, table)
    try:
        yield
    finally:
        con.unregister(name)


_BOUND_RENAMED_NAMES = """
UPDATE account_names SET first_seen = s.first_seen, last_seen = s.last_seen FROM (
    SELECT r.platform, r.account_id, r.name, min(r.renamed_at) AS first_seen,
           greatest(max(r.renamed_at), max(p.ts)) AS last_seen
    FROM (
        SELECT platform, account_id, name, renamed_at,
               lead(renamed_at) OVER (PARTITION BY platform, account_id ORDER BY renamed_at)
                   AS until
        FROM account_renames SEMI JOIN _touched USING (platform, account_id)
    ) r
    LEFT JOIN posts p ON p.platform = r.platform AND p.account_id = r.account_id
         AND p.ts >= r.renamed_at AND (r.until IS NULL OR p.ts < r.until)
    GROUP BY ALL
) s
WHERE account_names.platform = s.platform AND account_names.account_id = s.account_id
  AND account_names.name = s.name
"""


def _insert_columns(con: Any, table: str, columns: dict[str, list[Any]], sql: str) -> None:
    """Insert column lists through one Arrow batch: one statement, not one per row."""
    if not next(iter(columns.values())):
        return
    schema = con.sql(f"SELECT * FROM {table} LIMIT 0").to_arrow_table().schema
    batch = pa.table(
        {name: pa.array(values, schema.field(name).type) for name, values in columns.items()}
    )
    name = f"_batch_{table}"
    con.register(name, batch)
    try:
        con.execute(sql.format(batch=name))
    finally:
        con.unregister(name)


def _one_batch(records: list[Record], resume_from: int) -> PostBatch:
    """All posts of a write as one Arrow batch, without those an earlier run committed."""
    batches = [r for r in records if isinstance(r, PostBatch)]
    singles = [r for r in records if isinstance(r, Post)]
    if singles:
        batches.append(PostBatch.of(singles))
    if not batches:
        return PostBatch.of([])
    table = pa.concat_tables([b.table for b in batches])
    links = pa.concat_tables([b.links for b in batches])
    if resume_from:
        table = table.filter(pc.greater_equal(table["position"], resume_from))
    return PostBatch(table, links)


# The host of a URL, in SQL: scheme and user info dropped, lower case, no "www.". A host
# holding a character no host name has (a URL cut short inside its host, as truncated
# tweets show them: "https://t.c…", "https://…") is '', as a URL without a host has: it
# names no place, and read as a host each cut would count as another one (``store.hosts``;
# measurements count no '' host). A tg: deep link is counted under t.me (``ingest.links``).
_RAW_HOST_SQL = (
    "regexp_replace(lower(regexp_extract(url, "
    "'^(?:[a-zA-Z][a-zA-Z0-9+.-]*://)?(?:[^@/?#]*@)?([^/:?#]+)', 1)), '^www\\.', '')"
)
_HOST_SQL = (
    f"CASE WHEN starts_with(lower(trim(url)), '{TELEGRAM_SCHEME}') THEN '{TELEGRAM_LINK_HOST}' "
    f"WHEN {is_host_name_sql(_RAW_HOST_SQL)} THEN {_RAW_HOST_SQL} ELSE '' END"
)


def classify_links(con: Any) -> None:
    """Fill host and host class of links stored without them.

    Ingest classifies links as it inserts them (``host_class_sql``); this catches rows
    written any other way. Hosts are cut out in SQL for every such URL; only the few
    distinct hosts are classified in Python. A link with no readable host gets host '' and
    class other.
    """
    if not con.execute("SELECT 1 FROM links WHERE host IS NULL LIMIT 1").fetchall():
        return  # the usual case after an ingest: nothing to classify
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _hosts AS SELECT DISTINCT url, {_HOST_SQL} AS host "
        "FROM links WHERE host IS NULL"
    )
    hosts = [str(h) for (h,) in con.execute("SELECT DISTINCT host FROM _hosts").fetchall()]
    classes = pa.table(
        {"host": pa.array(hosts, pa.string()), "cls": [classify_host(h or None) for h in hosts]}
    )
    con.register("_classes", classes)
    try:
        con.execute(
            "UPDATE links SET host = h.host, host_class = c.cls FROM _hosts h "
            "JOIN _classes c USING (host) WHERE links.url = h.url AND links.host IS NULL"
        )
    finally:
        con.unregister("_classes")
        con.execute("DROP TABLE _hosts")


def refresh_id_gaps(con: Any, accounts: Iterable[tuple[str, str]]) -> None:
    """Recompute the message-id jumps (deleted or uncollected posts) of these channels.

    Only channels whose ids count up have gaps (Telegram, or dense real ids elsewhere:
    ``DENSE_ID_SPAN_PER_POST``); ids derived from content (tabular files without a
    message_id column, feeds) are hashes and are left out: a post's key holds its id, so a
    post with a derived id was stored by a source listed in derived_id_sources.
    """
    accounts = list(accounts)
    if not accounts:
        return
    dense = _dense_ids(con, [a for a in accounts if a[0] not in SEQUENTIAL_ID_PLATFORMS])
    sequences = [a for a in accounts if a[0] in SEQUENTIAL_ID_PLATFORMS or a in dense]
    # one statement each for every account, not two per account: a full-account export
    # of thousands of small chats spent minutes in the per-account statements
    with _accounts_table(con, "_gap_cleared", accounts):
        con.execute(
            "DELETE FROM id_gaps USING _gap_cleared g "
            "WHERE id_gaps.platform = g.platform AND id_gaps.account_id = g.account_id"
        )
    with _accounts_table(con, "_gap_wanted", sequences):
        con.execute(_INSERT_ID_GAPS)


_INSERT_ID_GAPS = """
INSERT INTO id_gaps
SELECT platform, account_id, prev_id, message_id, message_id - prev_id - 1, prev_ts, next_ts
FROM (
    SELECT platform, account_id, message_id,
           lag(message_id) OVER w AS prev_id, lag(known_ts) OVER w AS prev_ts,
           first_value(ts IGNORE NULLS) OVER (
               PARTITION BY platform, account_id ORDER BY message_id
               ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS next_ts
    FROM (
        SELECT platform, account_id, message_id, ts,
               last_value(ts IGNORE NULLS) OVER (
                   PARTITION BY platform, account_id ORDER BY message_id
                   ROWS UNBOUNDED PRECEDING) AS known_ts
        FROM (
            SELECT platform, account_id, message_id, ts
            FROM posts SEMI JOIN _gap_wanted USING (platform, account_id)
            WHERE source_id NOT IN (SELECT source_id FROM derived_id_sources)
            UNION ALL
            SELECT platform, account_id, message_id, ts
            FROM nonpost_ids SEMI JOIN _gap_wanted USING (platform, account_id)
        )
    )
    WINDOW w AS (PARTITION BY platform, account_id ORDER BY message_id)
)
WHERE prev_id IS NOT NULL AND message_id - prev_id > 1
"""


def _dense_ids(con: Any, accounts: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """Those of ``accounts`` whose real (not derived) ids are dense enough to be their own
    sequence (``DENSE_ID_SPAN_PER_POST``), in one query; spans in doubles, as ids may fill
    64 bits."""
    if not accounts:
        return set()
    with _accounts_table(con, "_dense_wanted", accounts):
        rows = con.execute(
            "SELECT platform, account_id FROM posts SEMI JOIN _dense_wanted "
            "USING (platform, account_id) "
            "WHERE source_id NOT IN (SELECT source_id FROM derived_id_sources) "
            "GROUP BY ALL HAVING max(message_id)::DOUBLE - min(message_id)::DOUBLE + 1 "
            "<= ? * count(*)",
            [DENSE_ID_SPAN_PER_POST],
        ).fetchall()
    return {(str(p), str(a)) for p, a in rows}
