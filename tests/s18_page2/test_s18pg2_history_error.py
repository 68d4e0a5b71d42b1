"""h says in the status when a comment's history cannot be loaded.

Found: the History button and the audit log's links said 'Error: …' when the history's
request failed, but h left the failure an unhandled promise rejection: the status said
nothing, the focus stayed where it was, and the console had an error. Now h says it as they
do. Real headless Chromium, real server, real store; the history's answer replaced by a 503
by the test's route (a store being moved, a server restarting)."""

from __future__ import annotations

from typing import Any

from s11p_browser import chromium
from s17m_helpers import DEFAMATORY, Live
from s17p_helpers import MARKS, hold
from s18m_page import as_server, empty_queue, moderator_page

pytestmark = MARKS
__all__ = ["chromium"]
BUSY = '{"error": {"code": "unavailable", "message": "the store is busy"}}'


def test_h_says_a_history_that_could_not_be_loaded(chromium: Any, live: Live) -> None:
    empty_queue(live)
    comment = hold(as_server(live), DEFAMATORY)
    errors: list[str] = []
    with moderator_page(chromium, live, errors) as page:
        busy = {"status": 503, "body": BUSY, "content_type": "application/json"}
        page.route("**/history", lambda route: route.fulfill(**busy))
        page.locator(f'article.item[data-id="{comment}"]').focus()
        page.keyboard.press("h")
        # the answer handled: waited for, where 300 ms after the network was idle read the
        # status before it on a loaded runner (the request not yet made when idle was asked)
        page.locator("#status").filter(has_text="Error:").wait_for(timeout=30_000)
        status = page.locator("#status").inner_text()
    assert status == "Error: the store is busy"
    assert errors == []
