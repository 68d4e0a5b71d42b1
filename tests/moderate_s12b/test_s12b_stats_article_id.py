"""``GET /api/v1/moderation/stats?article_id=`` is capped at 200 characters as the queue's
filter is, refused in the same words (it was looked up, and answered 404 "no article ...");
``moderate stats`` shares the check."""

from __future__ import annotations

from pathlib import Path

import pytest
from s12_api_helpers import Api

from mutewatch.errors import UsageError
from mutewatch.moderate.stats import moderation_stats
from mutewatch.store import Store


@pytest.mark.parametrize("path", ["/api/v1/moderation/stats", "/api/v1/moderation/queue"])
def test_an_article_id_over_200_characters_is_refused_alike(served_api: Api, path: str) -> None:
    r = served_api("GET", path, "moderator", params={"article_id": "x" * 201})
    assert r.status_code == 400, r.text[:300]
    error = r.json()["error"]
    assert error["code"] == "bad_request"
    assert (
        "field `article_id` has 201 characters; the limit is 200 (shorten it)" in error["message"]
    ), error


def test_200_characters_are_still_looked_up(served_api: Api) -> None:
    for path in ("/api/v1/moderation/stats", "/api/v1/moderation/queue"):
        r = served_api("GET", path, "moderator", params={"article_id": "x" * 200})
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found", r.text[:200]
    ok = served_api("GET", "/api/v1/moderation/stats", "moderator", params={"article_id": "a1"})
    assert ok.status_code == 200, ok.text[:200]


def test_the_library_refuses_it_too(served_api: Api) -> None:
    served_api.app.state.gateway.stop()  # the store file is read here, not by the app
    refused = pytest.raises(UsageError, match="has 201 characters; the limit is 200")
    with Store.open(Path(served_api.store), read_only=True) as store, refused:
        moderation_stats(store, article_id="y" * 201)
