"""Fixtures of the session-21 duplicate-submission tests: the moderation app in-process
(``httpx.ASGITransport``) over a fresh store file with articles a1 and b1 and a user of each
role, under the small text-only policy (the default's defamatory, racist, personal and
irrelevant clauses), whose moderator loads once per session."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # s21d_helpers
from s21d_helpers import Api, built_api, text_moderator  # noqa: E402

from mutewatch.moderate.checks import Moderator  # noqa: E402

moderator = pytest.fixture(scope="session")(text_moderator)


@pytest.fixture()
def api(tmp_path: Path, moderator: Moderator) -> Iterator[Api]:
    with built_api(tmp_path, moderator) as app:
        yield app
