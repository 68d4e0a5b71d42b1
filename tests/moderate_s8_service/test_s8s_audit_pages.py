"""``ModerationService.audit`` pages back through the whole log (``before``) and keeps one
moderator's, one action's or one comment's entries; a limit alone reached only the newest
entries."""

from __future__ import annotations

from typing import Any

import pytest
from s7s_helpers import post

from mutewatch.errors import InputError, UsageError
from mutewatch.moderate.service import ModerationService


@pytest.fixture()
def logged(service: ModerationService) -> list[str]:
    """Four comments (two held), two moderators' actions: seven entries with the article."""
    ids = [post(service, d, "Ana Silva") for d in ("hold", "hold", "publish", "reject")]
    service.act(ids[0], {"action": "approve", "note": "fine"}, "mod1")
    service.act(ids[1], {"action": "reject", "note": "no"}, "mod2")
    return ids


def test_pages_cover_the_log_once(service: ModerationService, logged: list[str]) -> None:
    everything = [e["audit_id"] for e in service.audit()]
    assert len(everything) == 7 and everything == sorted(everything, reverse=True)
    pages, before = [], None
    while page := service.audit(3, before=before):
        pages.append([e["audit_id"] for e in page])
        before = page[-1]["audit_id"]
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [i for p in pages for i in p] == everything


def test_filters(service: ModerationService, logged: list[str]) -> None:
    assert [e["comment_id"] for e in service.audit(actor="mod1")] == [logged[0]]
    assert [e["actor"] for e in service.audit(action="reject")] == ["mod2"]
    entries = service.audit(comment_id=logged[1])
    assert [e["action"] for e in entries] == ["reject", "submitted:hold"]
    assert service.audit(actor="mod1", action="reject") == []
    newest = service.audit(1, comment_id=logged[1])[0]["audit_id"]
    assert [e["action"] for e in service.audit(comment_id=logged[1], before=newest)] == [
        "submitted:hold"
    ]


@pytest.mark.parametrize(
    "kw, error",
    [({"limit": 0}, UsageError), ({"limit": 5001}, UsageError), ({"before": 0}, UsageError),
     ({"before": "7"}, UsageError), ({"actor": "\ud800"}, InputError)],
)  # fmt: skip
def test_bad_requests_are_refused(
    service: ModerationService, kw: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        service.audit(**kw)
