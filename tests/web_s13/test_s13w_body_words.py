"""A request body FastAPI validates (``POST /api/v1/users``) is refused in words naming the
field, as the query's values are: ``the body field 'name' must be a valid string, not 5``
(FastAPI's were ``body.name: Input should be a valid string``), still a 422
``validation_error`` in the one shape (the body's documented contract)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from webfactory import Env, bearer


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"name": 5, "role": "viewer"}, "the body field 'name' must be a valid string, not '5'"),
        ({"role": "viewer"}, "the body field 'name' is missing"),
        ({"name": "s13-new", "role": "viewer", "enable": "maybe"},
         "the body field 'enable' must be true or false, not 'maybe'"),
        (None, "the request body is missing"),
    ],
)  # fmt: skip
async def test_a_bad_body_names_its_field(
    moderation_app: Any, env: Env, body: Any, says: str
) -> None:
    transport = httpx.ASGITransport(app=moderation_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        extra = {"json": body} if body is not None else {}
        answer = await client.post("/api/v1/users", headers=bearer(env, "admin"), **extra)
    assert answer.status_code == 422, answer.text
    assert answer.json() == {"error": {"code": "validation_error", "message": says}}
