"""Escape from the side panel: the status says where the keyboard went.

Found: h moves the focus to the history and the status (a live region) says "History of …
shown: Escape goes back to the queue"; Escape took the focus back to the comment, but the
status went on saying the history was shown, so a screen reader heard nothing of the
move. Now it says "Back in the queue on <id> (n of N)", from the history and from the
audit log's filter alike. Real headless Chromium, real server, real store."""

from __future__ import annotations

from typing import Any

from s11p_browser import chromium
from s17m_helpers import DEFAMATORY, Live
from s17p_helpers import MARKS
from s18m_page import empty_queue, moderator_page

pytestmark = MARKS
__all__ = ["chromium"]
FOCUSED = "() => (document.activeElement.closest('article.item') || {dataset: {}}).dataset.id"


def test_escape_says_the_focus_is_back_on_the_comment(chromium: Any, live: Live) -> None:
    empty_queue(live)
    ids = []
    for n in range(3):
        r = live.submit(f"{DEFAMATORY} Number {n}.")
        assert r.status_code == 201 and r.json()["decision"] == "hold", r.text
        ids.append(str(r.json()["id"]))
    errors: list[str] = []
    with moderator_page(chromium, live, errors) as page:
        page.locator(f'article.item[data-id="{ids[0]}"]').focus()
        page.keyboard.press("j")
        page.keyboard.press("h")
        page.locator("#status").filter(has_text=f"History of {ids[1]} shown").wait_for()
        page.keyboard.press("Escape")
        from_history = (page.locator("#status").inner_text(), page.evaluate(FOCUSED))
        page.keyboard.press("j")
        page.locator("#audit-actor").focus()
        page.keyboard.press("Escape")
        from_filter = (page.locator("#status").inner_text(), page.evaluate(FOCUSED))
    assert from_history == (f"Back in the queue on {ids[1]} (2 of 3)", ids[1])
    assert from_filter == (f"Back in the queue on {ids[2]} (3 of 3)", ids[2])
    assert errors == []
