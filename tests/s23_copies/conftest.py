"""Fixtures of the session-23 copies tests: tests/s21_dupes' app in-process over a fresh
store file (articles a1 and b1, a user of each role, the small text-only policy), whose
moderator loads once per session."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "s21_dupes"))  # s21d_helpers
from s21d_helpers import Api, built_api, text_moderator  # noqa: E402

from mutewatch.moderate.checks import Moderator  # noqa: E402

moderator = pytest.fixture(scope="session")(text_moderator)


@pytest.fixture()
def api(tmp_path: Path, moderator: Moderator) -> Iterator[Api]:
    with built_api(tmp_path, moderator) as app:
        yield app
