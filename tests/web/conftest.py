"""Fixtures of the web tests: a populated store, users, the app and an in-process client."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from webfactory import Env, LiveServer, make_env


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
    # a 500 is a response to look at, not an exception raised into the test
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`python -m mutewatch --store S serve` in a subprocess, stopped at the end."""
    env = make_env(tmp_path_factory.mktemp("live"))
    port = _free_port()
    log = (tmp_path_factory.mktemp("livelog") / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "mutewatch", "--store", str(env.path), "serve",
         "--host", "127.0.0.1", "--port", str(port), "--no-moderation"],
        stdout=log, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "MUTEWATCH_PSEUDONYM_KEY": "live-test-key"},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}; see {log.name}")
        try:
            if httpx.get(url + "/login", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail(f"the server did not answer in 60 s; see {log.name}")
    yield LiveServer(url, env, process)
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture(scope="session")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of a populated store, written once per session."""
    from mutewatch.show.report import ReportOptions, write_report

    env = make_env(tmp_path_factory.mktemp("reportstore"))
    out = tmp_path_factory.mktemp("report") / "report.html"
    options = ReportOptions.from_strings(
        baseline="2024-01-01..2024-03-31", period="2024-05-01..2024-05-31"
    )
    return write_report(env.path, out, options).html
