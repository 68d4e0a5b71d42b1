"""A long comment's first evidence mark is in view on the moderator page.

Found: a comment of some 9,000 characters scrolls in its own box of at most 18em (session
17) that opened at its top; its flagged span, near the end, was screens below the box's
fold, and the reviewer who selected the card, or lifted its blur to read it, saw none of
what was flagged. Now the box (not the page) scrolls so that its first evidence mark is in
view when its card is selected (the page opens on it, j, Tab, a click) and when its text is
shown (v, a click). Real headless Chromium, real server, real store."""

from __future__ import annotations

from typing import Any

from s11p_browser import chromium
from s17m_helpers import DEFAMATORY, ON_TOPIC, Live
from s17p_helpers import MARKS
from s18m_page import empty_queue, moderator_page

pytestmark = MARKS
__all__ = ["chromium"]
FILLER = "The tram timetable should be looked at again by the council. "
LONG = FILLER * ((9_000 - len(DEFAMATORY)) // len(FILLER)) + DEFAMATORY  # flagged at the end

# where the card's first mark is: inside its box's visible part, and the page's scroll
IN_VIEW = """card => {
  const box = card.querySelector('.text.capped');
  const mark = box.querySelector('mark.evidence');
  const b = box.getBoundingClientRect(), m = mark.getBoundingClientRect();
  return {inView: m.top >= b.top && m.bottom <= b.bottom, scrolled: box.scrollTop > 0,
          cardBottom: Math.round(card.getBoundingClientRect().bottom),
          windowHeight: window.innerHeight,
          scrolls: box.scrollHeight > 3 * box.clientHeight, pageY: window.scrollY,
          offset: Array.from(box.textContent).indexOf('C', 8000)};
}"""


def submit(live: Live, text: str, name: str = "Ana Silva") -> str:
    r = live.call("POST", "/api/v1/comments", "reader",
                  json={"article_id": "a1", "author_name": name, "text": text})  # fmt: skip
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def test_the_page_opens_with_the_long_comments_evidence_in_view(chromium: Any, live: Live) -> None:
    empty_queue(live)
    long = submit(live, LONG)
    errors: list[str] = []
    with moderator_page(chromium, live, errors) as page:
        card = page.locator(f'article.item[data-id="{long}"]')
        seen = card.evaluate(IN_VIEW)
        text = card.locator(".text")
        blurred = "blurred" in (text.get_attribute("class") or "")
    del seen["cardBottom"], seen["windowHeight"]
    assert seen == {"inView": True, "scrolled": True, "scrolls": True, "pageY": 0,
                    "offset": len(LONG) - len(DEFAMATORY)}  # fmt: skip
    assert blurred  # still blurred: shown where it is, not read for the reviewer
    assert errors == []


def test_j_and_v_bring_the_evidence_into_view_without_moving_the_page(
    chromium: Any, live: Live
) -> None:
    empty_queue(live)
    first = submit(live, DEFAMATORY)  # short, held, selected when the page opens
    long = submit(live, LONG)
    errors: list[str] = []
    with moderator_page(chromium, live, errors) as page:
        card = page.locator(f'article.item[data-id="{long}"]')
        before = card.evaluate(IN_VIEW)
        page.locator(f'article.item[data-id="{first}"]').focus()
        page.keyboard.press("j")
        selected = card.evaluate(IN_VIEW)
        # the reviewer scrolls back to the top, then shows the text with v
        card.locator(".text").evaluate("box => { box.scrollTop = 0; }")
        page.keyboard.press("v")
        shown = card.evaluate(IN_VIEW)
        # the text's own click hides it and shows it again: the mark is brought back too
        card.locator(".text").evaluate("box => { box.scrollTop = 0; }")
        card.locator(".text").click()
        card.locator(".text").click()
        clicked = card.evaluate(IN_VIEW)
        current = page.evaluate("document.activeElement.closest('article.item').dataset.id")
    assert (before["inView"], before["scrolled"]) == (False, False)  # not selected: left alone
    # j scrolls the page as before, just enough to show the whole card (its bottom at the
    # window's); the box's scroll moves it no further, and v and the clicks not at all
    assert selected["cardBottom"] == selected["windowHeight"] or selected["pageY"] == 0
    for seen in (selected, shown, clicked):
        assert (seen["inView"], seen["pageY"]) == (True, selected["pageY"]), seen
    assert current == long
    assert errors == []


def test_a_short_comment_or_one_read_to_its_mark_is_left_where_it_is(
    chromium: Any, live: Live
) -> None:
    empty_queue(live)
    short = submit(live, ON_TOPIC + " " + DEFAMATORY)
    errors: list[str] = []
    with moderator_page(chromium, live, errors) as page:
        card = page.locator(f'article.item[data-id="{short}"]')
        page.keyboard.press("v")
        top = card.locator(".text").evaluate("box => box.scrollTop")
    assert top == 0
    assert errors == []
