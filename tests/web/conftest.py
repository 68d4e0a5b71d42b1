"""Fixtures of the web tests: a populated store, users, the app and an in-process client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from webfactory import Env, make_env


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Env:
    return make_env(tmp_path_factory.mktemp("webstore"))


@pytest.fixture(scope="module")
def app(env: Env, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from mutewatch.web.app import create_app

    application = create_app(
        env.path, cache_dir=tmp_path_factory.mktemp("cache"), refresh_interval=0.2, linger=0.05,
        pseudonym_key="test-key", moderation=False,
    )  # fmt: skip
    yield application
    application.state.gateway.stop()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def client(app: object) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c
