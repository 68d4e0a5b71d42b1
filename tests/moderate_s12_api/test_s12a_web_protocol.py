"""The moderation API's protocol answers: a body over the 1 MB limit is a 413 (Google's 400
on the Perspective routes), a query parameter given twice a 400 naming it, and a wrong
Perspective key Google's 400 ``API_KEY_INVALID`` (no key: 403 ``PERMISSION_DENIED``)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from s12_api_helpers import Api
from s12_shared import built_api

from mutewatch.moderate.checks import Moderator

LIMIT = 1_000_000
ARTICLE = {"id": "a1", "title": "Tram line", "body": "The council voted to fund a tram line."}
GOOD = {"article_id": "a1", "author_name": "Ana Silva", "text": "The tram should run late."}
DEFAMATORY = "Councillor John Smith took bribes from the tram builders."  # held
ANALYZE = "/v1alpha1/comments:analyze"
SUGGEST = "/v1alpha1/comments:suggestscore"
PERSPECTIVE = {"comment": {"text": "Have a nice day."}, "languages": ["en"],
               "requestedAttributes": {"TOXICITY": {}}}  # fmt: skip
SUGGESTED = {"comment": {"text": "Have a nice day."}, "languages": ["en"],
             "attributeScores": {"TOXICITY": {"summaryScore": {"value": 0.1}}}}  # fmt: skip


def _big(size: int) -> bytes:
    """A JSON object of exactly ``size`` bytes, a comment whose ``text`` fills it."""
    head, tail = b'{"article_id": "a1", "author_name": "Ana Silva", "text": "', b'"}'
    return head + b"x" * (size - len(head) - len(tail)) + tail


async def _streamed(body: bytes) -> AsyncIterator[bytes]:
    """``body`` in 64 KiB chunks, sent without a Content-Length (chunked)."""
    for start in range(0, len(body), 65536):
        yield body[start : start + 65536]


def _held(api: Api) -> str:
    """Article a1 and a held comment on it, submitted by viewer1: its id."""
    assert api("POST", "/api/v1/articles", "moderator", json=ARTICLE).status_code == 201
    r = api("POST", "/api/v1/comments", "viewer", json={**GOOD, "text": DEFAMATORY})
    assert r.status_code == 201 and r.json()["decision"] == "hold", r.text
    return str(r.json()["id"])


@pytest.fixture()
def held(api: Api) -> str:
    """``_held`` in conftest's ``api``."""
    return _held(api)


@pytest.fixture(scope="module")
def shared(
    tmp_path_factory: pytest.TempPathFactory, moderator: Moderator
) -> Iterator[tuple[Api, str]]:
    """``api`` and ``held`` built once for the tests whose requests are all refused or only
    read (~2.5 s of each of 16 tests); the 413 test, which counts the rows, keeps its own."""
    with built_api(tmp_path_factory.mktemp("s12a_protocol"), moderator) as api:
        yield api, _held(api)


def test_a_body_over_the_limit_is_413_on_every_route_that_reads_one(api: Api, held: str) -> None:
    routes = [("/api/v1/articles", "moderator"), ("/api/v1/comments", "viewer"),
              (f"/api/v1/comments/{held}/actions", "moderator"),
              (f"/api/v1/comments/{held}/appeal", "viewer")]  # fmt: skip
    before = api.counts()
    for path, role in routes:
        for sent in (_big(LIMIT + 1), _streamed(_big(3 * LIMIT))):  # declared, then streamed
            r = api("POST", path, role, content=sent,
                    headers={"Content-Type": "application/json"})  # fmt: skip
            assert r.status_code == 413, (path, r.status_code, r.text[:300])
            error = r.json()["error"]
            assert error["code"] == "too_large", error
            assert f"more than {LIMIT} bytes, the limit" in error["message"], error
    assert api.counts() == before  # nothing stored
    # a body of exactly the limit is read: the field over its own limit is a 422 naming it
    r = api("POST", "/api/v1/comments", "viewer", content=_big(LIMIT),
            headers={"Content-Type": "application/json"})  # fmt: skip
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_input", r.text[:300]
    assert "field `text` has" in r.json()["error"]["message"]


@pytest.mark.parametrize("path", [ANALYZE, SUGGEST])
def test_a_perspective_body_over_the_limit_is_googles_400(
    shared: tuple[Api, str], path: str
) -> None:
    """Google's APIs refuse a body over their limit with 400 INVALID_ARGUMENT "Request payload
    size exceeds the limit: N bytes." (not 413): Perspective's routes answer as Google's."""
    api = shared[0]
    key = api.tokens["viewer"]
    for sent in (_big(LIMIT + 1), _streamed(_big(3 * LIMIT))):
        r = api("POST", f"{path}?key={key}", None, content=sent,
                headers={"Content-Type": "application/json"})  # fmt: skip
        assert r.status_code == 400, r.text[:300]
        assert r.json() == {"error": {
            "code": 400, "message": f"Request payload size exceeds the limit: {LIMIT} bytes.",
            "status": "INVALID_ARGUMENT"}}  # fmt: skip


@pytest.mark.parametrize(
    ("path", "role", "twice", "name"),
    [
        ("/api/v1/moderation/stats", "moderator", "from=2026-11-01&from=2026-01-01", "from"),
        ("/api/v1/moderation/stats", "moderator", "to=2026-11-30&to=2026-12-31", "to"),
        ("/api/v1/moderation/stats", "moderator", "article_id=a1&article_id=a2", "article_id"),
        ("/api/v1/moderation/queue", "moderator", "limit=1&limit=2", "limit"),
        ("/api/v1/moderation/queue", "moderator", "clause=defamatory&clause=racist", "clause"),
        ("/api/v1/moderation/queue", "moderator", "appeal=true&appeal=false", "appeal"),
        ("/api/v1/moderation/queue", "moderator", "article_id=a1&article_id=a1", "article_id"),
        ("/api/v1/moderation/audit", "moderator", "actor=mod&actor=viewer1", "actor"),
        ("/api/v1/moderation/audit", "moderator", "before=5&before=9", "before"),
        ("/api/v1/articles/a1/comments", "viewer", "offset=0&offset=1", "offset"),
        ("/api/v1/articles/a1/comments", "viewer", "after=c1&limit=5&after=c9", "after"),
    ],
)
def test_a_query_parameter_given_twice_is_refused(
    shared: tuple[Api, str], path: str, role: str, twice: str, name: str
) -> None:
    """Each was answered for its last value (``?from=`` twice on the stats: the later day)."""
    api = shared[0]
    r = api("GET", f"{path}?{twice}", role)
    assert r.status_code == 400, (path, twice, r.status_code, r.text[:300])
    error = r.json()["error"]
    assert error["code"] == "bad_request", error
    assert f"query parameter '{name}' is given more than once" in error["message"], error
    assert api("GET", f"{path}?{twice}", None).status_code == 401  # who asks comes first
    once = twice.split("&", 1)[0]  # the same parameter once is answered
    assert api("GET", f"{path}?{once}", role).status_code == 200, once


def _google(r: httpx.Response, code: int, message: str, status: str) -> dict[str, Any]:
    error = r.json()["error"]
    assert r.status_code == code, r.text
    assert (error["code"], error["message"], error["status"]) == (code, message, status)
    return dict(error)


@pytest.mark.parametrize("path", [ANALYZE, SUGGEST, "/$discovery/rest?version=v1alpha1"])
def test_a_wrong_perspective_key_is_googles_400_api_key_invalid(
    shared: tuple[Api, str], path: str
) -> None:
    api = shared[0]
    method = "GET" if path.startswith("/$") else "POST"
    body = {} if method == "GET" else {"json": SUGGESTED if path == SUGGEST else PERSPECTIVE}
    sep = "&" if "?" in path else "?"
    for sent in ({"path": f"{path}{sep}key=wrong"},
                 {"path": path, "headers": {"X-Goog-Api-Key": "wrong"}}):  # fmt: skip
        r = api(method, sent["path"], None, headers=sent.get("headers", {}), **body)
        error = _google(r, 400, "API key not valid. Please pass a valid API key.",
                        "INVALID_ARGUMENT")  # fmt: skip
        assert error["details"] == [{
            "@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID",
            "domain": "googleapis.com",
            "metadata": {"service": "commentanalyzer.googleapis.com"}}]  # fmt: skip
    r = api(method, path, None, **body)
    assert r.json() == {
        "error": {
            "code": 403,
            "status": "PERMISSION_DENIED",
            "message": "The request is missing a valid API key.",
        }
    }
    key = api.tokens["viewer"]
    assert api(method, f"{path}{sep}key={key}", None, **body).status_code == 200
