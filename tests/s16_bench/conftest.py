"""Fixtures of the benchmark tests (helpers in benchhelpers.py)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from benchhelpers import Rival

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "moderate"))  # modhelpers


@pytest.fixture
def rival() -> Iterator[Rival]:
    """A :class:`Rival` watching this process's children while the test runs."""
    with Rival() as watching:
        yield watching
