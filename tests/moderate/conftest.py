"""Shared fixtures of the moderation tests (models load once per session)."""

from __future__ import annotations

import pytest
from moderate_helpers import companions_present, text_policy

from mutewatch.moderate.checks import Moderator
from mutewatch.moderate.policy import load_policy


@pytest.fixture(scope="session")
def text_moderator() -> Moderator:
    return Moderator(text_policy())


@pytest.fixture(scope="session")
def full_moderator() -> Moderator:
    if not companions_present():
        pytest.skip("mutewatch.moderate.language / names have not landed yet")
    return Moderator(load_policy())
