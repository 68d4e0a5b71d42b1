"""The queue's refresh leaves the comment the reviewer is on where it was in the window.

Found: deep in a queue, with the page scrolled to the selected comment, its text shown and
its box scrolled, another moderator decided a comment above it; the 15 s refresh drew the
queue anew (the browser's scroll anchoring had nothing left to hold on to) and the card the
reviewer was reading jumped up the window by the height of the card gone above it. Now the
page scrolls with it: the card stays put, its text shown and its box where it was. Real
headless Chromium, real server, real store; the page's clock moved by the test."""

from __future__ import annotations

from typing import Any

from s11p_browser import chromium
from s17m_helpers import DEFAMATORY, Live
from s17p_helpers import MARKS, hold, refresh
from s18m_page import as_server, empty_queue, moderator_page

pytestmark = MARKS
__all__ = ["chromium"]
FILLER = "The tram timetable should be looked at again by the council. "
PLACE = """card => [card.getBoundingClientRect().top, card.querySelector('.text').scrollTop,
  card.querySelector('.text').getAttribute('aria-pressed'),
  card.contains(document.activeElement)]"""


def test_a_card_decided_above_does_not_move_the_one_being_read(chromium: Any, live: Live) -> None:
    empty_queue(live)
    server = as_server(live)
    texts = [FILLER * (60 if n % 3 == 0 else 1) + f"{DEFAMATORY} N{n}." for n in range(16)]
    ids = [hold(server, text) for text in texts]
    errors: list[str] = []
    with moderator_page(chromium, live, errors) as page:
        page.locator(f'article.item[data-id="{ids[0]}"]').focus()
        for _ in range(12):
            page.keyboard.press("j")
        card = page.locator(f'article.item[data-id="{ids[12]}"]')
        page.keyboard.press("v")
        card.locator(".text").evaluate("box => { box.scrollTop = 120; }")
        before = card.evaluate(PLACE)
        y = page.evaluate("window.scrollY")
        got = live.call("POST", f"/api/v1/comments/{ids[3]}/actions", "mod2",
                        json={"action": "reject", "note": "decided elsewhere"})  # fmt: skip
        assert got.status_code == 200, got.text
        refresh(page)
        page.locator(f'article.item[data-id="{ids[3]}"]').wait_for(state="detached")
        after = card.evaluate(PLACE)
        moved = y - page.evaluate("window.scrollY")
    assert y > 0 and before[0] > 0
    assert abs(after[0] - before[0]) < 1  # the window scrolls by whole pixels
    assert after[1:] == before[1:] == [120, "true", True]
    assert moved > 200  # the page scrolled up by the decided card's height (a long one)
    assert errors == []
