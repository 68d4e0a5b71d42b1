"""Bounded load on the server's main endpoints, on loopback, beside the library call.

    python benchmarks/serve_load.py                      # builds the demo store first
    python benchmarks/serve_load.py --store demo.duckdb --requests 2000 --concurrency 8

It starts ``mutewatch serve`` on 127.0.0.1 (a free port), creates a viewer token, sends
``--requests`` requests per endpoint from ``--concurrency`` client threads (keep-alive),
and reports requests/s and p50/p99 latency. Beside each endpoint it times the same query
through the library (``run_measurement`` / ``Store.status``) in this process. Targets:
status, outlets/status and silences hold >= 200 requests/s with p99 < 100 ms.
The load never leaves the machine: the server listens on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

# the demo covers 2015-2017: its baseline year and last month
ENDPOINTS: list[tuple[str, str, str | None, dict[str, Any]]] = [
    # (label, path, measurement for the library side, its options)
    ("status", "/api/v1/status", None, {}),
    ("outlets/status",
     "/api/v1/outlets/status?baseline=2015-01-01..2015-12-31&period=2017-12-01..2017-12-31",
     "outlets_status", {"baseline": "2015-01-01..2015-12-31", "period": "2017-12-01..2017-12-31"}),
    ("silences", "/api/v1/silences", "silences", {}),
    ("output", "/api/v1/output?every=week", "output", {"every": "week"}),
    ("outlets", "/api/v1/outlets", None, {}),
]  # fmt: skip
TARGETS = {"status", "outlets/status", "silences"}


def build_demo(directory: Path) -> Path:
    """The demo store (``mutewatch demo``), built once."""
    store = directory / "demo.duckdb"
    if not store.exists():
        subprocess.run(
            [sys.executable, "-m", "mutewatch", "--store", str(store), "demo",
             "--dir", str(directory / "demo")],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
    return store


def viewer_token(store: Path) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "mutewatch", "--store", str(store), "users", "add",
         "bench-viewer", "--role", "viewer", "--json"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return str(json.loads(out.stdout)["token"])


def start_server(store: Path, workdir: Path) -> tuple[subprocess.Popen[bytes], int]:
    """``mutewatch serve`` on a port it picks itself (``--port 0``), and that port once it
    answers."""
    port_file = workdir / "serve.port"
    process = subprocess.Popen(
        [sys.executable, "-m", "mutewatch", "--store", str(store), "serve",
         "--host", "127.0.0.1", "--port", "0", "--port-file", str(port_file), "--no-moderation"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        try:
            port = int(port_file.read_text(encoding="utf-8"))
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=1).status_code == 200:
                return process, port
        except (OSError, ValueError, httpx.HTTPError):
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start in 120 s")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def load(url: str, token: str, requests: int, concurrency: int) -> dict[str, Any]:
    """Send ``requests`` GETs from ``concurrency`` threads; latencies in ms."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    per_thread = [
        requests // concurrency + (i < requests % concurrency) for i in range(concurrency)
    ]

    def worker(n: int) -> None:
        nonlocal errors
        mine: list[float] = []
        bad = 0
        with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
            for _ in range(n):
                t0 = time.perf_counter()
                r = client.get(url)
                mine.append((time.perf_counter() - t0) * 1000)
                bad += r.status_code != 200
        with lock:
            latencies.extend(mine)
            errors += bad

    threads = [threading.Thread(target=worker, args=(n,)) for n in per_thread]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    return {
        "requests": requests,
        "errors": errors,
        "rps": requests / elapsed,
        "p50_ms": percentile(latencies, 0.50),
        "p99_ms": percentile(latencies, 0.99),
    }


def library_call(store: Path, name: str | None, options: dict[str, Any]) -> Callable[[], Any]:
    if name is None:
        from mutewatch.store import Store

        def status() -> Any:
            with Store.open(store, read_only=True) as opened:
                return opened.status()

        return status
    from mutewatch.measure.registry import run_measurement
    from mutewatch.web.api import library_options, options_from_query

    # the same options the API derives from the same query (CLI defaults included)
    kwargs = library_options(name, options_from_query(name, options))
    return lambda: run_measurement(name, store, **kwargs)


def time_library(fn: Callable[[], Any], repeats: int) -> dict[str, Any]:
    fn()  # warm: imports, first connection
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return {
        "calls": repeats,
        "per_s": 1000 / statistics.mean(times),
        "p50_ms": percentile(times, 0.5),
        "p99_ms": percentile(times, 0.99),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="a store to use [default: build the demo]")
    parser.add_argument("--workdir", type=Path, help="where to build the demo store")
    parser.add_argument("--requests", type=int, default=2000, help="requests per endpoint")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--library-repeats", type=int, default=5, help="library calls timed")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="mutewatch-bench-"))
    store = args.store or build_demo(workdir)
    token = viewer_token(store)
    server, port = start_server(store, workdir)
    results: dict[str, Any] = {"store": str(store), "concurrency": args.concurrency, "rows": []}
    try:
        for label, path, name, options in ENDPOINTS:
            url = f"http://127.0.0.1:{port}{path}"
            first = httpx.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=600)
            warm = first.elapsed.total_seconds() * 1000
            http = load(url, token, args.requests, args.concurrency)
            lib = time_library(library_call(store, name, options), args.library_repeats)
            row = {"endpoint": label, "first_ms": warm, "http": http, "library": lib}
            if label in TARGETS:
                row["meets_target"] = (
                    http["rps"] >= 200 and http["p99_ms"] < 100 and not http["errors"]
                )
            results["rows"].append(row)
    finally:
        server.terminate()
        server.wait(timeout=30)
    if args.json:
        print(json.dumps(results, indent=1))
        return
    print(f"store {store}; {args.requests} requests per endpoint, {args.concurrency} clients")
    print(
        f"{'endpoint':16} {'first ms':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'err':>4}"
        f" | {'lib calls/s':>11} {'lib p50':>8} {'lib p99':>8}  target"
    )
    for row in results["rows"]:
        h, lib = row["http"], row["library"]
        mark = {True: "ok", False: "MISSED"}.get(row.get("meets_target"), "")  # type: ignore[call-overload]
        print(
            f"{row['endpoint']:16} {row['first_ms']:9.0f} {h['rps']:8.0f} {h['p50_ms']:8.1f} "
            f"{h['p99_ms']:8.1f} {h['errors']:4d} | {lib['per_s']:11.2f} {lib['p50_ms']:8.0f} "
            f"{lib['p99_ms']:8.0f}  {mark}"
        )


if __name__ == "__main__":
    os.environ.setdefault("TZ", "UTC")
    main()
