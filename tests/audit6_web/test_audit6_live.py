"""A real `mutewatch serve` on 127.0.0.1: what its answers carry on the wire."""

from __future__ import annotations

import httpx
import pytest
from webfactory import LiveServer, bearer
from webfixtures import live_server_fixture

pytestmark = pytest.mark.server


live = live_server_fixture("audit6-live", name="live")  # one per module


def test_the_server_does_not_name_its_software(live: LiveServer) -> None:
    """Every answer said `server: uvicorn` (and so its version to a scanner's lookup)."""
    for path in ("/login", "/api/v1/status", "/static/style.css"):
        r = httpx.get(live.url + path, headers=bearer(live.env, "viewer"), timeout=60)
        assert "server" not in r.headers, (path, r.headers.get("server"))


def test_head_over_the_wire_has_headers_and_no_body(live: LiveServer) -> None:
    get = httpx.get(live.url + "/api/v1/status", headers=bearer(live.env, "viewer"), timeout=60)
    head = httpx.head(live.url + "/api/v1/status", headers=bearer(live.env, "viewer"))
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"]
    assert head.headers["cache-control"] == "no-store"
