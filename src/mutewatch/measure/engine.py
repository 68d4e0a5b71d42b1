"""One Ibis connection for every measurement: the DuckDB store, or Spark over Parquet.

Heavy aggregation is written once as Ibis expressions and runs on either engine; statistics
then run on the small results (pandas/numpy). Library use::

    from mutewatch.measure.engine import Engine
    from mutewatch.measure.params import Params

    params = Params(of="official")
    with Engine.open("mutewatch.duckdb", engine="duckdb") as eng:   # or engine="spark"
        posts = eng.posts(params)                      # ibis Table of counted posts
        daily = posts.group_by(day=posts.ts.truncate("D")).agg(n=posts.count())
        df = eng.execute(daily)                        # pandas.DataFrame, naive UTC times

Engines:

* ``duckdb`` (default): the store file opened read-only (session TimeZone UTC).
* ``spark``: a local SparkSession (``local[*]``, or ``spark_master``) reading a Parquet export
  of the store, written by ``export_parquet`` / ``mutewatch export --parquet DIR``. Without
  ``parquet=DIR`` the export is cached beside the store (``<store>.parquet/``) and rewritten
  whenever the store file changes (size or modification time of the store and its WAL). One
  SparkSession is reused per process; it is built with ``spark.sql.session.timeZone=UTC``,
  Arrow enabled and the UI disabled, and the process runs with ``TZ=UTC``.

Times in the store are naive TIMESTAMPs meaning UTC; ``execute`` returns them as naive
``datetime64[us]`` on both engines so results compare exactly. Gaps between timestamps must be
computed as ``ts.delta(prev, unit="microsecond")`` (whole seconds differ between engines).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb
import ibis
import ibis.expr.datashape as ds
import ibis.expr.datatypes as dt
import ibis.expr.operations as ops
import ibis.expr.types as ir
import numpy as np
import pandas as pd
import sqlglot as sg
import sqlglot.expressions as sge

from mutewatch.errors import EngineError, StoreBusyError, StoreError, UsageError
from mutewatch.measure.params import ENGINES, Params
from mutewatch.store import when_free

#: Tables of the store that measurements read (and that a Parquet export holds).
TABLES = (
    "posts",
    "outlets",
    "accounts",
    "account_names",
    "outlet_accounts",
    "links",
    "sources",
    "coverage",
    "id_gaps",
)
#: Tables a store may lack (a component's own, e.g. ingest's ``derived_id_sources``, absent
#: from stores written by other means and from older exports): exported when present, read
#: with ``Engine.read_optional``, which answers None where they are missing.
OPTIONAL_TABLES = ("derived_id_sources",)
MANIFEST = "manifest.json"
#: Seconds to wait for a store another process holds (e.g. while it refreshes derived tables).
LOCK_WAIT = float(os.environ.get("MUTEWATCH_LOCK_WAIT", "20"))
EXPORT_FORMAT = 2  # 2: optional tables exported too

__all__ = [
    "OPTIONAL_TABLES",
    "TABLES",
    "Engine",
    "Slot",
    "cached_export_dir",
    "export_parquet",
    "spark_session",
]

log = logging.getLogger(__name__)

#: Compiled SQL of each query shape run by ``Engine.shaped`` (DuckDB), most recent last.
_SHAPES: OrderedDict[Hashable, tuple[str, ir.Table]] = OrderedDict()
_SHAPES_LOCK = threading.Lock()
SHAPES_KEPT = 512  # shapes remembered per process (a few dozen per measurement)
#: ``slot(name, dtype)``: a placeholder of a query shape (see ``Engine.shaped``).
Slot = Callable[[str, str], ir.Scalar]

_SPARK_LOCK = threading.Lock()
_SPARK: Any = None
_SPARK_MASTER: str | None = None


def _store_fingerprint(store_path: Path) -> dict[str, Any]:
    """What identifies a version of the store file: size and mtime of it and of its WAL."""
    out: dict[str, Any] = {}
    for suffix in ("", ".wal"):
        p = Path(str(store_path) + suffix)
        if p.exists():
            st = p.stat()
            out[suffix or "db"] = [st.st_size, st.st_mtime_ns]
    return out


def _connect_duckdb(store_path: Path) -> duckdb.DuckDBPyConnection:
    """Open the store read-only; fall back to the same-process read-write instance."""
    if not store_path.exists():
        raise StoreError(
            f"no store at {store_path}",
            hint="run `mutewatch ingest PATH` or `mutewatch demo` first, or pass --store",
        )
    # e.g. a long ingest holds it (a refresh is brief)
    con = when_free(store_path, lambda: _connect_once(store_path), LOCK_WAIT, poll=0.1)
    con.execute("SET TimeZone = 'UTC'")
    listed = con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
    have = {row[0] for row in listed}
    missing = [t for t in TABLES if t not in have]
    if missing:
        con.close()
        raise StoreError(
            f"{store_path} is not a mutewatch store (no table {missing[0]})",
            hint="pass the store file written by `mutewatch ingest` with --store",
        )
    return con


def _connect_once(store_path: Path) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(store_path), read_only=True)
    except duckdb.ConnectionException:
        # this process already holds the file read-write (e.g. demo then findings)
        return duckdb.connect(str(store_path))
    except duckdb.IOException as exc:
        if "lock" not in str(exc).lower():
            raise StoreError(f"cannot open the store {store_path}: {exc}") from exc
        raise StoreBusyError(
            f"the store {store_path} is locked by another process",
            hint="wait for the running ingest to finish, or measure a copy",
        ) from exc


def _connect_with_derived(store_path: Path) -> tuple[duckdb.DuckDBPyConnection, bool]:
    """Open the store read-only, refreshing its derived tables first when they are stale.

    The refresh needs the store to itself for a moment: it is tried only when no other
    connection (of this process or another) holds the file, and skipped silently
    otherwise (measurements then evaluate the same expressions on the fly).
    """
    from mutewatch.measure import derived

    con = _connect_duckdb(store_path)
    if not derived.use_allowed():
        return con, False
    if derived.fresh(con):
        return con, True
    if not derived.maintained() or _access_mode(con) != "read_only":
        return con, False
    con.close()
    try:
        writer = duckdb.connect(str(store_path))
    except duckdb.Error:  # held by another connection, or not writable
        return _connect_duckdb(store_path), False
    try:
        writer.execute("SET TimeZone = 'UTC'")
        derived.refresh_if_stale(writer)
    except duckdb.Error as exc:  # e.g. a full disk: measure without the tables
        log.warning("could not refresh the derived tables of %s: %s", store_path, exc)
    finally:
        writer.close()
    con = _connect_duckdb(store_path)
    return con, derived.fresh(con)


def _access_mode(con: duckdb.DuckDBPyConnection) -> str:
    return str(con.execute("SELECT current_setting('access_mode')").fetchall()[0][0]).lower()


def export_parquet(store_path: str | Path, out_dir: str | Path) -> dict[str, Any]:
    """Write every measured table of the store to ``out_dir/<table>.parquet``.

    Naive UTC timestamps stay naive (Spark reads them as TimestampNTZ). A ``manifest.json``
    records the store's fingerprint and the row count of each table. The directory is written
    beside its target and renamed into place, so a reader never sees half an export. Returns
    the manifest.
    """
    store_path = Path(store_path)
    out_dir = Path(out_dir)
    fingerprint = _store_fingerprint(store_path)
    con = _connect_duckdb(store_path)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        rows: dict[str, int] = {}
        have = {str(r[0]) for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        for table in (*TABLES, *(t for t in OPTIONAL_TABLES if t in have)):
            target = tmp / f"{table}.parquet"
            con.execute(f"COPY ({_export_query(con, table)}) TO '{target}' (FORMAT parquet)")
            rows[table] = int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # type: ignore[index]
        manifest = {
            "format": EXPORT_FORMAT,
            "store": str(store_path.resolve()),
            "fingerprint": fingerprint,
            "rows": rows,
            "written_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2))
        if out_dir.exists():
            old = out_dir.with_name(f".{out_dir.name}.old.{os.getpid()}")
            out_dir.rename(old)
            shutil.rmtree(old, ignore_errors=True)
        tmp.rename(out_dir)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise EngineError(
            f"cannot write the Parquet export {out_dir}: {exc}",
            hint="check the directory is writable and the disk has room",
        ) from exc
    finally:
        con.close()
    return manifest


def _export_query(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """The SQL that exports ``table``: the table whole, its links with each link's current
    class (``derived.current_host_class``), so an export of a store not yet refreshed since
    a host class was added holds the classes a refreshed one does."""
    if table != "links":
        return f"SELECT * FROM {table}"
    from mutewatch.measure import derived

    links = ibis.duckdb.from_connection(con).table("links")
    now = links.mutate(host_class=derived.current_host_class(links.host_class, links.host))
    return str(ibis.to_sql(now, dialect="duckdb"))


def cached_export_dir(store_path: Path) -> Path:
    """The on-the-fly export beside the store, refreshed when the store has changed."""
    out = Path(str(store_path) + ".parquet")
    manifest = out / MANIFEST
    if manifest.exists():
        try:
            meta = json.loads(manifest.read_text())
        except (OSError, ValueError):
            meta = {}
        if meta.get("format") == EXPORT_FORMAT and meta.get("fingerprint") == _store_fingerprint(
            store_path
        ):
            return out
    export_parquet(store_path, out)
    return out


def spark_session(master: str | None = None) -> Any:
    """The process's one SparkSession (built on first use; UTC, Arrow on, UI off)."""
    global _SPARK, _SPARK_MASTER
    master = master or "local[*]"
    with _SPARK_LOCK:
        if _SPARK is not None and master == _SPARK_MASTER:
            return _SPARK
        os.environ["TZ"] = "UTC"
        if hasattr(time, "tzset"):
            time.tzset()
        try:
            from pyspark.sql import SparkSession
        except ImportError as exc:
            raise EngineError(
                "--engine spark needs PySpark",
                hint='install it with `pip install "mutewatch[spark]"` (and Java 17)',
            ) from exc
        if _SPARK is not None:
            _SPARK.stop()
        try:
            _SPARK = (
                SparkSession.builder.master(master)
                .appName("mutewatch")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.execution.arrow.pyspark.enabled", "true")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
                .config("spark.executor.extraJavaOptions", "-Duser.timezone=UTC")
                .getOrCreate()
            )
        except Exception as exc:  # Java missing, master unreachable, ...
            raise EngineError(
                f"cannot start Spark (master {master}): {exc}",
                hint="check Java 17 is installed (JAVA_HOME) and the --spark-master URL",
            ) from exc
        _SPARK.sparkContext.setLogLevel("ERROR")
        _SPARK_MASTER = master
        return _SPARK


class Engine:
    """An open Ibis backend over the store's tables; see the module docstring."""

    def __init__(
        self, kind: str, con: Any, store_path: Path | None, source: str, derived: bool = False
    ) -> None:
        self.kind = kind
        self.con = con
        self.store_path = store_path
        self.source = source  # the store file or the Parquet directory read
        self.derived = derived  # the store's derived tables are current (DuckDB only)
        self._tables: dict[str, ir.Table] = {}
        self._made: set[str] = set()  # temporary tables made on the connection
        self._schema: str | None = None  # ``schema_key``, read on first use

    @classmethod
    def open(
        cls,
        store_path: str | Path,
        engine: str = "duckdb",
        *,
        spark_master: str | None = None,
        parquet: str | Path | None = None,
    ) -> Engine:
        """Open ``engine`` (``duckdb`` or ``spark``) over the store at ``store_path``.

        For Spark, ``parquet`` names an export (``mutewatch export --parquet DIR``); without
        it the store is exported on the fly to a cache beside it.
        """
        store = Path(store_path)
        if engine not in ENGINES:
            raise UsageError(f"engine {engine!r} is not known", hint=f"use one of {ENGINES}")
        if engine == "duckdb":
            raw, current = _connect_with_derived(store)
            return cls("duckdb", ibis.duckdb.from_connection(raw), store, str(store), current)
        directory = Path(parquet) if parquet else cached_export_dir(store)
        for table in TABLES:
            if not (directory / f"{table}.parquet").exists():
                raise StoreError(
                    f"{directory} has no {table}.parquet",
                    hint="write the export with `mutewatch export --parquet DIR`",
                )
        session = spark_session(spark_master)
        con = ibis.pyspark.connect(session)
        return cls("spark", con, store, str(directory))

    @classmethod
    def for_params(cls, store_path: str | Path, params: Params) -> Engine:
        """Open the engine the parameters name."""
        return cls.open(
            store_path, params.engine, spark_master=params.spark_master, parquet=params.parquet
        )

    def table(self, name: str) -> ir.Table:
        """A table of the store (one of ``TABLES``, or of ``OPTIONAL_TABLES`` where
        ``has_table``) as an Ibis table."""
        if name not in self._tables:
            if name not in TABLES and name not in OPTIONAL_TABLES:
                raise UsageError(f"no table {name} to measure", hint=f"use one of {TABLES}")
            if self.kind == "spark":  # read on first use: each read is a Spark job
                self._tables[name] = self.con.read_parquet(
                    str(Path(self.source) / f"{name}.parquet"), table_name=f"mw_{name}"
                )
            else:
                self._tables[name] = self.con.table(name)
        return self._tables[name]

    def has_table(self, name: str) -> bool:
        """Whether the store (or the Parquet export read) holds the table ``name``."""
        if self.kind == "spark":
            return (Path(self.source) / f"{name}.parquet").exists()
        listed = self.con.con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name]
        ).fetchall()
        return bool(listed[0][0])

    def read_optional(self, name: str, *columns: str) -> pd.DataFrame | None:
        """``read`` of one of ``OPTIONAL_TABLES``, or None where the store lacks it."""
        return self.read(name, *columns) if self.has_table(name) else None

    def derived_table(self, name: str) -> ir.Table | None:
        """A current derived table of the store (``derived``), or None."""
        if not self.derived:
            return None
        if name not in self._tables:
            self._tables[name] = self.con.table(name)
        return self._tables[name]

    def daily(self, hours: bool = False) -> ir.Table:
        """``derived.daily_expr``: materialised when current, else evaluated on the fly
        (with the hour-of-day columns only when ``hours``)."""
        from mutewatch.measure import derived

        table = self.derived_table(derived.DAILY)
        return table if table is not None else derived.daily_expr(self.table, hours)

    def link_days(self) -> ir.Table:
        """``derived.links_expr``: materialised when current, else evaluated on the fly."""
        from mutewatch.measure import derived

        table = self.derived_table(derived.LINKS)
        return table if table is not None else derived.links_expr(self.table)

    def stores_long_gaps(self, scope: str, of: str, include_forwards: bool) -> bool:
        """Whether ``long_gaps`` of this family reads the current ``measure_gaps`` table
        (else it is evaluated: on DuckDB into a temporary table, made at each call)."""
        from mutewatch.measure import derived

        family = (scope, "all" if scope == "outlet" else of, include_forwards)
        return self.derived and family in derived.gap_families()

    def long_gaps(self, scope: str, of: str, include_forwards: bool) -> ir.Table:
        """``derived.long_gaps_expr`` of one family (materialised when kept and current)."""
        from mutewatch.measure import derived

        family = (scope, "all" if scope == "outlet" else of, include_forwards)
        table = self.derived_table(derived.GAPS)
        if table is not None and self.stores_long_gaps(scope, of, include_forwards):
            return table.filter(
                table.scope == family[0], table.of == family[1], table.fwd == family[2]
            )
        name = self.gaps_table(scope, of, include_forwards)
        if name is None:
            return derived.long_gaps_expr(self.table, *family)
        if name not in self._tables:
            self._tables[name] = self.con.table(name)
        return derived.long_gaps_expr(self.table, *family, gaps=self._tables[name])

    def gaps_table(self, scope: str, of: str, include_forwards: bool) -> str | None:
        """The temporary table ``long_gaps`` reads on DuckDB when ``measure_gaps`` does not
        hold the family, made on first use (None on Spark or where the family is stored).

        Every gap once, in a temporary table (allowed read-only): the record reads it three
        times, which DuckDB would otherwise compute three times. Its SQL has no values, so
        it is compiled once per process and family."""
        from mutewatch.measure import derived

        if self.kind != "duckdb" or self.stores_long_gaps(scope, of, include_forwards):
            return None
        family = (scope, "all" if scope == "outlet" else of, include_forwards)
        name = f"_mw_gaps_{scope}_{family[1]}_{int(include_forwards)}"
        if name not in self._made:
            key = ("engine.gaps_table", self.schema_key(), family)
            with _SHAPES_LOCK:
                hit = _SHAPES.get(key)
            if hit is None:
                expr = derived.all_gaps_expr(self.table, *family)
                hit = (ibis.to_sql(expr, dialect="duckdb"), expr)
                with _SHAPES_LOCK:
                    _SHAPES[key] = hit
            self.con.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {hit[0]}")
            self._made.add(name)
        return name

    def schema_key(self) -> str:
        """A digest of the columns and types of every table a query shape may read (the
        store's measured, optional and derived tables), read once per engine: part of each
        shape's key, so SQL compiled for one store is never run on a store whose tables
        differ (another schema version, or a store written by other means). '' on Spark,
        which compiles every time."""
        if self._schema is None:
            if self.kind != "duckdb":
                self._schema = ""
            else:
                from mutewatch.measure import derived

                names = [*TABLES, *OPTIONAL_TABLES, *derived.DERIVED]
                rows = self.con.con.execute(
                    "SELECT table_name, column_name, data_type FROM duckdb_columns() "
                    "WHERE schema_name = 'main' AND list_contains(?, table_name) "
                    "ORDER BY table_name, column_index",
                    [names],
                ).fetchall()
                self._schema = hashlib.sha256(repr(rows).encode()).hexdigest()[:16]
        return self._schema

    def posts(self, params: Params) -> ir.Table:
        """Counted posts: ``posts`` filtered by ``--of``, ``--include-forwards`` and dates.

        Columns are those of the ``posts`` table (platform, account_id, message_id, ts, kind,
        forwarded_from, outlet_id, official, source_id, ...). Join ``outlets`` (on outlet_id)
        after aggregating when names are needed: see ``outlet_names``.
        """
        from mutewatch.measure import derived

        return derived.counted(self.table, params)

    def outlet_names(self) -> pd.DataFrame:
        """outlet_id, name, official, registered of every outlet (small, fetched eagerly)."""
        return self.read("outlets", "outlet_id", "name", "official", "registered")

    def read(self, name: str, *columns: str) -> pd.DataFrame:
        """Columns of a small table of the store, whole (no SQL to compile on DuckDB; nullable
        integers come back as floats with NaN, as from Arrow)."""
        expr = self.table(name).select(*columns)
        if self.kind != "duckdb":
            return self.execute(expr)
        listed = ", ".join(f'"{c}"' for c in columns)
        try:
            frame = self.con.con.sql(f'SELECT {listed} FROM "{name}"').to_arrow_table().to_pandas()
            return _normalise(frame)
        except duckdb.Error as exc:
            raise EngineError(
                f"the duckdb engine failed on {self.source}: {exc}",
                hint="check the store is a current mutewatch store",
            ) from exc

    def shaped(
        self,
        key: Hashable,
        build: Callable[[Slot, Callable[[str], ir.Table]], ir.Table],
        values: Mapping[str, Any] | None = None,
        frames: Mapping[str, pd.DataFrame] | None = None,
    ) -> pd.DataFrame:
        """``execute(build(slot, frame))``, compiled once per process for each ``key``.

        ``key`` names the query's shape: everything the expression depends on besides its
        ``values`` and ``frames`` (``Params``, scope, number of terms, ...). ``build`` makes
        the expression: ``slot(name, dtype)`` stands for ``values[name]`` (a DuckDB prepared
        parameter ``$name``: the values are bound at each run, never written into the SQL),
        ``frame(name)`` for the small table ``frames[name]`` (registered on the connection
        under that name on DuckDB, an ``ibis.memtable`` elsewhere). On DuckDB ``build`` runs
        only the first time a key is met in the process (with the derived tables current or
        not: ``derived`` is part of the key, and so is ``schema_key``: the columns and types of
        the store's tables); later runs reuse its SQL, skipping ibis' expression building and
        compiling. Other engines build and compile every time. The frames of one ``key`` must
        keep their columns and dtypes (their values may change): the SQL was compiled for them.
        """
        values = dict(values or {})
        frames = dict(frames or {})
        slots: dict[str, ir.Scalar] = {}

        def slot(name: str, dtype: str) -> ir.Scalar:
            if name not in values:
                raise KeyError(f"no value for the slot {name!r}")
            if name not in slots:
                slots[name] = ibis.param(dtype)
            return slots[name]

        if self.kind != "duckdb":
            expr = build(slot, lambda name: ibis.memtable(frames[name]))
            return self.execute(expr, {slots[n]: v for n, v in values.items() if n in slots})
        con = self.con.con
        for name, frame in frames.items():
            con.register(name, frame)
        try:
            full = (self.derived, self.schema_key(), key)
            with _SHAPES_LOCK:
                hit = _SHAPES.get(full)
                if hit is not None:
                    _SHAPES.move_to_end(full)
            if hit is None:
                expr = build(slot, self.con.table)
                hit = (_slot_sql(self.con, expr, slots), expr)
                with _SHAPES_LOCK:
                    _SHAPES[full] = hit
                    while len(_SHAPES) > SHAPES_KEPT:
                        _SHAPES.popitem(last=False)
            sql, expr = hit
            bound = {n: _bindable(v) for n, v in values.items()}
            try:
                arrow = con.sql(sql, params=bound).to_arrow_table()
                result = _duckdb_frame(self.con, expr, arrow)
            except Exception as exc:
                raise EngineError(
                    f"the duckdb engine failed on {self.source}: {exc}",
                    hint="check the store is a current mutewatch store",
                ) from exc
        finally:
            for name in frames:
                con.unregister(name)
        return _normalise(result)

    def execute(self, expr: ir.Expr, params: Mapping[Any, Any] | None = None) -> pd.DataFrame:
        """Run an expression (``params``: values of its ``ibis.param`` scalars); timestamps
        come back as naive ``datetime64[us]`` (UTC)."""
        try:
            if self.kind == "duckdb" and isinstance(expr, ir.Table):
                # Arrow straight to pandas: ibis' own conversion goes through Python
                # objects for decimals (DuckDB's sums) and columns with nulls
                result = _duckdb_frame(self.con, expr, params=params)
            else:
                result = self.con.execute(expr, params=params)
        except Exception as exc:
            raise EngineError(
                f"the {self.kind} engine failed on {self.source}: {exc}",
                hint="check the store (or Parquet export) is a current mutewatch store",
            ) from exc
        if not isinstance(result, pd.DataFrame):
            return pd.DataFrame({"value": [result]})
        return _normalise(result)

    def close(self) -> None:
        """Release the connection (the process's SparkSession stays up for reuse)."""
        if self.kind == "duckdb":
            self.con.disconnect()

    def __enter__(self) -> Engine:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class _SlotOp(ops.Scalar):  # type: ignore[misc]
    """A named placeholder in an expression: compiled to a DuckDB parameter ``$slot``."""

    slot: str
    dtype: dt.DataType
    shape = ds.scalar


def _slot_sql(con: Any, expr: ir.Table, slots: Mapping[str, ir.Scalar]) -> str:
    """DuckDB SQL of ``expr`` with each slot's ``ibis.param`` written as ``$name``."""
    names = {p.op(): name for name, p in slots.items()}
    op = expr.op()
    if names:
        op = op.replace({p: _SlotOp(slot=n, dtype=p.dtype) for p, n in names.items()})
    if op.find(ops.InMemoryTable):
        raise ValueError("a query shape takes its small tables as frames, not memtables")
    query = _slot_compiler(type(con.compiler))().to_sqlglot(op.to_expr())
    sql: str = query.sql(dialect=con.dialect, copy=False, unsupported_level=sg.ErrorLevel.RAISE)
    return sql


_SLOT_COMPILERS: dict[str, type] = {}


def _slot_compiler(base: type) -> type:
    """The backend's compiler, with ``_SlotOp`` written as a named parameter."""

    def visit_SlotOp(self: Any, op: Any, *, slot: str, dtype: Any) -> sge.Expression:
        return sge.Placeholder(this=slot)

    name = f"{base.__module__}.{base.__qualname__}"
    if name not in _SLOT_COMPILERS:
        attrs = {"visit__SlotOp": visit_SlotOp}
        _SLOT_COMPILERS[name] = type(f"Slot{base.__name__}", (base,), attrs)
    return _SLOT_COMPILERS[name]


def _bindable(value: Any) -> Any:
    """A value DuckDB binds as the column type it stands for (naive datetimes for times)."""
    if isinstance(value, pd.Timestamp | np.datetime64):
        return pd.Timestamp(value).to_pydatetime()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _duckdb_frame(
    con: Any, expr: ir.Table, arrow: Any = None, params: Mapping[Any, Any] | None = None
) -> pd.DataFrame:
    """``con.execute(expr)`` with the Arrow result cast to the expression's schema first.

    Same frame as ibis' DuckDB ``execute``, which turns DuckDB's sums (HUGEINT, i.e.
    decimals in Arrow) into Python Decimals one by one; ``to_pyarrow`` casts them in Arrow.
    ``arrow``: the result, already fetched (by plain SQL), to convert the same way.
    """
    import pyarrow.types as pat
    from ibis.backends.duckdb.converter import DuckDBPandasData, DuckDBPyArrowData

    if arrow is None:
        table = con.to_pyarrow(expr, params=params)
    else:
        table = expr.__pyarrow_result__(arrow, data_mapper=DuckDBPyArrowData)
    df = pd.DataFrame(
        {
            name: (
                col.to_pylist()
                if pat.is_nested(col.type) or pat.is_dictionary(col.type) or col.null_count
                else col.to_pandas()
            )
            for name, col in zip(table.column_names, table.columns, strict=True)
        }
    )
    df = DuckDBPandasData.convert_table(df, expr.schema())
    result: pd.DataFrame = expr.__pandas_result__(df)
    return result


def _normalise(df: pd.DataFrame) -> pd.DataFrame:
    """Same dtypes from both engines: naive datetime64[us] times, int64 integers."""
    for col in df.columns:
        s = df[col]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            df[col] = s.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[us]")
        elif pd.api.types.is_datetime64_any_dtype(s.dtype):
            df[col] = s.astype("datetime64[us]")
        elif pd.api.types.is_integer_dtype(s.dtype) and not isinstance(
            s.dtype, pd.api.extensions.ExtensionDtype
        ):
            df[col] = s.astype("int64")
    return df
