"""Every API endpoint refuses a query parameter it does not take (400, the one error shape),
as the measurement endpoints and /api/v1/posts already did.

Found: /api/v1/status, /outlets, /outlets/{id} and /users answered any parameter, so
``/api/v1/outlets?official=false`` or ``/api/v1/status?from=2016-01-01`` gave the whole,
unfiltered answer as if it had filtered."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from webfactory import Env, bearer


@pytest.mark.anyio
@pytest.mark.parametrize(
    "path",
    ["/api/v1/status?from=2024-01-01", "/api/v1/outlets?official=false",
     "/api/v1/outlets/1?since=2024-01-01", "/api/v1/users?role=admin"],
)  # fmt: skip
async def test_an_unknown_parameter_is_refused(app: Any, env: Env, path: str) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        answer = await client.get(path, headers=bearer(env, "admin"))
        plain = await client.get(path.split("?")[0], headers=bearer(env, "admin"))
    assert answer.status_code == 400
    key = path.split("?")[1].split("=")[0]
    assert answer.json() == {
        "error": {
            "code": "bad_request",
            "message": f"unknown query parameter {key!r} for {path.split('?')[0]} "
            "(it takes no query parameters)",
        }
    }
    assert plain.status_code == 200
