"""Fixtures of the session-9 measurement tests: the small synthetic demo (tests/conftest.py,
``mutewatch.demo.generate`` ingested with its registry) and an API app over a copy of it
with one user per role (``tests/web/webfactory.py``)."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # webfactory

from webfactory import Env, running_app  # noqa: E402

from mutewatch.store import Store  # noqa: E402
from mutewatch.web.auth import ROLES, add_user  # noqa: E402


@pytest.fixture(scope="module")
def demo_env(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Env:
    """A copy of the small demo store with the users viewer1 .. admin1."""
    path = tmp_path_factory.mktemp("s9-demo") / "demo.duckdb"
    shutil.copy(demo_store, path)
    tokens = {}
    with Store.open(path) as store:
        for role in ROLES:
            _, tokens[role] = add_user(store, f"{role}1", role)
    return Env(path, tokens)


@pytest.fixture(scope="module")
def app(demo_env: Env, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """The API app over ``demo_env`` (no moderation models)."""
    cache = tmp_path_factory.mktemp("s9-cache")
    with running_app(demo_env.path, cache, "s9-key", moderation=False) as application:
        yield application
