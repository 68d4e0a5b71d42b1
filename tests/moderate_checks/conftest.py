"""Shared fixtures of the language and name check tests."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The project's research data, or skip when this checkout has none beside it."""
    if not (SHARED_DATA / "moderation").is_dir():
        pytest.skip(f"research data not found at {SHARED_DATA.resolve()} (../shared/data)")
    return SHARED_DATA
