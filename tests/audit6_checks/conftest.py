"""Shared fixtures of the adversarial checks audit: one moderator for the whole session."""

from __future__ import annotations

import pytest

from mutewatch.moderate.checks import Moderator
from mutewatch.moderate.policy import load_policy


@pytest.fixture(scope="session")
def moderator() -> Moderator:
    """The default policy's moderator (models loaded once)."""
    return Moderator(load_policy())
