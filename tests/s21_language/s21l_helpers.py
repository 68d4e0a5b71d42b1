"""Decisions of the default policy's language and dialect clauses for one text, computed as
``checks.Moderator.decide`` computes them (moderate_checks' real check functions and
``Clause.outcome``), with the default policy's clauses."""

from __future__ import annotations

from functools import cache

from moderate_checks.test_short_texts import decide as _decide

from mutewatch.moderate.policy import Clause, load_policy


@cache
def _clauses() -> dict[str, Clause]:
    return {c.clause: c for c in load_policy().clauses if c.clause in ("language", "dialect")}


def decide(text: str) -> tuple[str, dict[str, str]]:
    """(decision, {clause: action of each fired clause}) of the language/dialect clauses."""
    return _decide(text, _clauses())
