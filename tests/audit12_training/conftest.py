"""Fixtures of the training-pipeline audit (helpers in a12_helpers)."""

from __future__ import annotations

import pytest
from a12_helpers import FileTexts, read_file_texts


@pytest.fixture(scope="session")
def file_texts() -> FileTexts:
    """The labelled texts as they stand in the files (read once)."""
    return read_file_texts()
