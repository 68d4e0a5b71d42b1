"""The moderator page's audit log shows its notes whole, at every window width.

Found (session 24, a live server in Chromium): the page kept main's 1300px cap and gave the
side panel 2/5 of it, at most 514px, while the audit table needs about 550px with its words
whole ("submitted:publish", "fantasy_name"): the note column, the reason for each decision,
was cut off at the panel's edge at 1024, 1280, 1366 and 1920px alike (reached only by
scrolling the panel sideways). Now the page takes the window's width, shared evenly, and
below 1240px the panel goes under the queue. The page is opened from its own files with the
API answered by canned JSON (tests/web_s8/test_s8w_audit_table.py's routes).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web_s8"))
import test_s8w_audit_table as s8  # noqa: E402
from webfixtures import ARGS, CHROMIUM  # noqa: E402

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]
LONG_RUN = "hxxps://example[.]org/" + "a1b2c3d4" * 12  # a note's unbroken run (a defanged link)
AUDIT = {
    "items": [
        {"audit_id": 3, "at": "2026-12-02T10:06:07.123456Z", "actor": "machine",
         "action": "submitted:publish", "comment_id": "c51", "clause": "irrelevant,fantasy_name",
         "note": "Your comment does not appear to be about this article, or looks like "
                 "advertising. Comments are published under a real name."},
        {"audit_id": 2, "at": "2026-12-02T10:07:17.654321Z", "actor": "moderator45",
         "action": "approve", "comment_id": "c54", "clause": "defamatory",
         "note": f"sourced: {LONG_RUN}"},
        {"audit_id": 1, "at": "2026-12-02T10:07:18.000001Z", "actor": "moderator45",
         "action": "article_added", "article_id": "h45-a", "clause": None, "note": None},
    ]
}  # fmt: skip
MEASURE = """() => {
  const box = (sel) => document.querySelector(sel).getBoundingClientRect();
  const aside = document.querySelector('main.mod > aside');
  const notes = [...document.querySelectorAll('#audit tr td:last-child')].map((td) => {
    const r = td.getBoundingClientRect(); return {right: r.right, width: r.width};
  });
  return {client: aside.clientWidth, scroll: aside.scrollWidth, aside: box('main.mod > aside'),
          queue: box('main.mod > section'), notes: notes,
          page: document.documentElement.scrollWidth - document.documentElement.clientWidth};
}"""


def _measure(width: int, monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, Any], Any]:
    from playwright.sync_api import sync_playwright

    monkeypatch.setitem(s8.ANSWERS, "/api/v1/moderation/audit", AUDIT)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.route(f"{s8.SITE}/**", s8._answer)
            page.goto(f"{s8.SITE}/moderation")
            page.wait_for_function("document.querySelectorAll('#audit tr').length === 3")
            return page.evaluate(MEASURE), page.evaluate(s8.LINES)
        finally:
            browser.close()


@pytest.mark.parametrize("width", [1024, 1280, 1366, 1920])
def test_the_audit_notes_are_not_cut_off(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    got, rows = _measure(width, monkeypatch)
    assert got["scroll"] <= got["client"], got  # nothing past the panel's edge
    assert got["page"] == 0, got
    for note in got["notes"]:
        assert note["right"] <= got["aside"]["right"] + 0.5, got
        assert note["width"] >= 100, got  # a readable column, not a word a line
    header, first = rows[0], rows[1]
    assert [c["text"] for c in first[1:5]] == [
        "machine", "submitted:publish", "c51", "irrelevant, fantasy_name",
    ]  # fmt: skip
    assert [c["lines"] for c in first[1:4]] == [1, 1, 1]  # words stay whole, as before
    assert all(h["lines"] == 1 for h in header if h["text"] != "when (UTC)")
    if width >= 1240:  # beside the queue
        assert got["aside"]["left"] >= got["queue"]["right"], got
    else:  # under it
        assert got["aside"]["top"] >= got["queue"]["bottom"], got
