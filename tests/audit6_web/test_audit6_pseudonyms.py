"""Viewers see no supporter name, the names of registered supporter outlets included.

A registered supporter outlet is named in the team's registry, often after a group or
a person's handle, and its name finds its channels as surely as theirs do; issue 4 asks
supporter names be pseudonymised for viewers, registered or not. Official outlets keep
their names.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from webfactory import Env, asgi_client, bearer, make_env, running_app

from mutewatch.store import Store

pytestmark = pytest.mark.anyio
GROUP = "Registered Support Group"
PATHS = ("/api/v1/outlets", "/api/v1/outlets/4", "/api/v1/output?by=outlet&of=all",
         "/api/v1/supporters", "/", "/outlets/4")  # fmt: skip


# differs on purpose from the shared ``env``: outlet 4 is registered under a group's name
@pytest.fixture(scope="module")
def registered_env(tmp_path_factory: pytest.TempPathFactory) -> Env:
    """The web tests' store, its first supporter outlet registered under a group's name."""
    env = make_env(tmp_path_factory.mktemp("audit6-registered"))
    with Store.open(env.path) as store:
        store.con.execute(
            "UPDATE outlets SET registered = TRUE, name = ? WHERE outlet_id = 4", [GROUP]
        )
    return env


@pytest.fixture(scope="module")
async def registered(
    registered_env: Env, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[httpx.AsyncClient]:
    cache = tmp_path_factory.mktemp("audit6-reg-cache")
    with running_app(registered_env.path, cache, "audit6-key", moderation=False) as app:
        async with asgi_client(app, "http://t") as c:
            yield c


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.parametrize("path", PATHS)
async def test_viewers_never_see_a_registered_supporter_outlets_name(
    registered: httpx.AsyncClient, registered_env: Env, path: str
) -> None:
    viewer = await registered.get(path, headers=bearer(registered_env, "viewer"))
    assert viewer.status_code == 200, viewer.text[:200]
    assert GROUP not in viewer.text
    assert "Outlet A" in viewer.text or path.endswith("/4") or "supporters" in path
    analyst = await registered.get(path, headers=bearer(registered_env, "analyst"))
    assert GROUP in analyst.text or path == "/api/v1/supporters"


async def test_the_pseudonym_is_the_same_everywhere(
    registered: httpx.AsyncClient, registered_env: Env
) -> None:
    outlet = await registered.get("/api/v1/outlets/4", headers=bearer(registered_env, "viewer"))
    listed = await registered.get("/api/v1/outlets", headers=bearer(registered_env, "viewer"))
    name = outlet.json()["outlet"]["name"]
    assert name.startswith("supporter-")
    assert name in {o["outlet"] for o in listed.json()["outlets"]}
