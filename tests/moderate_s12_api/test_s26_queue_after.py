"""The moderation queue paged by ``offset`` only: a moderator (or a newsroom tool) working
through it page by page, deciding each page's comments, skipped as many held comments as
it had decided (c1-c5 held, c1 and c2 approved: ``offset=2`` gave c5, never c3 or c4),
while the published list (``after``) and the audit log (``before``) had a cursor. Now the
queue answers ``next_after`` and takes ``after``, as the published list does."""

from __future__ import annotations

from s12_api_helpers import Api
from service_more_helpers import ARTICLE

NAMES = ("John Smith", "Mary Jones", "Peter Brown", "Anna White", "Tom Green")


def _held(api: Api) -> list[str]:
    """Five comments the machine holds (each names a councillor taking bribes)."""
    assert api("POST", "/api/v1/articles", "moderator", json=ARTICLE).status_code == 201
    ids = []
    for name in NAMES:
        text = f"Councillor {name} took bribes from the tram builders."
        record = {"article_id": ARTICLE["id"], "author_name": "Ann Lee", "text": text}
        answer = api("POST", "/api/v1/comments", "viewer", json=record).json()
        assert answer["decision"] == "hold", answer
        ids.append(answer["id"])
    return ids


def _page(api: Api, query: str) -> tuple[list[str], str | None, int]:
    answer = api("GET", f"/api/v1/moderation/queue?{query}", "moderator")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    return [item["id"] for item in body["items"]], body.get("next_after"), body["total"]


def test_after_pages_on_past_the_comments_decided_since(api: Api) -> None:
    c1, c2, c3, c4, c5 = _held(api)
    first, next_after, total = _page(api, "limit=2")
    assert (first, next_after, total) == ([c1, c2], c2, 5)
    for comment in first:
        act = {"action": "approve", "note": "fair comment"}
        assert api("POST", f"/api/v1/comments/{comment}/actions", "moderator", json=act).is_success
    assert _page(api, f"limit=2&after={next_after}") == ([c3, c4], c4, 3)
    assert _page(api, f"limit=2&after={c4}") == ([c5], None, 3)
    assert _page(api, "limit=2&offset=2")[0] == [c5]  # the offset's meaning is unchanged


def test_a_bad_after_is_refused(api: Api) -> None:
    _held(api)
    unknown = api("GET", "/api/v1/moderation/queue?after=c99", "moderator")
    assert unknown.status_code == 404 and "after" in unknown.json()["error"]["message"]
    empty = api("GET", "/api/v1/moderation/queue?after=", "moderator")
    assert empty.status_code == 400 and "after" in empty.json()["error"]["message"]
