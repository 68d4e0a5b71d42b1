"""The edit dialog opens at a long comment's first evidence mark.

Found: e opened the edit's textarea with the caret at the top of the text; on a comment of
some 9,000 characters flagged near its end, what was flagged was screens below, and the
moderator scrolled (or searched) for it before editing. Now the caret is at the first
evidence span's start (code points counted as the server does: emoji before it do not
shift it) and the textarea is scrolled to it, as the card's box is. Real headless
Chromium, real server, real store."""

from __future__ import annotations

from typing import Any

from s11p_browser import chromium
from s17m_helpers import DEFAMATORY, Live
from s17p_helpers import MARKS
from s18m_page import empty_queue, moderator_page

pytestmark = MARKS
__all__ = ["chromium"]
FILLER = "The tram timetable 🚋 should be looked at again by the council. "  # an emoji a line
LONG = FILLER * ((9_000 - len(DEFAMATORY)) // len(FILLER)) + DEFAMATORY  # flagged at the end
CARET = """t => ({start: t.selectionStart, end: t.selectionEnd, top: t.scrollTop,
  focused: document.activeElement === t, scrolls: t.scrollHeight > 3 * t.clientHeight})"""


def held(live: Live, text: str) -> tuple[str, int]:
    """A held comment's id and its first evidence span's start (code points)."""
    r = live.submit(text)
    assert r.status_code == 201 and r.json()["decision"] == "hold", r.text
    comment = str(r.json()["id"])
    queue = live.call("GET", "/api/v1/moderation/queue?limit=500").json()["items"]
    item = next(i for i in queue if i["id"] == comment)
    starts = [c["evidence"]["span"]["start"] for c in item["clauses"] if c["evidence"].get("span")]
    return comment, min(starts)


def utf16(text: str, at: int) -> int:
    """Code point offset ``at`` of ``text`` in UTF-16 units, as a textarea counts."""
    return len(text[:at].encode("utf-16-le")) // 2


def edit(chromium: Any, live: Live, comment: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    """e on ``comment``'s card: the textarea as it opened, and as it is after typing X at
    the caret (with the text then), before Escape (nothing sent)."""
    errors: list[str] = []
    with moderator_page(chromium, live, errors) as page:
        page.locator(f'article.item[data-id="{comment}"]').focus()
        page.keyboard.press("e")
        text = page.locator("#act-text")
        text.wait_for()
        opened = text.evaluate(CARET)
        page.keyboard.type("X")
        typed = text.evaluate(CARET)
        value = text.input_value()
        page.keyboard.press("Escape")
    assert errors == []
    return opened, typed, value


def test_e_opens_the_edit_at_the_first_evidence_mark(chromium: Any, live: Live) -> None:
    empty_queue(live)
    long, start = held(live, LONG)
    assert start > 8_000 and utf16(LONG, start) > start  # near the end, emoji before it
    opened, typed, value = edit(chromium, live, long)
    at = utf16(LONG, start)
    assert opened == {"start": at, "end": at, "top": opened["top"], "focused": True,
                      "scrolls": True}  # fmt: skip
    assert opened["top"] > 0
    # typing where the caret is does not scroll the textarea: the caret was in view
    assert typed["top"] == opened["top"]
    assert value == LONG[:start] + "X" + LONG[start:]


def test_line_ends_of_two_characters_do_not_shift_the_caret(chromium: Any, live: Live) -> None:
    """A stored CRLF counts two code points in the span's offsets, one LF in the textarea."""
    empty_queue(live)
    text = "A first line.\r\n" * 40 + DEFAMATORY
    crlf, start = held(live, text)
    assert live.history(crlf)["revisions"][-1]["text"] == text  # stored as sent
    opened, _, value = edit(chromium, live, crlf)
    at = len(text[:start].replace("\r\n", "\n"))
    assert (opened["start"], opened["end"]) == (at, at)
    assert value == (text[:start] + "X" + text[start:]).replace("\r\n", "\n")


def test_a_short_comment_opens_at_its_mark_unscrolled(chromium: Any, live: Live) -> None:
    empty_queue(live)
    short, start = held(live, "Fair point. " + DEFAMATORY)
    opened, _, _ = edit(chromium, live, short)
    assert start > 0
    assert (opened["start"], opened["end"], opened["top"]) == (start, start, 0)
