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
    python benchmarks/silences_speed.py --store S.duckdb --tree /tmp/old --tree . \
        --scope outlet --option ongoing=true --option of='"all"' --option dense_ratio=150

``--option KEY=JSON`` passes any other option of ``silences`` (the value read as JSON).

Figures, session 12 (old = 48dd3b2, new = the three queries as shapes and ``schema_key`` in
the key; 2 shared cores at load 3.6-6.7, so seconds scatter by 2x; per call after the first):

* 20 forum channels (24,832 posts, real ids, five channels dense only at 150), ``--scope
  outlet --of all --ongoing --dense-ratio 150 --min-hours 40``: the three queries run.
  Two runs (5 and 7 rounds of 3 calls): seconds new/old 0.426/0.641 = 0.66 and
  0.245/0.293 = 0.83; baseline ratio 12.67/15.72 = 0.81 and 13.26/15.85 = 0.84.
* Demo (Telegram only: the id queries never run), network default: 0.824/0.825 = 1.00;
  ``--scope outlet --ongoing``: 1.130/1.258 = 0.90, ratio 18.05/16.43 = 1.10 (noise).
* Golden store (tests/measure's scenario), network default: 0.456/0.419 = 1.09, ratio
  9.35/11.30 = 0.83 (noise). ``schema_key`` costs one ``duckdb_columns()`` query per open
  engine: 4 ms median (20 opens, same load).

Where a one-shot ``mutewatch silences`` process spends its time (demo and golden store,
old and new, 12 processes): imports 70% (median); building the ibis expressions and
compiling their SQL 7.5% (4.5-9%), 0.2-0.4 s, a quarter of the first call. The import of
``measure.registry`` took 2.2-2.8 s, 1.2-1.9 s of it ``findings`` -> ``trend`` ->
``ruptures`` (with ``scipy.stats``), which silences never uses. SQL checked in and
verified against ibis would save at most that 0.2-0.4 s: not done.
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
    ap.add_argument("--option", action="append", default=[], metavar="KEY=JSON")
    a = ap.parse_args()
    opts = {"scope": a.scope, "min_hours": a.min_hours}
    for item in a.option:
        key, _, value = item.partition("=")
        opts[key] = json.loads(value)
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
