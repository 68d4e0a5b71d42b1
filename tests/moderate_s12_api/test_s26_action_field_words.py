"""POST /api/v1/comments/{id}/actions without ``action``, or with one not a string, was
refused as "unknown action None" / "unknown action 5", as if an action of that name had
been asked for, where every other field of every moderation body missing or of the wrong
type reads "has no `x` field" / "field `x` must be a string, not int". Now ``action`` is
refused in those words too; the status and code (422 bad_input) are unchanged."""

from __future__ import annotations

import pytest
from s12_api_helpers import Api
from service_more_helpers import ARTICLE, ON_TOPIC


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"note": "n"}, "the action has no `action` field (send one of approve, reject, edit)"),
        ({"action": None, "note": "n"},
         "the action has no `action` field (send one of approve, reject, edit)"),
        ({"action": 5, "note": "n"},
         "the action field `action` must be a string, not int (send one of approve, reject, "
         "edit)"),
        ({"action": "zap", "note": "n"}, "unknown action 'zap' (use one of approve, reject, edit)"),
    ],
)  # fmt: skip
def test_the_action_field_is_refused_as_the_others(
    api: Api, body: dict[str, object], says: str
) -> None:
    assert api("POST", "/api/v1/articles", "moderator", json=ARTICLE).status_code == 201
    record = {"article_id": ARTICLE["id"], "author_name": "Ann Lee", "text": ON_TOPIC}
    comment = api("POST", "/api/v1/comments", "viewer", json=record).json()["id"]
    answer = api("POST", f"/api/v1/comments/{comment}/actions", "moderator", json=body)
    assert answer.status_code == 422
    assert answer.json() == {"error": {"code": "bad_input", "message": says}}
