"""v in the history shows the text of the comment the history is of.

Found: a comment's history opened from the audit log (any comment, decided ones too) takes
the keyboard focus, its revisions blurred; v there showed the queue's selected card, another
comment and out of sight, and left the history the reviewer was reading blurred. Now v with
the focus in the history shows (or blurs again) the history's comment, on its card too when
it is in the queue; in the queue it acts on the selected card as before. Real headless
Chromium, real server, real store."""

from __future__ import annotations

from typing import Any

from s11p_browser import chromium
from s17m_helpers import DEFAMATORY, Live
from s17p_helpers import MARKS, hold
from s18m_page import as_server, empty_queue, moderator_page

pytestmark = MARKS
__all__ = ["chromium"]
PRESSED = "boxes => boxes.map(t => t.getAttribute('aria-pressed'))"


def test_v_in_a_history_from_the_audit_log_shows_that_comment(chromium: Any, live: Live) -> None:
    empty_queue(live)
    server = as_server(live)
    decided = hold(server, f"{DEFAMATORY} Decided.")
    got = live.call("POST", f"/api/v1/comments/{decided}/actions", "mod2",
                    json={"action": "reject", "note": "decided elsewhere"})  # fmt: skip
    assert got.status_code == 200, got.text
    queued = hold(server, f"{DEFAMATORY} Queued.")
    errors: list[str] = []
    with moderator_page(chromium, live, errors) as page:
        page.locator(f'#audit .history-link[aria-label="History of {decided}"]').first.click()
        page.locator("#status").filter(has_text=f"History of {decided} shown").wait_for()
        history = page.locator("#history .text.flagged")
        opened = history.evaluate_all(PRESSED)
        page.keyboard.press("v")
        shown = history.evaluate_all(PRESSED)
        queued_text = page.locator(f'article.item[data-id="{queued}"] .text')
        card = queued_text.get_attribute("aria-pressed")
        page.keyboard.press("v")
        again = history.evaluate_all(PRESSED)
        page.keyboard.press("Escape")
        page.keyboard.press("v")  # back in the queue: its selected card
        in_queue = queued_text.get_attribute("aria-pressed")
    assert opened == ["false"]
    assert (shown, card) == (["true"], "false")
    assert again == ["false"]
    assert in_queue == "true"
    assert errors == []
