"""A bad query parameter text (empty, only spaces, too long) is a 400 naming the parameter
on every moderation route, as the stats answered it: the queue's ``?article_id=`` was a 422
about "the article field `id`", the page's ``?after=`` one about "the comment field `id`",
fields nobody sent, and the audit filters answered 422."""

from __future__ import annotations

import pytest
from s12_api_helpers import Api

ARTICLE = {"id": "a1", "title": "Tram line", "body": "The council voted to fund a tram line."}


@pytest.mark.parametrize(
    ("path", "role", "name"),
    [
        ("/api/v1/moderation/stats?article_id=", "moderator", "article_id"),
        ("/api/v1/moderation/queue?article_id=", "moderator", "article_id"),
        ("/api/v1/moderation/queue?article_id=%20%20", "moderator", "article_id"),
        (f"/api/v1/moderation/queue?article_id={'x' * 201}", "moderator", "article_id"),
        ("/api/v1/articles/a1/comments?after=", "viewer", "after"),
        ("/api/v1/moderation/audit?actor=", "moderator", "actor"),
        ("/api/v1/moderation/audit?action=%20", "moderator", "action"),
        ("/api/v1/moderation/audit?comment_id=", "moderator", "comment_id"),
    ],
)
def test_a_bad_query_text_is_a_400_naming_the_parameter(
    api: Api, path: str, role: str, name: str
) -> None:
    assert api("POST", "/api/v1/articles", "moderator", json=ARTICLE).status_code == 201
    r = api("GET", path, role)
    assert r.status_code == 400, (path, r.status_code, r.text[:300])
    error = r.json()["error"]
    assert error["code"] == "bad_request", error
    assert name in error["message"] and "field `id`" not in error["message"], error
