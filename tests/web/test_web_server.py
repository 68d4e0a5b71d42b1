"""A real server on 127.0.0.1 (uvicorn through `mutewatch serve`)."""

from __future__ import annotations

import re

import httpx
import pytest
from webfactory import LiveServer, bearer, form_login_sync

pytestmark = pytest.mark.server


def test_api_over_http(live_server: LiveServer) -> None:
    env = live_server.env
    r = httpx.get(live_server.url + "/api/v1/status", headers=bearer(env, "viewer"))
    assert r.status_code == 200
    assert r.json()["outlets"] == 5
    assert r.json().get("store", "store.duckdb") == "store.duckdb"  # the name, not a path
    r = httpx.get(live_server.url + "/api/v1/status")
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    r = httpx.get(live_server.url + "/api/v1/posts", headers=bearer(env, "viewer"))
    assert r.status_code == 403


def test_security_headers(live_server: LiveServer) -> None:
    r = httpx.get(live_server.url + "/login")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'self'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"


def test_dashboard_login_over_http(live_server: LiveServer) -> None:
    env = live_server.env
    with httpx.Client(base_url=live_server.url) as client:
        r = form_login_sync(client, "analyst1", env.tokens["analyst"])
        assert r.status_code == 303
        page = client.get("/posts", params={"q": "onerror"})
        assert page.status_code == 200
        assert "&lt;img src=x onerror=" in page.text
        assert "<img src=x" not in page.text
        assert "hxxps://example[.]org" in page.text
        assert not re.search(r"<a [^>]*example", page.text)
        js = client.get("/vendor/plotly.min.js")
        assert js.status_code == 200 and len(js.content) > 1_000_000
