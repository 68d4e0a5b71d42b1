"""The moderator page refreshes its queue (real headless Chromium, real server, real store).

Found: the queue was loaded when the page opened, after an action and on the appeals
toggle, never otherwise: a page left on "The queue is empty." never showed a newly held
comment until it was reloaded; and j on an empty queue set the selection to -1, so a comment
arriving later was not selected and a did nothing. The page now asks again every 15 s while
the tab is visible, keeping the reviewer's place: the selected card stays selected and
focused, text the reviewer chose to read stays unblurred, and an open note dialog is left
alone.
"""

from __future__ import annotations

from typing import Any

from s11p_browser import chromium
from s17p_helpers import MARKS, Server, clear_queue, clocked_page, hold, refresh

pytestmark = MARKS
__all__ = ["chromium"]  # with conftest.py's server: the fixtures the tests use
OPEN = "document.getElementById('act-dialog').open"
FOCUS = "document.activeElement && (document.activeElement.id || document.activeElement.dataset.id)"


def _blurred(page: Any, cid: str) -> bool:
    text = page.locator(f'article.item[data-id="{cid}"] .text')
    return "blurred" in (text.get_attribute("class") or "")


def test_an_empty_queue_shows_a_comment_held_later_selected(chromium: Any, server: Server) -> None:
    clear_queue(server)
    errors: list[str] = []
    with clocked_page(chromium, server, errors) as page:
        page.locator("#queue").filter(has_text="The queue is empty.").wait_for()
        page.keyboard.press("j")  # on nothing: the selection stays a valid place
        cid = hold(server)
        refresh(page)
        card = page.locator(f'article.item[data-id="{cid}"]')
        card.wait_for(timeout=30_000)
        assert "current" in (card.get_attribute("class") or "")
        page.keyboard.press("a")
        assert page.evaluate(OPEN)
        assert page.locator("#act-title").inner_text() == f"Approve {cid}"
        page.keyboard.press("Escape")
    assert errors == []


def test_a_refresh_keeps_the_place_the_read_text_and_an_open_dialog(
    chromium: Any, server: Server
) -> None:
    clear_queue(server)
    first, second = hold(server), hold(server)
    errors: list[str] = []
    with clocked_page(chromium, server, errors) as page:
        page.locator(f'article.item[data-id="{second}"]').wait_for()
        page.locator(f'article.item[data-id="{first}"]').focus()
        page.keyboard.press("j")
        page.keyboard.press("v")  # the reviewer reads the second comment
        third = hold(server)
        refresh(page)
        page.locator(f'article.item[data-id="{third}"]').wait_for(timeout=30_000)
        place = {
            "focus": page.evaluate(FOCUS),
            "current": page.locator("article.item.current").get_attribute("data-id"),
            "blurred": [_blurred(page, c) for c in (first, second, third)],
        }
        assert place == {"focus": second, "current": second, "blurred": [True, False, True]}
        page.keyboard.press("r")
        page.fill("#act-note", "half written")
        fourth = hold(server)
        refresh(page)
        page.wait_for_timeout(500)
        assert page.evaluate(OPEN) and page.input_value("#act-note") == "half written"
        assert page.locator("#act-title").inner_text() == f"Reject {second}"
        page.keyboard.press("Escape")
        refresh(page)  # the dialog closed: the next refresh shows the fourth
        page.locator(f'article.item[data-id="{fourth}"]').wait_for(timeout=30_000)
        assert page.evaluate(FOCUS) == second and not _blurred(page, second)
    assert errors == []
