"""How the server reads and writes the store while others write to it too.

DuckDB allows one writing *process* per file, and a read-write connection locks the file
against every other process, readers included. The server therefore never keeps the main
store open for long:

* **Reads, normally, come from a snapshot**: a copy of the store file in the server's cache
  directory, opened read-only. A snapshot is never written, so nothing another process does
  to the main store (``mutewatch ingest`` for an hour) can block a read.
* **Refresh.** A single worker thread watches the main file (mtime and size of it and its
  ``.wal``). When it changed, the worker opens the main store *read-only* (this fails while
  another process writes; the worker then keeps serving the old snapshot and tries again
  every ``refresh_interval``), copies the file while that shared lock keeps writers out,
  closes it, and swaps the new snapshot in. Readers of the old snapshot finish undisturbed;
  its file is deleted when the last of them is done.
* **Writes** by the server (logins, audit entries, users, uploads to ingest, moderation)
  are jobs for the same worker thread: the server's single writer. It opens the main store
  read-write, runs every queued job (group commit), and keeps the store open while more
  jobs arrive, for at most ``linger`` seconds of quiet (2) and ``max_hold`` seconds in all
  (60), and lets go at once when another process notes that it waits for the store
  (``mutewatch.store.note_waiting``: the CLI and measurements do, while they retry). Holding
  on between comments spares each one a store open (about 70 ms).
  **While it holds the store, reads use the live store** (connections to the same
  in-process DuckDB instance), so a write is visible to the very next read. Before it lets
  go, it checkpoints, copies the file into a new snapshot and swaps it in; then it closes
  the store and, if jobs are still waiting, pauses ``yield_time`` so that an external
  writer polling for the lock gets its turn.
* **Busy store.** While another process holds the write lock, a job waits (retrying) until
  its deadline (``write_timeout``) and then fails with ``StoreBusyError`` (HTTP 503).
  Fire-and-forget jobs (session rows, moving audit entries into the store) are retried
  until written. A fire-and-forget job still queued when the process dies is lost with
  it, so what must survive that is made durable before it is queued: the access audit's
  entries are fsync'd to a journal beside the store (``web.auth.AuditJournal``) before
  the request is answered, and a job only moves them into ``web_audit``; so are ended
  sessions (log-outs, ``web.auth.RevocationJournal``), which a new server refuses before
  it answers anything. The next start writes what a killed server left in the journals.
  Login session rows stay fire-and-forget: one lost means logging in again.

A CLI ``mutewatch ingest`` against the same store should retry while the server briefly
holds the lock (polling every 0.1 s or so); the server keeps serving reads from its
snapshot during the whole ingest, and picks the new data up when the ingest closes.
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
from mutewatch.lazy import load
from mutewatch.store import Store, copy_store_file, someone_waits

log = logging.getLogger(__name__)

WAITER_POLL = 0.1  # seconds between looks for another process that waits for the store
CATCH_UP_GAP = 0.2  # seconds between two snapshots asked for by ``catch_up``, at least

T = TypeVar("T")
Migrator = Callable[[duckdb.DuckDBPyConnection], None]


@dataclass
class View:
    """What readers see: a snapshot copy (read-only) or, while the writer holds it, the live
    store. ``generation`` changes with every new view or write; ``data_version`` only when
    the observatory's tables change."""

    path: Path
    generation: int
    data_version: str
    con: duckdb.DuckDBPyConnection | None = None  # the snapshot's connection; None: live
    signature: tuple[Any, ...] = ()
    users: int = 0
    retired: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def live(self) -> bool:
        return self.con is None


class Lease:
    """One reader's use of a view; connections it opened are closed when it ends."""

    def __init__(self, view: View) -> None:
        self.view = view
        self.path = view.path
        self.generation = view.generation
        self.data_version = view.data_version
        self._opened: list[duckdb.DuckDBPyConnection] = []

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A connection of its own for this thread (closed at the end of the lease)."""
        if self.view.con is not None:
            cur = self.view.con.cursor()
        else:  # the live store: same in-process instance as the writer (same config)
            cur = duckdb.connect(str(self.view.path))
        cur.execute("SET TimeZone = 'UTC'")
        self._opened.append(cur)
        return cur

    def store(self) -> Store:
        """A ``Store`` over a fresh cursor (treat it as read-only)."""
        return Store(self.cursor(), self.path, True)

    def close(self) -> None:
        for con in self._opened:
            with contextlib.suppress(Exception):
                con.close()
        self._opened.clear()


@dataclass
class _Job:
    fn: Callable[[Store], Any]
    future: Future[Any]
    deadline: float
    persistent: bool
    data: bool = True  # may change the observatory's tables (False: web or moderation only)


DATA_TABLES = (
    "posts", "outlets", "accounts", "account_names", "outlet_accounts", "links", "sources",
    "coverage", "quarantine", "id_gaps", "ingest_runs",
)  # fmt: skip


def data_version(con: duckdb.DuckDBPyConnection) -> str:
    """A fingerprint of the observatory's tables (not the web or moderation tables).

    Measurement results are cached under it, so logins or moderation writes, which make a
    new snapshot, do not throw away cached measurements. One query: cheap per write.
    """
    have = {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'"
        ).fetchall()
    }
    parts = [f"(SELECT count(*) FROM {t})" for t in DATA_TABLES if t in have]
    if "sources" in have:
        parts.append("(SELECT max(source_id) FROM sources)")
        parts.append("(SELECT max(finished_at) FROM sources)")
    if "outlets" in have:
        parts.append(
            "(SELECT sum(hash(outlet_id, name, official, region, registered)) FROM outlets)"
        )
    if "accounts" in have:
        parts.append("(SELECT sum(hash(account_id, name, outlet_id)) FROM accounts)")
    if not parts:
        return "empty"
    return repr(con.execute("SELECT " + ", ".join(parts)).fetchone())


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
        linger: float = 2.0,
        max_hold: float = 60.0,
        yield_time: float = 0.3,
        write_timeout: float = 30.0,
        migrators: list[Migrator] | None = None,
    ) -> None:
        self.store_path = Path(store_path)
        self._own_cache = cache_dir is None
        self.cache_dir = Path(cache_dir or tempfile.mkdtemp(prefix="mutewatch-web-"))
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self.refresh_interval = refresh_interval
        self.linger = linger
        self.max_hold = max_hold
        self.yield_time = yield_time
        self.write_timeout = write_timeout
        self.migrators = list(migrators or [])
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._current: View | None = None  # the newest snapshot
        self._live: View | None = None  # set while the writer holds the main store
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)  # a new view, or a refresh tried
        self._refreshes_begun = 0  # ``_maybe_refresh`` calls begun, and the last one ended
        self._refreshes_ended = 0
        self._caught_up_by: int | None = None  # the refresh ``catch_up`` callers wait for
        self._catch_up_asked = -CATCH_UP_GAP
        self._generations = itertools.count(1)
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._snapshot_ready = threading.Event()
        self.last_refresh_error: str | None = None
        self._derived_asked: str | None = None  # data version whose tables were asked for
        self.stats = {"snapshots": 0, "write_sessions": 0, "jobs": 0, "busy_retries": 0}

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> None:
        """Start the worker (the first write creates and migrates the store)."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="mutewatch-store", daemon=True)
        self._thread.start()

    @property
    def running(self) -> bool:
        """True between ``start()`` and ``stop()``."""
        return self._thread is not None

    def wait_ready(self, timeout: float) -> bool:
        """Wait until a first snapshot exists; False if none came in ``timeout`` seconds."""
        return self._snapshot_ready.wait(timeout=timeout)

    def stop(self) -> None:
        """Finish queued jobs, stop the worker, close and delete the snapshots."""
        if self._thread is None:
            return
        self._stop.set()
        self._queue.put(None)
        self._thread.join(timeout=60)
        self._thread = None
        with self._lock:
            snap, self._current = self._current, None
        if snap is not None:
            self._retire(snap)
        if self._own_cache:
            shutil.rmtree(self.cache_dir, ignore_errors=True)

    # -- reading -----------------------------------------------------------------------
    @contextlib.contextmanager
    def reading(self) -> Iterator[Lease]:
        """Lease the live store or the current snapshot for the duration of one request."""
        with self._lock:
            view = self._live or self._current
            if view is None:
                raise StoreError(
                    f"the store {self.store_path} has not been readable yet"
                    + (f": {self.last_refresh_error}" if self.last_refresh_error else ""),
                    hint="wait for the running ingest to finish; the server retries by itself",
                )
            with view.lock:
                view.users += 1
        lease = Lease(view)
        try:
            yield lease
        finally:
            lease.close()
            with view.lock:
                view.users -= 1
                done = view.retired and view.users == 0
            if done:
                self._dispose(view)

    @property
    def generation(self) -> int:
        """The generation of what readers see now (0 before the first snapshot)."""
        view = self._live or self._current
        return view.generation if view else 0

    def request_refresh(self) -> None:
        """Ask the worker to check the main file now rather than at the next interval."""
        self._queue.put(None)

    def behind(self) -> bool:
        """Whether reads see a snapshot older than the main file (changed by another process,
        not yet copied): two ``stat`` calls, no store read."""
        with self._lock:
            return self._behind()

    def _behind(self) -> bool:
        current = self._current
        if self._live is not None or current is None:
            return False
        return current.signature != file_signature(self.store_path)

    def _generation_now(self) -> int:
        view = self._live or self._current
        return view.generation if view else 0

    def catch_up(self, seen: int, timeout: float) -> bool:
        """Whether reads now see a newer view than the generation ``seen``, waiting up to
        ``timeout`` s for a snapshot of the main file when it changed since the current one.

        For a read that found nothing and may have looked too early: a token that
        `mutewatch users add` created a moment ago is in the main file, not yet in the
        snapshot (the worker copies it within ``refresh_interval``). At most one snapshot
        is asked for per CATCH_UP_GAP, and callers meanwhile wait for that one: a flood of
        unknown tokens cannot make the worker copy the store for each of them.
        """
        deadline = time.monotonic() + timeout
        with self._changed:
            if self._generation_now() != seen:
                return True
            if not self._behind():
                return False
            if self._caught_up_by is None:
                if time.monotonic() - self._catch_up_asked < CATCH_UP_GAP:
                    return False
                self._catch_up_asked = time.monotonic()
                self._caught_up_by = self._refreshes_begun + 1  # the next one, not a running one
                self._queue.put(None)
            target = self._caught_up_by
            self._changed.wait_for(
                lambda: self._refreshes_ended >= target or self._generation_now() != seen,
                timeout=max(0.0, deadline - time.monotonic()),
            )
            return self._generation_now() != seen

    # -- writing -----------------------------------------------------------------------
    def submit(
        self,
        fn: Callable[[Store], T],
        *,
        timeout: float | None = None,
        persistent: bool = False,
        data: bool = True,
    ) -> Future[T]:
        """Queue ``fn(store)`` for the writer; ``persistent`` jobs retry until written.

        ``data=False`` promises that ``fn`` leaves the observatory's tables (``DATA_TABLES``)
        alone, which spares the data version query after it (a few ms per comment).
        """
        if self._thread is None:
            raise StoreError("the store worker is not running", hint="call start() first")
        future: Future[T] = Future()
        deadline = time.monotonic() + (self.write_timeout if timeout is None else timeout)
        self._queue.put(_Job(fn, future, deadline, persistent, data))
        return future

    def write(
        self, fn: Callable[[Store], T], *, timeout: float | None = None, data: bool = True
    ) -> T:
        """Run ``fn(store)`` in the writer (main store open read-write) and wait for it.

        When it returns, the change is visible to every following read.
        """
        wait = (self.write_timeout if timeout is None else timeout) + 3600.0
        return self.submit(fn, timeout=timeout, data=data).result(timeout=wait)

    # -- the worker --------------------------------------------------------------------
    def _run(self) -> None:
        pending: list[_Job] = []
        while True:
            if not pending:
                # stopping: the wake-up ``stop`` queued may have been taken by a write
                # session's wait for more jobs, and the worker then slept refresh_interval
                wait = 0.0 if self._stop.is_set() else self.refresh_interval
                try:
                    item = self._queue.get(timeout=wait)
                except queue.Empty:
                    item = None
                if item is not None:
                    pending.append(item)
            pending.extend(self._drain())
            if self._stop.is_set() and not pending:
                break
            if pending:
                pending = self._session(pending)
                if pending:  # held too long, or blocked by another process: let others in
                    time.sleep(self.yield_time)
            else:
                self._maybe_refresh()

    def _drain(self) -> list[_Job]:
        jobs: list[_Job] = []
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return jobs
            if item is not None:
                jobs.append(item)

    def _fail_expired(self, pending: list[_Job]) -> list[_Job]:
        now = time.monotonic()
        stopping = self._stop.is_set()
        keep = []
        for job in pending:
            if (job.persistent and not stopping) or job.deadline > now:
                keep.append(job)
            elif not job.future.done():
                job.future.set_exception(
                    StoreBusyError(
                        f"the store {self.store_path} is locked by another process",
                        hint="an ingest is running; retry when it has finished",
                    )
                )
        return keep

    def _open_writer(self, pending: list[_Job]) -> tuple[Store | None, list[_Job]]:
        """Open the main store read-write, retrying while another process holds it."""
        delay = 0.02
        while True:
            try:
                store = Store.open(self.store_path, read_only=False)
            except StoreBusyError:
                self.stats["busy_retries"] += 1
                pending = self._fail_expired(pending)
                if all(job.persistent for job in pending):
                    return None, pending  # nobody waits: retry the persistent jobs later
                self._maybe_refresh()  # no-op while locked; keeps the loop honest
                time.sleep(delay)
                delay = min(delay * 2, 0.1)
                continue
            for migrator in list(self.migrators):
                try:
                    migrator(store.con)
                except Exception as exc:  # noqa: BLE001 - one component's bad migration
                    # must not stop every other write; jobs needing its tables fail alone
                    with contextlib.suppress(Exception):
                        store.con.execute("ROLLBACK")
                    log.error("migration %r failed on %s: %s", migrator, self.store_path, exc)
            return store, pending

    def _session(self, pending: list[_Job]) -> list[_Job]:
        """One read-write session; returns jobs still waiting (to run after a pause)."""
        try:
            store, pending = self._open_writer(pending)
        except Exception as exc:  # noqa: BLE001 - the store cannot be opened: tell the callers
            log.error("cannot open %s for writing: %s", self.store_path, exc)
            for job in pending:
                if not job.future.done():
                    job.future.set_exception(
                        StoreError(f"cannot open the store {self.store_path}: {exc}")
                    )
            return []
        if store is None:
            return pending
        self.stats["write_sessions"] += 1
        began = time.monotonic()
        try:
            live = View(self.store_path, next(self._generations), data_version(store.con))
            with self._changed:
                self._live = live
                self._changed.notify_all()
            while pending:
                settled = [(job, self._run_job(store, job)) for job in pending]
                self.stats["jobs"] += len(settled)
                version = (
                    data_version(store.con) if any(j.data for j in pending) else live.data_version
                )
                live = View(self.store_path, next(self._generations), version)
                with self._lock:
                    self._live = live
                for job, outcome in settled:
                    self._settle(job, outcome)
                pending = self._wait_for_jobs(began)
                if time.monotonic() - began >= self.max_hold:
                    break
            self._snapshot_from_writer(store)
        finally:
            with self._lock:
                self._live = None
            store.close()
        return pending

    def _wait_for_jobs(self, began: float) -> list[_Job]:
        quiet_until = time.monotonic() + self.linger
        hold_until = began + self.max_hold
        until = min(quiet_until, hold_until)
        # queued jobs wait for the next session while another process waits for the store
        while (left := until - time.monotonic()) > 0 and not someone_waits(self.store_path):
            try:
                item = self._queue.get(timeout=min(left, WAITER_POLL))
            except queue.Empty:
                continue
            if item is not None:
                return [item, *self._drain()]
        return []

    @staticmethod
    def _run_job(store: Store, job: _Job) -> tuple[bool, Any]:
        if not job.future.set_running_or_notify_cancel():
            return False, None
        try:
            return True, job.fn(store)
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting caller
            with contextlib.suppress(Exception):
                store.con.execute("ROLLBACK")
            return False, exc

    @staticmethod
    def _settle(job: _Job, outcome: tuple[bool, Any]) -> None:
        ok, value = outcome
        if job.future.done():
            return
        if ok:
            job.future.set_result(value)
        elif isinstance(value, BaseException):
            job.future.set_exception(value)

    # -- snapshots -----------------------------------------------------------------------
    def _maybe_refresh(self) -> None:
        """Take a new snapshot when the main file changed and nobody writes it; callers of
        ``catch_up`` are told when it is done, whatever came of it."""
        with self._changed:
            self._refreshes_begun += 1
            begun = self._refreshes_begun
        try:
            self._refresh()
        finally:
            with self._changed:
                self._refreshes_ended = begun
                if self._caught_up_by is not None and begun >= self._caught_up_by:
                    self._caught_up_by = None
                self._changed.notify_all()

    def _refresh(self) -> None:
        if not self.store_path.exists():
            return
        current = self._current
        if current is not None and current.signature == file_signature(self.store_path):
            return
        try:
            guard = Store.open(self.store_path, read_only=True)  # shared lock: no writer
        except StoreBusyError as exc:
            self.last_refresh_error = str(exc)
            return
        except (StoreError, duckdb.Error, OSError) as exc:
            self.last_refresh_error = str(exc)
            log.warning("snapshot of %s failed: %s", self.store_path, exc)
            return
        try:
            self._install(self._copy())
        except (duckdb.Error, OSError) as exc:
            self.last_refresh_error = str(exc)
            log.warning("snapshot of %s failed: %s", self.store_path, exc)
        finally:
            guard.close()
        self._ask_for_derived_tables()

    def _ask_for_derived_tables(self) -> None:
        """After a change made elsewhere (a CLI ingest), let the writer bring the measurement
        tables up to date once, so that snapshots carry them (else measured on the fly)."""
        derived = load("mutewatch.measure.derived")

        snap = self._current
        if snap is None or snap.con is None or snap.data_version == self._derived_asked:
            return
        if not derived.maintained():
            return
        self._derived_asked = snap.data_version
        if not derived.fresh(snap.con.cursor()):
            self._queue.put(_Job(lambda store: None, Future(), time.monotonic() + 60, False))

    def _refresh_derived_tables(self, store: Store) -> None:
        derived = load("mutewatch.measure.derived")

        if not derived.maintained():
            return
        try:
            derived.refresh_if_stale(store.con)
        except Exception as exc:  # noqa: BLE001 - measurements then run on the fly
            log.warning("measurement tables of %s not refreshed: %s", self.store_path, exc)

    def _snapshot_from_writer(self, store: Store) -> None:
        """Refresh the measurement tables, checkpoint and copy, holding the write lock."""
        self._refresh_derived_tables(store)
        try:
            store.con.execute("CHECKPOINT")
        except duckdb.Error as exc:  # the WAL is copied along instead
            log.debug("checkpoint before snapshot failed: %s", exc)
        try:
            self._install(self._copy())
        except (duckdb.Error, OSError) as exc:
            self.last_refresh_error = str(exc)
            log.warning("snapshot of %s failed: %s", self.store_path, exc)

    def _copy(self) -> View:
        """Copy the main file (and WAL) into a new snapshot; the caller holds a lock."""
        generation = next(self._generations)
        target = self.cache_dir / f"snapshot-{generation}.duckdb"
        signature = file_signature(self.store_path)
        copy_store_file(self.store_path, target)
        wal = Path(str(self.store_path) + ".wal")
        if wal.exists():
            copy_store_file(wal, Path(str(target) + ".wal"))
        con = duckdb.connect(str(target), read_only=True)
        con.execute("SET TimeZone = 'UTC'")
        self.stats["snapshots"] += 1
        return View(target, generation, data_version(con), con, signature)

    def _install(self, snap: View) -> None:
        self.last_refresh_error = None
        with self._changed:
            old, self._current = self._current, snap
            self._changed.notify_all()
        self._snapshot_ready.set()
        if old is not None:
            self._retire(old)

    def _retire(self, view: View) -> None:
        with view.lock:
            view.retired = True
            done = view.users == 0
        if done:
            self._dispose(view)

    @staticmethod
    def _dispose(view: View) -> None:
        if view.con is None:
            return
        with contextlib.suppress(Exception):
            view.con.close()
        for p in (view.path, Path(str(view.path) + ".wal")):
            with contextlib.suppress(OSError):
                os.remove(p)
