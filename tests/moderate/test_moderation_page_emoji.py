"""The moderator page marks evidence at the right place after emoji, in a real headless Chromium.

Evidence offsets count code points (Python), JavaScript strings count UTF-16 units: an emoji
before the span shifted the mark by one character per emoji. The server is the one of
test_moderation_page (a module-scoped fixture, so it starts once for this module).
"""

from __future__ import annotations

import httpx
import pytest
from test_moderation_page import CHROMIUM, moderation_page, server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]
__all__ = ["server"]  # the fixture this module's tests use

TEXT = "\U0001f600\U0001f600 Tram news. Councillor John Smith took bribes from the tram builders."


def test_evidence_after_emoji_is_marked_where_it_is(server: tuple[str, str]) -> None:
    url, token = server
    with httpx.Client(
        timeout=60, base_url=url, headers={"Authorization": f"Bearer {token}"}
    ) as client:
        body = {"article_id": "a1", "author_name": "C D", "text": TEXT}
        got = client.post("/api/v1/comments", json=body)
        assert got.status_code == 201 and got.json()["decision"] == "hold"
        span = next(c["evidence"]["span"] for c in got.json()["clauses"] if c["fired"])
        assert TEXT[span["start"] :].startswith("Councillor")
    errors: list[str] = []
    with moderation_page(server, errors) as page:
        item = page.locator("article.item", has_text="Tram news").first
        item.wait_for()
        assert item.locator("mark.evidence").inner_text().startswith("Councillor John Smith")
        assert item.locator(".text").inner_text().startswith("\U0001f600\U0001f600 Tram news.")
    assert errors == []
