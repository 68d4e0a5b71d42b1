"""The Perspective-compatible routes' API key (``?key=`` or ``X-Goog-Api-Key``) is limited
like a Bearer token: 30 bad tokens per 5 minutes from one address (an IPv6 client's /64).

Found in review: ``/v1alpha1/comments:analyze`` and ``:suggestscore`` looked the key up
with no limiter at all, so bad tokens could be tried there without end (and no
``token.blocked`` entry was ever audited), while ``Authorization: Bearer`` was cut off
after 30."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from webfactory import Env, bearer, running_app

ANALYZE = "/v1alpha1/comments:analyze"
BODY = {"comment": {"text": "A fair point."}, "requestedAttributes": {"TOXICITY": {}}}


# differs on purpose from the shared ``moderation_app``: one per test, so each has a fresh limiter
@pytest.fixture()
def app(env: Env, tmp_path: Path) -> Iterator[Any]:
    """The whole app, moderation included (a fresh limiter for each test)."""
    with running_app(env.path, tmp_path / "cache", "r7-key") as application:
        yield application


@pytest.mark.anyio
async def test_bad_keys_are_cut_off_after_thirty(client: httpx.AsyncClient, env: Env) -> None:
    for n in range(30):
        bad = await client.post(f"{ANALYZE}?key=mw_guess{n}", json=BODY)
        assert bad.status_code == 400, bad.text  # Google's API_KEY_INVALID
    blocked = await client.post(ANALYZE, json=BODY, headers={"X-Goog-Api-Key": "mw_guess"})
    assert blocked.status_code == 429, blocked.text
    assert blocked.json()["error"]["status"] == "RESOURCE_EXHAUSTED"
    assert int(blocked.headers["retry-after"]) > 0
    # one limit per address, whichever way the token comes
    viewer = await client.get("/api/v1/status", headers=bearer(env, "viewer"))
    assert viewer.status_code == 429


@pytest.mark.anyio
async def test_bearer_failures_count_on_the_key_routes_too(
    client: httpx.AsyncClient, env: Env
) -> None:
    for n in range(30):
        bad = await client.get("/api/v1/status", headers={"Authorization": f"Bearer mw_x{n}"})
        assert bad.status_code == 401
    blocked = await client.post(f"{ANALYZE}?key={env.tokens['viewer']}", json=BODY)
    assert blocked.status_code == 429, blocked.text
