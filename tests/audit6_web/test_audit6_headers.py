"""Security headers, error shapes, HEAD and OPTIONS on every kind of answer (in process)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from webfactory import Env, bearer

pytestmark = pytest.mark.anyio

HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}


def _secured(response: httpx.Response) -> None:
    """The headers every answer carries; authenticated and error answers are not stored."""
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (name, response.request.url)
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "camera=()" in response.headers["permissions-policy"]
    assert response.headers["cache-control"] == "no-store", response.request.url


def _one_shape(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, (response.request.url, response.text[:200])
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code and body["error"]["message"]
    _secured(response)


async def test_an_unexpected_error_is_secured_and_not_stored(
    client: httpx.AsyncClient, env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 500 left through Starlette's outermost handler, past the security headers."""
    import mutewatch.web.queries as queries

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("audit6: a bug")

    monkeypatch.setattr(queries, "search_posts", broken)
    r = await client.get("/api/v1/posts?q=audit6-500", headers=bearer(env, "analyst"))
    _one_shape(r, 500, "internal_error")
    assert "RuntimeError" in r.json()["error"]["message"]


@pytest.mark.parametrize(
    ("method", "path", "role", "status", "code"),
    [
        ("GET", "/api/v1/no-such-thing", "viewer", 404, "not_found"),
        ("GET", "/no-such-page", None, 404, "not_found"),
        ("PUT", "/api/v1/status", "viewer", 405, "method_not_allowed"),
        ("DELETE", "/login", None, 405, "method_not_allowed"),
        ("GET", "/api/v1/outlets/abc", "viewer", 422, "validation_error"),
        ("GET", "/api/v1/posts?limit=abc", "analyst", 400, "bad_request"),  # 422 until s13
        ("GET", "/api/v1/posts?limit=501", "analyst", 400, "bad_request"),
        ("GET", "/api/v1/status", None, 401, "unauthorized"),
        ("GET", "/api/v1/users", "viewer", 403, "forbidden"),
        ("GET", "/api/v1/outlets/999", "viewer", 404, "not_found"),
        ("POST", "/api/v1/users", "admin", 422, "validation_error"),
    ],
)
async def test_every_error_has_the_one_shape(
    client: httpx.AsyncClient, env: Env, method: str, path: str, role: str | None,
    status: int, code: str,
) -> None:  # fmt: skip
    headers = bearer(env, role) if role else {}
    r = await client.request(method, path, headers=headers)
    _one_shape(r, status, code)


async def test_framework_errors_say_what_and_what_to_do(
    client: httpx.AsyncClient, env: Env
) -> None:
    """FastAPI's own 404 and 405 said only "Not Found" and "Method Not Allowed"."""
    missing = await client.get("/api/v1/no-such-thing", headers=bearer(env, "viewer"))
    assert "/api/v1/no-such-thing" in missing.json()["error"]["message"]
    assert "/docs" in missing.json()["error"]["message"]
    wrong = await client.put("/api/v1/status", headers=bearer(env, "viewer"))
    message = wrong.json()["error"]["message"]
    assert "PUT" in message and "/api/v1/status" in message and "GET" in message
    assert wrong.headers["allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize("path", ["/api/v1/status", "/api/v1/me", "/", "/docs"])
async def test_head_answers_as_get_does_without_a_body(
    client: httpx.AsyncClient, env: Env, path: str
) -> None:
    get = await client.get(path, headers=bearer(env, "analyst"))
    head = await client.head(path, headers=bearer(env, "analyst"))
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    _secured(head)


async def test_head_of_the_login_page_and_of_a_static_file(client: httpx.AsyncClient) -> None:
    assert (await client.head("/login")).status_code == 200
    css = await client.head("/static/style.css")
    assert css.status_code == 200 and css.content == b""


async def test_options_lists_the_methods_and_needs_no_body(
    client: httpx.AsyncClient, env: Env
) -> None:
    r = await client.options("/api/v1/users")
    assert r.status_code == 204 and r.content == b""
    assert r.headers["allow"] == "GET, HEAD, OPTIONS, POST"
    assert "access-control-allow-origin" not in r.headers  # no CORS: same origin only
    _secured(r)
    missing = await client.options("/api/v1/no-such-thing")
    assert missing.status_code == 404


async def test_strict_transport_security_only_over_https(app: object, env: Env) -> None:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="https://t") as c:
        secure = await c.get("/login")
    assert secure.headers["strict-transport-security"].startswith("max-age=")
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        plain = await c.get("/login")
    assert "strict-transport-security" not in plain.headers


async def test_pages_and_json_of_a_session_are_not_stored(
    client: httpx.AsyncClient, env: Env
) -> None:
    for path in ("/", "/posts", "/admin", "/api/v1/status", "/login", "/moderation"):
        r = await client.get(path, headers=bearer(env, "admin"))
        assert r.status_code == 200, path
        _secured(r)


@pytest.mark.parametrize("path", ["/api/v1/users", "/api/v1/ingest"])
async def test_a_body_refused_as_too_large_is_secured_too(
    client: httpx.AsyncClient, env: Env, path: str
) -> None:
    """The size limit answered outside the security headers' middleware."""
    headers = {"content-type": "application/json", "content-length": str(1 << 40)}
    r = await client.post(path, content=b"{}", headers={**headers, **bearer(env, "admin")})
    _one_shape(r, 413, "too_large")
