"""A request that crashes the server is logged with its path on one line (found in the
session-17 review: the path is percent-decoded before it is logged, so ``%0a`` in a URL
started a line of the requester's making in the server log, ``%1b`` reached the terminal).

The crash is a route of this test's own behind the app's real outermost middleware
(``SecurityHeaders``, which writes the line): no route of the app crashes on purpose."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from mutewatch.web.app import SecurityHeaders

pytestmark = pytest.mark.anyio


async def _crashing_route(scope: Any, receive: Any, send: Any) -> None:
    raise RuntimeError("a bug")


async def test_a_crashing_requests_path_is_logged_on_one_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    transport = httpx.ASGITransport(app=SecurityHeaders(_crashing_route))
    caplog.set_level(logging.ERROR, logger="mutewatch.web.app")
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        answer = await client.get("/posts%0a2026-11-30 INFO admin1 granted%1b[2J%e2%80%ae")
    assert answer.status_code == 500
    assert answer.json()["error"]["code"] == "internal_error"
    [record] = [r for r in caplog.records if r.getMessage().startswith("unhandled error on")]
    line = record.getMessage()
    assert line == "unhandled error on /posts\\n2026-11-30 INFO admin1 granted\\x1b[2J\\u202e"
    assert record.exc_info is not None  # the traceback is still there
