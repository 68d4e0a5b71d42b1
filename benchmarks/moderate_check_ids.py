"""Memory and time of ``moderate check``'s repeated-id warning on many input lines.

``moderate check`` warns when a line gives the id of an earlier line, naming that line: it
keeps every id it has read. This feeds ``--lines`` synthetic lines (neutral placeholder
text, 13-digit ids, every 1,000th line an earlier line's id, half of these as numbers)
through what the command does with each line before the checks (``_parse_line``, then
``_Run.note_id``; the models are not loaded) and prints one JSON object: the memory the run
holds at the end and at its peak (tracemalloc, in a pass of its own), and the wall time of
a pass without tracemalloc, with the warnings counted.

Compare with another tree (say the one before a change, checked out with ``git worktree
add /work/mw_base <commit>``) side by side in one process, passes alternating, medians of
``--repeats`` timed passes::

    flock /work/notes/bench.lock python benchmarks/moderate_check_ids.py --lines 1000000 \\
        --against /work/mw_base/src 2>/dev/null

Without ``--against`` it measures this tree alone.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import io
import json
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from types import ModuleType
from typing import Any

import mutewatch.cli.moderating as this_cli
from mutewatch.moderate.policy import load_policy

REPEAT_EVERY = 1000  # every 1,000th line gives an earlier line's id
ID_BASE = 10**12


def other_cli_module(src: Path) -> ModuleType:
    """``mutewatch/cli/moderating.py`` of the tree at ``src``, loaded under its own name (it
    imports the rest of mutewatch from this tree: only its own code differs)."""
    path = src / "mutewatch" / "cli" / "moderating.py"
    spec = importlib.util.spec_from_file_location("other_moderating", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def lines(count: int) -> list[bytes]:
    """``count`` input lines, ids 13-digit strings (``"1000000000001"``, ...); every
    ``REPEAT_EVERY``th line gives the id of a line half as far in, every other such one as
    a number (17 and "17" are one id)."""
    out = []
    for n in range(1, count + 1):
        given: Any = str(ID_BASE + n)
        if n % REPEAT_EVERY == 0:
            earlier = ID_BASE + n // 2
            given = earlier if n % (2 * REPEAT_EVERY) else str(earlier)
        record = {"id": given, "author_name": "Ana Silva", "text": f"Placeholder comment {n}."}
        out.append(json.dumps(record).encode())
    return out


def one_pass(cli: ModuleType, policy: Any, raws: list[bytes]) -> Any:
    """Each line as ``_take_line`` treats it before the checks (no topic: no article); the
    run. Its warnings go to stderr, as the command's do."""
    run = cli._Run(None, io.StringIO(), False)
    for number, raw in enumerate(raws, start=1):
        comment, given = cli._parse_line(raw, policy)
        run.note_id(comment.id, given, number)
    return run


def measure(cli: ModuleType, policy: Any, raws: list[bytes]) -> dict[str, Any]:
    """Memory held at the end and at the peak of one pass, in MB and bytes a line."""
    one_pass(cli, policy, raws[:100])  # the service's lazy imports and caches: not the ids'
    gc.collect()
    tracemalloc.start()
    run = one_pass(cli, policy, raws)
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"held_mb": round(held / 1e6, 1), "peak_mb": round(peak / 1e6, 1),
            "held_bytes_a_line": round(held / len(raws), 1), "warnings": run.repeated}  # fmt: skip


def timed(cli: ModuleType, policy: Any, raws: list[bytes]) -> float:
    """Seconds of one pass without tracemalloc."""
    gc.collect()
    started = time.perf_counter()
    one_pass(cli, policy, raws)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description="moderate check repeated-id memory and time")
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--against",
        type=Path,
        help="the src folder of another tree (e.g. /work/mw_base/src): measure its"
        " moderating.py and this tree's side by side, alternating, in this one process",
    )
    args = parser.parse_args()
    policy = load_policy(None)
    raws = lines(args.lines)
    trees = {"new": this_cli}
    if args.against is not None:
        trees = {"old": other_cli_module(args.against), "new": this_cli}
    memory = {tree: measure(cli, policy, raws) for tree, cli in trees.items()}
    wall: dict[str, list[float]] = {tree: [] for tree in trees}
    for _ in range(args.repeats):
        for tree, cli in trees.items():
            wall[tree].append(timed(cli, policy, raws))
    report: dict[str, Any] = {"lines": args.lines, "load_average": os.getloadavg()[0]}
    for tree in trees:
        report[tree] = {**memory[tree], "median_s": round(statistics.median(wall[tree]), 2),
                        "min_s": round(min(wall[tree]), 2)}  # fmt: skip
    if "old" in report:
        report["new_over_old"] = {
            "held": round(report["new"]["held_mb"] / report["old"]["held_mb"], 3),
            "time": round(report["new"]["median_s"] / report["old"]["median_s"], 2),
        }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
