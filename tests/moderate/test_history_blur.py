"""The moderator page's history panel blurs flagged text, in a real headless Chromium.

The server (a held comment naming a person, with allegations) is the one of
test_moderation_page; a module-scoped fixture, it starts once for this module.
"""

from __future__ import annotations

import pytest
from test_moderation_page import ARGS, CHROMIUM, server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]
__all__ = ["server"]  # the fixture this module's tests use


def _blurred(locator: object) -> bool:
    return "blurred" in (locator.get_attribute("class") or "")  # type: ignore[attr-defined]


def test_history_blurs_flagged_revisions_until_read(server: tuple[str, str]) -> None:
    from playwright.sync_api import sync_playwright

    url, token = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(extra_http_headers={"Authorization": f"Bearer {token}"})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{url}/moderation")
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
        browser.close()
    assert errors == []
