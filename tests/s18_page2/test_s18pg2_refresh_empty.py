"""The queue's refresh keeps the keyboard on the queue when it was on 'The queue is empty.'.

Found: the last comment decided leaves the focus on the words 'The queue is empty.' (so that
the keyboard stays in the queue, c55d53d); a comment held meanwhile came in with the 15 s
refresh, which drew the queue again and took those words away with the focus on them: the
focus fell to the page's body, a screen reader said nothing of the new comment, and in
"only in the queue" mode no single-key shortcut acted until the reviewer clicked or
tabbed back. Now the focus goes to the comment that came in (or to the words again).
Real headless Chromium, real server, real store; the page's clock moved by the test."""

from __future__ import annotations

from typing import Any

from s11p_browser import chromium
from s17m_helpers import DEFAMATORY, Live
from s17p_helpers import MARKS, hold, refresh
from s18m_page import as_server, empty_queue, moderator_page
from s18pg2_helpers import FOCUSED

pytestmark = MARKS
__all__ = ["chromium"]


def test_a_comment_coming_into_an_empty_queue_takes_the_focus(chromium: Any, live: Live) -> None:
    empty_queue(live)
    last = hold(as_server(live), DEFAMATORY)
    errors: list[str] = []
    with moderator_page(chromium, live, errors) as page:
        page.locator("#shortcuts").select_option("queue")
        page.locator(f'article.item[data-id="{last}"]').focus()
        page.keyboard.press("r")
        page.locator("#act-note").fill("cleared")
        page.keyboard.press("Enter")
        page.locator("#status").filter(has_text=f"Rejected {last}").wait_for()
        on_empty = page.evaluate("document.activeElement.className")
        came = hold(as_server(live), f"{DEFAMATORY} Again.")
        refresh(page)
        page.locator(f'article.item[data-id="{came}"]').wait_for()
        after = page.evaluate(FOCUSED)
        page.keyboard.press("v")  # "only in the queue": acts only with the focus in the queue
        shown = page.locator(f'article.item[data-id="{came}"] .text').get_attribute("aria-pressed")
    assert "queue-empty" in on_empty
    assert (after, shown) == (came, "true")
    assert errors == []
