"""Many small files: the per-file fixed cost of ``ingest``, old tree against new in one run.

Writes the demo's exports at ``--scale`` (0.05: 49 small files, ~10,000 posts) once, then
ingests them into a fresh store with each tree's code (``PYTHONPATH=<tree>/src`` in a child
process, so both trees run under the same load), alternating trees, ``--repeat`` times each.
Prints the median wall and CPU seconds per run and per file for each tree, and checks that
the stores the trees built hold the same rows, table by table (``ingest_runs`` and the
times a source started and finished excepted: they are wall-clock times). Run it flocked
on a shared machine:

    flock /work/notes/bench.lock python benchmarks/ingest_many_files.py --old /tmp/wt65
    python benchmarks/ingest_many_files.py --json          # this tree alone

``--accounts N``: each run starts from a store already holding N accounts (one Telegram
account export of N one-post chats, ingested once per tree, untimed, and copied before each
run), so the files land in a large store, as when adding to a long-kept observatory.
``--base-after``: those accounts' ids sort after the demo's (9... against 1...), so each
account the files add comes before them and renumbers their own outlets (the costliest
case for an attribution that writes only what changed).

``--per-file``: each export folder (or file) under the demo's exports is ingested by its
own ``ingest`` call, as separate uploads or command runs do, on one open store; each call
attributes the store once at its end (one call for all: once in all).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

_CHILD = """
import json, resource, sys, time
from pathlib import Path
from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store
store = Store.open(Path(sys.argv[1]))
exports = Path(sys.argv[2])
calls = sorted(exports.iterdir()) if sys.argv[3:] == ["per-file"] else [exports]
started, cpu = time.perf_counter(), time.process_time()
for path in calls:
    ingest(store, [path], IngestOptions())
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
store.close()
# the forked reader processes too: the ingest reads in them by default
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": seconds, "cpu": cpu + kids.ru_utime + kids.ru_stime}))
"""

WALL_CLOCK = {"sources": ("started_at", "finished_at")}  # columns that differ run to run
# ingest_runs: one row per run, timed by the wall clock; meta: schema versions, which differ
# between trees when one adds a migration
SKIPPED_TABLES = {"ingest_runs", "meta"}


def timed_ingest(
    tree: Path, store: Path, exports: Path, base: Path | None = None, per_file: bool = False
) -> tuple[float, float]:
    """Wall and CPU seconds (its reader processes' too) ``ingest`` of ``exports`` (a folder
    or one file) took in a child process importing ``tree``'s code (into a copy of the store
    ``base``, if given; ``per_file``: one call per entry of the folder ``exports``)."""
    store.unlink(missing_ok=True)
    if base is not None:
        shutil.copyfile(base, store)
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(store), str(exports)]
        + (["per-file"] if per_file else []),
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    took = json.loads(done.stdout.strip().splitlines()[-1])
    return float(took["seconds"]), float(took["cpu"])


def write_accounts_export(path: Path, accounts: int, first_id: int = 10_000_000) -> None:
    """A Telegram account export of ``accounts`` public channels of one post each, their
    ids from ``first_id`` on."""
    chats = [
        {
            "name": f"Base Channel {n}",
            "type": "public_channel",
            "id": first_id + n,
            "messages": [
                {
                    "id": 1,
                    "type": "message",
                    "date_unixtime": str(1_500_000_000 + n),
                    "from": f"Base Channel {n}",
                    "from_id": f"channel{first_id + n}",
                    "text": f"Item {n}",
                }
            ],
        }
        for n in range(accounts)
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"chats": {"list": chats}}, indent=1), encoding="utf-8")


def table_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, sorted, wall-clock columns left out."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [
            str(n)
            for (n,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY 1"
            ).fetchall()
        ]
        out = {}
        for name in names:
            if name in SKIPPED_TABLES:
                continue
            cols = [
                str(c)
                for (c,) in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE table_name = ? "
                    "ORDER BY column_index",
                    [name],
                ).fetchall()
                if str(c) not in WALL_CLOCK.get(name, ())
            ]
            select = ", ".join(f'"{c}"' for c in cols)
            rows = con.execute(f'SELECT {select} FROM "{name}"').fetchall()
            out[name] = sorted(rows, key=repr)
        return out
    finally:
        con.close()


def differing_tables(a: Path, b: Path) -> list[str]:
    """Tables whose rows differ between two stores (a table one store lacks counts as
    empty: a table a tree adds, empty after every finished file, is no difference)."""
    left, right = table_rows(a), table_rows(b)
    return sorted(n for n in left.keys() | right.keys() if left.get(n, []) != right.get(n, []))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, help="another worktree to compare against")
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--accounts", type=int, default=0, help="accounts already stored")
    parser.add_argument(
        "--base-after", action="store_true", help="their ids sort after the files' accounts"
    )
    parser.add_argument(
        "--per-file", action="store_true", help="one ingest call per export, not one for all"
    )
    args = parser.parse_args()
    new = Path(__file__).resolve().parents[1]
    trees = {"new": new, **({"old": args.old.resolve()} if args.old else {})}
    with tempfile.TemporaryDirectory() as tmp:
        sys.path.insert(0, str(new / "src"))
        from mutewatch.demo import generate

        generate(Path(tmp) / "demo", scale=args.scale)
        exports = Path(tmp) / "demo" / "exports"
        files = sum(1 for p in exports.rglob("*") if p.is_file())
        bases: dict[str, Path | None] = {name: None for name in trees}
        if args.accounts:
            base_export = Path(tmp) / "base" / "result.json"
            first_id = 90_000_000 if args.base_after else 10_000_000
            write_accounts_export(base_export, args.accounts, first_id)
            for name, tree in trees.items():
                bases[name] = Path(tmp) / f"{name}-base.duckdb"
                timed_ingest(tree, Path(tmp) / f"{name}-base.duckdb", base_export)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
        for _ in range(args.repeat):
            for name, tree in reversed(trees.items()):  # old first, then new, alternating
                store = Path(tmp) / f"{name}.duckdb"
                times[name].append(timed_ingest(tree, store, exports, bases[name], args.per_file))
        result: dict[str, Any] = {
            "files": files,
            "accounts_before": args.accounts,
            "calls": sum(1 for _ in exports.iterdir()) if args.per_file else 1,
            "load": os.getloadavg()[0],
        }
        for name, values in times.items():
            wall = statistics.median(v[0] for v in values)
            cpu = statistics.median(v[1] for v in values)  # less moved by others' load
            result[name] = {
                "median_s": round(wall, 3),
                "per_file_s": round(wall / files, 4),
                "cpu_s": round(cpu, 3),
                "cpu_per_file_s": round(cpu / files, 4),
            }
        if args.old:
            result["differing_tables"] = differing_tables(
                Path(tmp) / "old.duckdb", Path(tmp) / "new.duckdb"
            )
    if args.json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
