"""``authenticate`` reads the store (a session's or a token's user) in a worker thread, not
on the event loop, where every other request of the server waited for it.

Found: a session cookie of a session not opened by this server (a restart, another server
on the store) was looked up in the store on the event loop on every request, 2.4 ms
median with 1,000 users and 10,000 sessions (a cookie that matches no session too); a
session opened here, every 5 s, and a token, on a cache miss, likewise. The reads here are
the real ones; the test only notes the thread each runs on.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest
from s18l_session import STORED_SESSION
from webfactory import Env, asgi_client, bearer, form_login

from mutewatch.web import auth as auth_mod

pytestmark = pytest.mark.anyio


@pytest.fixture
def reads(app: Any, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The threads the app's store reads (``gateway.reading``) are made from."""
    gateway = app.state.gateway
    real: Callable[[], AbstractContextManager[Any]] = gateway.reading
    threads: list[int] = []

    def reading() -> AbstractContextManager[Any]:
        threads.append(threading.get_ident())
        return real()

    monkeypatch.setattr(gateway, "reading", reading)
    return threads


@pytest.fixture
def short_cache(monkeypatch: pytest.MonkeyPatch) -> Iterator[float]:
    """TOKEN_CACHE_SECONDS at 0.3 s, so that a test sees the re-read without waiting 5 s."""
    monkeypatch.setattr(auth_mod, "TOKEN_CACHE_SECONDS", 0.3)
    yield 0.3


async def test_a_stored_session_is_read_off_the_event_loop(app: Any, reads: list[int]) -> None:
    loop_thread = threading.get_ident()  # the test runs on the event loop's thread
    async with asgi_client(app) as client:
        for _ in range(3):
            answer = await client.get("/api/v1/me", cookies={"mw_session": STORED_SESSION})
            assert answer.status_code == 200
            assert answer.json() == {"name": "viewer1", "role": "viewer"}
    assert len(reads) == 3  # not cached: a log-out by another server is seen at once
    assert loop_thread not in reads, "a session was read from the store on the event loop"


async def test_an_unknown_session_is_read_off_the_event_loop(app: Any, reads: list[int]) -> None:
    loop_thread = threading.get_ident()
    async with asgi_client(app) as client:
        answer = await client.get("/api/v1/me", cookies={"mw_session": "s18-no-such-session"})
    assert answer.status_code == 401
    assert reads and loop_thread not in reads


async def test_a_live_session_is_read_again_off_the_event_loop(
    app: Any, env: Env, reads: list[int], short_cache: float
) -> None:
    loop_thread = threading.get_ident()
    async with asgi_client(app) as client:
        assert (await form_login(client, "viewer1", env.tokens["viewer"])).status_code == 303
        reads.clear()
        assert (await client.get("/api/v1/me")).status_code == 200  # its user read
        assert (await client.get("/api/v1/me")).status_code == 200  # cached
        assert len(reads) == 1
        time.sleep(short_cache + 0.1)
        assert (await client.get("/api/v1/me")).status_code == 200  # read again
    assert len(reads) == 2
    assert loop_thread not in reads, "a session's user was read again on the event loop"


async def test_a_token_is_read_off_the_event_loop_once_then_cached(
    app: Any, env: Env, reads: list[int], short_cache: float
) -> None:
    loop_thread = threading.get_ident()
    async with asgi_client(app) as client:
        for _ in range(3):
            assert (
                await client.get("/api/v1/me", headers=bearer(env, "viewer"))
            ).status_code == 200
        assert len(reads) == 1  # the cache answers the others, on the loop, no thread
        time.sleep(short_cache + 0.1)
        assert (await client.get("/api/v1/me", headers=bearer(env, "viewer"))).status_code == 200
    assert len(reads) == 2
    assert loop_thread not in reads, "a token was read from the store on the event loop"
