"""A moderator's edit cannot be appealed (409), and the reader sees neither the moderator's
note nor their name."""

from __future__ import annotations

import pytest
from appeal_helpers import post

from mutewatch.errors import ConflictError
from mutewatch.moderate.service import ModerationService


def test_an_edited_comment_cannot_be_appealed(service: ModerationService) -> None:
    cid = post(service, "hold")
    edit = {"action": "edit", "text": "Councillor Smith was named in the report.", "note": "n1"}
    service.act(cid, edit, "mod1")
    with pytest.raises(ConflictError, match="decided by a moderator"):
        service.appeal(cid, {"note": "please"}, "viewer1")
    status = service.comment_status(cid, reader="viewer1", appeals=True)
    assert (status["status"], status["decided_by"], status["how_to_appeal"]) == (
        "published", "moderator", None,
    )  # fmt: skip
    assert "n1" not in str(status) and "mod1" not in str(status)
