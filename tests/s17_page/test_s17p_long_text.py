"""A long comment's card on the moderator page (real headless Chromium, real server, real
store).

Found: a comment of 10,000 characters (the default limit) made a card some 2,300 px tall in
a 1280 x 720 window, its Approve and Reject buttons screens below its first line. The text
now scrolls in its own box of at most 18em; its evidence stays marked, and it starts
blurred and is shown with v, as before.
"""

from __future__ import annotations

from typing import Any

from s11p_browser import chromium
from s17p_helpers import HELD, MARKS, Server, clear_queue, clocked_page, hold

pytestmark = MARKS
__all__ = ["chromium"]  # with conftest.py's server: the fixtures the tests use
FILLER = "The tram timetable should be looked at again by the council. "
LONG = HELD + " " + FILLER * ((9_900 - len(HELD)) // len(FILLER))


def test_a_long_comment_scrolls_in_its_card_with_its_buttons_in_reach(
    chromium: Any, server: Server
) -> None:
    clear_queue(server)
    cid = hold(server, LONG)
    errors: list[str] = []
    with clocked_page(chromium, server, errors) as page:
        card = page.locator(f'article.item[data-id="{cid}"]')
        card.focus()
        text = card.locator(".text")
        box = text.evaluate(
            "t => ({scrolls: t.scrollHeight > t.clientHeight + 100, marks: t.querySelectorAll("
            "'mark.evidence').length, blurred: t.classList.contains('blurred')})"
        )
        height = card.bounding_box()["height"]
        button = card.locator('button[data-action="approve"]').bounding_box()
        page.keyboard.press("v")
        shown = "blurred" not in (text.get_attribute("class") or "")
    assert height < 700, height
    assert button["y"] >= 0 and button["y"] + button["height"] <= 720, button
    assert box == {"scrolls": True, "marks": 1, "blurred": True}
    assert shown
    assert errors == []
