"""Time the dashboard (``GET /``) with its trend section: the first request (charts and the
network's trend computed), then warm ones (cached), then an outlet's trend (``?outlet=``,
the charts cached, the trend computed), a viewer's supporter outlet by its pseudonym, and
``GET /api/v1/trend`` for the same outlet after the page (one cache entry for both).
Also the approximate bytes of a cached dashboard view and of the whole cache.

    flock /work/notes/bench.lock \
        python tests/web_s10/bench_dashboard_trend.py STORE [ROUNDS] [--root-only]

``--root-only`` times ``GET /`` alone (to compare with a tree before the trend section).
The store is copied first (users are added to the copy). Prints one JSON object.
"""

from __future__ import annotations

import re
import statistics
import sys
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # dashbench

from dashbench import bench_client, bench_main, timed_get  # noqa: E402


async def series(
    client: httpx.AsyncClient, path: str, token: str, rounds: int
) -> tuple[dict[str, float], str]:
    first, text = await timed_get(client, path, token)
    warm = [(await timed_get(client, path, token))[0] for _ in range(rounds)]
    return {"first_ms": round(first, 1), "warm_median_ms": round(statistics.median(warm), 1),
            "warm_min_ms": round(min(warm), 1)}, text  # fmt: skip


async def run(app: Any, tokens: dict[str, str], rounds: int, root_only: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    async with bench_client(app) as client:
        out["GET / (analyst)"], page = await series(client, "/", tokens["analyst"], rounds)
        out["page_kB"] = round(len(page.encode()) / 1024, 1)
        if root_only:
            return out
        official = re.findall(r'<option value="([^"]+)"', page.split('id="trend-outlet"')[1])[1]
        path = "/?" + httpx.QueryParams({"outlet": official}).__str__()
        out[f"GET /?outlet={official} (analyst)"], _ = await series(
            client, path, tokens["analyst"], rounds
        )
        api_path = "/api/v1/trend?" + httpx.QueryParams({"outlet": official}).__str__()
        out["GET /api/v1/trend?outlet= after the page"], _ = await series(
            client, api_path, tokens["analyst"], rounds
        )
        viewer_page = (await timed_get(client, "/", tokens["viewer"]))[1]
        names = re.findall(r'<option value="(supporter-[0-9a-f]{10})"', viewer_page)
        if names:
            query = httpx.QueryParams({"outlet": names[0], "of": "supporter"})
            out["GET /?outlet=PSEUDONYM&of=supporter (viewer)"], _ = await series(
                client, f"/?{query}", tokens["viewer"], rounds
            )
    cache = app.state.cache
    from mutewatch.web.api import approx_size

    views = [approx_size(v) for k, v in cache._data.items() if k[1] == "view:dashboard"]
    out["dashboard_view_kB"] = [round(v / 1024, 1) for v in views]
    out["cache"] = {"entries": len(cache._data), "MB": round(cache.bytes / 2**20, 2),
                    "bound_MB": round(cache.max_bytes / 2**20, 1)}  # fmt: skip
    return out


def main() -> None:
    bench_main(lambda app, tokens, rounds: run(app, tokens, rounds, "--root-only" in sys.argv))


if __name__ == "__main__":
    main()
