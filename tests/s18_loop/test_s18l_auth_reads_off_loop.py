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


class _Clock:
    """The ``time`` module as ``web.auth`` sees it, its monotonic clock moved on at will
    (``ahead``): a test sees the user read again once the cache time has passed, without
    waiting for it, and a slow machine cannot end the cache time before the test moves
    the clock (a TOKEN_CACHE_SECONDS of 0.3 s ended while a request was answered on a
    loaded runner: one read taking 0.35 s failed both tests)."""

    def __init__(self) -> None:
        self.ahead = 0.0

    def monotonic(self) -> float:
        return time.monotonic() + self.ahead

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Clock]:
    """``web.auth``'s clock (``_Clock``), with TOKEN_CACHE_SECONDS at 60 s."""
    moved = _Clock()
    monkeypatch.setattr(auth_mod, "TOKEN_CACHE_SECONDS", 60.0)
    monkeypatch.setattr(auth_mod, "time", moved)
    yield moved


def _past_the_cache(clock: _Clock) -> None:
    clock.ahead += auth_mod.TOKEN_CACHE_SECONDS + 1


async def test_a_stored_session_is_read_off_the_event_loop(app: Any, reads: list[int]) -> None:
    loop_thread = threading.get_ident()  # the test runs on the event loop's thread
    async with asgi_client(app) as client:
        client.cookies.set("mw_session", STORED_SESSION)
        for _ in range(3):
            answer = await client.get("/api/v1/me")
            assert answer.status_code == 200
            assert answer.json() == {"name": "viewer1", "role": "viewer"}
    assert len(reads) == 3  # not cached: a log-out by another server is seen at once
    assert loop_thread not in reads, "a session was read from the store on the event loop"


async def test_an_unknown_session_is_read_off_the_event_loop(app: Any, reads: list[int]) -> None:
    loop_thread = threading.get_ident()
    async with asgi_client(app) as client:
        client.cookies.set("mw_session", "s18-no-such-session")
        answer = await client.get("/api/v1/me")
    assert answer.status_code == 401
    assert reads and loop_thread not in reads


async def test_a_live_session_is_read_again_off_the_event_loop(
    app: Any, env: Env, reads: list[int], clock: _Clock
) -> None:
    loop_thread = threading.get_ident()
    async with asgi_client(app) as client:
        assert (await form_login(client, "viewer1", env.tokens["viewer"])).status_code == 303
        reads.clear()
        assert (await client.get("/api/v1/me")).status_code == 200  # its user read
        assert (await client.get("/api/v1/me")).status_code == 200  # cached
        assert len(reads) == 1
        _past_the_cache(clock)
        assert (await client.get("/api/v1/me")).status_code == 200  # read again
    assert len(reads) == 2
    assert loop_thread not in reads, "a session's user was read again on the event loop"


async def test_a_token_is_read_off_the_event_loop_once_then_cached(
    app: Any, env: Env, reads: list[int], clock: _Clock
) -> None:
    loop_thread = threading.get_ident()
    async with asgi_client(app) as client:
        for _ in range(3):
            assert (
                await client.get("/api/v1/me", headers=bearer(env, "viewer"))
            ).status_code == 200
        assert len(reads) == 1  # the cache answers the others, on the loop, no thread
        _past_the_cache(clock)
        assert (await client.get("/api/v1/me", headers=bearer(env, "viewer"))).status_code == 200
    assert len(reads) == 2
    assert loop_thread not in reads, "a token was read from the store on the event loop"
