"""One comment's status for the submitting site: what the commenter may be told, and more
for moderators."""

from __future__ import annotations

import json

import pytest
from service_more_helpers import DEFAMATORY, comment

from mutewatch.errors import NotFoundError
from mutewatch.moderate.service import ModerationService

KEYS = {
    "id", "article_id", "parent_id", "author_name", "status", "decision", "decided_by",
    "reason", "revision", "created_at", "updated_at",
}  # fmt: skip


def _reason(service: ModerationService, clause: str) -> str:
    return str(next(c.reason for c in service.policy.clauses if c.clause == clause))


def test_held_comment_awaits_review(service: ModerationService) -> None:
    held = comment(service, DEFAMATORY, email="ana@example.org")
    status = service.comment_status(held)
    assert set(status) == KEYS
    assert (status["status"], status["decision"], status["decided_by"]) == (
        "held", "hold", "machine"
    )  # fmt: skip
    assert status["reason"] == _reason(service, "defamatory")
    assert (status["article_id"], status["revision"], status["parent_id"]) == ("a1", 1, None)
    staff = service.comment_status(held, staff=True)
    assert set(staff) == KEYS | {"email", "note"}
    assert (staff["email"], staff["note"]) == ("ana@example.org", None)


def test_moderator_reject_gives_the_clause_reason_not_the_note(
    service: ModerationService,
) -> None:
    cid = comment(service, email="ana@example.org")
    service.act(cid, {"action": "reject", "note": "internal: repeat poster", "clause": "personal"},
                "mod1")  # fmt: skip
    status = service.comment_status(cid)
    assert (status["status"], status["decision"], status["decided_by"]) == (
        "rejected", "publish", "moderator"
    )  # fmt: skip
    assert status["reason"] == _reason(service, "personal")
    dumped = json.dumps(status, default=str)
    assert "repeat poster" not in dumped and "mod1" not in dumped and "ana@" not in dumped
    staff = service.comment_status(cid, staff=True)
    assert (staff["decided_by"], staff["note"]) == ("mod1", "internal: repeat poster")


def test_approve_and_edit_reasons(service: ModerationService) -> None:
    held = comment(service, DEFAMATORY)
    service.act(held, {"action": "approve", "note": "sourced"}, "mod1")
    assert service.comment_status(held)["reason"] == "A moderator approved the comment."
    service.act(held, {"action": "edit", "text": "Councillor Smith met them.", "note": "n"}, "m2")
    status = service.comment_status(held)
    assert status["reason"] == "A moderator edited the comment and published it."
    assert (status["status"], status["revision"]) == ("published", 2)
    plain = service.comment_status(comment(service, "The tram timetable looks sensible."))
    assert plain["decided_by"] == "machine"


def test_reject_without_a_known_clause(service: ModerationService) -> None:
    cid = comment(service)
    service.act(cid, {"action": "reject", "note": "n"}, "mod1")
    assert service.comment_status(cid)["reason"] == (
        "A moderator decided not to publish the comment."
    )


def test_unknown_comment(service: ModerationService) -> None:
    with pytest.raises(NotFoundError, match="unknown comment 'c999'"):
        service.comment_status("c999")


def test_reject_of_a_held_comment_does_not_promise_a_review(service: ModerationService) -> None:
    held = comment(service, DEFAMATORY)
    service.act(held, {"action": "reject", "note": "unsourced"}, "mod1")
    reason = service.comment_status(held)["reason"]
    assert reason == (
        "A moderator decided not to publish the comment under the terms on defamatory comments."
    )


def test_a_reader_sees_only_the_comments_it_submitted(service: ModerationService) -> None:
    mine = str(
        service.submit_comment(
            {"article_id": "a1", "author_name": "Ana Silva", "text": DEFAMATORY}, "site1"
        )["id"]
    )
    assert service.comment_status(mine, reader="site1")["status"] == "held"
    with pytest.raises(NotFoundError, match="unknown comment") as err:
        service.comment_status(mine, reader="someone_else")
    assert "submitted it" in str(err.value)
    assert service.comment_status(mine, staff=True, reader="mod1")["status"] == "held"
