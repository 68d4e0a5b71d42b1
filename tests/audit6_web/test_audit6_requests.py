"""Requests a person gets slightly wrong: a misspelt query parameter, a page's URL typed
into the browser with the wrong method, and the cookie a log-out leaves."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from webfactory import Env, bearer, form_login

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("path", "role"),
    [("/api/v1/posts?query=placeholder", "analyst"), ("/api/v1/posts?limt=5", "analyst"),
     ("/api/v1/audit?lmit=5", "admin"), ("/api/v1/moderation/stats?form=2026-01-01", "moderator")],
)  # fmt: skip
async def test_an_unknown_query_parameter_is_refused_not_ignored(
    client: httpx.AsyncClient, env: Env, path: str, role: str
) -> None:
    """``/api/v1/posts?query=x`` answered every post, unfiltered, as if it had searched
    (the measurement endpoints already refused unknown parameters)."""
    r = await client.get(path, headers=bearer(env, role))
    assert r.status_code == 400, r.text[:200]
    error = r.json()["error"]
    assert error["code"] == "bad_request"
    name = path.split("?")[1].split("=")[0]
    assert repr(name) in error["message"] and "known:" in error["message"]


async def test_known_query_parameters_still_work(client: httpx.AsyncClient, env: Env) -> None:
    r = await client.get(
        "/api/v1/posts?q=placeholder&limit=2&offset=1&outlet_id=1&since=2024-01-01"
        "&until=2025-01-01", headers=bearer(env, "analyst"),
    )  # fmt: skip
    assert r.status_code == 200 and len(r.json()["posts"]) == 2


async def test_a_browser_gets_a_page_for_a_wrong_method(
    client: httpx.AsyncClient, env: Env
) -> None:
    """GET /logout typed into the address bar showed raw JSON."""
    r = await client.get("/logout", headers={"accept": "text/html", **bearer(env, "viewer")})
    assert r.status_code == 405 and r.headers["content-type"].startswith("text/html")
    assert "GET is not allowed on /logout" in r.text and r.headers["allow"] == "OPTIONS, POST"
    api = await client.get("/logout")
    assert api.json()["error"]["code"] == "method_not_allowed"


async def test_logging_out_deletes_the_cookie_with_the_attributes_it_was_set_with(
    app: object, env: Env
) -> None:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="https://t") as c:
        assert (await form_login(c, "viewer1", env.tokens["viewer"])).status_code == 303
        home = await c.get("/docs")
        csrf = re.search(r'name="csrf-token" content="([0-9a-f]+)"', home.text)
        assert csrf
        out = await c.post("/logout", data={"csrf": csrf.group(1)})
    assert out.status_code == 303
    [cookie] = out.headers.get_list("set-cookie")
    assert cookie.startswith('mw_session=""') and "Max-Age=0" in cookie
    for flag in ("HttpOnly", "Secure", "Path=/", "SameSite=strict"):
        assert flag in cookie, cookie


async def _megabytes(n: int, sent: list[int]) -> AsyncIterator[bytes]:
    for _ in range(n):
        sent.append(1)
        yield b"x" * (1 << 20)


@pytest.mark.parametrize(
    ("path", "ctype", "codes"),
    [("/api/v1/users", "application/json", {"too_large"}),
     # the form parser stops at a 1 MB field by itself (400): bounded before too
     ("/login", "application/x-www-form-urlencoded", {"too_large", "bad_request"})],
)  # fmt: skip
async def test_a_huge_body_is_refused_before_it_is_held(
    client: httpx.AsyncClient, path: str, ctype: str, codes: set[str]
) -> None:
    """An anonymous POST /api/v1/users of 200 MB was read into memory whole (the server's
    RSS grew by as much) before it was refused, as invalid JSON, not even as anonymous."""
    sent: list[int] = []
    r = await client.post(path, content=_megabytes(200, sent), headers={"content-type": ctype})
    assert r.status_code in (400, 413) and r.json()["error"]["code"] in codes, r.text[:200]
    assert len(sent) <= 4, f"{len(sent)} MB read before the refusal"
    declared = await client.post(
        path, content=b"{}", headers={"content-type": ctype, "content-length": str(1 << 30)}
    )
    assert declared.status_code == 413


async def test_a_body_that_is_not_json_is_named_so(client: httpx.AsyncClient, env: Env) -> None:
    """FastAPI's words were ``body.1: JSON decode error``."""
    r = await client.post(
        "/api/v1/users", content=b"{name: 1}",
        headers={"content-type": "application/json", **bearer(env, "admin")},
    )  # fmt: skip
    assert r.status_code == 422 and r.json()["error"]["code"] == "validation_error"
    message = r.json()["error"]["message"]
    assert message.startswith("the request body is not valid JSON: ") and "character 1" in message


@pytest.mark.parametrize(
    ("path", "role", "status"),
    [("/api/v1/posts?limit=0", "analyst", 400), ("/api/v1/posts?limit=501", "analyst", 400),
     ("/api/v1/posts?offset=-1", "analyst", 400),
     ("/api/v1/posts?offset=10000000000", "analyst", 400),
     ("/api/v1/posts?offset=99999999999999999999999", "analyst", 400),
     ("/api/v1/audit?limit=0", "admin", 400), ("/api/v1/audit?limit=5001", "admin", 400),
     ("/api/v1/moderation/queue?limit=0", "moderator", 400),
     ("/api/v1/moderation/queue?limit=501", "moderator", 400),
     ("/api/v1/moderation/audit?limit=5001", "moderator", 400),
     ("/api/v1/articles/a1/comments?offset=-1", "viewer", 400)],
)  # fmt: skip
async def test_pages_are_bounded(
    client: httpx.AsyncClient, env: Env, path: str, role: str, status: int
) -> None:
    """Every paged endpoint refuses a page size or position out of range, in the one shape
    and naming the parameter (nothing is clamped silently)."""
    r = await client.get(path, headers=bearer(env, role))
    assert r.status_code == status, r.text[:200]
    name = path.split("?")[1].split("=")[0]
    assert name in r.json()["error"]["message"]


async def test_the_post_browser_pages_are_bounded(client: httpx.AsyncClient, env: Env) -> None:
    html = {"accept": "text/html", **bearer(env, "analyst")}
    far = await client.get("/posts?page=1000000000000", headers=html)
    # the query parameter sent is named (``offset`` until s14; tests/s14_web)
    assert far.status_code == 400 and "the query parameter &#39;page&#39;" in far.text
    assert (await client.get("/posts?page=abc", headers=html)).status_code == 400


async def test_who_sends_an_unreadable_body_comes_first(client: httpx.AsyncClient) -> None:
    """An anonymous caller's body that was not JSON got a 422 describing the admin
    endpoint's input (FastAPI decodes the body before the role check), not a 401."""
    r = await client.post(
        "/api/v1/users", content=b"{name: 1}", headers={"content-type": "application/json"}
    )
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
