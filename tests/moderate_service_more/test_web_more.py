"""The published-comments, comment-status and audit-verify endpoints through create_app."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from modhelpers import ROLES, role_tokens
from service_more_helpers import ARTICLE, DEFAMATORY, ON_TOPIC, small_policy

from mutewatch.moderate.checks import Moderator
from mutewatch.moderate.service import GatewayAccess, ModerationService


class Api:
    """Requests to the app in-process (``httpx.ASGITransport``), one event loop each, signed
    in with a role's token (or anonymous)."""

    def __init__(self, app: object, tokens: dict[str, str]) -> None:
        self.app, self.tokens = app, tokens

    def __call__(self, method: str, path: str, role: str | None, **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}

        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)  # type: ignore[arg-type]
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                return await client.request(method, path, headers=headers, **kw)

        return asyncio.run(go())


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, moderator: Moderator) -> Iterator[Api]:
    """The app over a fresh store with a user of each role, using the small policy."""
    from mutewatch.web.app import create_app

    root = tmp_path_factory.mktemp("modmore")
    tokens = role_tokens(root / "store.duckdb")
    app = create_app(root / "store.duckdb", cache_dir=root / "cache", refresh_interval=0.2,
                     linger=0.05, pseudonym_key="test-key")  # fmt: skip
    app.state.moderation_service = ModerationService(
        GatewayAccess(app.state.gateway), small_policy(), moderator
    )
    yield Api(app, tokens)
    app.state.gateway.stop()


@pytest.fixture(scope="module")
def ids(api: Api) -> dict[str, str]:
    """Article a1 with a held comment, a published one and a published reply to the held."""
    assert api("POST", "/api/v1/articles", "moderator", json=ARTICLE).status_code == 201
    posted: dict[str, str] = {}
    comments = [
        ("held", DEFAMATORY, {}),
        ("shown", ON_TOPIC, {}),
        ("reply", "I agree the tram should run late.", {"parent_id": "held"}),
    ]
    for key, text, extra in comments:
        body = {"article_id": "a1", "author_name": "Ana Silva", "email": "ana@example.org",
                "text": text, **{k: posted[v] for k, v in extra.items()}}  # fmt: skip
        r = api("POST", "/api/v1/comments", "viewer", json=body)
        assert r.status_code == 201, r.text
        posted[key] = r.json()["id"]
    return posted


def test_published_comments_for_every_role(api: Api, ids: dict[str, str]) -> None:
    for role in ROLES:
        r = api("GET", "/api/v1/articles/a1/comments", role)
        assert r.status_code == 200, r.text
        body = r.json()
        assert [i["id"] for i in body["items"]] == [ids["shown"], ids["reply"]]
        assert body["total"] == 2
        assert body["items"][1]["parent_published"] is False
        assert body["items"][0]["created_at"].endswith("Z")
        assert "ana@example.org" not in r.text and "bribes" not in r.text
    r = api("GET", "/api/v1/articles/a1/comments?limit=1&offset=1", "viewer")
    assert [i["id"] for i in r.json()["items"]] == [ids["reply"]]


def test_published_comments_errors(api: Api, ids: dict[str, str]) -> None:
    assert api("GET", "/api/v1/articles/a1/comments", None).status_code == 401
    r = api("GET", "/api/v1/articles/nope/comments", "viewer")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found" and "nope" in r.json()["error"]["message"]
    for query in ("limit=0", "limit=501", "offset=-1", "limit=x"):
        r = api("GET", f"/api/v1/articles/a1/comments?{query}", "viewer")
        assert r.status_code == 400 and r.json()["error"]["code"] == "bad_request"


def test_comment_status_by_role(api: Api, ids: dict[str, str]) -> None:
    r = api("GET", f"/api/v1/comments/{ids['held']}", "viewer")  # viewer1 submitted it
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["status"], body["decision"], body["decided_by"]) == ("held", "hold", "machine")
    assert "email" not in body and "text" not in body and "ana@" not in r.text
    assert body["updated_at"].endswith("Z")
    r = api("GET", f"/api/v1/comments/{ids['held']}", "analyst")  # someone else's comment
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    for role in ("moderator", "admin"):
        assert api("GET", f"/api/v1/comments/{ids['held']}", role).json()["email"] == (
            "ana@example.org"
        )
    r = api("GET", "/api/v1/comments/c99999", "viewer")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert api("GET", f"/api/v1/comments/{ids['held']}", None).status_code == 401


def test_audit_verify(api: Api, ids: dict[str, str]) -> None:
    for role in ("viewer", "analyst"):
        assert api("GET", "/api/v1/moderation/audit/verify", role).status_code == 403
    r = api("GET", "/api/v1/moderation/audit/verify", "moderator")
    assert r.status_code == 200, r.text
    assert r.json() == {"intact": True, "entries": 4, "head": r.json()["head"], "broken_at": None}
    assert len(r.json()["head"]) == 64


@pytest.mark.parametrize(
    ("path", "typo"),
    [
        ("/api/v1/moderation/queue?clase=racist", "clase"),
        ("/api/v1/moderation/audit?lmit=1", "lmit"),
        ("/api/v1/articles/a1/comments?afer=x", "afer"),
    ],
)
def test_a_misspelt_query_parameter_is_refused(
    api: Api, ids: dict[str, str], path: str, typo: str
) -> None:
    """``?clase=racist`` answered the whole queue, unfiltered, as if it had filtered."""
    r = api("GET", path, "moderator")
    assert r.status_code == 400, r.text
    message = r.json()["error"]["message"]
    assert repr(typo) in message and "unknown query parameter" in message


def test_audit_pages_and_filters_through_the_api(api: Api, ids: dict[str, str]) -> None:
    """GET /api/v1/moderation/audit passes before/actor/action/comment_id (session 8): a
    limit alone reached only the newest entries."""
    everything = api("GET", "/api/v1/moderation/audit", "moderator").json()["items"]
    assert len(everything) >= 4
    seen, before = [], None
    while True:
        params = {"limit": 2, **({"before": before} if before else {})}
        body = api("GET", "/api/v1/moderation/audit", "moderator", params=params).json()
        seen += [e["audit_id"] for e in body["items"]]
        if (before := body["next_before"]) is None:
            break
    assert seen == [e["audit_id"] for e in everything]
    mine = api("GET", "/api/v1/moderation/audit", "moderator", params={"comment_id": ids["held"]})
    assert {e["comment_id"] for e in mine.json()["items"]} == {ids["held"]}
    r = api("GET", "/api/v1/moderation/audit", "moderator", params={"before": 0})
    assert r.status_code == 400 and "error" in r.json()
