"""The history beside the queue: a click on a flagged text there, and Escape from it.

Found: v shows or blurs the selected comment's text on its card and in its history
together, but a click (or Enter, Space) on either box changed that box alone: a text read
in the history stayed blurred on the card, and one blurred again on the card stayed shown
in the history. Now a click on either does as v does.

Found: with no held comment left, a decided comment's history opened from the audit log
took the focus, but Escape in it did nothing, so the keyboard stayed in the side panel.
Now the focus goes to the words that say the queue is empty (as after the last comment is
decided) and the status says so.

Real headless Chromium, real server, real store."""

from __future__ import annotations

from typing import Any

from s11p_browser import chromium
from s17m_helpers import DEFAMATORY, Live
from s17p_helpers import MARKS
from s18m_page import empty_queue, moderator_page

pytestmark = MARKS
__all__ = ["chromium"]
FOCUSED = "[document.activeElement.tagName, document.activeElement.innerText]"
STATES = "boxes => boxes.map(t => t.classList.contains('blurred') ? 'blurred' : 'shown')"


def held_alone(live: Live) -> str:
    """The queue emptied, then one comment held: its id."""
    empty_queue(live)
    r = live.submit(DEFAMATORY)
    assert r.status_code == 201 and r.json()["decision"] == "hold", r.text
    return str(r.json()["id"])


def test_a_click_on_the_card_or_the_history_toggles_both(chromium: Any, live: Live) -> None:
    comment = held_alone(live)
    errors: list[str] = []
    seen: dict[str, Any] = {}
    with moderator_page(chromium, live, errors) as page:
        card = page.locator(f'article.item[data-id="{comment}"] .text')
        history = page.locator("#history .text")

        def note(step: str) -> None:
            seen[step] = (card.evaluate_all(STATES), history.evaluate_all(STATES))

        page.locator(f'article.item[data-id="{comment}"]').focus()
        page.keyboard.press("h")
        history.first.wait_for()
        note("history opened")
        # a region, so its name ("History of ...") is one a screen reader announces
        seen["region"] = page.get_by_role("region", name=f"History of {comment}").count()
        history.first.click()
        note("history clicked")
        card.click()
        note("card clicked")
        history.first.focus()
        page.keyboard.press("Enter")
        note("Enter in the history")
    assert seen == {
        "region": 1,
        "history opened": (["blurred"], ["blurred"]),
        "history clicked": (["shown"], ["shown"]),
        "card clicked": (["blurred"], ["blurred"]),
        "Enter in the history": (["shown"], ["shown"]),
    }
    assert errors == []


def test_escape_from_the_history_goes_to_the_empty_queue(chromium: Any, live: Live) -> None:
    comment = held_alone(live)
    empty_queue(live)  # decided: in the audit log, out of the queue
    errors: list[str] = []
    with moderator_page(chromium, live, errors) as page:
        page.locator("#queue").filter(has_text="The queue is empty.").wait_for()
        page.get_by_role("link", name=f"History of {comment}").first.focus()
        page.keyboard.press("Enter")
        page.locator("#status").filter(has_text=f"History of {comment} shown").wait_for()
        in_history = page.evaluate("document.activeElement.id")
        page.keyboard.press("Escape")
        back = page.evaluate(FOCUSED)
        said = page.locator("#status").inner_text()
    assert in_history == "history"
    assert back == ["P", "The queue is empty."]
    assert said == "Back in the queue: the queue is empty."
    assert errors == []
