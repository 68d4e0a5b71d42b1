"""The moderator page's audit log pages back: "Older entries" asks for the entries before
the last one shown (``before`` = the API's ``next_before``) and appends them, until a short
page (``next_before`` null) hides the button; a filter by who, action or comment asks the
API for exact matches, and pages back the same way.

Found: the table showed the newest 50 entries and nothing older, though the API pages
through the whole log (``{items, next_before}``)."""

from __future__ import annotations

from typing import Any

import pytest
from modpage import CHROMIUM, Site, item, moderator_page, shown, until

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]
ENTRIES: list[dict[str, Any]] = [
    {"audit_id": n, "at": f"2026-11-29T10:{n // 60:02d}:{n % 60:02d}.5Z",
     "actor": "moderator1" if n % 2 else "machine",
     "action": "approve" if n % 2 else "submitted:hold",
     "comment_id": f"c{n}", "article_id": "a1", "clause": None, "note": "placeholder"}
    for n in range(120, 0, -1)
]  # fmt: skip
ROWS = "document.querySelectorAll('#audit tr').length"
COMMENTS = "[...document.querySelectorAll('#audit tr')].map((tr) => tr.children[3].textContent)"


def _audit(query: dict[str, str]) -> dict[str, Any]:
    """The API's answer: newest first, before/actor/action/comment_id exact, limit."""
    limit = int(query.get("limit", "200"))
    keep = [
        e for e in ENTRIES
        if ("before" not in query or e["audit_id"] < int(query["before"]))
        and all(e[key] == query[key] for key in ("actor", "action", "comment_id") if key in query)
    ]  # fmt: skip
    more = len(keep) > limit  # null on the last page, an exactly full one included
    return {"items": keep[:limit], "next_before": keep[limit - 1]["audit_id"] if more else None}


def _state(page: Any) -> dict[str, Any]:
    return {
        "rows": page.evaluate(ROWS),
        "comments": page.evaluate(COMMENTS),
        "older_hidden": page.evaluate("document.getElementById('audit-older').hidden"),
        "shown": page.text_content("#audit-shown"),
        "focus": page.evaluate("document.activeElement.id"),
    }


@pytest.fixture(scope="module")
def seen() -> dict[str, Any]:
    """Page back to the first entry, then filter by who and page back again, then clear."""
    site = Site({
        "/api/v1/moderation/queue": {"total": 1, "items": [item("c1")]},
        "/api/v1/moderation/audit": _audit,
        "/api/v1/moderation/audit/verify": {"intact": True, "entries": 120, "head": None},
    })  # fmt: skip
    out: dict[str, Any] = {"steps": []}
    with moderator_page(site) as page:
        until(page, f"{ROWS} === 50")
        out["steps"].append(_state(page))
        for rows in (100, 120):
            page.click("#audit-older")
            until(page, f"{ROWS} === {rows}")
            out["steps"].append(_state(page))
        page.fill("#audit-actor", "moderator1")
        page.keyboard.press("a")  # typed into the field: no approve dialog
        site.dialogs.extend(shown(page))
        page.fill("#audit-actor", "moderator1")
        page.press("#audit-actor", "Enter")
        until(page, f"{ROWS} === 50 && document.querySelector('#audit td:nth-child(2)')"
                    ".textContent === 'moderator1'")  # fmt: skip
        out["filtered"] = _state(page)
        out["actors"] = page.evaluate(
            "[...document.querySelectorAll('#audit tr')].map((tr) => tr.children[1].textContent)"
        )
        page.click("#audit-older")
        until(page, f"{ROWS} === 60")
        out["filtered_end"] = _state(page)
        page.click("#audit-clear")
        until(page, f"{ROWS} === 50 && !document.getElementById('audit-older').hidden")
        out["cleared"] = _state(page)
    out["queries"] = [q for path, q in site.gets if path == "/api/v1/moderation/audit"]
    out["dialogs"] = site.dialogs
    return out


def test_older_entries_page_back_to_the_first(seen: dict[str, Any]) -> None:
    first, second, last = seen["steps"]
    assert first["comments"][:2] == ["c120", "c119"] and not first["older_hidden"]
    assert first["shown"] == "50 entries shown"
    assert second["comments"][49:51] == ["c71", "c70"] and not second["older_hidden"]
    assert last["comments"][-1] == "c1" and last["rows"] == 120
    assert last["older_hidden"] is True
    assert last["shown"] == "120 entries shown, the oldest reached"
    assert last["focus"] == "audit-shown"  # the button went; the focus stays next to it
    befores = [q.get("before") for q in seen["queries"][:3]]
    assert befores == [None, "71", "21"]


def test_the_filter_asks_for_one_actor_and_pages_back(seen: dict[str, Any]) -> None:
    assert seen["dialogs"] == []
    assert set(seen["actors"]) == {"moderator1"}
    assert seen["filtered"]["comments"][:2] == ["c119", "c117"]
    assert seen["filtered"]["shown"] == "50 matching entries shown"
    end = seen["filtered_end"]
    assert end["rows"] == 60 and end["older_hidden"] is True
    assert end["comments"][-1] == "c1"
    filtered = [q for q in seen["queries"] if "actor" in q]
    assert [q.get("before") for q in filtered] == [None, "21"]
    assert {q["actor"] for q in filtered} == {"moderator1"}


def test_clear_shows_the_newest_entries_again(seen: dict[str, Any]) -> None:
    cleared = seen["cleared"]
    assert cleared["comments"][:2] == ["c120", "c119"]
    assert "actor" not in seen["queries"][-1] and "before" not in seen["queries"][-1]
