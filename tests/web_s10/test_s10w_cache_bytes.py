"""The result cache is bounded by approximate bytes as well as by entries: a cached
dashboard view is about 250 kB, so 512 of them could hold over 100 MB. The least recently
used go first; ``MUTEWATCH_CACHE_MB`` (default 64) sets the bound of the server's cache.

Before: ``ResultCache(size=512)`` counted entries only (no ``max_bytes``, no ``bytes``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from webfactory import Env, bearer, running_app

from mutewatch.errors import UsageError
from mutewatch.web.api import ResultCache, approx_size

KB = 1 << 10


def blob(n: int) -> bytes:
    return bytes(n)


def test_the_least_recently_used_go_when_the_bytes_are_exceeded() -> None:
    cache = ResultCache(size=512, max_bytes=1024 * KB)
    for key in "abc":
        cache.get_or_compute((key,), lambda: blob(300 * KB))
    assert len(cache) == 3 and 900 * KB < cache.bytes <= 1024 * KB
    cache.get_or_compute(("a",), lambda: pytest.fail("'a' is cached"))  # 'a' used: now newest
    cache.get_or_compute(("d",), lambda: blob(300 * KB))  # over 1 MiB: the oldest, 'b', goes
    assert ("b",) not in cache and all((k,) in cache for k in "acd")
    assert cache.bytes == sum(approx_size(blob(300 * KB)) for _ in "acd") <= 1024 * KB
    cache.get_or_compute(("e",), lambda: blob(700 * KB))  # 'c' and 'a' go, 'd' stays
    assert [k for k in "abcde" if (k,) in cache] == ["d", "e"]
    assert cache.bytes <= 1024 * KB


def test_a_value_over_the_whole_bound_is_answered_not_kept() -> None:
    cache = ResultCache(max_bytes=1024 * KB)
    cache.get_or_compute(("small",), lambda: blob(10 * KB))
    big = cache.get_or_compute(("big",), lambda: blob(2048 * KB))
    assert len(big) == 2048 * KB
    assert ("big",) not in cache and ("small",) in cache and cache.bytes < 20 * KB


def test_entries_still_bound_it() -> None:
    cache = ResultCache(size=3)
    for n in range(5):
        cache.get_or_compute((n,), lambda: {"n": 1})
    assert [n for n in range(5) if (n,) in cache] == [2, 3, 4]
    assert cache.bytes == 3 * approx_size({"n": 1})


def test_approx_size_counts_what_containers_hold() -> None:
    text = "x" * (250 * KB)
    view = {"figures": [("name", "title", text, {"rows": [["1", "2"]] * 100})], "bucket": "week"}
    assert 250 * KB < approx_size(view) < 300 * KB
    assert approx_size([text, text]) < approx_size(text) + 1 * KB  # shared: counted once
    assert approx_size(Path("/tmp")) > 0  # a record's fields, not its class


def test_the_bound_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MUTEWATCH_CACHE_MB", raising=False)
    assert ResultCache().max_bytes == 64 << 20
    monkeypatch.setenv("MUTEWATCH_CACHE_MB", "1.5")
    assert ResultCache().max_bytes == int(1.5 * (1 << 20))
    assert ResultCache(max_bytes=123).max_bytes == 123
    monkeypatch.setenv("MUTEWATCH_CACHE_MB", "lots")
    with pytest.raises(UsageError, match="MUTEWATCH_CACHE_MB='lots'"):
        ResultCache()


@pytest.mark.anyio
async def test_the_servers_cache_keeps_to_its_bound(
    env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Dashboard views of six windows under a 1 MiB bound: every page is served, the cache
    holds at most 1 MiB, and a view pushed out is built again when asked for."""
    monkeypatch.setenv("MUTEWATCH_CACHE_MB", "1")
    with running_app(env.path, tmp_path / "cache", "s10w-key", moderation=False) as app:
        cache: Any = app.state.cache
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            pages = []
            for month in range(1, 7):
                since = f"2024-{month:02d}-01"
                pages.append(await client.get(f"/?since={since}", headers=bearer(env, "analyst")))
                assert cache.bytes <= 1 << 20
            views = [k for k in cache._data if k[1] == "view:dashboard"]
            first = await client.get("/?since=2024-01-01", headers=bearer(env, "analyst"))
    assert all(p.status_code == 200 for p in pages) and first.status_code == 200
    assert 0 < len(views) < 6  # some views were pushed out by size, not by count
    assert first.text == pages[0].text  # built again, the same page
