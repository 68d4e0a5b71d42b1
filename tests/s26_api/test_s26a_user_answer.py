"""POST /api/v1/users answered 201 ``{name, role, token}`` whether it created the user or
gave an existing one a new token, a new role or a re-enable: what changed, which the CLI
prints and the admin page shows, was dropped. Now 201 only when the user is new, 200 when
it existed, and the answer says ``created`` and ``changed`` (words, or null)."""

from __future__ import annotations

import httpx
import pytest
from webfactory import Env, bearer


@pytest.mark.anyio
async def test_the_answer_says_whether_the_user_was_created_and_what_changed(
    client: httpx.AsyncClient, env: Env
) -> None:
    admin = bearer(env, "admin")

    async def add(**body: object) -> httpx.Response:
        return await client.post("/api/v1/users", json=body, headers=admin)

    made = await add(name="s26a-ed", role="viewer")
    assert made.status_code == 201
    assert made.json()["created"] is True and made.json()["changed"] is None
    again = await add(name="s26a-ed", role="viewer")  # a new token only
    assert again.status_code == 200, again.text
    assert again.json()["created"] is False and again.json()["changed"] is None
    assert again.json()["token"] != made.json()["token"]
    raised = await add(name="s26a-ed", role="analyst")
    assert raised.status_code == 200
    assert raised.json()["changed"] == "user s26a-ed: role changed from viewer to analyst"
    assert (await client.delete("/api/v1/users/s26a-ed", headers=admin)).status_code == 200
    enabled = await add(name="s26a-ed", role="viewer", enable=True)
    assert enabled.status_code == 200 and enabled.json()["created"] is False
    assert "re-enabled" in enabled.json()["changed"] and "analyst" in enabled.json()["changed"]
    for answer in (made, again, raised, enabled):  # nothing renamed: the old fields stay
        assert {"name", "role", "token"} <= set(answer.json())


@pytest.mark.anyio
async def test_the_openapi_document_lists_both_statuses(
    client: httpx.AsyncClient, env: Env
) -> None:
    spec = (await client.get("/openapi.json", headers=bearer(env, "admin"))).json()
    assert {"200", "201"} <= set(spec["paths"]["/api/v1/users"]["post"]["responses"])
