"""The history shown is the one last asked for.

Found: h on one comment, j, h on the next: when the first history's answer came in after
the second's (a slow store, a busy server), the page showed the first comment's history,
said 'History of <first> shown' and took the keyboard to it, where the reviewer had asked
for the second. Now an answer to an earlier request is dropped. Real headless Chromium, real
server, real store; the first request held back by the test's route until the second is
shown, then read once the page says it is done with the first's answer (the history's
data-answers), where it read 300 ms after the network was idle: an answer later than that
left the old page's wrong history unseen."""

from __future__ import annotations

from typing import Any

from s11p_browser import chromium
from s17m_helpers import Live
from s17p_helpers import MARKS
from s18pg2_helpers import history_held_back

pytestmark = MARKS
__all__ = ["chromium"]


def test_a_late_answer_for_an_earlier_history_is_not_shown(chromium: Any, live: Live) -> None:
    errors: list[str] = []
    with history_held_back(chromium, live, errors, "on") as (page, first, second, held):
        page.keyboard.press("h")
        page.locator("#status").filter(has_text=f"History of {second} shown").wait_for()
        assert len(held) == 1
        assert page.locator("#history").get_attribute("data-answers") == "1"
        held[0].continue_()
        # the late answer handled (shown, or dropped): the page counts the answers it is
        # done with, however late the answer comes in
        page.locator('#history[data-answers="2"]').wait_for(state="attached", timeout=60_000)
        shown = page.locator("#history > div").first.inner_text()
        status = page.locator("#status").inner_text()
        label = page.locator("#history").get_attribute("aria-label")
    assert shown.startswith(f"{second}:")
    assert (status, label) == (f"History of {second} shown: Escape goes back to the queue",
                               f"History of {second}")  # fmt: skip
    assert errors == []
