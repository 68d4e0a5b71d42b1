"""The per-file fixed cost of ingest: schema checked once per open store, links classified
only when some lack a host; the stored result the same as file by file in fresh stores."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from mutewatch.demo import write_benchmark_export
from mutewatch.ingest import IngestOptions, ingest
from mutewatch.ingest.links import classify_host
from mutewatch.store import Store, schema, writer

WALL_CLOCK = {"sources": {"started_at", "finished_at"}, "ingest_runs": {"finished_at"}}


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("exports")
    paths = []
    for seed in (1, 2, 3):
        path = root / f"chat{seed}.json"
        write_benchmark_export(path, messages=40, seed=seed)
        paths.append(path)
    return paths


def _rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's sorted rows, wall-clock columns left out."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        out = {}
        tables = con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()
        for (table,) in tables:
            cols = con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ? "
                "ORDER BY column_index",
                [table],
            ).fetchall()
            kept = [c for (c,) in cols if c not in WALL_CLOCK.get(table, set())]
            select = ", ".join(f'"{c}"' for c in kept)
            out[table] = sorted(con.execute(f'SELECT {select} FROM "{table}"').fetchall(), key=repr)
        return out
    finally:
        con.close()


def test_one_run_checks_the_schema_once_and_stores_what_fresh_stores_do(
    exports: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = writer.migrate

    def counting(con: Any, component: str = "core", migrations: Any = None) -> int:
        calls.append(component)
        return real(con, component=component, migrations=migrations)

    monkeypatch.setattr(writer, "migrate", counting)
    with Store.open(tmp_path / "once.duckdb") as store:
        report = ingest(store, exports, IngestOptions())
        assert store.scalar("SELECT count(*) FROM sources WHERE status = 'done'") == 3
        assert store.scalar("SELECT count(*) FROM posts") > 0
    assert calls == ["ingest"], report
    for path in exports:  # the old way: every file through a fresh store, migrated anew
        with Store.open(tmp_path / "fresh.duckdb") as store:
            ingest(store, [path], IngestOptions())
    assert calls == ["ingest"] * 4
    once, fresh = _rows(tmp_path / "once.duckdb"), _rows(tmp_path / "fresh.duckdb")
    assert once.keys() == fresh.keys()
    assert [t for t in once if once[t] != fresh[t]] == []


def test_links_without_host_still_classified(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.duckdb") as store:
        con = store.con
        con.execute(
            "INSERT INTO links (platform, account_id, message_id, url, host_class, ts) VALUES "
            "('telegram', 'a', 1, 'https://t.me/x', 'other', TIMESTAMP '2020-01-01')"
        )
        writer.classify_links(con)
        assert con.execute("SELECT host, host_class FROM links").fetchall() == [
            ("t.me", classify_host("t.me"))
        ]
        writer.classify_links(con)  # nothing left without a host: unchanged
        assert con.execute("SELECT count(*) FROM links WHERE host IS NULL").fetchall() == [(0,)]


def test_current_version(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "empty.duckdb"))
    assert schema.current_version(con) == 0
    schema.migrate(con)
    assert schema.current_version(con) == schema.SCHEMA_VERSION
    con.close()
