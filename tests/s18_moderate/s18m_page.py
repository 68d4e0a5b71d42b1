"""The moderator page of the session-18 tests: the ``live`` server's page as ``mod`` in a
new context of the module's headless Chromium (tests/s17_page's ``clocked_page``: the
queue loaded, the refresh timer under the test's clock), and the queue emptied first."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from s17m_helpers import Live
from s17p_helpers import clear_queue, clocked_page

__all__ = ["as_server", "empty_queue", "moderator_page"]


def as_server(live: Live, user: str = "mod") -> tuple[str, str]:
    """The ``live`` server as tests/s17_page's helpers take one: its url, ``user``'s token."""
    return live.url, live.tokens[user]


@contextmanager
def moderator_page(browser: Any, live: Live, errors: list[str]) -> Iterator[Any]:
    """The page as ``mod`` in a 1280 x 720 window, its queue loaded, its clock paused: the
    queue's refresh fires only when the test moves the clock (``refresh``), where with the
    clock running it fired 15 s after the page opened, and on a loaded runner it took in a
    change the test made through the API before the page acted on it."""
    with clocked_page(browser, as_server(live), errors, paused=True) as page:
        yield page


def empty_queue(live: Live) -> None:
    """Every held comment rejected (as ``mod``): the queue is empty."""
    clear_queue(as_server(live))
