"""Helpers shared by the moderation tests (imported as a plain module)."""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import replace
from pathlib import Path

import pytest

from mutewatch.moderate.policy import Policy, load_policy

REPO = Path(__file__).resolve().parents[2]
DATA = (REPO / ".." / "shared" / "data").resolve()
COMPANIONS = ("mutewatch.moderate.language", "mutewatch.moderate.names")


@functools.cache
def companions_present() -> bool:
    """True when the language and names modules are installed. They have landed, so a crash in
    either (a missing model file, say) must fail the tests that need them, not skip them."""
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
