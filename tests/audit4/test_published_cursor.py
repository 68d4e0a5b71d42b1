"""Paging an article's published comments while moderators act: the ``after`` cursor (the
last id of the page before) neither repeats nor skips a comment, as offsets do."""

from __future__ import annotations

from typing import Any

import pytest
from appeal_helpers import post
from service_more_helpers import ARTICLE, ON_TOPIC, fresh_text

from mutewatch.errors import NotFoundError
from mutewatch.moderate.service import ModerationService

COMMENT = {"author_name": "Ana Silva", "text": ON_TOPIC}


def _comment() -> dict[str, str]:
    """A comment on a1 that the service publishes (a new text: not a copy)."""
    return {**COMMENT, "article_id": "a1", "text": fresh_text(ON_TOPIC)}


def _ids(page: dict[str, object]) -> list[str]:
    items = page["items"]
    assert isinstance(items, list)
    return [str(i["id"]) for i in items]


def test_offset_repeats_a_comment_when_an_earlier_one_is_approved(
    service: ModerationService,
) -> None:
    """Reproduction (why the cursor): the held c1 is approved between page 1 and page 2;
    page 2 by offset repeats page 1's last comment."""
    held = post(service, "hold")
    shown = [post(service, "publish") for _ in range(4)]
    first = service.published_comments("a1", limit=2)
    service.act(held, {"action": "approve", "note": "fine"}, "mod1")
    by_offset = service.published_comments("a1", limit=2, offset=2)
    assert _ids(first)[-1] in _ids(by_offset)  # offsets shift: what the cursor is for
    assert first["next_after"] == shown[1]
    by_cursor = service.published_comments("a1", limit=2, after=str(first["next_after"]))
    assert _ids(by_cursor) == shown[2:4]
    assert by_cursor["next_after"] is None  # the last page


def test_cursor_survives_its_comment_being_rejected(service: ModerationService) -> None:
    shown = [post(service, "publish") for _ in range(4)]
    first = service.published_comments("a1", limit=2)
    service.act(shown[1], {"action": "reject", "note": "off topic after all"}, "mod1")
    rest = service.published_comments("a1", limit=2, after=str(first["next_after"]))
    assert _ids(rest) == shown[2:4]


def test_cursor_of_another_article_or_unknown_is_not_found(service: ModerationService) -> None:
    post(service, "publish")
    service.add_article({"id": "a2", "title": "Other", "body": "Other body."}, actor="t")
    with pytest.raises(NotFoundError, match="`after`"):
        service.published_comments("a2", after="c1")
    with pytest.raises(NotFoundError, match="`after`"):
        service.published_comments("a1", after="c999")


def test_web_pages_by_cursor(api: Any) -> None:
    """Through the app: ``?after=`` follows ``next_after``; a bad cursor is a 404."""
    assert api("POST", "/api/v1/articles", "moderator", json=ARTICLE).status_code == 201
    posted = [
        api("POST", "/api/v1/comments", "viewer", json=_comment()).json()["id"] for _ in range(3)
    ]
    url = "/api/v1/articles/a1/comments?limit=2"
    first = api("GET", url, "viewer").json()
    assert first["next_after"] is not None
    rest = api("GET", f"{url}&after={first['next_after']}", "viewer").json()
    seen = [i["id"] for i in first["items"] + rest["items"]]
    assert set(posted) <= set(seen) and len(seen) == len(set(seen))
    assert rest["next_after"] is None
    assert api("GET", f"{url}&after=c99999", "viewer").status_code == 404
