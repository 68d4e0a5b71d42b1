"""A token `mutewatch users add` creates while the server runs works on its first request.

Found: the server answered an unknown token from its snapshot, which the worker copies
from the store file only every ``refresh_interval``, and cached the refusal for
TOKEN_CACHE_SECONDS (5 s): a newsroom script that created a token and used it at once got
401 "unknown or revoked token" for about 5 s, and each of those refusals counted toward
the block of its address (30 bad tokens in 5 minutes): retrying every 0.1 s, it was
blocked for 5 minutes after 3 s. Now an unknown token is looked up again in a fresh
snapshot when the store file changed since the one read (``StoreGateway.catch_up``), and
a refused token that then works no longer counts against the address.

The app here refreshes its snapshot only every 60 s by itself, so the old code refused the
new token whatever the machine's speed. The CLI is the real one, in a process of its own.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from webfactory import Env, asgi_client, make_env

from mutewatch.web import auth as auth_mod
from mutewatch.web.app import create_app

pytestmark = pytest.mark.anyio


@pytest.fixture
def slow_refresh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Env, Any]]:
    """A store and an app on it that copies the store file by itself only every 60 s."""
    env = make_env(tmp_path_factory.mktemp("audit6-newtoken-store"))
    app = create_app(
        env.path, cache_dir=tmp_path_factory.mktemp("audit6-newtoken-cache"),
        refresh_interval=60.0, linger=0.05, pseudonym_key="audit6-key", moderation=False,
    )  # fmt: skip
    try:
        yield env, app
    finally:
        app.state.gateway.stop()


def _cli(env: Env, *args: str) -> str:
    """`mutewatch --store STORE ARGS` in a process of its own; its stdout."""
    return subprocess.run(
        [sys.executable, "-m", "mutewatch", "--store", str(env.path), *args],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip


def _new_token(env: Env, name: str) -> str:
    return str(json.loads(_cli(env, "users", "add", name, "--role", "viewer", "--json"))["token"])


def _me(client: httpx.AsyncClient, token: str) -> Any:
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def _snapshot_taken(gateway: Any) -> None:
    """Have the app copy the store file now (not in 60 s) and wait until it has."""
    seen = gateway.generation
    gateway.request_refresh()
    deadline = time.monotonic() + 60
    while gateway.generation == seen and time.monotonic() < deadline:
        time.sleep(0.05)
    assert gateway.generation != seen, "no new snapshot in 60 s"


async def _started(client: httpx.AsyncClient, env: Env) -> None:
    """The app serving (its first snapshot taken) before the CLI writes."""
    assert (await _me(client, env.tokens["viewer"])).status_code == 200


async def test_a_token_created_by_the_cli_works_on_its_first_request(
    slow_refresh: tuple[Env, Any],
) -> None:
    env, app = slow_refresh
    async with asgi_client(app) as client:
        await _started(client, env)
        token = _new_token(env, "newsroom-bot")
        first = await _me(client, token)
        assert first.status_code == 200, first.text  # was 401 "unknown or revoked token"
        assert first.json() == {"name": "newsroom-bot", "role": "viewer"}


async def test_a_token_tried_before_it_was_created_works_once_created(
    slow_refresh: tuple[Env, Any],
) -> None:
    """The refusal of a token not yet created is not kept for TOKEN_CACHE_SECONDS."""
    env, app = slow_refresh
    async with asgi_client(app) as client:
        await _started(client, env)
        early = await _me(client, "mw_not-yet")
        assert early.status_code == 401
        token = _new_token(env, "newsroom-bot2")
        assert (await _me(client, token)).status_code == 200


async def test_a_refused_then_valid_token_does_not_count_toward_the_block(
    slow_refresh: tuple[Env, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refused once (the fresh snapshot could not be taken, as while an ingest holds the
    store), then valid: 30 bad tokens from that address are still answered 401, the 31st
    429, as for an address that sent no refused token."""
    env, app = slow_refresh
    gateway = app.state.gateway
    async with asgi_client(app, client=("10.6.0.7", 1)) as client:
        await _started(client, env)
        token = _new_token(env, "newsroom-bot3")
        with monkeypatch.context() as busy:
            busy.setattr(gateway, "catch_up", lambda seen, timeout: False, raising=False)
            assert (await _me(client, token)).status_code == 401
        _snapshot_taken(gateway)
        app.state.auth._cache.clear()  # as TOKEN_CACHE_SECONDS later (the old code cached it)
        assert (await _me(client, token)).status_code == 200
        codes = [(await _me(client, f"mw_guess{i}")).status_code for i in range(31)]
    assert codes[:30] == [401] * 30, codes  # the refused valid token counted: 429 at the 30th
    assert codes[30] == 429


class _Later:
    """The ``time`` module as ``web.auth`` sees it, its monotonic clock ``ahead`` s on."""

    def __init__(self, ahead: float) -> None:
        self.ahead = ahead

    def monotonic(self) -> float:
        return time.monotonic() + self.ahead

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


async def test_a_token_revoked_by_the_cli_is_refused_once_its_cache_time_is_up(
    slow_refresh: tuple[Env, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Guard: a valid token's user is still cached for TOKEN_CACHE_SECONDS and looked up
    again after it (a disable by another process reaches it then, once the snapshot has
    it), as before."""
    env, app = slow_refresh
    gateway = app.state.gateway
    async with asgi_client(app) as client:
        await _started(client, env)
        token = _new_token(env, "newsroom-bot4")
        assert (await _me(client, token)).status_code == 200
        _cli(env, "users", "disable", "newsroom-bot4")
        _snapshot_taken(gateway)  # the snapshot has the disable
        assert (await _me(client, token)).status_code == 200  # cached
        monkeypatch.setattr(auth_mod, "time", _Later(auth_mod.TOKEN_CACHE_SECONDS + 1))
        refused = await _me(client, token)
    assert refused.status_code == 401
    assert refused.json()["error"]["message"].startswith("unknown or revoked token")
