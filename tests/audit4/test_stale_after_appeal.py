"""A moderator's action on a view from before the reader's appeal is refused (409), when the
action says whether the moderator saw an appeal (``expected_appealed``, sent by the page)."""

from __future__ import annotations

from pathlib import Path

import pytest
from appeal_helpers import post

from mutewatch.errors import ConflictError, InputError
from mutewatch.moderate.service import ModerationService

PAGE_JS = (
    Path(__file__).resolve().parents[2]
    / "src" / "mutewatch" / "web" / "moderation_assets" / "moderation.js"
)  # fmt: skip


def _seen(svc: ModerationService, cid: str) -> dict[str, object]:
    """What the moderator page sends: the item's status, revision and whether it had an appeal."""
    [item] = [i for i in svc.queue()["items"] if i["id"] == cid]
    return {"expected_status": item["status"], "expected_revision": item["revision"],
            "expected_appealed": item["appeal"] is not None}  # fmt: skip


def test_reject_decided_before_the_appeal_is_a_conflict(service: ModerationService) -> None:
    """Reproduction: held by the machine, read by a moderator; the reader appeals (it stays
    held at revision 1); the moderator's reject went through, the appeal note unread and the
    reader's one appeal spent."""
    cid = post(service, "hold")
    seen = _seen(service, cid)
    service.appeal(cid, {"note": "the allegation is a court finding"}, "viewer1")
    with pytest.raises(ConflictError, match="appeal by viewer1"):
        service.act(cid, {"action": "reject", "note": "unsourced", **seen}, "mod1")
    assert service.comment(cid)["status"] == "held"
    fresh = _seen(service, cid)
    assert fresh["expected_appealed"] is True
    done = service.act(cid, {"action": "reject", "note": "read the appeal", **fresh}, "mod1")
    assert done["status"] == "rejected"


def test_expected_appealed_false_still_acts_without_an_appeal(
    service: ModerationService,
) -> None:
    cid = post(service, "hold")
    done = service.act(cid, {"action": "approve", "note": "fine", **_seen(service, cid)}, "mod1")
    assert done["status"] == "published"


@pytest.mark.parametrize("bad", ["yes", 1, 0, []])
def test_expected_appealed_must_be_a_boolean(service: ModerationService, bad: object) -> None:
    cid = post(service, "hold")
    with pytest.raises(InputError, match="expected_appealed"):
        service.act(cid, {"action": "approve", "note": "x", "expected_appealed": bad}, "mod1")
    assert service.comment(cid)["status"] == "held"


def test_the_page_sends_what_it_saw_of_the_appeal() -> None:
    assert "expected_appealed: Boolean(item.appeal)" in PAGE_JS.read_text(encoding="utf-8")
