"""Seconds of one ``silences`` call, old tree against new, alternating.

Each round runs every tree once, each in its own process (``PYTHONPATH=TREE/src``), and
each process times ``--calls`` calls of ``run_measurement("silences", STORE, ...)`` after
one warm-up call (timed apart: ``first_s``, the call a one-shot CLI process makes, which
compiles every query); a tree's figure is the median over every timed call. Alternating
the trees round by round lets the load of a shared machine fall on both alike. Beside each
call the process times a plain baseline (DuckDB reads the counted posts' times, numpy finds
the gaps of ``--min-hours``), and ``ratio`` is the median of call / baseline: less moved by
the load than seconds. Run it under ``flock /work/notes/bench.lock`` there.

    python benchmarks/silences_speed.py --store S.duckdb --tree /tmp/old --tree .
    python benchmarks/silences_speed.py --store S.duckdb --tree . --scope outlet --min-hours 4
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

_CHILD = """
import json, sys, time
import duckdb, numpy as np
from mutewatch.measure.registry import run_measurement
store, calls, opts = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
SQL = "SELECT ts FROM posts WHERE official AND forwarded_from IS NULL ORDER BY ts"
def baseline():
    with duckdb.connect(store, read_only=True) as con:
        ts = con.sql(SQL).to_arrow_table().column(0).to_numpy().astype("datetime64[us]")
    gaps = np.diff(ts).astype("int64")
    return int((gaps >= opts["min_hours"] * 3.6e9).sum())
t = time.perf_counter()
run_measurement("silences", store, **opts)
first = time.perf_counter() - t
out, base = [], []
for _ in range(calls):
    t = time.perf_counter()
    run_measurement("silences", store, **opts)
    out.append(time.perf_counter() - t)
    t = time.perf_counter()
    baseline()
    base.append(time.perf_counter() - t)
print(json.dumps({"calls": out, "baseline": base, "first": first}))
"""


def _one(tree: Path, store: Path, calls: int, opts: dict[str, Any]) -> dict[str, Any]:
    """The timed calls, baselines and first call of one process running ``tree``'s code."""
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    args = [sys.executable, "-c", _CHILD, str(store), str(calls), json.dumps(opts)]
    done = subprocess.run(args, env=env, check=True, capture_output=True, text=True)
    timed: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return timed


def main() -> None:
    """Parse the options, alternate the trees, print one JSON object."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", type=Path, required=True)
    ap.add_argument("--tree", type=Path, action="append", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--calls", type=int, default=1)
    ap.add_argument("--scope", default="network")
    ap.add_argument("--min-hours", type=float, default=12.0)
    a = ap.parse_args()
    opts = {"scope": a.scope, "min_hours": a.min_hours}
    times: dict[str, list[float]] = {str(t): [] for t in a.tree}
    ratios: dict[str, list[float]] = {str(t): [] for t in a.tree}
    firsts: dict[str, list[float]] = {str(t): [] for t in a.tree}
    load_before = os.getloadavg()
    start = time.time()
    for _ in range(a.rounds):
        for tree in a.tree:
            timed = _one(tree.resolve(), a.store, a.calls, opts)
            times[str(tree)] += timed["calls"]
            pairs = zip(timed["calls"], timed["baseline"], strict=True)
            ratios[str(tree)] += [c / b for c, b in pairs]
            firsts[str(tree)].append(timed["first"])
    result = {
        "store": str(a.store),
        "options": opts,
        "load_before": load_before[0],
        "load_after": os.getloadavg()[0],
        "seconds": round(time.time() - start, 1),
        "median_s": {t: round(statistics.median(v), 4) for t, v in times.items()},
        "ratio": {t: round(statistics.median(v), 2) for t, v in ratios.items()},
        "first_s": {t: round(statistics.median(v), 4) for t, v in firsts.items()},
        "calls_s": {t: [round(x, 4) for x in v] for t, v in times.items()},
    }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
