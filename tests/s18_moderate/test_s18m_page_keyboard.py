"""A reviewer's walk through a queue of 30 held comments on the moderator page, by keyboard
only: j down the queue, v to read, h for the history, Escape back, a, r with a note, e.

Found: deep in the queue (the 25th comment, the page scrolled some 6,000 px down), h filled
the history at the top of the side panel, a page away, and left the focus on the card:
nothing seemed to happen, a screen reader said nothing, and reaching the history by Tab
took some 150 presses; and a long comment's revision ran some 1,800 px down the history.
Now h moves the focus to the history, which the side panel keeps beside the queue (sticky),
the status says so, Escape goes back to the comment, and a revision scrolls in its own box
as a card's text does. Real headless Chromium, real server, real store."""

from __future__ import annotations

from typing import Any

from s11p_browser import chromium
from s17m_helpers import DEFAMATORY, Live
from s17p_helpers import MARKS
from s18m_page import empty_queue, moderator_page

pytestmark = MARKS
__all__ = ["chromium"]
FILLER = "The tram timetable should be looked at again by the council. "
FOCUS = """() => { const a = document.activeElement, r = a.getBoundingClientRect();
  return {id: a.id || (a.closest('article.item') || {dataset: {}}).dataset.id || a.tagName,
          top: Math.round(r.top), visible: r.top >= 0 && r.top < window.innerHeight,
          pageY: Math.round(window.scrollY)}; }"""


def queue_of_30(live: Live) -> list[str]:
    """30 held comments, every 7th from the 4th a long one (some 7,000 characters)."""
    ids = []
    for n in range(30):
        text = FILLER * (120 if n % 7 == 3 else 1) + DEFAMATORY
        r = live.submit(text)
        assert r.status_code == 201 and r.json()["decision"] == "hold", r.text
        ids.append(str(r.json()["id"]))
    return ids


def test_h_deep_in_the_queue_takes_the_keyboard_to_the_history_and_escape_back(
    chromium: Any, live: Live
) -> None:
    empty_queue(live)
    ids = queue_of_30(live)
    errors: list[str] = []
    with moderator_page(chromium, live, errors) as page:
        page.locator(f'article.item[data-id="{ids[0]}"]').focus()
        for _ in range(24):
            page.keyboard.press("j")
        on_card = page.evaluate(FOCUS)
        page.keyboard.press("h")
        page.locator("#history .text").first.wait_for()
        in_history = page.evaluate(FOCUS)
        said = page.locator("#status").inner_text()
        box = page.locator("#history .text").first.evaluate(
            "t => { const b = t.getBoundingClientRect(), m = t.querySelector('mark.evidence')"
            ".getBoundingClientRect(); return {scrolls: t.scrollHeight > t.clientHeight,"
            " height: t.clientHeight, markInView: m.top >= b.top && m.bottom <= b.bottom + 2}; }"
        )
        page.keyboard.press("v")  # read it there: v still reads the selected comment
        read = "blurred" not in (page.locator("#history .text").first.get_attribute("class") or "")
        page.keyboard.press("Escape")
        back = page.evaluate(FOCUS)
        # and on: approve it, reject the next with a note, edit the one after
        page.keyboard.press("a")
        page.keyboard.type("fine on reading")
        page.keyboard.press("Enter")
        page.locator("#status").filter(has_text=f"Approved {ids[24]}.").wait_for()
        page.keyboard.press("r")
        page.keyboard.press("Enter")  # no note yet: asked for one
        asked = page.locator("#act-error").inner_text()
        page.keyboard.type("an allegation")
        page.keyboard.press("Enter")
        page.locator("#status").filter(has_text=f"Rejected {ids[25]}.").wait_for()
        page.keyboard.press("e")
        page.keyboard.press("End")
        page.keyboard.type(" (allegedly)")
        page.keyboard.press("Tab")
        page.keyboard.type("hedged")
        page.keyboard.press("Enter")
        page.locator("#status").filter(has_text=f"Edited and published {ids[26]}.").wait_for()
        last = page.evaluate(FOCUS)
    assert on_card["id"] == ids[24] and on_card["pageY"] > 3000, on_card
    assert in_history["id"] == "history" and in_history["visible"], in_history
    assert in_history["pageY"] == on_card["pageY"]  # the page stays at the comment
    assert said == f"History of {ids[24]} shown: Escape goes back to the queue"
    # a long revision in its own box, scrolled to its evidence as the card's text is (the
    # mark ends the text: scrolled to the end, its inline box may overhang the box by a pixel)
    assert box == {"scrolls": True, "height": box["height"], "markInView": True}
    assert box["height"] < 400, box
    assert read
    assert (back["id"], back["visible"], back["pageY"]) == (ids[24], True, on_card["pageY"])
    assert asked.startswith("A note is required")
    assert last["id"] == ids[27] and last["visible"], last
    with_status = {i: live.history(i)["comment"]["status"] for i in ids[24:27]}
    assert with_status == {ids[24]: "published", ids[25]: "rejected", ids[26]: "published"}
    assert errors == []


def test_the_last_comment_decided_leaves_the_keyboard_on_the_empty_queue(
    chromium: Any, live: Live
) -> None:
    """Found: the focus fell to the page's body once the queue was empty."""
    empty_queue(live)
    only = str(live.submit(DEFAMATORY).json()["id"])
    errors: list[str] = []
    with moderator_page(chromium, live, errors) as page:
        page.locator(f'article.item[data-id="{only}"]').focus()
        page.keyboard.press("r")
        page.keyboard.type("an allegation")
        page.keyboard.press("Enter")
        page.locator("#status").filter(has_text=f"Rejected {only}.").wait_for()
        focused = page.evaluate(
            "[document.activeElement.tagName, document.activeElement.innerText]"
        )
    assert focused == ["P", "The queue is empty."]
    assert errors == []


def test_appeals_only_by_keyboard_goes_on_to_the_first_appealed_comment(
    chromium: Any, live: Live
) -> None:
    """Found: the appeals-only box let go of the focus when toggled (to the page's body): with
    the shortcuts "only in the queue" no key acted until the reviewer tabbed back."""
    empty_queue(live)
    plain = str(live.submit(DEFAMATORY).json()["id"])
    appealed = str(live.submit(DEFAMATORY).json()["id"])
    path = f"/api/v1/comments/{appealed}/appeal"
    assert live.call("POST", path, "reader", json={"note": "please"}).status_code == 200
    errors: list[str] = []
    with moderator_page(chromium, live, errors) as page:
        page.locator(f'article.item[data-id="{plain}"]').wait_for()
        page.select_option("#shortcuts", "queue")
        page.locator("#appeals-only").focus()
        page.keyboard.press("Space")
        page.locator("#status").filter(has_text="with an appeal").wait_for()
        page.wait_for_function("document.activeElement.tagName !== 'INPUT'")
        focused = page.evaluate("(document.activeElement.dataset || {}).id || null")
        page.keyboard.press("a")  # a shortcut, in the queue
        asked = page.locator("#act-title").inner_text()
        opened = page.evaluate("document.getElementById('act-dialog').open")
        page.keyboard.press("Escape")
    assert focused == appealed
    assert (opened, asked) == (True, f"Approve {appealed}")
    assert errors == []
