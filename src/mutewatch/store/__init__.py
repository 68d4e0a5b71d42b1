"""The DuckDB store: one file, versioned schema, one writer at a time.

Library use::

    from mutewatch.store import Store
    with Store.open("mutewatch.duckdb") as store:
        print(store.status())
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb

from mutewatch.errors import StoreBusyError, StoreError
from mutewatch.store.schema import SCHEMA_VERSION, migrate

DEFAULT_STORE = "mutewatch.duckdb"

__all__ = ["DEFAULT_STORE", "SCHEMA_VERSION", "Store", "default_store_path"]


def default_store_path() -> Path:
    return Path(os.environ.get("MUTEWATCH_STORE", DEFAULT_STORE))


class Store:
    """An open store. ``con`` is the DuckDB connection; readers below return plain data."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, read_only: bool) -> None:
        self.con = con
        self.path = path
        self.read_only = read_only

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
        con.execute("SET TimeZone = 'UTC'")
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
        row = self.con.execute(sql, params or []).fetchone()
        return row[0] if row else None
