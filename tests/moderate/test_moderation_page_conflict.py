"""The moderator page sends what its moderator saw, so acting on a comment another moderator
decided meanwhile is refused and said on the page, in a real headless Chromium. The server is
the one of test_moderation_page (a module-scoped fixture: one held comment, c1).
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


def test_page_refuses_to_override_another_moderators_decision(server: tuple[str, str]) -> None:
    url, token = server
    errors: list[str] = []
    with (
        moderation_page(server, errors, refresh=False) as page,  # the page must not see the reject
        httpx.Client(timeout=60, base_url=url, headers={"Authorization": f"Bearer {token}"}) as api,
    ):
        item = page.locator("article.item").first
        item.wait_for()
        comment_id = item.get_attribute("data-id") or "c1"
        r = api.post(
            f"/api/v1/comments/{comment_id}/actions",
            json={"action": "reject", "note": "rejected in another tab"},
        )
        assert r.status_code == 200 and r.json()["status"] == "rejected"
        page.keyboard.press("a")
        page.locator("#act-dialog[open]").wait_for()  # the note is asked in the page
        page.fill("#act-note", "approved on the page")
        page.press("#act-note", "Enter")
        status = page.locator("#status")
        status.filter(has_text="changed since it was read").wait_for()
        assert "is rejected at revision 1" in status.inner_text()
        assert (
            api.get(f"/api/v1/comments/{comment_id}/history").json()["decisions"][-1]["decision"]
            == "reject"
        )
    assert errors == []
