"""The moderator page's actions (real headless Chromium, real server, real store).

Found: a pressed again while an approve was being sent opened a new note dialog for the
comment being approved (act checked only for an open dialog), and the Approve button did the
same; now keys and buttons are ignored for a comment whose action is in flight, and the
status says it is being sent. And a 409 shown on the page told the moderator to "leave out
expected_status, expected_revision and expected_appealed to override on purpose", the API's
hint for its clients; the page now says in its own words that another moderator decided the
comment and that the queue was refreshed, and refreshes it. The API's JSON keeps its hint.
"""

from __future__ import annotations

from typing import Any

from s11p_browser import chromium
from s17p_helpers import MARKS, Server, clear_queue, client_of, clocked_page, hold

pytestmark = MARKS
__all__ = ["chromium"]  # with conftest.py's server: the fixtures the tests use
OPEN = "document.getElementById('act-dialog').open"


def test_keys_and_buttons_wait_while_an_approve_is_sent(chromium: Any, server: Server) -> None:
    clear_queue(server)
    cid = hold(server)
    errors: list[str] = []
    with clocked_page(chromium, server, errors) as page:
        sent: list[Any] = []  # the approve's request, held back until the test lets it go
        page.route("**/actions", lambda route: sent.append(route))
        card = page.locator(f'article.item[data-id="{cid}"]')
        card.focus()
        page.keyboard.press("a")
        page.fill("#act-note", "fine")
        page.press("#act-note", "Enter")
        for _ in range(600):
            if sent:
                break
            page.wait_for_timeout(50)
        assert len(sent) == 1
        card.focus()
        page.keyboard.press("a")  # again, while the first is being sent
        by_key = page.evaluate(OPEN)
        said = page.locator("#status").inner_text()
        assert (by_key, said) == (False, f"Approve of {cid} is being sent: wait for its answer")
        card.locator('button[data-action="approve"]').click()
        assert page.evaluate(OPEN) is False
        sent[0].continue_()
        page.locator("#status").filter(has_text=f"Approved {cid}").wait_for(timeout=30_000)
        assert len(sent) == 1
    with client_of(server) as client:
        decisions = client.get(f"/api/v1/comments/{cid}/history").json()["decisions"]
    assert [d["decision"] for d in decisions][-1] == "publish"
    assert errors == []


def test_a_409_is_said_in_the_pages_words_and_the_queue_refreshed(
    chromium: Any, server: Server
) -> None:
    clear_queue(server)
    cid = hold(server)
    errors: list[str] = []
    with clocked_page(chromium, server, errors) as page:
        card = page.locator(f'article.item[data-id="{cid}"]')
        card.wait_for()
        with client_of(server) as client:  # another moderator rejects it meanwhile
            body = {"action": "reject", "note": "rejected in another tab"}
            client.post(f"/api/v1/comments/{cid}/actions", json=body).raise_for_status()
        card.focus()
        page.keyboard.press("a")
        page.fill("#act-note", "approved on the page")
        with page.expect_response(lambda r: r.request.method == "POST") as answered:
            page.press("#act-note", "Enter")
        status = page.locator("#status")
        status.filter(has_text="the queue was refreshed").wait_for(timeout=30_000)
        said = status.inner_text()
        api = answered.value
        assert api.status == 409 and "expected_status" in api.json()["error"]["message"]
        page.locator("#queue").filter(has_text="The queue is empty.").wait_for()
    assert "expected_status" not in said and "override" not in said
    assert said.startswith(f"Not done: approve of {cid}: comment '{cid}' changed since it was read")
    assert ": mod rejected it at " in said  # who decided it meanwhile (session 18: conflict)
    assert errors == []
