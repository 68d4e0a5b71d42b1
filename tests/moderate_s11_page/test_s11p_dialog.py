"""The moderator page asks for the edited text and the audit note in a dialog in the page, in
a real headless Chromium against a real server (``create_app`` under uvicorn on 127.0.0.1)
over a real store.

Found: Edit asked for the new text with ``window.prompt`` and every action for its note the
same way. A prompt is one line: a reader's comment of several paragraphs could not be edited
with its line breaks kept; Chromium closes a prompt when the tab loses the focus, and the
edit in progress went with it. The dialog has a textarea prefilled with the comment's text,
a required note field with its label, Save and Cancel; Escape cancels and sends nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from s11p_browser import chromium, moderation_page_in
from test_moderation_page import CHROMIUM, server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]
__all__ = ["chromium", "server"]  # the fixtures this module's tests use (conftest.py)
Server = tuple[str, str]
# three paragraphs; the second holds the comment (an allegation against a named person)
THREE = (
    "The tram line will run past the school.\n\n"
    "Councillor John Smith took bribes from the tram builders.\n\n"
    "I hope the council looks at the timetable again."
)
EDITED = (
    "The tram line will run past the school.\n\n"
    "[Removed by the moderator: an allegation against a named person.]\n\n"
    "I hope the council looks at the timetable again.\nThank you."
)
HELD = "Councillor John Smith took bribes from the tram builders, again."
BODY_KEYS = {"action", "note", "text", "expected_status", "expected_revision", "expected_appealed"}
OPEN = "document.getElementById('act-dialog').open"
FOCUS = "document.activeElement && (document.activeElement.id || document.activeElement.dataset.id)"


@pytest.fixture(scope="module")
def held(server: Server) -> list[str]:
    """The ids of three comments submitted to the server and held: THREE, then HELD twice."""
    url, token = server
    ids = []
    with httpx.Client(
        timeout=60, base_url=url, headers={"Authorization": f"Bearer {token}"}
    ) as client:
        for text in (THREE, HELD, HELD):
            body = {"article_id": "a1", "author_name": "A B", "text": text}
            got = client.post("/api/v1/comments", json=body)
            assert got.status_code == 201 and got.json()["decision"] == "hold", got.text
            ids.append(got.json()["id"])
    return ids


def _history(server: Server, cid: str) -> dict[str, Any]:
    url, token = server
    with httpx.Client(
        timeout=60, base_url=url, headers={"Authorization": f"Bearer {token}"}
    ) as client:
        return dict(client.get(f"/api/v1/comments/{cid}/history").json())


@contextmanager
def page_of(browser: Any, server: Server, seen: dict[str, Any]) -> Iterator[Any]:
    """The moderator page in a new context of ``browser``, its queue loaded; page errors,
    native dialogs (there should be none) and the POSTed bodies go to ``seen``."""
    seen.update(errors=[], native=[], posts=[])
    with moderation_page_in(browser, server, seen["errors"]) as page:
        page.on("dialog", lambda d: (seen["native"].append(d.message), d.dismiss()))
        page.on(
            "request",
            lambda r: seen["posts"].append(r.post_data_json) if r.method == "POST" else None,
        )
        page.locator("#status").filter(has_text="held comment").wait_for()
        yield page


def _open(page: Any, cid: str, key: str) -> None:
    """Focus the card of ``cid``, press ``key`` and wait for the dialog."""
    page.locator(f'article.item[data-id="{cid}"]').focus()
    page.keyboard.press(key)
    page.locator("#act-dialog[open]").wait_for(timeout=60_000)


@contextmanager
def editing(browser: Any, server: Server, cid: str) -> Iterator[tuple[Any, dict[str, Any]]]:
    """``page_of`` with the edit dialog of ``cid`` open (e pressed on its card), and what
    it saw; the page raised no error and opened no native dialog."""
    seen: dict[str, Any] = {}
    with page_of(browser, server, seen) as page:
        _open(page, cid, "e")
        yield page, seen
    assert seen["errors"] == [] and seen["native"] == []


def _stored(server: Server, cid: str) -> tuple[str, list[str]]:
    """The comment's status and the text of each of its revisions, as the server has them."""
    history = _history(server, cid)
    return history["comment"]["status"], [r["text"] for r in history["revisions"]]


def test_a_three_paragraph_edit_keeps_its_line_breaks(
    chromium: Any, server: Server, held: list[str]
) -> None:
    cid = held[0]
    with editing(chromium, server, cid) as (page, seen):
        shown = {
            "focus": page.evaluate(FOCUS),
            "text": page.input_value("#act-text"),
            "text_label": page.locator("label[for=act-text]").inner_text(),
            "note_label": page.locator("label[for=act-note]").inner_text(),
            "note_required": page.get_attribute("#act-note", "required") is not None,
        }
        page.fill("#act-text", EDITED)
        page.fill("#act-note", "allegation removed")
        with page.expect_response(lambda r: r.request.method == "POST") as answered:
            page.press("#act-note", "Enter")  # Enter in the note saves
        assert answered.value.status == 200
        page.locator("#status").filter(has_text=f"Edited and published {cid}").wait_for()
        after = {"open": page.evaluate(OPEN), "in_queue": page.evaluate(
            "document.getElementById('queue').contains(document.activeElement)")}  # fmt: skip
    assert shown == {
        "focus": "act-text",
        "text": THREE,
        "text_label": "Edited text (the original is kept as a revision)",
        "note_label": f"Note for edit of {cid} (audit log, required)",
        "note_required": True,
    }
    assert after == {"open": False, "in_queue": True}
    assert len(seen["posts"]) == 1 and set(seen["posts"][0]) == BODY_KEYS
    assert seen["posts"][0]["text"] == EDITED
    assert _stored(server, cid) == ("published", [THREE, EDITED])  # line breaks kept
    assert _history(server, cid)["revisions"][1]["note"] == "allegation removed"


def test_escape_cancels_and_nothing_is_stored(
    chromium: Any, server: Server, held: list[str]
) -> None:
    cid = held[1]
    with editing(chromium, server, cid) as (page, seen):
        page.fill("#act-text", "A changed text\n\nin two paragraphs.")
        page.fill("#act-note", "about to cancel")
        page.keyboard.press("Escape")
        page.locator("#act-dialog[open]").wait_for(state="detached")
        escaped = page.evaluate(FOCUS)
        _open(page, cid, "r")  # an empty note is refused in the dialog
        page.press("#act-note", "Enter")
        refused = {
            "open": page.evaluate(OPEN),
            "error": page.text_content("#act-error"),
            "invalid": page.get_attribute("#act-note", "aria-invalid"),
            "focus": page.evaluate(FOCUS),
        }
        page.keyboard.press("a")  # typed into the note: not an approve
        page.keyboard.press("Escape")
        page.locator("#act-dialog[open]").wait_for(state="detached")
        page.wait_for_timeout(300)
        status = page.text_content("#status") or ""
    assert escaped == cid  # the focus went back to the card
    assert refused == {
        "open": True,
        "error": "A note is required: say why, for the audit log.",
        "invalid": "true",
        "focus": "act-note",
    }
    assert seen["posts"] == []
    assert status.endswith("held comment(s)")
    assert _stored(server, cid) == ("held", [HELD])
    assert [a for a in _history(server, cid)["audit"] if a["actor"] == "mod"] == []


def test_ctrl_enter_in_the_text_saves(chromium: Any, server: Server, held: list[str]) -> None:
    cid = held[2]
    with editing(chromium, server, cid) as (page, seen):
        page.fill("#act-note", "names removed")
        page.fill("#act-text", "A councillor was named here.\nNo longer.")
        page.press("#act-text", "Enter")  # a new line, not a save
        assert page.evaluate(OPEN) is True
        with page.expect_response(lambda r: r.request.method == "POST"):
            page.press("#act-text", "Control+Enter")
        page.locator("#status").filter(has_text=f"Edited and published {cid}").wait_for()
    edited = "A councillor was named here.\nNo longer.\n"
    assert _stored(server, cid) == ("published", [HELD, edited])
