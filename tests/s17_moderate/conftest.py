"""Fixtures of the session-17 moderation tests: one real server on 127.0.0.1 (uvicorn in a
subprocess, a DuckDB store file, the two-clause policy of ``modhelpers``) with article a1 and
two moderators, ``mod`` and ``mod2``, and a viewer; and a ``moderate check`` run over
stdin."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # s17m_helpers
from s17m_helpers import Live, live_server  # noqa: E402


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    with live_server(tmp_path_factory.mktemp("s17m_server")) as server:
        yield server
