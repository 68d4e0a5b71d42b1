"""The flagged text's show/hide toggle has a short accessible name, not the comment.

Found: the flagged-text box is a toggle button named by its content, so a screen reader
read the whole comment (up to some 9,000 characters) as the button's name, and read it
while the text was blurred, before the reviewer chose to read it. Now the toggle is named
"Show flagged text" whatever its state (a toggle button's name stays; aria-pressed says
whether the text is shown); while shown, the words are its description (aria-describedby), and while
blurred they are in no name, description or text of Chromium's accessibility tree.
Real headless Chromium (its own accessibility tree, over CDP), real server, real store."""

from __future__ import annotations

from typing import Any

from s11p_browser import chromium
from s17m_helpers import DEFAMATORY, Live
from s17p_helpers import MARKS
from s18m_page import empty_queue, moderator_page

pytestmark = MARKS
__all__ = ["chromium"]
NAME = "Show flagged text"
WORD = "Zanzibarquux"  # in the comment only: found in the tree only where the text is


def exposed(page: Any) -> list[tuple[str, str, str]]:
    """Every node of Chromium's accessibility tree whose name, description or value holds
    WORD: (role, which property, its length)."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    found = []
    for node in nodes:
        if node.get("ignored"):
            continue
        role = str(node.get("role", {}).get("value", ""))
        for key in ("name", "description", "value"):
            value = str(node.get(key, {}).get("value", ""))
            if WORD in value:
                found.append((role, key, str(len(value))))
    return found


def test_the_toggle_is_named_short_and_the_words_described_only_when_shown(
    chromium: Any, live: Live
) -> None:
    empty_queue(live)
    text = f"{DEFAMATORY} {WORD}. " + "A long story of the tram line. " * 290
    r = live.submit(text)
    assert r.status_code == 201 and r.json()["decision"] == "hold", r.text
    comment = str(r.json()["id"])
    errors: list[str] = []
    with moderator_page(chromium, live, errors) as page:
        card = page.locator(f'article.item[data-id="{comment}"]')
        blurred_named = card.get_by_role("button", name=NAME, exact=True, pressed=False).count()
        blurred_tree = exposed(page)
        card.locator(".text").click()
        toggle = card.get_by_role("button", name=NAME, exact=True, pressed=True)
        shown_named = toggle.count()
        description = toggle.evaluate(
            "b => document.getElementById(b.getAttribute('aria-describedby')).textContent",
            timeout=60_000,
        )
        shown_tree = exposed(page)
        page.keyboard.press("v")
        again_named = card.get_by_role("button", name=NAME, exact=True, pressed=False).count()
        again_tree = exposed(page)
    assert len(text) > 9000
    assert (blurred_named, shown_named, again_named) == (1, 1, 1)
    assert blurred_tree == [] and again_tree == []  # not read before the reviewer chose to
    assert description == text
    # shown: the words are the toggle's description and text in the tree, never its name
    assert ("button", "description", str(len(text.strip()))) in shown_tree, shown_tree
    assert {role for role, _, _ in shown_tree} >= {"StaticText"}, shown_tree
    assert not [n for n in shown_tree if n[:2] == ("button", "name")], shown_tree
    assert errors == []
