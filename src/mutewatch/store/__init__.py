"""The DuckDB store: one file, versioned schema, one writer at a time.

Library use::

    from mutewatch.store import Store
    with Store.open("mutewatch.duckdb") as store:
        print(store.status())
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import duckdb

from mutewatch._store_path import DEFAULT_STORE, default_store_path
from mutewatch.errors import StoreBusyError, StoreError
from mutewatch.store.schema import SCHEMA_VERSION, migrate

T = TypeVar("T")

__all__ = [
    "DEFAULT_STORE",
    "SCHEMA_VERSION",
    "Store",
    "copy_store_file",
    "default_store_path",
    "iso_utc",
]


# A process that finds the store locked says so in a file beside it, so that a holder that
# could keep it (the web server between comments) lets go at once instead of at its limit.
WAITER_SUFFIX = ".waiting"
WAITER_FRESH_SECONDS = 30.0  # an older note is from a process that died while it waited


def note_waiting(path: Path) -> None:
    """Tell the store's holder that this process waits for the store (best effort)."""
    with suppress(OSError):
        Path(f"{path}{WAITER_SUFFIX}").write_text(str(os.getpid()), encoding="utf-8")


def clear_waiting(path: Path) -> None:
    """Withdraw the note (another waiter notes again on its next try)."""
    with suppress(OSError):
        Path(f"{path}{WAITER_SUFFIX}").unlink(missing_ok=True)


def when_free(path: Path, attempt: Callable[[], T], wait: float, poll: float) -> T:
    """``attempt()`` until it stops raising StoreBusyError or ``wait`` seconds have passed,
    noting meanwhile that this process waits for the store at ``path``."""
    deadline = time.monotonic() + wait
    waited = False
    try:
        while True:
            try:
                return attempt()
            except StoreBusyError:
                if time.monotonic() >= deadline:
                    raise
                note_waiting(path)
                waited = True
                time.sleep(poll)
    finally:
        if waited:
            clear_waiting(path)


def someone_waits(path: Path) -> bool:
    """True while another process has noted that it waits for the store."""
    try:
        noted = Path(f"{path}{WAITER_SUFFIX}").stat().st_mtime
    except OSError:
        return False
    return time.time() - noted < WAITER_FRESH_SECONDS


def copy_store_file(source: Path, target: Path) -> None:
    """Copy a store file (or its WAL) that this process may hold open, without dropping its lock.

    DuckDB locks the file with POSIX record locks, which belong to the process and are all
    released when it closes *any* descriptor of the file: ``shutil.copyfile`` here would let
    another process open the store for writing while this one still writes it. A child
    process's descriptors do not touch this process's locks, so the copy runs in one.
    Raises OSError when the copy fails.
    """
    copier = shutil.which("cp")
    if os.name != "posix" or copier is None:  # Windows locks are per handle: no such hazard
        shutil.copyfile(source, target)
        return
    done = subprocess.run(
        [copier, "--", str(source), str(target)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise OSError(f"cannot copy {source} to {target}: {done.stderr.strip()}")


class Store:
    """An open store. ``con`` is the DuckDB connection; readers below return plain data."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, read_only: bool) -> None:
        self.con = con
        self.path = path
        self.read_only = read_only
        # components whose migrations ran on this connection: checked once, not per file
        self.migrated: set[str] = set()

    @classmethod
    def open(cls, path: str | Path | None = None, *, read_only: bool = False) -> Store:
        target = Path(path) if path is not None else default_store_path()
        if read_only and not target.exists():
            raise StoreError(
                f"no store at {target}",
                hint="run `mutewatch ingest PATH` or `mutewatch demo` first, or pass --store",
            )
        try:
            con = duckdb.connect(str(target), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise StoreBusyError(
                    f"the store {target} is locked by another process",
                    hint="wait for the running ingest to finish, or use another --store",
                ) from exc
            raise StoreError(f"cannot open the store {target}: {exc}") from exc
        except duckdb.ConnectionException as exc:
            # DuckDB shares one database per file within a process: while this process holds
            # it in the other mode (a server's writer, say), the file is as busy as if another
            # process held it, and the same wait-and-retry applies.
            if "different configuration" not in str(exc):
                raise
            raise StoreBusyError(
                f"the store {target} is open in this process in another mode",
                hint="wait for the write in progress to finish, or use another --store",
            ) from exc
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET enable_progress_bar = false")  # never mixed into --json output
        if not read_only:
            migrate(con)
        return cls(con, target, read_only)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        """Run a query and return its rows as dicts."""
        cur = self.con.execute(sql, params or [])
        names = [d[0] for d in cur.description or []]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def scalar(self, sql: str, params: list[Any] | None = None) -> Any:
        rows = self.con.execute(sql, params or []).fetchall()  # fetchall: leaves no open result
        return rows[0][0] if rows else None

    # -- readers ---------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        """What the store holds; the shape of ``mutewatch status --json``."""
        row = self.rows(
            """
            SELECT count(*) AS posts,
                   count(*) FILTER (WHERE official) AS official_posts,
                   count(*) FILTER (WHERE NOT official) AS supporter_posts,
                   count(*) FILTER (WHERE official AND forwarded_from IS NULL)
                       AS official_releases,
                   count(*) FILTER (WHERE forwarded_from IS NOT NULL) AS forwards,
                   count(*) FILTER (WHERE official IS NULL) AS unattributed_posts,
                   min(ts) AS first, max(ts) AS last
            FROM posts
            """
        )[0]
        counts = self.rows(
            """
            SELECT (SELECT count(*) FROM quarantine) AS quarantined,
                   (SELECT count(*) FROM outlets) AS outlets,
                   (SELECT count(*) FROM outlets WHERE official) AS official_outlets,
                   (SELECT count(*) FROM accounts) AS accounts,
                   (SELECT count(*) FROM sources) AS sources,
                   (SELECT count(*) FROM links) AS links,
                   (SELECT coalesce(sum(missing), 0) FROM id_gaps) AS missing_message_ids,
                   (SELECT coalesce(sum(skipped), 0) FROM sources) AS skipped,
                   (SELECT count(*) FROM sources WHERE status <> 'done') AS unfinished_sources
            """
        )[0]
        return {
            **{k: int(v) for k, v in row.items() if k not in ("first", "last")},
            **{k: int(v) for k, v in counts.items()},
            "first": iso_utc(row["first"]),
            "last": iso_utc(row["last"]),
            "schema_version": SCHEMA_VERSION,
            "store": str(self.path),
        }

    def quarantine(self) -> list[dict[str, Any]]:
        """Every quarantined record: file, position, reason and the raw record (a file read
        again after it changed has a record at a position per reading: the older first)."""
        return self.rows(
            "SELECT q.path AS file, q.position, q.reason, q.raw, s.sha256 "
            "FROM quarantine q JOIN sources s USING (source_id) "
            "ORDER BY q.path, q.position, q.source_id"
        )

    def first_quarantine_reason(self, source_id: int) -> str | None:
        """The reason of the first record quarantined from a source (None if there is none)."""
        row = self.con.execute(
            "SELECT reason FROM quarantine WHERE source_id = ? ORDER BY position LIMIT 1",
            [source_id],
        ).fetchone()
        return None if row is None else str(row[0])

    def sources(self) -> list[dict[str, Any]]:
        rows = self.rows(
            "SELECT source_id, path, format, sha256, status, read, new, duplicates, "
            "quarantined, skipped, first_time, last_time FROM sources ORDER BY source_id"
        )
        for r in rows:
            r["first_time"], r["last_time"] = iso_utc(r["first_time"]), iso_utc(r["last_time"])
        return rows


def iso_utc(value: datetime | None) -> str | None:
    """ISO-8601 UTC with a Z, the one time format of every JSON output."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="seconds") + "Z"
