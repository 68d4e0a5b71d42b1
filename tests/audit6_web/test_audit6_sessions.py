"""A dashboard session follows its user: `mutewatch users disable NAME` (another process,
so the server is not told) or a lower role given with `users add` took effect on API
tokens within seconds, but a signed-in browser kept its session, and its role, for up
to 12 hours (the server kept live sessions in memory and never looked again)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
from webfactory import form_login

from mutewatch.web.auth import add_user, disable_user

pytestmark = pytest.mark.anyio


async def _until(client: httpx.AsyncClient, path: str, status: int) -> int:
    """Poll ``path`` until it answers ``status`` (at most 60 s); the last status."""
    got = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        got = (await client.get(path)).status_code
        if got == status:
            break
        await asyncio.sleep(0.2)
    return got


async def _signed_in(app: Any, name: str, role: str) -> httpx.AsyncClient:
    _, token = app.state.gateway.write(lambda s: add_user(s, name, role))
    transport = httpx.ASGITransport(app=app)
    client = httpx.AsyncClient(transport=transport, base_url="http://t")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the snapshot shows the new user within a refresh
        if (await form_login(client, name, token)).status_code == 303:
            break
        await asyncio.sleep(0.2)
    assert (await client.get("/api/v1/me")).status_code == 200
    return client


async def test_disabling_a_user_elsewhere_ends_its_dashboard_session(app: Any) -> None:
    client = await _signed_in(app, "audit6-s1", "analyst")
    try:
        app.state.gateway.write(lambda s: disable_user(s, "audit6-s1"))  # as the CLI does
        assert await _until(client, "/api/v1/me", 401) == 401
        assert (await client.get("/api/v1/posts?limit=1")).status_code == 401
    finally:
        await client.aclose()


async def test_a_lower_role_given_elsewhere_applies_to_a_live_session(app: Any) -> None:
    client = await _signed_in(app, "audit6-s2", "admin")
    try:
        assert (await client.get("/api/v1/users")).status_code == 200
        app.state.gateway.write(lambda s: add_user(s, "audit6-s2", "viewer"))
        assert await _until(client, "/api/v1/users", 403) == 403
        me = await client.get("/api/v1/me")
        assert me.json() == {"name": "audit6-s2", "role": "viewer"}
    finally:
        await client.aclose()
