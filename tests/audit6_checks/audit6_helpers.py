"""Helpers of the adversarial checks audit tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mutewatch.moderate.checks import CommentInput, Decision, Moderator

SHARED_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


def decide(moderator: Moderator, text: str, name: str = "Ana Silva") -> Decision:
    """The decision on one comment."""
    [decision] = moderator.check([CommentInput(id="c1", text=text, author_name=name)])
    return decision


def clause(decision: Decision, name: str) -> dict[str, Any]:
    """One clause of a decision as its JSON shape."""
    return next(c.as_dict() for c in decision.clauses if c.clause == name)
