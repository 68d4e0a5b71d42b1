"""Appeals in the moderation statistics: made, granted, refused, waiting."""

from __future__ import annotations

from appeal_helpers import post

from mutewatch.moderate.service import ModerationService
from mutewatch.moderate.stats import moderation_stats

NOTE = "Please look again."


def test_stats_count_appeals_by_how_they_ended(service: ModerationService) -> None:
    granted, refused, waiting = (post(service, d) for d in ("reject", "hold", "reject"))
    post(service, "reject")  # not appealed
    for cid in (granted, refused, waiting):
        service.appeal(cid, {"note": NOTE}, "viewer1")
    service.act(granted, {"action": "approve", "note": "fair"}, "mod1")
    service.act(refused, {"action": "reject", "note": "stands"}, "mod1")
    stats = service.access.read(moderation_stats)
    assert stats["appeals"] == {"made": 3, "granted": 1, "refused": 1, "waiting": 1}
    [sentence] = [f for f in stats["findings"] if f.startswith("Readers appealed")]
    assert "on 3 comments" in sentence and "granted 1 and refused 1 (50% of" in sentence
    assert "and 1 wait for a moderator" in sentence


def test_stats_without_appeals_say_nothing_of_them(service: ModerationService) -> None:
    post(service, "reject")
    stats = service.access.read(moderation_stats)
    assert stats["appeals"] == {"made": 0, "granted": 0, "refused": 0, "waiting": 0}
    assert not [f for f in stats["findings"] if "appeal" in f]
