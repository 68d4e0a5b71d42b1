"""Fixtures of the web tests: a populated store, users, the app and an in-process client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from webfactory import asgi_client, make_env
from webfixtures import ARGS, CHROMIUM, live_server_fixture, serving, web_fixtures

__all__ = ["ARGS", "CHROMIUM", "app", "env", "serving"]

_fixtures = web_fixtures("web", "test-key")
env, app = _fixtures.env, _fixtures.app


@pytest.fixture
async def client(app: object) -> AsyncIterator[httpx.AsyncClient]:
    # a 500 is a response to look at, not an exception raised into the test
    async with asgi_client(app, raise_app_exceptions=False) as c:
        yield c


live_server = live_server_fixture("live", scope="session")  # one for the session


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
