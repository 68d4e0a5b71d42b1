"""Logging out clears what the browser kept of the signed-in pages.

Found: a log-out ended the session and its cookie, but pages read while signed in stayed
in the browser (its back/forward and HTTP caches): on a shared computer the next person
could press Back and read them. The answer now carries ``Clear-Site-Data``."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from webfactory import Env, form_login

pytestmark = pytest.mark.anyio


async def test_logging_out_clears_the_browsers_cache_and_storage(app: Any, env: Env) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        assert (await form_login(client, "viewer1", env.tokens["viewer"])).status_code == 303
        home = await client.get("/")
        csrf = re.search(r'name="csrf-token" content="([0-9a-f]+)"', home.text)
        assert csrf and "Clear-Site-Data" not in home.headers
        out = await client.post("/logout", data={"csrf": csrf.group(1)})
        assert out.status_code == 303 and out.headers["location"] == "/login"
        assert out.headers["clear-site-data"] == '"cache", "storage"'
        assert (await client.get("/api/v1/me")).status_code == 401
