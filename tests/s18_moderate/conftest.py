"""Fixtures of the session-18 moderation tests: one real server on 127.0.0.1 (uvicorn in a
subprocess, a DuckDB store file, the two-clause policy) with article a1, two moderators
(``mod`` and ``mod2``) and a viewer, from tests/s17_moderate's helpers; the moderator page
in tests/moderate_s11_page's module-scoped headless Chromium and tests/s17_page's helpers
(imported from those folders as they are)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
for _folder in ("s18_moderate", "s17_moderate", "s17_page", "moderate", "moderate_s11_page"):
    if str(TESTS / _folder) not in sys.path:
        sys.path.insert(0, str(TESTS / _folder))

from s17m_helpers import Live, live_server  # noqa: E402


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    with live_server(tmp_path_factory.mktemp("s18m_server")) as server:
        yield server
