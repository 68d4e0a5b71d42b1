"""One Telegram account export of many one-post chats: old tree against new in one run.

Writes one ``result.json`` holding ``--chats`` public channels of one post each (neutral
made-up names), then ingests it into a fresh store with each tree's code
(``PYTHONPATH=<tree>/src`` in a child process, so both trees run under the same load),
alternating trees, ``--repeat`` times each. Prints the median wall seconds and the CPU
seconds (the ingesting process plus its reader process) for each tree, the ratio old/new,
and checks that the two trees' stores hold the same rows, table by table (wall-clock columns
excepted, as in ``ingest_many_files.py``). Run it flocked on a shared machine:

    flock /work/notes/bench.lock python benchmarks/ingest_many_chats.py --old /tmp/wt65
    python benchmarks/ingest_many_chats.py --chats 5000 --json     # this tree alone
    python benchmarks/ingest_many_chats.py --single-chat 1000000 --old /tmp/wt65

``--single-chat N`` times one big chat of N messages instead (the demo's single-chat export,
``mutewatch.demo.write_benchmark_export``): what a change for many small chats must not slow.

``MUTEWATCH_INGEST_PROCESS=0`` in the environment reads in the ingesting process (as the web
server's writer thread does) instead of a forked reader.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest_many_files import differing_tables, timed_ingest, write_accounts_export  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, help="another worktree to compare against")
    parser.add_argument("--chats", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--single-chat", type=int, default=0, help="one chat of this many messages instead"
    )
    args = parser.parse_args()
    new = Path(__file__).resolve().parents[1]
    trees = {"new": new, **({"old": args.old.resolve()} if args.old else {})}
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "account" / "result.json"
        if args.single_chat:
            sys.path.insert(0, str(new / "src"))
            from mutewatch.demo import write_benchmark_export

            write_benchmark_export(export, messages=args.single_chat)
        else:
            write_accounts_export(export, args.chats)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
        for _ in range(args.repeat):
            for name, tree in reversed(trees.items()):  # old first, then new, alternating
                times[name].append(timed_ingest(tree, Path(tmp) / f"{name}.duckdb", export))
        result: dict[str, Any] = {
            **({"messages": args.single_chat} if args.single_chat else {"chats": args.chats}),
            "bytes": export.stat().st_size,
            "load": os.getloadavg()[0],
        }
        for name, values in times.items():
            result[name] = {
                "median_s": round(statistics.median(v[0] for v in values), 3),
                "cpu_s": round(statistics.median(v[1] for v in values), 3),
                "runs_s": [round(v[0], 2) for v in values],
            }
        if args.old:
            stores = [Path(tmp) / f"{name}.duckdb" for name in ("old", "new")]
            result["differing_tables"] = differing_tables(*stores)
            old_s, new_s = result["old"]["median_s"], result["new"]["median_s"]
            result["ratio_old_new"] = round(old_s / new_s, 2)
    lines = [f"{key}: {value}" for key, value in result.items()]
    print(json.dumps(result) if args.json else "\n".join(lines))


if __name__ == "__main__":
    main()
