"""An article id written as a site path ("2026/11/30/tram-line") is accepted when the article
is added and when comments are submitted to it, so its published comments are listed at
``/api/v1/articles/{id}/comments`` too, where the route used to answer 404 for any id that
held a slash."""

from __future__ import annotations

from pathlib import Path

import pytest
from s16m_helpers import ARTICLE, ON_TOPIC, built_api

from mutewatch.moderate.checks import Moderator


@pytest.mark.parametrize("article_id", ["2026/11/30/tram-line", "news/", "a//b"])
def test_published_comments_of_an_article_id_with_slashes(
    tmp_path: Path, moderator: Moderator, article_id: str
) -> None:
    with built_api(tmp_path, moderator) as api:
        added = api("POST", "/api/v1/articles", "moderator", json={**ARTICLE, "id": article_id})
        assert added.status_code == 201, added.text
        comment = {"article_id": article_id, "author_name": "Ana Silva", "text": ON_TOPIC}
        sent = api("POST", "/api/v1/comments", "viewer", json=comment)
        assert sent.status_code == 201 and sent.json()["decision"] == "publish", sent.text

        listed = api("GET", f"/api/v1/articles/{article_id}/comments", "viewer")
        assert listed.status_code == 200, listed.text
        assert listed.json()["article_id"] == article_id
        assert [c["id"] for c in listed.json()["items"]] == [sent.json()["id"]]


def test_an_unknown_article_with_a_slash_is_still_404(tmp_path: Path, moderator: Moderator) -> None:
    with built_api(tmp_path, moderator) as api:
        missing = api("GET", "/api/v1/articles/2026/no-such/comments", "viewer")
        assert missing.status_code == 404
        assert "2026/no-such" in missing.json()["error"]["message"]
