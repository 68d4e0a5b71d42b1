"""A moderator's action refused with 409 says why for a program too: the error keeps its
``code`` and ``message`` (with the hint for API clients) and gains ``conflict``, who did what
and when and what the comment is now, from which the moderator page builds its own sentence
(it cut the hint off the message with a pattern, so a reworded hint showed again). Against a
real server."""

from __future__ import annotations

import re
from typing import Any

import httpx
from s17m_helpers import Live
from test_s17m_repeated_decision import act, held  # a comment held; an action as a user

AT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def error_of(r: httpx.Response) -> dict[str, Any]:
    assert r.status_code == 409, r.text
    error = dict(r.json()["error"])
    assert set(error) == {"code", "message", "conflict"}, error
    assert error["code"] == "conflict"
    return error


def test_a_decision_taken_meanwhile_is_a_409_with_who_when_and_what_it_is_now(
    live: Live,
) -> None:
    comment = held(live)
    assert act(live, comment, "reject", "mod2").status_code == 200
    r = act(live, comment, "approve", expected_status="held", expected_revision=1,
            expected_appealed=False)  # fmt: skip
    error = error_of(r)
    assert error["message"].startswith(f"comment '{comment}' changed since it was read: it is")
    assert "leave out expected_status" in error["message"]  # the hint, for API clients
    conflict = error["conflict"]
    at = conflict["last"].pop("at")
    assert AT.fullmatch(at), at
    assert at[:-1] in error["message"]  # the same stamp as the message's
    assert conflict == {
        "reason": "changed", "comment_id": comment, "status": "rejected", "revision": 1,
        "appealed": False, "last": {"actor": "mod2", "action": "reject"},
        "expected": {"status": "held", "revision": 1, "appealed": False},
    }  # fmt: skip
    assert [d["decided_by"] for d in live.history(comment)["decisions"]] == ["machine", "mod2"]


def test_a_repeated_decision_is_a_409_naming_the_moderator_who_made_it(live: Live) -> None:
    comment = held(live)
    assert act(live, comment, "approve", "mod2").status_code == 200
    error = error_of(act(live, comment, "approve"))
    assert "was already approved by mod2 at " in error["message"]
    assert "send reject to overturn that decision" in error["message"]
    conflict = error["conflict"]
    assert AT.fullmatch(conflict["last"].pop("at"))
    assert conflict == {
        "reason": "already_decided", "comment_id": comment, "status": "published",
        "revision": 1, "last": {"actor": "mod2", "action": "approve"},
    }  # fmt: skip


def test_other_409s_keep_the_one_error_shape(live: Live) -> None:
    """An appeal refused (not a moderator's action) is a 409 as before: code and message."""
    comment = held(live)
    first = live.call("POST", f"/api/v1/comments/{comment}/appeal", "reader", json={"note": "x"})
    assert first.status_code == 200, first.text
    again = live.call("POST", f"/api/v1/comments/{comment}/appeal", "reader", json={"note": "y"})
    assert again.status_code == 409 and set(again.json()["error"]) == {"code", "message"}
