"""Shared fixtures of the session-8 check tests: one moderator with the default policy."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mutewatch.moderate.checks import CommentInput, Decision, Moderator
from mutewatch.moderate.policy import load_policy

Decide = Callable[[str, str], tuple[Decision, dict[str, object]]]


@pytest.fixture(scope="session")
def moderator() -> Moderator:
    """The default policy's moderator (loaded once: the models take a second or two)."""
    return Moderator(load_policy())


@pytest.fixture(scope="session")
def decide(moderator: Moderator) -> Decide:
    """``decide(text, clause)``: the decision on ``text`` by "Ana Silva" (no article) and the
    named clause as its JSON dict."""

    def run(text: str, clause: str) -> tuple[Decision, dict[str, object]]:
        [decision] = moderator.check([CommentInput("c1", text, "Ana Silva")])
        [found] = [c for c in decision.clauses if c.clause == clause]
        out: dict[str, object] = found.as_dict()
        return decision, out

    return run
