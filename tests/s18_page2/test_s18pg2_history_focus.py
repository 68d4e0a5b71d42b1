"""A history that comes in after the reviewer moved on leaves the keyboard where they took it.

Found: h takes the keyboard to the history (dd17125) when its answer comes in; a reviewer who
pressed h and then j before it came (a slow store, a busy server) had the focus taken from
the next comment to the history, and in "only in the queue" mode no single-key shortcut
acted there. Now the history is shown and said in the status, the focus left on the comment
the reviewer moved to; with the focus where it was when h was pressed, it goes to the
history as before. Real headless Chromium, real server, real store; the history's request
held back by the test's route until the reviewer has moved on."""

from __future__ import annotations

from typing import Any

from s11p_browser import chromium
from s17m_helpers import Live
from s17p_helpers import MARKS
from s18pg2_helpers import FOCUSED, history_held_back

pytestmark = MARKS
__all__ = ["chromium"]


def test_the_focus_moved_on_while_the_history_loaded_stays(chromium: Any, live: Live) -> None:
    errors: list[str] = []
    with history_held_back(chromium, live, errors, "queue") as (page, first, second, held):
        assert len(held) == 1
        held[0].continue_()
        page.locator("#status").filter(has_text=f"History of {first} shown").wait_for()
        moved_on = (page.evaluate(FOCUSED), page.locator("#status").inner_text())
        assert moved_on == (second, f"History of {first} shown")
        page.keyboard.press("v")  # "only in the queue": still acts
        shown = page.locator(f'article.item[data-id="{second}"] .text').get_attribute(
            "aria-pressed"
        )
        page.keyboard.press("h")  # staying put: the keyboard goes to the history
        page.locator("#status").filter(has_text=f"History of {second} shown").wait_for()
        stayed = (page.evaluate(FOCUSED), page.locator("#status").inner_text())
    assert shown == "true"
    assert stayed == ("history", f"History of {second} shown: Escape goes back to the queue")
    assert errors == []
