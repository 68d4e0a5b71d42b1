"""Time a dashboard request (``GET /``) on a store, with the per-request chart view (each
figure's JSON and data table rebuilt, as before session 9) and with it cached
(``pages._dashboard_view``), side by side in one run: rounds alternate the two.

    flock /work/notes/bench.lock python tests/web_s9/bench_dashboard_view.py STORE [ROUNDS]

The store is copied first (users are added to the copy). Prints one JSON object.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # dashbench

from dashbench import bench_client, bench_main, timed_get  # noqa: E402

from mutewatch.web import pages  # noqa: E402


def uncached(request: Any, what: str, params: tuple[Any, ...], build: Any) -> Any:
    """The view built on every request, as the dashboard did before."""
    return build()


async def timed(client: Any, path: str, token: str) -> float:
    return (await timed_get(client, path, token))[0]


async def run(app: Any, tokens: dict[str, str], rounds: int) -> dict[str, Any]:
    cached_view = pages._cached_view
    results: dict[str, Any] = {}
    async with bench_client(app) as client:
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
    bench_main(run)


if __name__ == "__main__":
    main()
