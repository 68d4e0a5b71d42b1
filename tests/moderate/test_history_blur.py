"""The moderator page's history panel blurs flagged text, in a real headless Chromium.

The server (a held comment naming a person, with allegations) is the one of
test_moderation_page; a module-scoped fixture, it starts once for this module.
"""

from __future__ import annotations

import pytest
from test_moderation_page import CHROMIUM, moderation_page, server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]
__all__ = ["server"]  # the fixture this module's tests use


def _blurred(locator: object) -> bool:
    return "blurred" in (locator.get_attribute("class") or "")  # type: ignore[attr-defined]


def test_history_blurs_flagged_revisions_until_read(server: tuple[str, str]) -> None:
    errors: list[str] = []
    with moderation_page(server, errors) as page:
        card = page.locator("article.item").first
        card.wait_for()
        page.keyboard.press("h")
        revision = page.locator("#history .text").first
        revision.wait_for()
        assert "Councillor John Smith" in revision.inner_text()
        assert _blurred(revision), "the held revision is shown in clear in the history"
        assert revision.locator("mark.evidence").inner_text().startswith("Councillor John Smith")
        revision.click()  # the same reveal as the queue: click to read, click to hide
        assert not _blurred(revision)
        revision.click()
        assert _blurred(revision)
        revision.focus()
        page.keyboard.press("Enter")
        assert not _blurred(revision)
        page.keyboard.press("Enter")
        assert _blurred(revision) and _blurred(card.locator(".text"))
        page.keyboard.press("v")  # v reads the selected comment, in the queue and its history
        assert not _blurred(card.locator(".text")) and not _blurred(revision)
        page.keyboard.press("v")
        assert _blurred(card.locator(".text")) and _blurred(revision)
    assert errors == []
