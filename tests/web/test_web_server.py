"""A real server on 127.0.0.1 (uvicorn through `mutewatch serve`)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from webfactory import LiveServer, bearer, form_login_sync, make_env, running_server

pytestmark = pytest.mark.server


def test_api_over_http(live_server: LiveServer) -> None:
    env = live_server.env
    r = httpx.get(live_server.url + "/api/v1/status", headers=bearer(env, "viewer"), timeout=60)
    assert r.status_code == 200
    assert r.json()["outlets"] == 5
    assert r.json().get("store", "store.duckdb") == "store.duckdb"  # the name, not a path
    r = httpx.get(live_server.url + "/api/v1/status", timeout=60)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    r = httpx.get(live_server.url + "/api/v1/posts", headers=bearer(env, "viewer"), timeout=60)
    assert r.status_code == 403


def test_security_headers(live_server: LiveServer) -> None:
    r = httpx.get(live_server.url + "/login", timeout=60)
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'self'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"


def test_dashboard_login_over_http(live_server: LiveServer) -> None:
    env = live_server.env
    with httpx.Client(timeout=60, base_url=live_server.url) as client:
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


def test_behind_a_trusted_proxy_each_reader_has_its_own_login_limit(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    env = make_env(tmp_path_factory.mktemp("proxied"))
    logdir = tmp_path_factory.mktemp("proxylog")
    with running_server(env, logdir, "--trusted-proxy", "127.0.0.1") as server:

        def attempt(reader: str, role: str, token: str, proto: str = "http") -> httpx.Response:
            headers = {"X-Forwarded-For": reader, "X-Forwarded-Proto": proto}
            with httpx.Client(timeout=60, base_url=server.url, headers=headers) as client:
                return form_login_sync(client, f"{role}1", token)

        codes = [attempt("203.0.113.5", "viewer", "mw_wrong").status_code for _ in range(6)]
        assert codes == [401] * 5 + [429]
        # the proxy's own address is not blocked: another reader behind it logs in
        assert attempt("203.0.113.6", "analyst", env.tokens["analyst"]).status_code == 303
        # a reader cannot prepend an address: the proxy appends the real one, which counts
        chain = "198.51.100.1, 203.0.113.5"
        assert attempt(chain, "analyst", env.tokens["analyst"]).status_code == 429
        # the proxy's HTTPS reaches the cookie
        secure = attempt("203.0.113.7", "admin", env.tokens["admin"], proto="https")
        assert "secure" in secure.headers["set-cookie"].lower()
        # the entries are in the store once the server's writer thread moved them there
        # from the journal (AuthService.audit fsyncs them to it before the answer, and
        # queues the move), so wait for the last login's entry, then look
        expected = {"203.0.113.5", "203.0.113.6", "203.0.113.7"}
        entries = _audit_once(
            server.url,
            bearer(env, "admin"),
            lambda got: expected <= {e["ip"] for e in got if e["action"].startswith("login")},
        )
        addresses = {e["ip"] for e in entries if e["action"].startswith("login")}
        assert expected <= addresses
        assert "127.0.0.1" not in addresses


def test_without_trusted_proxy_forwarded_headers_are_ignored(live_server: LiveServer) -> None:
    """Otherwise anyone could pick a fresh address per guess with one header."""
    spoofed = {"X-Forwarded-For": "192.0.2.44", "X-Forwarded-Proto": "https"}
    with httpx.Client(timeout=60, base_url=live_server.url, headers=spoofed) as client:
        refused = form_login_sync(client, "spoofer-of-addresses", "mw_wrong")
    assert refused.status_code == 401
    entries = _audit_once(
        live_server.url,
        bearer(live_server.env, "admin"),
        lambda got: any(e["actor"] == "spoofer-of-addresses" for e in got),
    )
    mine = [e for e in entries if e["actor"] == "spoofer-of-addresses"]
    assert [e["ip"] for e in mine] == ["127.0.0.1"]


def _audit_once(
    url: str,
    headers: dict[str, str],
    found: Callable[[list[dict[str, Any]]], bool],
    seconds: float = 60,
) -> list[dict[str, Any]]:
    """The audit log's newest entries once ``found(entries)`` holds, or when ``seconds``
    have passed (the caller's asserts then fail): an audit entry is queued for the server's
    writer thread and written after the answer to the request has gone out."""
    deadline = time.monotonic() + seconds
    while True:
        answer = httpx.get(
            url + "/api/v1/audit", params={"limit": 200}, headers=headers, timeout=60
        )
        assert answer.status_code == 200, answer.text[:300]
        entries: list[dict[str, Any]] = answer.json()["entries"]
        if found(entries) or time.monotonic() > deadline:
            return entries
        time.sleep(0.1)
