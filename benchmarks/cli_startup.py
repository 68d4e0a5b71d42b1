"""Seconds of one-shot CLI commands, old tree against new, alternating (and the server's
start and first measurement with ``--serve``).

Each round runs every command once per tree, each run a fresh process running the CLI entry
point (``PYTHONPATH=TREE/src``, the equivalent of the ``mutewatch`` script; each tree
compiled to bytecode first, as an installed one is: a tree without ``__pycache__``, made
under ``PYTHONDONTWRITEBYTECODE``, starts 10% slower), in the order
old, new on even rounds and new, old on odd ones, so the load of a shared machine falls on
both alike; a tree's figure is the median over the rounds, ``ratio`` = each later tree's
median / the first's (old: pass it first; more than two trees rotate). Every
command's stdout must be byte-identical across trees and rounds, else the script stops.
``--serve`` also times ``mutewatch serve --no-moderation`` from launch to its first answer
(``/login``) and then its first ``/api/v1/silences`` (the user ``bench`` is added to the
store, so pass a copy); serve binds a port of its own choosing (``--port 0 --port-file``),
save a tree from before it could, which is handed one picked and released (the report's
``serve_port_file`` says which tree did what). ``--command NAME`` (repeatable;
``--command=--help``) times only those. Run it under ``flock /work/notes/bench.lock`` there.

    cp -r mutewatch-demo /tmp/bench-demo && python benchmarks/cli_startup.py \\
        --store /tmp/bench-demo/mutewatch.duckdb --tree /tmp/old --tree . --rounds 7 --serve

Figures, session 12 (demo store; 2 shared cores, load 0.8-1.0; medians of 7 rounds; stdout
byte-identical across the trees). Trees: old = 8c60a99 (the registry imported every
measurement up front), new = 6ab1af6 (``measure.registry`` imports a measurement's module
on first use), new+stats = new with ``measure.stats`` importing ruptures only inside
``change_points_ruptures`` (committed as e9e4d7d: the reference moved to
``measure._ruptures_reference``; there, ``silences --json`` measured 2.99 -> 1.93 s against
its parent, medians of 5 alternating, load 1.1, output identical), seconds:

    command                  old     new     new+stats   new/old  new+stats/old
    mutewatch --help         0.444   0.429   0.440       0.97     0.99
    silences --help          0.434   0.432   0.415       1.00     0.96
    silences --json          2.669   2.763   1.985       1.04     0.74
    output --json            2.007   2.040   1.258       1.02     0.63
    outlets status --json    2.218   2.121   1.292       0.96     0.58
    findings --json          2.854   2.854   2.901       1.00     1.02
    serve start (/login)     3.146   3.123   3.228       0.99     1.03
    serve first /silences    0.994   1.021   0.895       1.03     0.90

The lazy registry alone moves nothing beyond noise: ``findings`` -> ``trend`` was only where
the profiler first met ruptures. Every measurement imports ``measure.status`` (through
``outlet_days`` and ``output``), which imports ``measure.stats``, whose module-level
``import ruptures`` (for ``QuasiPoissonCost``, used only by the reference
``change_points_ruptures``) brings ``scipy.stats``: 0.7-0.9 s of each one-shot
``silences``, ``output`` and ``outlets status``, saved once that import moves into the
function (new+stats). ``--help`` imports no measurement before or after; most of its time
is ``mutewatch`` -> ``store`` (DuckDB) and ``cli.foundation`` -> ``ingest`` (pyarrow).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

_RUN = "import sys\nfrom mutewatch.cli import main\nsys.argv[0] = 'mutewatch'\nmain()\n"

COMMANDS: dict[str, list[str]] = {
    "--help": ["--help"],
    "silences --help": ["silences", "--help"],
    "silences --json": ["silences", "--json"],
    "output --json": ["output", "--json"],
    "outlets status --json": [
        "outlets", "status", "--json",
        "--baseline", "2016-01-01..2016-03-31", "--period", "2017-06-01..2017-08-31",
    ],
    "findings --json": ["findings", "--json"],
}  # fmt: skip


def _env(tree: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(tree / "src"), "TZ": "UTC"}


def _run(tree: Path, store: Path, args: list[str]) -> tuple[float, bytes]:
    """Wall seconds and stdout of ``mutewatch --store STORE ARGS`` on ``tree``'s code."""
    cmd = [sys.executable, "-c", _RUN, *(["--store", str(store)] if args[0] != "--help" else [])]
    start = time.perf_counter()
    done = subprocess.run([*cmd, *args], env=_env(tree), capture_output=True, timeout=600)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{tree}: {args} exited {done.returncode}: {done.stderr[-2000:]!r}")
    return seconds, done.stdout


def _serves_port_file(tree: Path) -> bool:
    """Whether ``tree``'s ``serve`` takes ``--port 0 --port-file PATH`` (its ``--help`` names
    ``--port-file``; trees before 3e4a0ab do not)."""
    done = subprocess.run(
        [sys.executable, "-c", _RUN, "serve", "--help"],
        env=_env(tree), capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    return "--port-file" in done.stdout


def _old_tree_port() -> int:
    """A port picked here and released, for a tree whose serve cannot pick its own (no
    ``--port-file``): another socket may take it before that server binds it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _listening(server: subprocess.Popen[bytes], port_file: Path) -> int:
    """The port ``serve --port 0 --port-file PORT_FILE`` bound, once it is written."""
    while not port_file.exists():
        if server.poll() is not None:
            raise SystemExit(f"serve exited {server.returncode} before it listened")
        time.sleep(0.02)
    return int(port_file.read_text(encoding="utf-8"))


def _get(url: str, token: str | None = None) -> bytes:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=600) as response:  # noqa: S310 - 127.0.0.1
        return bytes(response.read())


def _serve(
    tree: Path, store: Path, token: str, own_port: bool = True
) -> tuple[float, float, bytes]:
    """Seconds from launch to the first ``/login`` answer, then of the first silences.

    ``own_port`` (``_serves_port_file``): serve binds a port the system picks (``--port 0``)
    and writes it to ``--port-file``. Only an old tree without those options is handed a
    port picked here (``_old_tree_port``), which another socket could take in between."""
    tmp = Path(tempfile.mkdtemp(prefix="mutewatch-bench-serve-"))
    port_file = tmp / "serve.port"
    # a port picked here only for an old tree, whose serve has no --port 0 / --port-file
    port = 0 if own_port else _old_tree_port()
    where = ["--port", str(port)] + (["--port-file", str(port_file)] if own_port else [])
    cmd = [sys.executable, "-c", _RUN, "--store", str(store), "serve", "--no-moderation"]
    start = time.perf_counter()
    server = subprocess.Popen(
        [*cmd, *where],
        env=_env(tree),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        if own_port:
            port = _listening(server, port_file)
        while True:
            if server.poll() is not None:
                raise SystemExit(f"{tree}: serve exited {server.returncode}")
            try:
                _get(f"http://127.0.0.1:{port}/login")
                break
            except OSError:
                time.sleep(0.02)
        up = time.perf_counter() - start
        start = time.perf_counter()
        body = _get(f"http://127.0.0.1:{port}/api/v1/silences", token)
        first = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(30)
        shutil.rmtree(tmp, ignore_errors=True)
    return up, first, body


def _token(tree: Path, store: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", _RUN, "--store", str(store), "users", "add", "bench",
         "--role", "analyst", "--json"],
        env=_env(tree), capture_output=True, check=True, timeout=600,
    )  # fmt: skip
    return str(json.loads(done.stdout)["token"])


def main() -> None:
    """Time the commands on every tree and print one JSON object of medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--tree", type=Path, action="append", required=True, help="old, new")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--command", action="append", choices=sorted(COMMANDS))
    parser.add_argument("--serve", action="store_true")
    args = parser.parse_args()
    trees = [t.resolve() for t in args.tree]
    names = args.command or list(COMMANDS)
    seconds: dict[str, dict[str, list[float]]] = {n: {str(t): [] for t in trees} for n in names}
    outputs: dict[str, set[bytes]] = {n: set() for n in names}
    for tree in trees:  # every tree starts from bytecode (PYTHONDONTWRITEBYTECODE may be set)
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "src")], check=True)
    token = _token(trees[0], args.store) if args.serve else ""
    own_port = {str(t): _serves_port_file(t) for t in trees} if args.serve else {}
    serve: dict[str, dict[str, list[float]]] = {
        "serve start": {str(t): [] for t in trees},
        "serve first silences": {str(t): [] for t in trees},
    }
    bodies: set[bytes] = set()
    load = [os.getloadavg()[0]]
    for i in range(args.rounds):
        order = trees[i % len(trees) :] + trees[: i % len(trees)]
        order = order if i % 2 == 0 else order[::-1]
        for name in names:
            for tree in order:
                took, out = _run(tree, args.store, COMMANDS[name])
                seconds[name][str(tree)].append(took)
                outputs[name].add(out)
        if args.serve:
            for tree in order:
                up, first, body = _serve(tree, args.store, token, own_port[str(tree)])
                serve["serve start"][str(tree)].append(up)
                serve["serve first silences"][str(tree)].append(first)
                bodies.add(body)
        load.append(os.getloadavg()[0])
    differ = [n for n, seen in outputs.items() if len(seen) != 1]
    if differ or len(bodies) > 1:
        raise SystemExit(f"stdout differs between trees or rounds: {differ or ['serve']}")
    report: dict[str, Any] = {"rounds": args.rounds, "trees": [str(t) for t in trees]}
    for name, per_tree in {**seconds, **(serve if args.serve else {})}.items():
        medians = [statistics.median(per_tree[str(t)]) for t in trees]
        report[name] = {
            "median_s": [round(m, 3) for m in medians],
            "ratio": [round(m / medians[0], 3) for m in medians[1:]],
        }
    if args.serve:
        report["serve_port_file"] = [own_port[str(t)] for t in trees]
    report["load_1min"] = [min(load), max(load)]
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
