"""The moderator page shows the queue's and the history's times as its audit table does.

Found: the audit table showed "2026-12-02 14:13:05" (UTC to the second, the full stamp
its tooltip), but a queue card showed when the comment came as the API's raw stamp,
"2026-12-02T14:13:05.123456Z", and so did the history's revisions, decisions and audit
lines. Now each is a ``<time>`` whose text is the audit table's and whose ``datetime``
and ``title`` keep the stamp as sent. A real server, a real headless Chromium.
"""

from __future__ import annotations

import re
from typing import Any

from a11m_served import BROWSER_MARKS, Served, add_article, moderator_page_in, served, submit
from chromium_fixture import chromium

pytestmark = BROWSER_MARKS
__all__ = ["chromium", "served"]  # the fixtures this module's tests use

TRAM = "The council funds a new tram line to the harbour."
HELD = "Councillor John Smith took bribes from the tram builders."
SHOWN = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")  # the audit table's "when (UTC)"

TIMES = """[...document.querySelectorAll(arguments_selector)].map((t) => ({
  text: t.textContent, datetime: t.getAttribute("datetime"), title: t.title }))"""


def _times(page: Any, selector: str) -> list[dict[str, str]]:
    found: list[dict[str, str]] = page.evaluate(f"(arguments_selector) => {TIMES}", selector)
    return found


def _as_the_audit_table(stamp: str) -> str:
    """The audit table's cell for a stamp: to the second, "T" and the zone left out."""
    return re.sub(r"(?:Z|[+-]00:00)$", "", re.sub(r"\.\d+", "", stamp.replace("T", " ")))


def test_queue_and_history_times_are_shown_as_the_audit_table_shows_them(
    chromium: Any, served: Served
) -> None:
    add_article(served, "t1", "Tram line", TRAM)
    held = submit(served, "t1", "Ana Silva", HELD)
    assert held["decision"] == "hold"
    with served.client(served.moderator) as client:
        history = client.get(f"/api/v1/comments/{held['id']}/history").json()
    created = history["revisions"][0]["created_at"]
    assert "T" in created and "." in created  # the raw stamp the page used to show
    errors: list[str] = []
    with moderator_page_in(chromium, served, errors) as page:
        card = f'article.item[data-id="{held["id"]}"]'
        page.locator(card).wait_for()
        shown = _times(page, f"{card} time")
        assert shown == [
            {"text": _as_the_audit_table(created), "datetime": created, "title": created}
        ]
        assert created not in (page.locator(card).locator(".meta").first.inner_text())
        page.locator(card).focus()
        page.keyboard.press("h")
        page.locator("#history[data-answers='1']").wait_for()
        in_history = _times(page, "#history time")
        audit_cells = page.locator("#audit tr td:first-child").all_inner_texts()
    assert len(in_history) >= 2  # the revision and the machine's decision, at least
    for time in in_history:
        assert SHOWN.match(time["text"]), time
        assert time["datetime"] == time["title"]
        assert time["text"] == _as_the_audit_table(time["datetime"])
    assert in_history[0]["datetime"] == created
    assert audit_cells and all(SHOWN.match(cell) for cell in audit_cells)  # the same format
    assert errors == []
