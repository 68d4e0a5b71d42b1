"""A 409 on the moderator page is said in the page's own words, built from the error's
``conflict`` object (who decided the comment meanwhile, when, and what it is now), where the
page cut the server's hint off its message with a pattern: a hint reworded in service.py
showed again, the API's advice to "leave out expected_status" with it. Real headless
Chromium, real server, real store."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from s11p_browser import chromium
from s17m_helpers import Live
from s17p_helpers import MARKS
from s18m_page import empty_queue, moderator_page
from test_s17m_repeated_decision import act, held  # a comment held; an action as a user

pytestmark = MARKS
__all__ = ["chromium"]
WHEN = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"


def refused(
    chromium: Any, live: Live, meanwhile: Callable[[str], Any], key: str
) -> tuple[str, str]:
    """A held comment on the page; ``meanwhile(its id)`` done through the API once the page
    shows it; then ``key`` pressed on its card and a note saved: its id and the status once
    the 409 is said (the queue refreshed)."""
    empty_queue(live)
    comment = held(live)
    errors: list[str] = []
    with moderator_page(chromium, live, errors) as page:
        card = page.locator(f'article.item[data-id="{comment}"]')
        card.wait_for()
        assert meanwhile(comment).status_code == 200
        card.focus()
        page.keyboard.press(key)
        page.fill("#act-note", "decided on the page")
        with page.expect_response(lambda r: r.request.method == "POST") as answered:
            page.press("#act-note", "Enter")
        assert answered.value.status == 409
        status = page.locator("#status")
        status.filter(has_text="Nothing was changed").wait_for(timeout=30_000)
        said = str(status.inner_text())
    assert errors == []
    return comment, said


def test_a_decision_taken_meanwhile_is_said_with_who_and_when(chromium: Any, live: Live) -> None:
    comment, said = refused(chromium, live, lambda c: act(live, c, "reject", "mod2"), "a")
    assert re.fullmatch(
        rf"Not done: approve of {comment}: comment '{comment}' changed since it was read: mod2"
        rf" rejected it at {WHEN}; it is rejected at revision 1\. Nothing was changed: the"
        r" queue was refreshed\.",
        said,
    ), said


def test_an_appeal_meanwhile_is_said_as_the_readers(chromium: Any, live: Live) -> None:
    def appeal(comment: str) -> Any:
        path = f"/api/v1/comments/{comment}/appeal"
        return live.call("POST", path, "reader", json={"note": "please look again"})

    comment, said = refused(chromium, live, appeal, "r")
    assert re.fullmatch(
        rf"Not done: reject of {comment}: comment '{comment}' changed since it was read: its"
        rf" reader appealed it at {WHEN}; it is held at revision 1\. Nothing was changed: the"
        r" queue was refreshed\.",
        said,
    ), said
    queue = live.call("GET", "/api/v1/moderation/queue").json()["items"]
    assert [i["appeal"]["note"] for i in queue if i["id"] == comment] == ["please look again"]
