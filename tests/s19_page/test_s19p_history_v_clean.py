"""v in the history of a clean comment does nothing.

Found: v with the focus in a history acted on the history's comment only when the history
held flagged text; in the history of a clean comment (published by the machine, opened from
the audit log) it fell through to the queue's selected card and showed its flagged text,
out of sight of the reviewer reading the history. Now v in a shown history acts on that
history's comment alone, and with nothing flagged there nothing changes: the card stays
blurred, the focus stays in the history, the status says the same. Real headless Chromium,
real server, real store."""

from __future__ import annotations

from typing import Any

from s11p_browser import chromium
from s17m_helpers import DEFAMATORY, ON_TOPIC, Live
from s17p_helpers import MARKS, hold
from s18m_page import as_server, empty_queue, moderator_page

pytestmark = MARKS
__all__ = ["chromium"]
CARD = """card => { const t = card.querySelector('.text');
  return [t.getAttribute('aria-pressed'), t.classList.contains('blurred')]; }"""


def test_v_in_a_clean_comments_history_leaves_the_queue_alone(chromium: Any, live: Live) -> None:
    empty_queue(live)
    clean = live.submit(ON_TOPIC)
    assert clean.status_code == 201 and clean.json()["decision"] == "publish", clean.text
    comment = str(clean.json()["id"])
    queued = hold(as_server(live), f"{DEFAMATORY} Queued.")
    errors: list[str] = []
    with moderator_page(chromium, live, errors) as page:
        card = page.locator(f'article.item[data-id="{queued}"]')
        page.locator(f'#audit .history-link[aria-label="History of {comment}"]').first.click()
        status = page.locator("#status")
        status.filter(has_text=f"History of {comment} shown").wait_for()
        texts = page.locator("#history .text")
        kinds = texts.evaluate_all("ts => ts.map(t => t.className)")
        said = status.text_content()
        page.keyboard.press("v")
        after = card.evaluate(CARD)
        focused = page.evaluate("document.activeElement.id")
        said_after = status.text_content()
        page.keyboard.press("Escape")
        page.keyboard.press("v")  # back in the queue: v shows its selected card
        in_queue = card.evaluate(CARD)
    assert kinds and all("flagged" not in k for k in kinds)  # a clean history: nothing to show
    assert after == ["false", True]  # the queue's card untouched
    assert focused == "history"
    assert said_after == said
    assert in_queue == ["true", False]
    assert errors == []
