"""Routing errors on Perspective's paths answer in Google's error shape.

Found (session 24, a live server): ``POST /v1alpha1/comments:analyse`` (a typo) and ``GET
/v1alpha1/comments:analyze`` were answered in mutewatch's own shape, ``{"error": {"code":
"not_found" | "method_not_allowed", "message"}}``, where the route's own errors take
Google's ``{"error": {"code": 404, "message", "status"}}``: a Perspective client reading
the numeric ``code`` got a string. Now: 404 ``NOT_FOUND`` naming the methods served, and
405 ``UNIMPLEMENTED`` keeping its ``Allow`` header. The API's routing errors keep
mutewatch's shape (guard).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mutewatch.store import Store
from mutewatch.web.auth import add_user

BODY = {"comment": {"text": "A neutral placeholder."}, "languages": ["en"],
        "requestedAttributes": {"TOXICITY": {}}}  # fmt: skip


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str]]:
    """mutewatch's app (as ``mutewatch serve`` builds it) and a viewer's API key."""
    from mutewatch.web.app import create_app

    path = tmp_path_factory.mktemp("s24m") / "store.duckdb"
    with Store.open(path) as store:
        _, key = add_user(store, "viewer1", "viewer")
    app = create_app(path, cache_dir=tmp_path_factory.mktemp("cache"), refresh_interval=0.2,
                     linger=0.05)  # fmt: skip
    try:
        yield app, key
    finally:
        app.state.gateway.stop()


def _call(app: Any, method: str, url: str, **kwargs: Any) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            return await c.request(method, url, **kwargs)

    return asyncio.run(go())


def _google(r: httpx.Response, code: int, status: str) -> str:
    assert r.status_code == code, r.text
    assert set(r.json()) == {"error"}, r.text
    error = r.json()["error"]
    assert set(error) == {"code", "message", "status"}, error
    assert (error["code"], error["status"]) == (code, status), error
    return str(error["message"])


def test_an_unknown_perspective_method_is_googles_404(served: tuple[Any, str]) -> None:
    app, key = served
    r = _call(app, "POST", f"/v1alpha1/comments:analyse?key={key}", json=BODY)
    message = _google(r, 404, "NOT_FOUND")
    assert "/v1alpha1/comments:analyse" in message
    assert "comments:analyze" in message and "comments:suggestscore" in message
    # the method spelt right is answered (the key and body were fine)
    assert _call(app, "POST", f"/v1alpha1/comments:analyze?key={key}", json=BODY).status_code == 200


@pytest.mark.parametrize("path", ["/v1alpha1/comments:analyze", "/v1alpha1/comments:suggestscore"])
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_a_method_the_path_does_not_take_is_googles_405(
    served: tuple[Any, str], path: str, method: str
) -> None:
    app, key = served
    r = _call(app, method, f"{path}?key={key}")
    message = _google(r, 405, "UNIMPLEMENTED")
    assert f"{method} is not allowed on {path}" in message
    assert r.headers["allow"] == "OPTIONS, POST"


def test_the_apis_routing_errors_keep_mutewatchs_shape(served: tuple[Any, str]) -> None:
    app, key = served
    auth = {"Authorization": f"Bearer {key}"}
    missing = _call(app, "GET", "/api/v1/no-such-route", headers=auth)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    wrong = _call(app, "GET", "/api/v1/comments", headers=auth)
    assert wrong.status_code == 405
    assert wrong.json()["error"]["code"] == "method_not_allowed"
    # a preflight still answers what the path takes, with no body
    options = _call(app, "OPTIONS", "/v1alpha1/comments:analyze")
    assert (options.status_code, options.headers["allow"]) == (204, "OPTIONS, POST")
