"""A JSON body that is not UTF-8 sent to a route FastAPI reads by its model (POST
/api/v1/users) was answered 400 bad_request "There was an error parsing the body": naming
nothing, another status than a body that is not JSON there (422 validation_error "the
request body is not valid JSON ... (at character N)") or not UTF-8 on the moderation
routes (422 naming the byte), and before any credential was checked (anonymous too). Now
it is a 422 validation_error naming the byte, after the token, as a body not JSON is."""

from __future__ import annotations

import httpx
import pytest
from webfactory import Env, bearer

pytestmark = pytest.mark.anyio
NOT_UTF8 = b'{"name": "s26a-\xff", "role": "viewer"}'
JSON = {"content-type": "application/json"}


async def test_a_body_not_utf8_is_a_422_naming_the_byte(
    client: httpx.AsyncClient, env: Env
) -> None:
    r = await client.post(
        "/api/v1/users", content=NOT_UTF8, headers={**JSON, **bearer(env, "admin")}
    )
    assert r.status_code == 422, r.text
    says = "the request body is not valid UTF-8 (byte 15) (encode the JSON body as UTF-8)"
    assert r.json() == {"error": {"code": "validation_error", "message": says}}
    moderation = await client.post(
        "/api/v1/articles", content=NOT_UTF8, headers={**JSON, **bearer(env, "moderator")}
    )  # the moderation routes' words, their code (bad_input) kept
    assert moderation.status_code == 422
    assert moderation.json()["error"]["message"] == r.json()["error"]["message"]


async def test_the_credential_is_checked_first(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/v1/users", content=NOT_UTF8, headers=JSON)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
