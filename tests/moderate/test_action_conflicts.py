"""Two moderators on one comment: the later action is refused (409) instead of silently
overriding the earlier one, when it says what its moderator saw (expected_status /
expected_revision, as the moderator page sends them). Leaving them out overrides on purpose.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from test_moderation_audit2 import HELD, _counts, _error
from test_web import _article, _auth, app, env

__all__ = ["app", "env"]  # the fixtures used here
Env = tuple[Path, dict[str, str]]


async def _held(client: httpx.AsyncClient, env: Env) -> dict[str, Any]:
    await _article(client, env)
    r = await client.post("/api/v1/comments", json=HELD, headers=_auth(env, "viewer"))
    assert r.status_code == 201 and r.json()["decision"] == "hold"
    comment: dict[str, Any] = r.json()
    return comment


@pytest.mark.anyio
async def test_a_stale_action_is_a_409_and_changes_nothing(
    client: httpx.AsyncClient, env: Env, app: Any
) -> None:
    held = await _held(client, env)
    url = f"/api/v1/comments/{held['id']}/actions"
    seen = {"expected_status": "held", "expected_revision": 1}
    first = {"action": "reject", "note": "unsourced", **seen}
    r = await client.post(url, json=first, headers=_auth(env, "moderator"))
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    before = _counts(app)
    late = {"action": "approve", "note": "looks fine", **seen}
    r = await client.post(url, json=late, headers=_auth(env, "admin"))
    _error(r, 409, "conflict", "is rejected at revision 1 (reject by moderator1 at ")
    assert _counts(app) == before
    r = await client.post(
        url, json={"action": "approve", "note": "source found"}, headers=_auth(env, "admin")
    )
    assert r.status_code == 200 and r.json()["status"] == "published"  # an override on purpose


@pytest.mark.anyio
async def test_an_edit_bumps_the_revision_other_moderators_expect(
    client: httpx.AsyncClient, env: Env
) -> None:
    held = await _held(client, env)
    url = f"/api/v1/comments/{held['id']}/actions"
    edit = {"action": "edit", "text": "Councillor John Smith was questioned.", "note": "softened"}
    r = await client.post(url, json=edit, headers=_auth(env, "moderator"))
    assert r.status_code == 200 and r.json()["revision"] == 2
    stale = {"action": "reject", "note": "n", "expected_revision": 1}
    r = await client.post(url, json=stale, headers=_auth(env, "admin"))
    _error(r, 409, "conflict", "at revision 2")
    fresh = {
        "action": "reject",
        "note": "n",
        "expected_status": "published",
        "expected_revision": 2,
    }
    r = await client.post(url, json=fresh, headers=_auth(env, "admin"))
    assert r.status_code == 200 and r.json()["status"] == "rejected"


@pytest.mark.anyio
@pytest.mark.parametrize(
    "field,value,words",
    [
        ("expected_status", "pending", "`expected_status` must be one of"),
        ("expected_status", 3, "`expected_status` must be one of"),
        ("expected_revision", 0, "`expected_revision` must be a whole number"),
        ("expected_revision", "1", "`expected_revision` must be a whole number"),
        ("expected_revision", True, "`expected_revision` must be a whole number"),
    ],
)
async def test_bad_expected_state_is_a_422(
    client: httpx.AsyncClient, env: Env, app: Any, field: str, value: Any, words: str
) -> None:
    held = await _held(client, env)
    before = _counts(app)
    body = {"action": "approve", "note": "n", field: value}
    r = await client.post(
        f"/api/v1/comments/{held['id']}/actions", json=body, headers=_auth(env, "moderator")
    )
    _error(r, 422, "bad_input", words)
    assert _counts(app) == before
