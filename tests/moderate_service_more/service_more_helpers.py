"""Helpers of the moderate_service_more tests (imported as a plain module)."""

from __future__ import annotations

import itertools
from dataclasses import replace

from mutewatch.moderate.policy import Policy, load_policy
from mutewatch.moderate.service import ModerationService

ARTICLE = {
    "id": "a1",
    "title": "City council approves the new tram line",
    "body": "The council voted to fund a tram line from the station to the hospital.",
}
ON_TOPIC = "The tram should run late in the evening too."
DEFAMATORY = "Councillor John Smith took bribes from the tram builders."  # the machine holds it


_SENT = itertools.count(1)


def fresh_text(text: str) -> str:
    """``text`` and a number no other call gives: a new text for the service, which holds
    a copy of an earlier comment on the article of six words or more (session 21)."""
    return f"{text} ({next(_SENT)})"


def small_policy() -> Policy:
    """The default policy's defamatory, racist, personal and irrelevant clauses."""
    policy = load_policy()
    keep = {"defamatory", "racist", "personal", "irrelevant"}
    return replace(policy, clauses=tuple(c for c in policy.clauses if c.clause in keep))


def comment(svc: ModerationService, text: str = ON_TOPIC, **extra: str) -> str:
    """Submit a comment on ``a1``; its id."""
    record = {"article_id": "a1", "author_name": "Ana Silva", "text": text, **extra}
    return str(svc.submit_comment(record)["id"])
