"""The moderation API, Perspective endpoint and page, through create_app and ASGITransport."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from moderate_helpers import companions_present, text_policy
from modhelpers import auth as _auth
from modhelpers import role_tokens

from mutewatch.moderate.checks import Moderator
from mutewatch.moderate.service import GatewayAccess, ModerationService

ARTICLE = {
    "id": "a1",
    "title": "City council approves the new tram line",
    "body": "The council voted to fund a tram line from the station to the hospital.",
}
pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    path = tmp_path_factory.mktemp("modweb") / "store.duckdb"
    return path, role_tokens(path)


@pytest.fixture(scope="module")
def app(
    env: tuple[Path, dict[str, str]],
    tmp_path_factory: pytest.TempPathFactory,
    text_moderator: Moderator,
) -> Iterator[object]:
    from mutewatch.web.app import create_app

    application = create_app(
        env[0], cache_dir=tmp_path_factory.mktemp("cache"), refresh_interval=0.2, linger=0.05,
        pseudonym_key="test-key",
    )  # fmt: skip
    if not companions_present():  # the language and name checks land separately
        application.state.moderation_service = ModerationService(
            GatewayAccess(application.state.gateway), text_policy(), text_moderator
        )
    yield application
    application.state.gateway.stop()


async def _article(client: httpx.AsyncClient, env: tuple[Path, dict[str, str]]) -> None:
    r = await client.post("/api/v1/articles", json=ARTICLE, headers=_auth(env, "moderator"))
    assert r.status_code in (200, 201), r.text  # 200: the module's store already had it


async def test_comment_lifecycle(
    client: httpx.AsyncClient, env: tuple[Path, dict[str, str]]
) -> None:
    await _article(client, env)
    r = await client.post(
        "/api/v1/comments",
        json={"article_id": "a1", "author_name": "Ana Silva", "email": "ana@example.org",
              "text": "Councillor John Smith took bribes from the tram builders."},
        headers=_auth(env, "viewer"),
    )  # fmt: skip
    assert r.status_code == 201, r.text
    body = r.json()
    assert set(body) == {"id", "decision", "clauses", "reason"}
    assert body["decision"] == "hold"
    assert all(set(c) == {"clause", "score", "threshold", "fired", "evidence"}
               for c in body["clauses"])  # fmt: skip

    queue = (await client.get("/api/v1/moderation/queue", headers=_auth(env, "moderator"))).json()
    assert body["id"] in [i["id"] for i in queue["items"]]

    r = await client.post(
        f"/api/v1/comments/{body['id']}/actions",
        json={"action": "edit", "text": "Councillor John Smith met the builders.", "note": "n"},
        headers=_auth(env, "moderator"),
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "published"
    history = await client.get(
        f"/api/v1/comments/{body['id']}/history", headers=_auth(env, "admin")
    )
    revisions = history.json()["revisions"]
    assert [x["revision"] for x in revisions] == [1, 2]
    assert revisions[0]["text"].endswith("took bribes from the tram builders.")
    audit = (await client.get("/api/v1/moderation/audit", headers=_auth(env, "moderator"))).json()
    assert any(a["action"] == "edit" and a["actor"] == "moderator1" for a in audit["items"])
    [submitted] = [
        a for a in audit["items"] if a["comment_id"] == body["id"] and a["actor"] == "machine"
    ]
    assert submitted["submitted_by"] == "viewer1"  # who sent it in, beside the machine's decision

    # committed to the main store file (read through the server's single writer)
    service = client._transport.app.state.moderation_service  # type: ignore[attr-defined]
    status = service.access.write(
        lambda con: con.execute(
            "SELECT status, revision FROM mod_comments WHERE comment_id = ?", [body["id"]]
        ).fetchone()
    )
    assert status == ("published", 2)


@pytest.mark.parametrize(
    ("content", "status", "code"),
    [
        (b'{"article_id": "a1", "author_name": "A B", "text": "caf\xe9"}', 422, "bad_input"),
        (b"{not json", 422, "bad_input"),
        (b'{"article_id": "a1", "text": "x"}', 422, "bad_input"),
        (b'{"article_id": "zz", "author_name": "A B", "text": "x"}', 404, "not_found"),
        (json.dumps({"article_id": "a1", "author_name": "A B", "text": "x" * 10001}).encode(),
         422, "bad_input"),
    ],
)  # fmt: skip
async def test_bad_comments_get_4xx_and_store_nothing(
    client: httpx.AsyncClient,
    env: tuple[Path, dict[str, str]],
    app: object,
    content: bytes,
    status: int,
    code: str,
) -> None:
    await _article(client, env)
    service = app.state.moderation_service  # type: ignore[attr-defined]
    count = "SELECT count(*) FROM mod_comments"
    before = service.access.write(lambda con: con.execute(count).fetchone()[0])
    r = await client.post(
        "/api/v1/comments",
        content=content,
        headers={**_auth(env, "viewer"), "Content-Type": "application/json"},
    )
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code
    assert r.json()["error"]["message"]
    assert service.access.write(lambda con: con.execute(count).fetchone()[0]) == before


async def test_roles(client: httpx.AsyncClient, env: tuple[Path, dict[str, str]]) -> None:
    assert (await client.get("/api/v1/moderation/queue")).status_code == 401
    for role in ("viewer", "analyst"):
        r = await client.get("/api/v1/moderation/queue", headers=_auth(env, role))
        assert r.status_code == 403
        r = await client.post("/api/v1/comments/c1/actions", json={"action": "approve", "note": ""},
                              headers=_auth(env, role))  # fmt: skip
        assert r.status_code == 403
    r = await client.post("/api/v1/articles", json=ARTICLE, headers=_auth(env, "analyst"))
    assert r.status_code == 403


async def test_perspective_endpoint(
    client: httpx.AsyncClient, env: tuple[Path, dict[str, str]]
) -> None:
    body = """{comment: {text: "what kind of idiot name is foo?"},
       languages: ["en"],
       requestedAttributes: {TOXICITY:{}} }"""
    r = await client.post(
        f"/v1alpha1/comments:analyze?key={env[1]['viewer']}",
        content=body,
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 200, r.text
    score = r.json()["attributeScores"]["TOXICITY"]["summaryScore"]
    assert score["type"] == "PROBABILITY" and 0 <= score["value"] <= 1
    r = await client.post(
        "/v1alpha1/comments:analyze?key=wrong",
        json={"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {}}},
    )
    error = r.json()["error"]
    assert r.status_code == 400 and (error["code"], error["status"]) == (400, "INVALID_ARGUMENT")
    r = await client.post(
        f"/v1alpha1/comments:analyze?key={env[1]['viewer']}",
        json={"comment": {"text": "hi"}, "requestedAttributes": {"NOPE": {}}},
    )
    assert r.status_code == 400 and r.json()["error"]["status"] == "INVALID_ARGUMENT"


async def test_moderator_page(client: httpx.AsyncClient, env: tuple[Path, dict[str, str]]) -> None:
    r = await client.get("/moderation", headers=_auth(env, "moderator"))
    assert r.status_code == 200
    assert "moderation.js" in r.text and "/static/style.css" in r.text
    js = await client.get("/moderation/moderation.js", headers=_auth(env, "moderator"))
    assert js.status_code == 200 and "textContent" in js.text and "innerHTML" not in js.text
    assert '"text flagged blurred"' in js.text  # flagged text starts blurred
    css = await client.get("/static/style.css", headers=_auth(env, "moderator"))
    assert ".text.blurred { filter: blur(" in css.text
    assert (await client.get("/moderation", headers=_auth(env, "viewer"))).status_code == 403
