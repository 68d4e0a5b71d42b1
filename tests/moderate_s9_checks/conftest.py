"""Shared fixtures of the session-9 check tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from mutewatch.moderate.checks import CommentInput, Features, Moderator, check_defamation
from mutewatch.moderate.policy import load_policy

Defame = Callable[[str], tuple[float, dict[str, Any]]]


@pytest.fixture(scope="session")
def defame() -> Defame:
    """``defame(text)``: the defamation check's (score, evidence); it needs no embedding."""

    def run(text: str) -> tuple[float, dict[str, Any]]:
        return check_defamation(
            Features(CommentInput("c1", text, ""), np.zeros(384, np.float32), None)
        )

    return run


@pytest.fixture(scope="session")
def s9_moderator() -> Moderator:
    """The default policy's moderator, loaded once (the models take a second or two)."""
    return Moderator(load_policy())
