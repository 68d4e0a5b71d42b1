"""The flagged text's show/hide toggle says its state to a screen reader (aria-pressed).

Found: a flagged comment's text is a toggle button (role button: a click, Enter or Space,
or v, shows or blurs it) with no aria-pressed, so a screen reader said "button" and never
whether the text was now shown or blurred. Now aria-pressed is "true" while the text is
shown and "false" while it is blurred, in step with the blur however it changed: a click,
Enter, Space, v (the card's text and its history's together), the history opened as read,
and a refresh that keeps a read text read. Real headless Chromium, real server, real store."""

from __future__ import annotations

from typing import Any

from s11p_browser import chromium
from s17m_helpers import DEFAMATORY, Live
from s17p_helpers import MARKS, refresh
from s18m_page import empty_queue, moderator_page

pytestmark = MARKS
__all__ = ["chromium"]
STATES = """boxes => boxes.map(t => [t.classList.contains('blurred') ? 'blurred' : 'shown',
  t.getAttribute('aria-pressed'), t.getAttribute('role')])"""


def held(live: Live, text: str) -> str:
    r = live.submit(text)
    assert r.status_code == 201 and r.json()["decision"] == "hold", r.text
    return str(r.json()["id"])


def test_aria_pressed_follows_every_way_of_toggling_the_blur(chromium: Any, live: Live) -> None:
    empty_queue(live)
    comment = held(live, DEFAMATORY)
    errors: list[str] = []
    seen: dict[str, Any] = {}
    with moderator_page(chromium, live, errors) as page:
        text = page.locator(f'article.item[data-id="{comment}"] .text')

        def note(step: str, where: str = f'article.item[data-id="{comment}"] .text') -> None:
            seen[step] = page.locator(where).evaluate_all(STATES)

        note("opened")
        text.click()
        note("clicked")
        text.click()
        note("clicked again")
        text.focus()
        page.keyboard.press("Enter")
        note("Enter")
        page.keyboard.press(" ")
        note("Space")
        page.locator(f'article.item[data-id="{comment}"]').focus()
        page.keyboard.press("v")
        note("v")
        page.keyboard.press("h")  # the history opens as read, as the card is
        page.locator("#history .text").first.wait_for()
        note("history", "#history .text")
        page.keyboard.press("v")  # both blurred again
        note("v card", f'article.item[data-id="{comment}"] .text')
        note("v history", "#history .text")
        page.keyboard.press("v")
        page.keyboard.press("Escape")
        held(live, DEFAMATORY + " Again.")  # the queue changes: the refresh renders it again
        refresh(page)
        page.locator("article.item").nth(1).wait_for()
        note("refreshed")
    shown, blurred = ["shown", "true", "button"], ["blurred", "false", "button"]
    assert seen == {
        "opened": [blurred], "clicked": [shown], "clicked again": [blurred], "Enter": [shown],
        "Space": [blurred], "v": [shown], "history": [shown], "v card": [blurred],
        "v history": [blurred], "refreshed": [shown],
    }  # fmt: skip
    assert errors == []
