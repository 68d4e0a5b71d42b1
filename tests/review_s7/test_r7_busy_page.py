"""A dashboard page refused because its reader has too many computations running (429)
says when to come back, as the API's answer does.

Found in review: the API's 429 (``BusyError``) carried ``Retry-After: 5``, but the same
refusal on a dashboard page (``/``, an outlet page) came as an HTML error page with no
``Retry-After`` at all."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from webfactory import Env, bearer, running_app


# differs on purpose from the shared ``app``: compute_per_user=0 refuses every cache miss
@pytest.fixture(scope="module")
def app(env: Env, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """An app where no user may start a computation (every cache miss is refused)."""
    cache = tmp_path_factory.mktemp("r7-busy-cache")
    with running_app(env.path, cache, "r7-key", moderation=False, compute_per_user=0) as app:
        yield app


@pytest.mark.anyio
@pytest.mark.parametrize("path", ["/", "/outlets/1"])
async def test_a_busy_page_says_when_to_retry(
    client: httpx.AsyncClient, env: Env, path: str
) -> None:
    page = await client.get(path, headers={**bearer(env, "viewer"), "accept": "text/html"})
    assert page.status_code == 429 and page.headers["content-type"].startswith("text/html")
    assert page.headers["retry-after"] == "5"


@pytest.mark.anyio
async def test_the_api_answer_still_does(client: httpx.AsyncClient, env: Env) -> None:
    answer = await client.get("/api/v1/status", headers=bearer(env, "viewer"))
    assert answer.status_code == 429 and answer.headers["retry-after"] == "5"
