"""Shared fixtures of the moderation tests (models load once per session)."""

from __future__ import annotations

import importlib.util
from dataclasses import replace
from pathlib import Path

import pytest

from mutewatch.moderate.checks import Moderator
from mutewatch.moderate.policy import Policy, load_policy

REPO = Path(__file__).resolve().parents[2]
DATA = (REPO / ".." / "shared" / "data").resolve()
COMPANIONS = ("mutewatch.moderate.language", "mutewatch.moderate.names")


def companions_present() -> bool:
    """True when the language and names modules (written in parallel) are installed."""
    return all(importlib.util.find_spec(m) is not None for m in COMPANIONS)


needs_companions = pytest.mark.skipif(
    not companions_present(),
    reason="mutewatch.moderate.language / names have not landed yet",
)
needs_data = pytest.mark.skipif(
    not (DATA / "moderation").exists(),
    reason=f"the shared research data is missing at {DATA}",
)


def text_policy() -> Policy:
    """The default policy without the language and name clauses (no companion modules)."""
    policy = load_policy()
    keep = {"defamatory", "racist", "personal", "irrelevant"}
    return replace(policy, clauses=tuple(c for c in policy.clauses if c.clause in keep))


@pytest.fixture(scope="session")
def text_moderator() -> Moderator:
    return Moderator(text_policy())


@pytest.fixture(scope="session")
def full_moderator() -> Moderator:
    if not companions_present():
        pytest.skip("mutewatch.moderate.language / names have not landed yet")
    return Moderator(load_policy())
