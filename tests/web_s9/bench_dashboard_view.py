"""Time a dashboard request (``GET /``) on a store, with the per-request chart view (each
figure's JSON and data table rebuilt, as before session 9) and with it cached
(``pages._dashboard_view``), side by side in one run: rounds alternate the two.

    flock /work/notes/bench.lock python tests/web_s9/bench_dashboard_view.py STORE [ROUNDS]

The store is copied first (users are added to the copy). Prints one JSON object.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from mutewatch.store import Store
from mutewatch.web import pages
from mutewatch.web.app import create_app
from mutewatch.web.auth import add_user


def uncached(request: Any, what: str, params: tuple[Any, ...], build: Any) -> Any:
    """The view built on every request, as the dashboard did before."""
    return build()


async def timed(client: httpx.AsyncClient, path: str, token: str) -> float:
    start = time.perf_counter()
    answer = await client.get(path, headers={"Authorization": f"Bearer {token}"})
    took = time.perf_counter() - start
    assert answer.status_code == 200, answer.text[:300]
    return took * 1000


async def run(app: Any, tokens: dict[str, str], rounds: int) -> dict[str, Any]:
    cached_view = pages._cached_view
    results: dict[str, Any] = {}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=600) as client:
        for role, token in tokens.items():
            for path in ("/", "/?since=2016-01-01&until=2017-12-31"):
                first = await timed(client, path, token)  # computes the charts themselves
                times: dict[str, list[float]] = {"before": [], "after": []}
                for _ in range(rounds):
                    for label, view in (("before", uncached), ("after", cached_view)):
                        pages._cached_view = view
                        times[label].append(await timed(client, path, token))
                pages._cached_view = cached_view
                results[f"{role} {path}"] = {
                    "first_ms": round(first, 1),
                    **{f"{k}_median_ms": round(statistics.median(v), 1) for k, v in times.items()},
                    **{f"{k}_min_ms": round(min(v), 1) for k, v in times.items()},
                }
    return results


def main() -> None:
    source, rounds = Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 9
    with tempfile.TemporaryDirectory() as tmp:
        store_path = Path(tmp) / "store.duckdb"
        shutil.copy(source, store_path)
        with Store.open(store_path) as store:
            tokens = {
                role: add_user(store, f"bench-{role}", role)[1] for role in ("viewer", "analyst")
            }
        app = create_app(store_path, cache_dir=Path(tmp) / "cache", moderation=False,
                         pseudonym_key="bench")  # fmt: skip
        try:
            results = asyncio.run(run(app, tokens, rounds))
        finally:
            app.state.gateway.stop()
    print(json.dumps({"store": str(source), "rounds": rounds, "results": results}, indent=1))


if __name__ == "__main__":
    main()
