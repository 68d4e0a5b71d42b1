"""A decision puts its audit entries on top of the log and keeps the older pages loaded.

Found: every decision on the moderator page started the audit log again at its newest page
(50 entries): the older pages the reviewer had loaded with "Older entries" were dropped, and
they had to page back to where they were reading. Now the entries newer than the newest
one shown go on top (asked back from the newest page until they meet it: no gap, however
many came in meanwhile, from other moderators too), and the rows already shown stay, once
each. Real headless Chromium, real server, real store."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from s11p_browser import chromium
from s17m_helpers import DEFAMATORY, ON_TOPIC, Live, fresh_text
from s17p_helpers import MARKS, hold
from s18m_page import as_server, empty_queue, moderator_page

pytestmark = MARKS
__all__ = ["chromium"]
PAGE = 50  # moderation.js's AUDIT_PAGE
ROWS = """rows => rows.map(tr => [tr.children[0].title, tr.children[1].textContent,
  tr.children[2].textContent, tr.children[3].textContent])"""


def log_rows(live: Live) -> list[list[str]]:
    """The whole audit log, newest first, as the page's rows show it."""
    return [[a["at"], a["actor"], a["action"], a.get("comment_id") or a.get("article_id") or ""]
            for a in live.whole_log()]  # fmt: skip


def publish(live: Live, count: int) -> None:
    """``count`` clean comments published: as many audit entries."""
    for _ in range(count):
        r = live.submit(fresh_text(ON_TOPIC))
        assert r.status_code == 201 and r.json()["decision"] == "publish", r.text


def decide_with_older_pages_loaded(chromium: Any, live: Live, meanwhile: int) -> None:
    """Two pages of the log loaded, ``meanwhile`` entries added by others, then a held
    comment approved on the page: the rows shown are the log's newest, each once."""
    empty_queue(live)
    if len(live.whole_log()) < 3 * PAGE:
        publish(live, 3 * PAGE - len(live.whole_log()))
    first = hold(as_server(live), f"{DEFAMATORY} First.")
    opened = len(live.whole_log())  # what the page's log starts from
    errors: list[str] = []
    with moderator_page(chromium, live, errors) as page:
        shown = page.locator("#audit-shown")
        shown.filter(has_text=f"{PAGE} entries shown").wait_for()
        page.locator("#audit-older").click()
        shown.filter(has_text=f"{2 * PAGE} entries shown").wait_for()
        publish(live, meanwhile)  # others' entries, not yet on the page
        hold(as_server(live), f"{DEFAMATORY} Second.")
        page.locator(f'article.item[data-id="{first}"]').focus()
        page.keyboard.press("a")
        page.fill("#act-note", "fine")
        page.press("#act-note", "Enter")
        page.locator("#status").filter(has_text=f"Approved {first}").wait_for()
        log = log_rows(live)
        new = len(log) - opened  # theirs, the second hold, the approval
        rows = page.locator("#audit tr")
        with suppress(PlaywrightTimeout):  # the rows are compared below, whatever they are
            shown.filter(has_text=f"{2 * PAGE + new} entries shown").wait_for(timeout=60_000)
        seen = rows.evaluate_all(ROWS)
        focused = page.evaluate("document.activeElement.closest('article.item') !== null")
        older_button = page.locator("#audit-older").is_visible()
    assert new >= meanwhile + 2
    assert seen == log[: 2 * PAGE + new]  # the newest on top, the older pages kept, no gap
    assert len({tuple(r) for r in seen}) == len(seen)  # each once
    assert focused and older_button  # the keyboard in the queue, more still to load
    assert errors == []


def test_a_decision_keeps_the_older_audit_pages(chromium: Any, live: Live) -> None:
    decide_with_older_pages_loaded(chromium, live, meanwhile=2)


def test_more_than_a_page_of_new_entries_leaves_no_gap(chromium: Any, live: Live) -> None:
    decide_with_older_pages_loaded(chromium, live, meanwhile=PAGE + 10)
