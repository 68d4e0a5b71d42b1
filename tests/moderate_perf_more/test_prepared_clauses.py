"""Clauses checked in ``prepare`` decide as checking them all in ``decide`` does.

``Moderator.prepare`` checks the racist and personal clauses (and embeds a fired clause's
sentences for its span) so the service does it outside its write transaction. The decision
must be the one ``decide`` makes on its own, span and all.
"""

from __future__ import annotations

import dataclasses

import pytest

from mutewatch.moderate.checks import CommentInput, Moderator
from mutewatch.moderate.policy import Policy, load_policy

TEXTS = [
    "Placeholder text about the council budget. A second placeholder sentence follows.",
    "Another placeholder comment on the new school plan!  And a short one.",
    "One placeholder sentence only",
    "You are an idiot. The council budget placeholder.",
]


@pytest.fixture(scope="module")
def eager() -> Policy:
    """The default policy with the head clauses firing on anything: every span path runs."""
    policy = load_policy()
    clauses = tuple(
        dataclasses.replace(c, threshold=0.0, hold_threshold=None)
        if c.check in ("racism", "personal_attack")
        else c
        for c in policy.clauses
    )
    return dataclasses.replace(policy, clauses=clauses)


def _comments() -> list[CommentInput]:
    return [CommentInput(f"c{i}", t, "Ana Silva") for i, t in enumerate(TEXTS)]


def test_prepared_clauses_decide_as_decide_alone(eager: Policy) -> None:
    moderator = Moderator(eager)
    prepared = moderator.prepare(_comments())
    assert all(len(f.checked) == 2 for f in prepared)
    with_prepared = [moderator.decide(f).as_dict(versions=True) for f in prepared]
    for f in prepared:
        f.checked, f.checked_for = {}, None
    alone = [moderator.decide(f).as_dict(versions=True) for f in prepared]
    assert with_prepared == alone
    spans = [c["evidence"]["span"] for d in alone for c in d["clauses"] if c["fired"]]
    assert len(spans) >= 2 * len(TEXTS)


def test_clauses_checked_for_another_policy_are_checked_again(eager: Policy) -> None:
    [f] = Moderator(eager).prepare(_comments()[:1])
    default = Moderator(load_policy())
    decided = default.decide(f).as_dict()
    assert decided == default.check(_comments()[:1])[0].as_dict()
    assert not any(c["fired"] for c in decided["clauses"] if c["clause"] == "personal")
