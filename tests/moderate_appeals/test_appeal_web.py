"""Appeals and author records through the app (in-process, ``httpx.ASGITransport``)."""

from __future__ import annotations

import pytest
from appeal_helpers import TEXTS
from service_more_helpers import ARTICLE
from test_web_more import Api

NOTE = "My comment is about the tram."


@pytest.fixture(scope="module", autouse=True)
def article(api: Api) -> None:
    """Article a1 in the app of test_web_more's ``api`` fixture (a store of its own)."""
    assert api("POST", "/api/v1/articles", "moderator", json=ARTICLE).status_code == 201


def _post(api: Api, decision: str, email: str = "ana@example.org") -> str:
    body = {"article_id": "a1", "author_name": "Ana Silva", "email": email,
            "text": TEXTS[decision]}  # fmt: skip
    r = api("POST", "/api/v1/comments", "viewer", json=body)
    assert r.status_code == 201 and r.json()["decision"] == decision, r.text
    return str(r.json()["id"])


def test_appeal_by_the_submitter(api: Api) -> None:
    cid = _post(api, "reject")
    status = api("GET", f"/api/v1/comments/{cid}", "viewer").json()
    assert (status["automated"], status["appealed"]) == (True, False)
    assert f"POST /api/v1/comments/{cid}/appeal" in status["how_to_appeal"]
    for role in ("analyst", "moderator", "admin"):  # did not submit it
        r = api("POST", f"/api/v1/comments/{cid}/appeal", role, json={"note": NOTE})
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found", r.text
    assert (
        api("POST", f"/api/v1/comments/{cid}/appeal", None, json={"note": NOTE}).status_code == 401
    )
    r = api("POST", f"/api/v1/comments/{cid}/appeal", "viewer", json={"note": NOTE})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["appeal"]["note"]) == ("held", NOTE)
    assert r.json()["appeal"]["at"].endswith("Z")
    r = api("POST", f"/api/v1/comments/{cid}/appeal", "viewer", json={"note": NOTE})
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict"
    assert "already appealed" in r.json()["error"]["message"]
    status = api("GET", f"/api/v1/comments/{cid}", "viewer").json()
    assert (status["status"], status["appealed"], status["how_to_appeal"]) == ("held", True, None)
    queue = api("GET", "/api/v1/moderation/queue?appeal=true", "moderator").json()
    [item] = [i for i in queue["items"] if i["id"] == cid]
    assert item["appeal"]["note"] == NOTE and item["author_record"]["matched_on"] == "email"
    assert all(i["appeal"] for i in queue["items"])
    verify = api("GET", "/api/v1/moderation/audit/verify", "moderator").json()
    assert verify["intact"] is True


def test_moderator_decision_and_published_are_409(api: Api) -> None:
    held, shown = _post(api, "hold"), _post(api, "publish")
    r = api("POST", f"/api/v1/comments/{held}/actions", "moderator",
            json={"action": "reject", "note": "unsourced"})  # fmt: skip
    assert r.status_code == 200, r.text
    for cid, words in ((held, "final"), (shown, "nothing to appeal")):
        r = api("POST", f"/api/v1/comments/{cid}/appeal", "viewer", json={"note": NOTE})
        assert r.status_code == 409 and words in r.json()["error"]["message"], r.text


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"{not json", 422),
        (b'{"note": ""}', 422),
        (b"{}", 422),
        (b'{"note": "\\ud800"}', 422),
        (b'\xff{"note": "x"}', 422),
    ],
)
def test_bad_appeal_bodies(api: Api, body: bytes, code: int) -> None:
    cid = _post(api, "reject", email="bo@example.org")
    r = api("POST", f"/api/v1/comments/{cid}/appeal", "viewer", content=body)
    assert r.status_code == code, r.text
    assert (
        set(r.json()["error"]) >= {"code", "message"} and r.json()["error"]["code"] == "bad_input"
    )
    status = api("GET", f"/api/v1/comments/{cid}", "viewer").json()
    assert (status["status"], status["appealed"]) == ("rejected", False)


def test_queue_appeal_filter_refuses_nonsense(api: Api) -> None:
    r = api("GET", "/api/v1/moderation/queue?appeal=maybe", "moderator")
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_request"
    assert api("GET", "/api/v1/moderation/queue?appeal=true", "viewer").status_code == 403
