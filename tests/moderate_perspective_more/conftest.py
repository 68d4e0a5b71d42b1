"""Fixtures of the Perspective-compatibility tests: one store, one app, API keys per role."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mutewatch.store import Store
from mutewatch.web.auth import add_user


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A store with a viewer (any signed-in role may call Perspective) and its API key."""
    path = tmp_path_factory.mktemp("pmore") / "store.duckdb"
    with Store.open(path) as store:
        _, token = add_user(store, "viewer1", "viewer")
    return path, {"viewer": token}


@pytest.fixture(scope="module")
def app(
    keys: tuple[Path, dict[str, str]], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    """mutewatch's FastAPI app on that store (as ``mutewatch serve`` builds it)."""
    from mutewatch.web.app import create_app

    application = create_app(
        keys[0], cache_dir=tmp_path_factory.mktemp("cache"), refresh_interval=0.2, linger=0.05
    )
    yield application
    application.state.gateway.stop()
