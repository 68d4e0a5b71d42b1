"""Helpers of the moderation-stats tests (imported as a plain module): a moderation
history on a real store file, built through the service's public API.

Times are set by a fake clock (the service stamps rows with ``service._now``), so queue
ages and waits have known values. The policy is the shipped one without the language and
name clauses: the text checks alone load in about a second.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from mutewatch.moderate.policy import Policy, load_policy
from mutewatch.moderate.service import ModerationService

T0 = datetime(2026, 11, 10, 9, 0)
AS_OF = datetime(2026, 11, 14, 12, 0)
TRAM = {
    "id": "a1",
    "title": "City council approves the new tram line",
    "body": "The council voted to fund a tram line from the station to the hospital.",
}
PARK = {
    "id": "a2",
    "title": "The city park gets new benches",
    "body": "The parks office installed forty benches along the river path this week.",
}
ON_TOPIC = "The tram should run late in the evening."
ALLEGATION = "Councillor John Smith took bribes from the tram builders."
OFF_TOPIC = "My favourite recipe for carrot cake uses walnuts and raisins."  # held (irrelevant)
ADVERT = "Buy now at www.example-shop.com, promo code SAVE, click here"


@dataclass
class History:
    """The store file and the ids of the comments in it, by role in the story."""

    path: Path
    ids: dict[str, str]


class Clock:
    """The service's clock, moved by hand."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def text_policy() -> Policy:
    """The default policy with the text clauses only (no language and name models)."""
    policy = load_policy()
    keep = {"defamatory", "racist", "personal", "irrelevant"}
    return replace(policy, clauses=tuple(c for c in policy.clauses if c.clause in keep))


def _submit(svc: ModerationService, clock: Clock, at: datetime, article: str, text: str) -> str:
    clock.now = at
    out = svc.submit_comment({"article_id": article, "author_name": "Ana Silva", "text": text})
    return str(out["id"])


def _act(
    svc: ModerationService, clock: Clock, at: datetime, cid: str, who: str, **rec: str
) -> None:
    clock.now = at
    svc.act(cid, {"note": "reviewed", **rec}, actor=who)


def build(path: Path, clock: Clock) -> dict[str, str]:
    """Seven comments over four days, and six moderator actions on five of them."""
    svc = ModerationService.open(path, text_policy())
    try:
        svc.add_article(TRAM, actor="editor")
        svc.add_article(PARK, actor="editor")
        day = timedelta(days=1)
        ids = {
            "published": _submit(svc, clock, T0, "a1", ON_TOPIC),
            "held_approved": _submit(svc, clock, T0 + timedelta(minutes=10), "a1", ALLEGATION),
            "held_rejected": _submit(svc, clock, T0 + day, "a1", ALLEGATION),
            "held_edited": _submit(svc, clock, T0 + day + timedelta(hours=1), "a1", OFF_TOPIC),
            "held_waiting": _submit(svc, clock, T0 + 2 * day, "a1", ALLEGATION),
            "rejected_approved": _submit(svc, clock, T0 + 2 * day, "a1", ADVERT),
            "published_rejected": _submit(svc, clock, T0 + 3 * day, "a2", ON_TOPIC),
        }
        minutes = timedelta(minutes=1)
        _act(svc, clock, T0 + 40 * minutes, ids["held_approved"], "ana", action="approve")
        _act(svc, clock, T0 + day + 120 * minutes, ids["held_rejected"], "ben", action="reject")
        when = T0 + day + 120 * minutes
        _act(svc, clock, when, ids["held_edited"], "ana", action="edit", text="The tram cake.")
        _act(svc, clock, when + 30 * minutes, ids["held_edited"], "ben", action="reject")
        _act(svc, clock, T0 + 3 * day, ids["rejected_approved"], "ana", action="approve")
        _act(svc, clock, T0 + 3 * day + minutes, ids["published_rejected"], "ben", action="reject")
    finally:
        svc.close()
    return ids
