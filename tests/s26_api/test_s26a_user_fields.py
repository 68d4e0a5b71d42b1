"""POST /api/v1/users refused a body field two ways: a name too long or not a string a
422 validation_error (the model's check), an unknown role or a name with spaces a 400
bad_request (add_user's check), though the OpenAPI document lists 422 for a bad body and
the moderation routes answer every bad body field 422. Now all are 422 validation_error,
naming the field as the model's check does; the role's values are in the OpenAPI schema."""

from __future__ import annotations

import httpx
import pytest
from webfactory import Env, bearer

from mutewatch.web.auth import ROLES

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"name": "s26a-x", "role": "boss"},
         "the body field 'role' must be one of viewer, analyst, moderator, admin, not 'boss'"),
        ({"name": "s26a x", "role": "viewer"},
         "the body field 'name' must be 1-64 printable characters without spaces, "
         "not 's26a x'"),
        ({"name": 5, "role": "viewer"}, "the body field 'name' must be a valid string, not '5'"),
    ],
)  # fmt: skip
async def test_a_bad_field_is_a_422_naming_it(
    client: httpx.AsyncClient, env: Env, body: dict[str, object], says: str
) -> None:
    r = await client.post("/api/v1/users", json=body, headers=bearer(env, "admin"))
    assert r.status_code == 422, r.text
    assert r.json() == {"error": {"code": "validation_error", "message": says}}


async def test_the_roles_are_in_the_openapi_schema(client: httpx.AsyncClient, env: Env) -> None:
    spec = (await client.get("/openapi.json", headers=bearer(env, "admin"))).json()
    assert spec["components"]["schemas"]["NewUser"]["properties"]["role"]["enum"] == [*ROLES]
