"""Fixtures of the tests that ``authenticate``'s store reads are not made on the event loop:
``env`` (a populated store with one user per role, ``tests/web/webfactory.py``) with a
session row written to it before the app starts (``STORED_SESSION``, as a server that
stopped, or another one on the same store, left it), and ``app`` on it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # webfactory

from s18l_session import STORED_SESSION  # noqa: E402
from webfactory import Env, make_env, running_app  # noqa: E402

from mutewatch.store import Store  # noqa: E402
from mutewatch.web.auth import hash_secret  # noqa: E402


@pytest.fixture
def env(tmp_path: Path) -> Env:
    made = make_env(tmp_path / "store")
    now = datetime.now(UTC).replace(tzinfo=None)
    with Store.open(made.path) as store:
        store.con.execute(
            "INSERT INTO web_sessions (session_hash, name, created_at, expires_at, revoked_at) "
            "VALUES (?, 'viewer1', ?, ?, NULL)",
            [hash_secret(STORED_SESSION), now, now + timedelta(hours=1)],
        )
    return made


@pytest.fixture
def app(env: Env, tmp_path: Path) -> Iterator[Any]:
    with running_app(env.path, tmp_path / "cache", "s18-loop-key", moderation=False) as made:
        yield made
