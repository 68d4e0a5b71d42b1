"""A moderator's approve of a comment a moderator already approved (or edited), or reject of
one already rejected, changes nothing: two moderators deciding alike, or a double click, get
409 naming who decided it and when, and nothing is appended to the audit log or the
decisions. This is the conflict handling of tests/moderate/test_moderation_page_conflict.py
(a decision taken on a comment someone else decided meanwhile is a 409) for callers that
send no expected_status. A different decision still overrides on purpose, and a moderator
confirming the machine's publish or reject is still recorded. Against a real server."""

from __future__ import annotations

import threading
from typing import Any

import httpx
from s17m_helpers import DEFAMATORY, ON_TOPIC, Live, fresh_text

ACTIONS = "/api/v1/comments/{}/actions"


def act(live: Live, comment_id: str, action: str, user: str = "mod", **extra: Any) -> Any:
    body = {"action": action, "note": f"{action} by {user}", **extra}
    return live.call("POST", ACTIONS.format(comment_id), user, json=body)


def held(live: Live) -> str:
    r = live.submit(DEFAMATORY)
    assert r.status_code == 201 and r.json()["decision"] == "hold", r.text
    return str(r.json()["id"])


def conflict(r: httpx.Response, *words: str) -> str:
    assert r.status_code == 409, r.text
    error = r.json()["error"]
    assert error["code"] == "conflict", error
    for word in words:
        assert word in error["message"], error["message"]
    return str(error["message"])


def test_a_second_approve_is_409_naming_who_and_appends_nothing(live: Live) -> None:
    comment = held(live)
    assert act(live, comment, "approve").json()["status"] == "published"
    before, log = live.history(comment), live.whole_log()
    # the same moderator again (a double click sent twice), then a second moderator
    conflict(act(live, comment, "approve"), f"comment '{comment}' was already approved by mod",
             "nothing was recorded")  # fmt: skip
    message = conflict(act(live, comment, "approve", "mod2"), "already approved by mod at ")
    assert "another approve would change nothing" in message
    after = live.history(comment)
    assert after == before and len(after["audit"]) == 2  # submitted, approve
    assert [d["decided_by"] for d in after["decisions"]] == ["machine", "mod"]
    assert live.whole_log() == log


def test_a_second_reject_is_409_and_a_different_decision_still_overrides(live: Live) -> None:
    comment = held(live)
    assert act(live, comment, "approve").status_code == 200
    r = act(live, comment, "reject", "mod2")  # a different decision: override on purpose
    assert r.status_code == 200 and r.json()["status"] == "rejected", r.text
    conflict(act(live, comment, "reject"), "was already rejected by mod2", "send approve")
    assert act(live, comment, "approve").json()["status"] == "published"
    actions = [(e["actor"], e["action"]) for e in live.history(comment)["audit"]]
    assert actions == [("machine", "submitted:hold"), ("mod", "approve"), ("mod2", "reject"),
                       ("mod", "approve")]  # fmt: skip


def test_an_approve_after_an_edit_is_409_an_edit_after_an_approve_is_not(live: Live) -> None:
    comment = held(live)
    r = act(live, comment, "edit", text="Councillor John Smith was asked about the tram deal.")
    assert r.status_code == 200 and r.json()["status"] == "published", r.text
    conflict(act(live, comment, "approve", "mod2"), "was already edited and published by mod")
    r = act(live, comment, "edit", "mod2", text="A question about the tram deal.")
    assert r.status_code == 200 and r.json()["revision"] == 3, r.text


def test_confirming_the_machines_decision_is_recorded_once(live: Live) -> None:
    r = live.submit(fresh_text(ON_TOPIC))
    assert r.status_code == 201 and r.json()["decision"] == "publish", r.text
    comment = str(r.json()["id"])
    assert act(live, comment, "approve").status_code == 200  # a human review of a publish
    conflict(act(live, comment, "approve", "mod2"), "already approved by mod")
    assert [e["action"] for e in live.history(comment)["audit"]] == [
        "submitted:publish", "approve"]  # fmt: skip


def test_the_page_s_expected_status_still_answers_first(live: Live) -> None:
    """The moderator page sends what it showed: its message stays "changed since it was
    read", as test_moderation_page_conflict pins."""
    comment = held(live)
    assert act(live, comment, "approve").status_code == 200
    seen = {"expected_status": "held", "expected_revision": 1}
    message = "changed since it was read: it is published at revision 1 (approve by mod"
    conflict(act(live, comment, "approve", "mod2", **seen), message)


def approve_at_once(live: Live, comment: str, users: tuple[str, ...]) -> list[httpx.Response]:
    """Each of ``users`` approves ``comment`` from a thread of its own, the requests let go
    together."""
    answers: list[httpx.Response] = []
    start = threading.Barrier(len(users))

    def approve(user: str) -> None:
        with httpx.Client(base_url=live.url, timeout=120) as client:
            headers = {"Authorization": f"Bearer {live.tokens[user]}"}
            body = {"action": "approve", "note": f"approve by {user}"}
            start.wait()
            answers.append(client.post(ACTIONS.format(comment), json=body, headers=headers))

    threads = [threading.Thread(target=approve, args=(user,)) for user in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def test_two_approves_at_once_record_one(live: Live) -> None:
    """A double click or two moderators at the same moment: the two requests race in the
    server; one is recorded, the other is told who decided."""
    for _ in range(3):
        comment = held(live)
        answers = approve_at_once(live, comment, ("mod", "mod2"))
        assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
        history = live.history(comment)
        assert [e["action"] for e in history["audit"]] == ["submitted:hold", "approve"]
        assert len(history["decisions"]) == 2
    live.whole_log()  # the chain is intact
