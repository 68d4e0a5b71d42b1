"""Back on a card, its comment box stays where the reviewer scrolled it.

Found: a long comment's box is scrolled to its first evidence mark when its card is
selected (session 18); moving away and back (j, then k) scrolled it to the mark again each
time, and the context the reviewer had scrolled up to read was gone. Now the box is
scrolled to its evidence the first time its card is selected (or when its text changes),
and afterwards keeps the reviewer's scroll. Real headless Chromium, real server, real store."""

from __future__ import annotations

from typing import Any

from s11p_browser import chromium
from s17m_helpers import DEFAMATORY, Live
from s17p_helpers import MARKS
from s18m_page import empty_queue, moderator_page

pytestmark = MARKS
__all__ = ["chromium"]
FILLER = "The tram timetable should be looked at again by the council. "
LONG = FILLER * ((9_000 - len(DEFAMATORY)) // len(FILLER)) + DEFAMATORY  # flagged at the end
TOP = "card => card.querySelector('.text.capped').scrollTop"
FOCUSED = "() => (document.activeElement.closest('article.item') || {dataset: {}}).dataset.id"


def submit(live: Live, text: str, name: str) -> str:
    r = live.call("POST", "/api/v1/comments", "reader",
                  json={"article_id": "a1", "author_name": name, "text": text})  # fmt: skip
    assert r.status_code == 201 and r.json()["decision"] == "hold", r.text
    return str(r.json()["id"])


def test_j_then_k_keeps_the_scroll_the_reviewer_chose(chromium: Any, live: Live) -> None:
    empty_queue(live)
    first = submit(live, LONG, "Ana Silva")
    second = submit(live, LONG + " Again.", "Ben Ode")
    errors: list[str] = []
    with moderator_page(chromium, live, errors) as page:
        one = page.locator(f'article.item[data-id="{first}"]')
        two = page.locator(f'article.item[data-id="{second}"]')
        opened = one.evaluate(TOP)  # selected when the page opened: at its evidence
        one.locator(".text").evaluate("box => { box.scrollTop = 120; }")  # reading the context
        one.focus()
        page.keyboard.press("j")
        at_two = two.evaluate(TOP)  # newly selected: at its evidence
        two.locator(".text").evaluate("box => { box.scrollTop = 0; }")
        page.keyboard.press("k")
        back = one.evaluate(TOP)
        focused_back = page.evaluate(FOCUSED)
        page.keyboard.press("j")
        again = two.evaluate(TOP)
        focused_again = page.evaluate(FOCUSED)
    assert opened > 1000 and at_two > 1000  # the evidence shown, the first time each
    assert back == 120  # where the reviewer left it, not at the mark again
    assert again == 0
    assert (focused_back, focused_again) == (first, second)  # the keyboard went along
    assert errors == []
