"""WCAG 2.1.4 (Character Key Shortcuts): the moderator page's single-key shortcuts (a
approves, r rejects, anywhere outside a text field) can be turned off, or kept to the queue,
and the choice is remembered; each card has buttons, so nothing needs the shortcuts.

Found: a, r, e, j, k, v and h fired wherever the focus was (speech input saying a word
with an "a" approved the selected comment), with no way to turn them off."""

from __future__ import annotations

from typing import Any

import pytest
from modpage import CHROMIUM, Site, answer, item, moderator_page, shown, until

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]
SHORTCUTS = "document.getElementById('shortcuts').value"
HELP_HIDDEN = "document.getElementById('key-help').hidden"


def _site() -> Site:
    return Site({
        "/api/v1/moderation/queue": {"total": 2, "items": [item("c1"), item("c2")]},
        "/api/v1/moderation/audit": {"items": [], "next_before": None},
        "/api/v1/moderation/audit/verify": {"intact": True, "entries": 0, "head": None},
    })  # fmt: skip


def _press_outside_the_queue(page: Any, key: str) -> None:
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press(key)
    page.wait_for_timeout(150)


@pytest.fixture(scope="module")
def seen() -> dict[str, Any]:
    """Use the page as a moderator who turns the shortcuts off, reloads, then keeps them
    to the queue; note the prompts, the POSTs and the control's state at each step."""
    site = _site()
    out: dict[str, Any] = {}
    with moderator_page(site) as page:
        page.locator(".item").nth(1).wait_for()
        out["default"] = page.evaluate(SHORTCUTS)
        _press_outside_the_queue(page, "a")  # on by default: the keyboard approves
        answer(page, site)
        until(page, "document.getElementById('status').textContent.startsWith('Approved c1')")
        out["on"] = (list(site.dialogs), list(site.posts))
        page.select_option("#shortcuts", "off")
        out["off_status"] = page.text_content("#status")
        out["off_help_hidden"] = page.evaluate(HELP_HIDDEN)
        _press_outside_the_queue(page, "r")
        page.locator(".item").nth(0).focus()
        page.keyboard.press("r")
        page.keyboard.press("j")
        page.wait_for_timeout(150)
        site.dialogs.extend(shown(page))  # none opened
        out["off"] = (list(site.dialogs), list(site.posts))
        out["off_focus"] = page.evaluate("document.activeElement.dataset.id || null")
        page.get_by_role("button", name="Reject c2").click()  # the buttons still act
        answer(page, site)
        until(page, lambda: len(site.posts) == 2)
        out["button"] = list(site.posts)
        page.reload()
        page.locator(".item").nth(1).wait_for()
        out["reloaded"] = (page.evaluate(SHORTCUTS), page.evaluate(HELP_HIDDEN))
        page.select_option("#shortcuts", "queue")
        before = len(site.dialogs)
        _press_outside_the_queue(page, "a")
        out["queue_outside"] = shown(page)
        page.locator(".item").nth(1).focus()
        page.keyboard.press("e")
        answer(page, site)
        until(page, lambda: len(site.posts) == 3)
        out["queue_inside"] = (site.dialogs[before:], site.posts[-1])
        out["stored"] = page.evaluate("localStorage.getItem('mutewatch.moderation.shortcuts')")
    out["native"] = site.native
    return out


def test_the_shortcuts_are_on_by_default(seen: dict[str, Any]) -> None:
    assert seen["default"] == "on"
    dialogs, posts = seen["on"]
    assert dialogs == ["Note for approve of c1 (audit log, required)"]
    assert posts == ["/api/v1/comments/c1/actions"]
    assert seen["native"] == []  # asked in the page's dialog, not with window.prompt


def test_off_no_key_acts_and_the_help_is_hidden(seen: dict[str, Any]) -> None:
    dialogs, posts = seen["off"]
    assert len(dialogs) == 1 and len(posts) == 1  # nothing since the approve above
    assert seen["off_focus"] == "c1"  # j did not move the focus either
    assert seen["off_help_hidden"] is True
    assert "off" in seen["off_status"]


def test_off_the_buttons_still_act(seen: dict[str, Any]) -> None:
    assert seen["button"][-1] == "/api/v1/comments/c2/actions"


def test_the_choice_is_remembered(seen: dict[str, Any]) -> None:
    assert seen["reloaded"] == ("off", True)
    assert seen["stored"] == "queue"


def test_in_queue_mode_keys_act_only_in_the_queue(seen: dict[str, Any]) -> None:
    assert seen["queue_outside"] == []
    dialogs, last_post = seen["queue_inside"]
    assert dialogs[0].startswith("Edited text")
    assert dialogs[1] == "Note for edit of c2 (audit log, required)"
    assert last_post == "/api/v1/comments/c2/actions"
