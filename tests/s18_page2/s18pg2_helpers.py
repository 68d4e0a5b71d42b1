"""Helpers of tests/s18_page2: where the keyboard focus is, and a queue of held comments."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from s17m_helpers import DEFAMATORY, Live
from s17p_helpers import hold
from s18m_page import as_server, empty_queue, moderator_page

__all__ = ["FOCUSED", "fresh_queue", "history_held_back"]

# the id of the card holding the focus, else the focused element's id, else its tag
FOCUSED = """() => { const a = document.activeElement, card = a.closest('article.item');
  return card ? card.dataset.id : a.id || a.tagName; }"""


def fresh_queue(live: Live, count: int) -> list[str]:
    """The queue emptied, then ``count`` comments held (as ``mod``): their ids, oldest first."""
    empty_queue(live)
    return [hold(as_server(live), f"{DEFAMATORY} N{n}.") for n in range(count)]


@contextmanager
def history_held_back(browser: Any, live: Live, errors: list[str], mode: str) -> Iterator[Any]:
    """The page (single-key shortcuts ``mode``) on a queue of two comments: h pressed on the
    first with its history's request held back and
    j; yields the page, the two ids and the held routes."""
    first, second = fresh_queue(live, 2)
    with moderator_page(browser, live, errors) as page:
        page.locator("#shortcuts").select_option(mode)
        held: list[Any] = []
        page.route(f"**/comments/{first}/history", lambda route: held.append(route))
        page.locator(f'article.item[data-id="{first}"]').focus()
        page.keyboard.press("h")
        page.keyboard.press("j")
        yield page, first, second, held
