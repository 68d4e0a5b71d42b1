"""Every API route refuses a query parameter it does not take (400, the one error shape).

Found: ``/api/v1/me``, ``/api/v1/moderation/audit/verify`` (and the per-comment routes
``/api/v1/comments/{id}``, ``/api/v1/comments/{id}/history`` and ``/api/v1/ingest/{job}``)
answered ``?anything=1`` as if it were not there, while every other route answered 400."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from webfactory import Env, bearer

ROUTES = [
    ("/api/v1/me", "viewer"),
    ("/api/v1/moderation/audit/verify", "moderator"),
    ("/api/v1/comments/nope", "moderator"),
    ("/api/v1/comments/nope/history", "moderator"),
    ("/api/v1/ingest/nope", "admin"),
]


@pytest.mark.anyio
@pytest.mark.parametrize(("path", "role"), ROUTES)
async def test_an_unknown_parameter_is_refused(
    moderation_app: Any, env: Env, path: str, role: str
) -> None:
    transport = httpx.ASGITransport(app=moderation_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        answer = await client.get(f"{path}?since=2024-01-01", headers=bearer(env, role))
        plain = await client.get(path, headers=bearer(env, role))
    assert answer.status_code == 400
    assert answer.json() == {
        "error": {
            "code": "bad_request",
            "message": f"unknown query parameter 'since' for {path} (it takes no query parameters)",
        }
    }
    assert plain.status_code != 400  # 200, or 404 for the made-up ids


@pytest.mark.anyio
async def test_me_and_verify_still_answer(moderation_app: Any, env: Env) -> None:
    transport = httpx.ASGITransport(app=moderation_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        me = await client.get("/api/v1/me", headers=bearer(env, "analyst"))
        verify = "/api/v1/moderation/audit/verify"
        chain = await client.get(verify, headers=bearer(env, "moderator"))
    assert me.json() == {"name": "analyst1", "role": "analyst"}
    assert chain.status_code == 200
    assert chain.json()["intact"] is True
