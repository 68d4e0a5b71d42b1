"""A reader's appeal against the machine's decision, in the library."""

from __future__ import annotations

import pytest
from appeal_helpers import post

from mutewatch.errors import ConflictError, InputError, NotFoundError
from mutewatch.moderate.service import ModerationService
from mutewatch.moderate.stats import moderation_stats

NOTE = "My comment criticises an argument, not a person."


def _appeal_rows(svc: ModerationService) -> list[dict[str, object]]:
    return [a for a in svc.audit() if a["action"] == "appeal"]


def test_rejected_comment_goes_back_to_the_queue(service: ModerationService) -> None:
    cid = post(service, "reject")
    assert service.queue()["total"] == 0
    out = service.appeal(cid, {"note": NOTE}, "viewer1")
    assert (out["id"], out["status"], out["appealed"]) == (cid, "held", True)
    assert out["appeal"]["note"] == NOTE
    queue = service.queue()
    [item] = queue["items"]
    assert (item["id"], item["status"], item["appeal"]["note"]) == (cid, "held", NOTE)
    assert "personal" in [c["clause"] for c in item["clauses"]]
    [entry] = _appeal_rows(service)
    assert (entry["actor"], entry["comment_id"], entry["note"]) == ("viewer1", cid, NOTE)
    assert entry["clause"] == "personal"
    chain = service.audit_chain()
    assert chain["intact"] and chain["entries"] == 3  # article, submission, appeal
    assert [a["action"] for a in service.history(cid)["audit"]] == ["submitted:reject", "appeal"]


def test_held_comment_can_be_appealed_and_the_queue_filters(service: ModerationService) -> None:
    held, other = post(service, "hold"), post(service, "hold")
    service.appeal(held, {"note": NOTE}, "viewer1")
    assert [i["id"] for i in service.queue(appeal=True)["items"]] == [held]
    assert [i["id"] for i in service.queue(appeal=False)["items"]] == [other]
    both = service.queue()
    assert both["total"] == 2 and [i["appeal"] is None for i in both["items"]] == [False, True]
    assert service.queue(appeal=True, clause="personal")["total"] == 0
    assert service.queue(appeal=True, clause="defamatory")["total"] == 1


def test_only_the_submitter_may_appeal(service: ModerationService) -> None:
    cid = post(service, "reject")
    for who in ("analyst1", "moderator1", "viewer2"):
        with pytest.raises(NotFoundError, match="unknown comment"):
            service.appeal(cid, {"note": NOTE}, who)
    with pytest.raises(NotFoundError, match="unknown comment 'c999'"):
        service.appeal("c999", {"note": NOTE}, "viewer1")
    assert service.comment(cid)["status"] == "rejected" and not _appeal_rows(service)


def test_once_per_comment(service: ModerationService) -> None:
    cid = post(service, "reject")
    service.appeal(cid, {"note": NOTE}, "viewer1")
    with pytest.raises(ConflictError, match="already appealed at .*once"):
        service.appeal(cid, {"note": "again"}, "viewer1")
    assert len(_appeal_rows(service)) == 1


def test_a_moderators_decision_is_final(service: ModerationService) -> None:
    held, approved = post(service, "hold"), post(service, "hold")
    service.act(held, {"action": "reject", "note": "allegation unsourced"}, "mod1")
    service.act(approved, {"action": "approve", "note": "sourced"}, "mod1")
    for cid, status in ((held, "rejected"), (approved, "published")):
        with pytest.raises(ConflictError, match=f"decided by a moderator \\({status}\\).*final"):
            service.appeal(cid, {"note": NOTE}, "viewer1")
        assert service.comment(cid)["status"] == status
    appealed = post(service, "reject")
    service.appeal(appealed, {"note": NOTE}, "viewer1")
    service.act(appealed, {"action": "reject", "note": "insult stands"}, "mod1")
    with pytest.raises(ConflictError, match="already appealed"):
        service.appeal(appealed, {"note": NOTE}, "viewer1")


def test_a_published_comment_has_nothing_to_appeal(service: ModerationService) -> None:
    cid = post(service, "publish")
    with pytest.raises(ConflictError, match="is published: there is nothing to appeal"):
        service.appeal(cid, {"note": NOTE}, "viewer1")
    assert not _appeal_rows(service)


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({}, "the appeal has no `note` field"),
        ({"note": "  "}, "the appeal field `note` is empty"),
        ({"note": 7}, "must be a string, not int"),
        ({"note": "x" * 2001}, "has 2001 characters; the limit is 2000"),
        ({"note": "a\x00b"}, "NUL"),
        ({"note": "\ud800"}, "lone surrogate"),
        (["note"], "must be a JSON object"),
    ],
)
def test_bad_appeals_store_nothing(
    service: ModerationService, record: object, message: str
) -> None:
    cid = post(service, "reject")
    with pytest.raises(InputError, match=message):
        service.appeal(cid, record, "viewer1")
    assert service.comment(cid)["status"] == "rejected"
    assert not _appeal_rows(service) and service.queue()["total"] == 0


def test_status_tells_the_reader_how_to_appeal(service: ModerationService) -> None:
    cid = post(service, "reject")
    plain = service.comment_status(cid, reader="viewer1")
    assert "automated" not in plain  # the library's default shape is unchanged
    status = service.comment_status(cid, reader="viewer1", appeals=True)
    assert (status["automated"], status["appealed"], status["appeal"]) == (True, False, None)
    assert f"/api/v1/comments/{cid}/appeal" in status["how_to_appeal"]
    service.appeal(cid, {"note": NOTE}, "viewer1")
    status = service.comment_status(cid, reader="viewer1", appeals=True)
    assert (status["status"], status["automated"], status["appealed"]) == ("held", True, True)
    assert status["appeal"]["note"] == NOTE and status["how_to_appeal"] is None
    service.act(cid, {"action": "approve", "note": "fair criticism"}, "mod1")
    status = service.comment_status(cid, reader="viewer1", appeals=True)
    assert (status["automated"], status["appealed"], status["how_to_appeal"]) == (
        False, True, None
    )  # fmt: skip
    published = service.comment_status(post(service, "publish"), appeals=True)
    assert published["automated"] and published["how_to_appeal"] is None


def test_stats_count_an_appealed_comment_by_its_current_status(
    service: ModerationService,
) -> None:
    cid = post(service, "reject")
    service.appeal(cid, {"note": NOTE}, "viewer1")
    stats = service.access.read(moderation_stats)
    assert stats["machine"]["reject"] == 1
    assert (stats["status"]["held"], stats["status"]["rejected"]) == (1, 0)
    assert [m["actions"] for m in stats["moderators"]] == []
