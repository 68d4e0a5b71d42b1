"""What the dashboard timing scripts share (``tests/web_s9/bench_dashboard_view.py``,
``tests/web_s10/bench_dashboard_trend.py``): their command line's store and rounds, a copy
of the store with a viewer and an analyst, the app on it without moderation, timed
in-process requests, and the one JSON object they print."""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from webfactory import asgi_client

from mutewatch.store import Store
from mutewatch.web.app import create_app
from mutewatch.web.auth import add_user

ROLES = ("viewer", "analyst")


def store_and_rounds(argv: list[str]) -> tuple[Path, int]:
    """``STORE [ROUNDS]`` (default 9 rounds) of ``argv``, options (``--...``) left out."""
    args = [a for a in argv if not a.startswith("--")]
    return Path(args[0]), int(args[1]) if len(args) > 1 else 9


@contextmanager
def bench_app(source: Path) -> Iterator[tuple[Any, dict[str, str]]]:
    """The app (no moderation) on a copy of the store at ``source``, and the tokens of the
    users ``bench-viewer`` and ``bench-analyst`` added to the copy, by role."""
    with tempfile.TemporaryDirectory() as tmp:
        store_path = Path(tmp) / "store.duckdb"
        shutil.copy(source, store_path)
        with Store.open(store_path) as store:
            tokens = {role: add_user(store, f"bench-{role}", role)[1] for role in ROLES}
        app = create_app(store_path, cache_dir=Path(tmp) / "cache", moderation=False,
                         pseudonym_key="bench")  # fmt: skip
        try:
            yield app, tokens
        finally:
            app.state.gateway.stop()


def bench_client(app: Any) -> httpx.AsyncClient:
    """An in-process client of ``app`` (open it with ``async with``), patient as a bench is."""
    return asgi_client(app, "http://t", timeout=600)


async def timed_get(client: httpx.AsyncClient, path: str, token: str) -> tuple[float, str]:
    """Milliseconds a ``GET path`` as ``token``'s user took, and the answer's text (a 200)."""
    start = time.perf_counter()
    answer = await client.get(path, headers={"Authorization": f"Bearer {token}"})
    took = (time.perf_counter() - start) * 1000
    assert answer.status_code == 200, (path, answer.text[:300])
    return took, answer.text


def bench_main(
    run: Callable[[Any, dict[str, str], int], Coroutine[Any, Any, dict[str, Any]]],
    argv: list[str] | None = None,
) -> None:
    """A timing script's ``main``: ``run(app, tokens, rounds)`` on the store of the command
    line (``STORE [ROUNDS]``), its results printed as one JSON object."""
    source, rounds = store_and_rounds(sys.argv[1:] if argv is None else argv)
    with bench_app(source) as (app, tokens):
        results = asyncio.run(run(app, tokens, rounds))
    print(json.dumps({"store": str(source), "rounds": rounds, "results": results}, indent=1))
