"""How the server reads and writes the store while others write to it too.

DuckDB allows one writing *process* per file, and a read-write connection locks the file
against every other process, readers included. The server therefore never keeps the main
store open:

* **Reads** come from a *snapshot*: a copy of the store file in the server's cache
  directory, opened read-only. A snapshot is never written, so nothing another process does
  to the main store can block a read. Each snapshot has a ``generation`` number; results
  are cached per generation.
* **Refresh.** A single worker thread watches the main file (mtime, size, and its ``.wal``).
  When it changed, the worker opens the main store *read-only* (which fails while another
  process writes, e.g. ``mutewatch ingest`` — the worker then keeps the old snapshot and
  tries again later), copies the file while that shared lock keeps writers out, closes it,
  and swaps the new snapshot in. Readers of the old snapshot finish undisturbed; its file
  is deleted when the last of them is done.
* **Writes** by the server (logins, audit entries, users, uploads to ingest, moderation)
  are jobs run by the same worker thread, the server's single writer. It opens the main
  store read-write, runs every queued job (group commit), keeps it open for a short
  ``linger`` while more jobs arrive, closes it (DuckDB checkpoints on close) and refreshes
  the snapshot. While another process holds the write lock, the worker retries until the
  job's deadline, then the job fails with ``StoreBusyError`` (HTTP 503). Fire-and-forget
  jobs (audit entries) are retried until they are written.

A CLI ``mutewatch ingest`` against the same store retries while the server briefly holds
the lock; the server keeps serving reads from its snapshot during the whole ingest.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import queue
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from mutewatch.errors import StoreBusyError, StoreError
from mutewatch.store import Store

log = logging.getLogger(__name__)

T = TypeVar("T")
Migrator = Callable[[duckdb.DuckDBPyConnection], None]


@dataclass
class Snapshot:
    """One read-only copy of the store, shared by concurrent readers."""

    path: Path
    generation: int
    signature: tuple[Any, ...]
    con: duckdb.DuckDBPyConnection
    data_version: str = ""
    users: int = 0
    retired: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A connection of its own for one thread (DuckDB cursors are per-thread)."""
        cur = self.con.cursor()
        cur.execute("SET TimeZone = 'UTC'")
        return cur

    def store(self) -> Store:
        """A read-only ``Store`` over a fresh cursor."""
        return Store(self.cursor(), self.path, True)


@dataclass
class _Job:
    fn: Callable[[Store], Any]
    future: Future[Any]
    deadline: float
    persistent: bool


DATA_TABLES = (
    "posts", "outlets", "accounts", "account_names", "outlet_accounts", "links", "sources",
    "coverage", "quarantine", "id_gaps", "ingest_runs",
)  # fmt: skip


def data_version(con: duckdb.DuckDBPyConnection) -> str:
    """A fingerprint of the observatory's tables (not the web or moderation tables).

    Measurement results are cached under it, so logins or moderation writes, which make a
    new snapshot, do not throw away cached measurements.
    """
    have = {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    parts: list[Any] = []
    for table in DATA_TABLES:
        if table in have:
            parts.append(con.execute(f"SELECT count(*) FROM {table}").fetchone())
    if "sources" in have:
        parts.append(con.execute("SELECT max(source_id), max(finished_at) FROM sources").fetchone())
    if "outlets" in have:
        parts.append(
            con.execute(
                "SELECT sum(hash(outlet_id, name, official, region, registered)) FROM outlets"
            ).fetchone()
        )
    if "accounts" in have:
        parts.append(
            con.execute("SELECT sum(hash(account_id, name, outlet_id)) FROM accounts").fetchone()
        )
    return repr(parts)


def file_signature(path: Path) -> tuple[Any, ...]:
    """What changes when the store file changes: (mtime_ns, size) of the file and its WAL."""
    sig: list[Any] = []
    for p in (path, Path(str(path) + ".wal")):
        try:
            st = p.stat()
            sig.extend([st.st_mtime_ns, st.st_size])
        except FileNotFoundError:
            sig.extend([None, None])
    return tuple(sig)


class StoreGateway:
    """Snapshot reads and single-writer writes for one store file (see the module doc)."""

    def __init__(
        self,
        store_path: Path,
        *,
        cache_dir: Path | None = None,
        refresh_interval: float = 1.0,
        linger: float = 0.2,
        write_timeout: float = 30.0,
        migrators: list[Migrator] | None = None,
    ) -> None:
        self.store_path = Path(store_path)
        self._own_cache = cache_dir is None
        self.cache_dir = Path(cache_dir or tempfile.mkdtemp(prefix="mutewatch-web-"))
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self.refresh_interval = refresh_interval
        self.linger = linger
        self.write_timeout = write_timeout
        self.migrators = list(migrators or [])
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._current: Snapshot | None = None
        self._lock = threading.Lock()
        self._generations = itertools.count(1)
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._snapshot_ready = threading.Event()
        self.last_refresh_error: str | None = None

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> None:
        """Start the worker (the first write creates and migrates the store)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="mutewatch-store", daemon=True)
        self._thread.start()

    def wait_ready(self, timeout: float) -> bool:
        """Wait until a first snapshot exists; False if none came in ``timeout`` seconds."""
        return self._snapshot_ready.wait(timeout=timeout)

    def stop(self) -> None:
        """Finish queued jobs, stop the worker, close and delete the snapshots."""
        if self._thread is None:
            return
        self._stop.set()
        self._queue.put(None)
        self._thread.join(timeout=30)
        self._thread = None
        with self._lock:
            snap, self._current = self._current, None
        if snap is not None:
            self._retire(snap)
        if self._own_cache:
            shutil.rmtree(self.cache_dir, ignore_errors=True)

    # -- reading -----------------------------------------------------------------------
    @contextlib.contextmanager
    def reading(self) -> Iterator[Snapshot]:
        """Lease the current snapshot for the duration of one request."""
        with self._lock:
            snap = self._current
            if snap is None:
                raise StoreError(
                    f"the store {self.store_path} has not been readable yet"
                    + (f": {self.last_refresh_error}" if self.last_refresh_error else ""),
                    hint="wait for the running ingest to finish; the server retries by itself",
                )
            with snap.lock:
                snap.users += 1
        try:
            yield snap
        finally:
            with snap.lock:
                snap.users -= 1
                done = snap.retired and snap.users == 0
            if done:
                self._dispose(snap)

    @property
    def generation(self) -> int:
        """The current snapshot's generation (0 before the first snapshot)."""
        snap = self._current
        return snap.generation if snap else 0

    def request_refresh(self) -> None:
        """Ask the worker to check the main file now rather than at the next interval."""
        self._queue.put(None)

    # -- writing -----------------------------------------------------------------------
    def submit(
        self, fn: Callable[[Store], T], *, timeout: float | None = None, persistent: bool = False
    ) -> Future[T]:
        """Queue ``fn(store)`` for the writer; ``persistent`` jobs retry until written."""
        if self._thread is None:
            raise StoreError("the store worker is not running", hint="call start() first")
        future: Future[T] = Future()
        deadline = time.monotonic() + (self.write_timeout if timeout is None else timeout)
        self._queue.put(_Job(fn, future, deadline, persistent))
        return future

    def write(self, fn: Callable[[Store], T], *, timeout: float | None = None) -> T:
        """Run ``fn(store)`` in the writer with the main store open read-write; wait for it."""
        wait = (self.write_timeout if timeout is None else timeout) + 60.0
        return self.submit(fn, timeout=timeout).result(timeout=wait)

    # -- the worker --------------------------------------------------------------------
    def _run(self) -> None:
        pending: list[_Job] = []
        while not self._stop.is_set() or pending:
            if not pending:
                try:
                    job = self._queue.get(timeout=self.refresh_interval)
                except queue.Empty:
                    job = None
                if job is not None:
                    pending.append(job)
                elif self._stop.is_set():
                    break
            pending.extend(self._drain())
            if pending:
                pending = self._write_batch(pending)
                if pending:
                    time.sleep(0.2)
            self._maybe_refresh(force=False)

    def _drain(self) -> list[_Job]:
        jobs: list[_Job] = []
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return jobs
            if item is not None:
                jobs.append(item)

    def _open_writer(self, pending: list[_Job]) -> Store | None:
        """Open the main store read-write, retrying while another process holds it."""
        delay = 0.02
        while True:
            try:
                store = Store.open(self.store_path, read_only=False)
            except StoreBusyError:
                now = time.monotonic()
                stopping = self._stop.is_set()
                keep = []
                for job in pending:
                    if (job.persistent and not stopping) or job.deadline > now:
                        keep.append(job)
                    else:
                        job.future.set_exception(
                            StoreBusyError(
                                f"the store {self.store_path} is locked by another process",
                                hint="an ingest is running; retry when it has finished",
                            )
                        )
                pending[:] = keep
                if all(job.persistent for job in keep):
                    return None  # nothing is waiting: retry the persistent jobs later
                time.sleep(delay)
                delay = min(delay * 2, 0.25)
                continue
            try:
                for migrator in self.migrators:
                    migrator(store.con)
            except BaseException:
                store.close()
                raise
            return store

    def _write_batch(self, pending: list[_Job]) -> list[_Job]:
        """Run the queued jobs in one read-write session; return jobs to retry later."""
        try:
            store = self._open_writer(pending)
        except Exception as exc:  # noqa: BLE001 - the store cannot be opened: tell the callers
            log.error("cannot open %s for writing: %s", self.store_path, exc)
            for job in pending:
                if not job.future.done():
                    job.future.set_exception(
                        StoreError(f"cannot open the store {self.store_path}: {exc}")
                    )
            return []
        if store is None:
            return pending  # only persistent jobs left, all blocked: try again later
        try:
            while pending:
                for job in pending:
                    self._run_job(store, job)
                pending = []
                waited = time.monotonic() + self.linger
                while time.monotonic() < waited:
                    try:
                        item = self._queue.get(timeout=max(0.0, waited - time.monotonic()))
                    except queue.Empty:
                        break
                    if item is not None:
                        pending.append(item)
                        pending.extend(self._drain())
                        break
        finally:
            store.close()
        self._maybe_refresh(force=True)
        return []

    @staticmethod
    def _run_job(store: Store, job: _Job) -> None:
        if not job.future.set_running_or_notify_cancel():
            return
        try:
            job.future.set_result(job.fn(store))
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting caller
            with contextlib.suppress(Exception):
                store.con.execute("ROLLBACK")
            job.future.set_exception(exc)

    # -- snapshots -----------------------------------------------------------------------
    def _maybe_refresh(self, *, force: bool) -> None:
        if not self.store_path.exists():
            return
        signature = file_signature(self.store_path)
        current = self._current
        if not force and current is not None and current.signature == signature:
            return
        try:
            snap = self._take_snapshot()
        except StoreBusyError as exc:
            self.last_refresh_error = str(exc)
            return
        except (StoreError, duckdb.Error, OSError) as exc:
            self.last_refresh_error = str(exc)
            log.warning("snapshot of %s failed: %s", self.store_path, exc)
            return
        self.last_refresh_error = None
        with self._lock:
            old, self._current = self._current, snap
        self._snapshot_ready.set()
        if old is not None:
            self._retire(old)

    def _take_snapshot(self) -> Snapshot:
        generation = next(self._generations)
        target = self.cache_dir / f"snapshot-{generation}.duckdb"
        guard = Store.open(self.store_path, read_only=True)  # shared lock: no writer meanwhile
        try:
            signature = file_signature(self.store_path)
            shutil.copyfile(self.store_path, target)
            wal = Path(str(self.store_path) + ".wal")
            if wal.exists():
                shutil.copyfile(wal, Path(str(target) + ".wal"))
        finally:
            guard.close()
        con = duckdb.connect(str(target), read_only=True)
        con.execute("SET TimeZone = 'UTC'")
        return Snapshot(target, generation, signature, con, data_version(con))

    def _retire(self, snap: Snapshot) -> None:
        with snap.lock:
            snap.retired = True
            done = snap.users == 0
        if done:
            self._dispose(snap)

    @staticmethod
    def _dispose(snap: Snapshot) -> None:
        with contextlib.suppress(Exception):
            snap.con.close()
        for p in (snap.path, Path(str(snap.path) + ".wal")):
            with contextlib.suppress(OSError):
                os.remove(p)
