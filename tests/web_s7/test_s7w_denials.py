"""Refused requests are audited: ``access.denied``, once per user and route in 5 minutes.

Found: a 403 left no trace; a viewer trying the admin's routes one after another was
invisible in the audit log, which noted failed logins only."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
from webfactory import Env, bearer

pytestmark = pytest.mark.anyio


async def _denials(client: httpx.AsyncClient, env: Env, expected: int) -> list[dict[str, Any]]:
    """The ``access.denied`` entries, once ``expected`` of them are written (or 60 s)."""
    found: list[dict[str, Any]] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        answer = await client.get("/api/v1/audit?limit=500", headers=bearer(env, "admin"))
        found = [e for e in answer.json()["entries"] if e["action"] == "access.denied"]
        if len(found) >= expected:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.3)  # and no more than that
    answer = await client.get("/api/v1/audit?limit=500", headers=bearer(env, "admin"))
    return [e for e in answer.json()["entries"] if e["action"] == "access.denied"]


async def test_a_refused_request_is_audited_once_per_user_and_route(
    client: httpx.AsyncClient, env: Env
) -> None:
    viewer, analyst = bearer(env, "viewer"), bearer(env, "analyst")
    for _ in range(3):
        assert (await client.get("/api/v1/users", headers=viewer)).status_code == 403
    for name in ("s7w-a", "s7w-b", "s7w-c"):  # one route, three paths
        assert (await client.delete(f"/api/v1/users/{name}", headers=viewer)).status_code == 403
    assert (await client.get("/api/v1/users", headers=analyst)).status_code == 403
    assert (await client.get("/api/v1/me", headers=viewer)).status_code == 200
    entries = await _denials(client, env, 3)
    seen = sorted((e["actor"], e["target"], e["ok"]) for e in entries)
    assert seen == [
        ("analyst1", "GET /api/v1/users", False),
        ("viewer1", "DELETE /api/v1/users/s7w-a", False),
        ("viewer1", "GET /api/v1/users", False),
    ]
    assert all('"role"' in e["detail"] for e in entries)
