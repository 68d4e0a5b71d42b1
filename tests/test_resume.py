"""A ``kill -9`` in the middle of an ingest, then the same ingest again, gives the clean store.

The ingest runs as a real ``python -m mutewatch ... ingest`` process over a folder holding a
small demo (many files) and one export large enough to commit in several batches. It is
killed with SIGKILL part way (retried at other moments until a kill lands after the first
commit and before the end), then run to completion; the store is
then compared with a clean run's store, table by table (run start/finish times aside, and
with source and outlet ids replaced by the path and name they stand for).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest

from mutewatch.demo import DemoManifest, generate, write_benchmark_export

pytestmark = pytest.mark.slow

BIG_MESSAGES = 60_000  # more than one batch of the importer's 50,000 records
KILL_ATTEMPTS = 8  # kill moments bisected until one lands mid-ingest
SKIP_TABLES = {"meta", "ingest_runs"}  # ingest_runs is the per-run log: runs differ by design
SKIP_COLUMNS = {"started_at", "finished_at"}


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> DemoManifest:
    root = tmp_path_factory.mktemp("resume")
    demo = generate(root, seed=3, scale=0.05)
    write_benchmark_export(demo.exports / "zz_big_channel" / "result.json", messages=BIG_MESSAGES)
    return demo


def _command(store: Path, demo: DemoManifest) -> list[str]:
    return [
        sys.executable, "-m", "mutewatch", "--store", str(store), "ingest", str(demo.exports),
        "--outlets", str(demo.registry), "--tz", demo.tz, "--json",
    ]  # fmt: skip


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONHASHSEED": "0"}


def _run(store: Path, demo: DemoManifest) -> tuple[float, dict[str, Any]]:
    start = time.monotonic()
    done = subprocess.run(
        _command(store, demo), capture_output=True, text=True, env=_env(), timeout=900
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return time.monotonic() - start, json.loads(done.stdout)


def _kill_after(store: Path, demo: DemoManifest, seconds: float) -> int | None:
    """Start the ingest, SIGKILL it after ``seconds``; its return code (None if it finished)."""
    proc = subprocess.Popen(
        _command(store, demo), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env()
    )
    try:
        proc.wait(timeout=seconds)
        return None  # finished before the kill
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        return proc.wait()


def _killed_mid_ingest(
    demo: DemoManifest, clean_seconds: float, files: int, tmp_path: Path
) -> Path:
    """A store whose ingest was SIGKILLed after its first commit and before its end.

    The kill moment is bisected, each attempt on a fresh store: a run that finished (or had
    every file done) moves the next kill earlier, one killed before any post was stored moves
    it later. A machine whose
    load changed since the clean run only costs attempts, not the test.
    """
    early, late = 0.0, clean_seconds
    for attempt in range(KILL_ATTEMPTS):
        store = tmp_path / f"killed{attempt}.duckdb"
        seconds = (early + late) / 2
        code = _kill_after(store, demo, seconds)
        if code is None:
            late = seconds
            continue
        assert code == -signal.SIGKILL
        posts, done, running = _progress(store)
        print(f"kill at {seconds:.1f} s of {clean_seconds:.1f} s: {posts} posts, {done} done")
        if posts and (running or done < files):
            return store
        if posts:
            late = seconds  # every file was done: killed while it finished
        else:
            early = seconds
    raise AssertionError(f"no kill landed in the middle of the ingest in {KILL_ATTEMPTS} tries")


def _progress(store: Path) -> tuple[int, int, int]:
    """(posts, sources done, sources running) of a store that may have been killed."""
    if not store.exists():
        return 0, 0, 0
    con = duckdb.connect(str(store), read_only=True)
    try:
        tables = {
            r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
        if "posts" not in tables:
            return 0, 0, 0
        posts = con.execute("SELECT count(*) FROM posts").fetchone()[0]  # type: ignore[index]
        done, running = con.execute(
            "SELECT count(*) FILTER (WHERE status = 'done'), "
            "count(*) FILTER (WHERE status <> 'done') FROM sources"
        ).fetchone()  # type: ignore[misc]
        return int(posts), int(done), int(running)
    finally:
        con.close()


def _dump(store: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table as sorted rows, with ids replaced by what they stand for."""
    con = duckdb.connect(str(store), read_only=True)
    try:
        sources = dict(con.execute("SELECT source_id, path FROM sources").fetchall())
        outlets = dict(con.execute("SELECT outlet_id, name FROM outlets").fetchall())
        out: dict[str, list[tuple[Any, ...]]] = {}
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables ORDER BY 1"
            ).fetchall()
        ]
        for table in tables:
            if table in SKIP_TABLES:
                continue
            cur = con.execute(f'SELECT * FROM "{table}"')
            cols = [d[0] for d in cur.description or []]
            rows = []
            for row in cur.fetchall():
                values = []
                for col, value in zip(cols, row, strict=True):
                    if col in SKIP_COLUMNS:
                        continue
                    if col == "source_id":
                        value = sources.get(value, value)
                    elif col == "outlet_id":
                        value = outlets.get(value, value)
                    values.append(value)
                rows.append(tuple(values))
            out[table] = sorted(rows, key=repr)
        return out
    finally:
        con.close()


def _differences(clean: dict[str, Any], resumed: dict[str, Any]) -> dict[str, Any]:
    diff: dict[str, Any] = {}
    for table in sorted(set(clean) | set(resumed)):
        a, b = clean.get(table, []), resumed.get(table, [])
        if a != b:
            set_a, set_b = set(a), set(b)
            only_a = [r for r in a if r not in set_b][:3]
            only_b = [r for r in b if r not in set_a][:3]
            diff[table] = {"clean": len(a), "resumed": len(b), "only_clean": only_a,
                           "only_resumed": only_b}  # fmt: skip
    return diff


@pytest.fixture(scope="module")
def clean(
    archive: DemoManifest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, float, dict[str, Any]]:
    """A clean, uninterrupted ingest: its store, wall time and report."""
    store = tmp_path_factory.mktemp("clean") / "clean.duckdb"
    seconds, report = _run(store, archive)
    return store, seconds, report


def test_comparison_sees_a_changed_store(
    clean: tuple[Path, float, dict[str, Any]], tmp_path: Path
) -> None:
    """The table-by-table comparison is not blind: one lost link or count shows."""
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(clean[0].read_bytes())
    con = duckdb.connect(str(copy))
    con.execute("DELETE FROM links WHERE rowid = (SELECT min(rowid) FROM links)")
    con.execute(
        "UPDATE sources SET new = new + 1 WHERE source_id = (SELECT min(source_id) FROM sources)"
    )
    con.close()
    assert set(_differences(_dump(clean[0]), _dump(copy))) == {"links", "sources"}


def test_kill_9_then_resume_gives_the_clean_store(
    archive: DemoManifest, clean: tuple[Path, float, dict[str, Any]], tmp_path: Path
) -> None:
    clean_store, clean_seconds, clean_report = clean
    expected = archive.truth["expected"]
    assert clean_report["quarantined"] == expected["quarantined"]
    assert clean_report["read"] == (
        clean_report["new"] + clean_report["duplicates"] + clean_report["quarantined"]
        + clean_report["skipped"]
    )  # fmt: skip

    store = _killed_mid_ingest(archive, clean_seconds, len(clean_report["files"]), tmp_path)
    _, final_report = _run(store, archive)
    assert final_report["read"] == (
        final_report["new"] + final_report["duplicates"] + final_report["quarantined"]
        + final_report["skipped"]
    )  # fmt: skip
    assert _differences(_dump(clean_store), _dump(store)) == {}
