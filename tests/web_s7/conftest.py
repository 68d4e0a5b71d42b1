"""Fixtures of the web tests of session 7: a populated store with one user per role
(``tests/web/webfactory.py``) and the whole app (moderation included) served by uvicorn on
127.0.0.1 in a thread, so a real browser sees the server's real headers."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # webfactory

from webfactory import Env, free_port, make_env  # noqa: E402


@dataclass
class Served:
    """The app served on ``url`` for ``env``'s store."""

    url: str
    env: Env
    app: Any


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The whole app (moderation included) on a free port, for the module."""
    import uvicorn

    from mutewatch.web.app import create_app

    env = make_env(tmp_path_factory.mktemp("s7w-store"))
    app = create_app(
        env.path, cache_dir=tmp_path_factory.mktemp("s7w-cache"), refresh_interval=0.2,
        linger=0.05, pseudonym_key="s7w-key",
    )  # fmt: skip
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="s7w-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start in 60 s")
        time.sleep(0.05)
    try:
        yield Served(f"http://127.0.0.1:{port}", env, app)
    finally:
        server.should_exit = True
        thread.join(timeout=20)


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Env:
    """A populated store with the users viewer1, analyst1, moderator1 and admin1."""
    return make_env(tmp_path_factory.mktemp("s7w-inproc-store"))


@pytest.fixture(scope="module")
def app(env: Env, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The app without moderation, for in-process requests (tests/conftest.py's ``client``)."""
    from mutewatch.web.app import create_app

    application = create_app(
        env.path, cache_dir=tmp_path_factory.mktemp("s7w-inproc-cache"), refresh_interval=0.2,
        linger=0.05, pseudonym_key="s7w-key", moderation=False,
    )  # fmt: skip
    yield application
    application.state.gateway.stop()
