"""`mutewatch serve --cache-mb MIB` bounds the server's result cache (the ``cache_mb``
setting of ``create_app``); without it ``MUTEWATCH_CACHE_MB`` or 64 MiB does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.store import Store
from mutewatch.web.app import create_app

MIB = 1 << 20


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "s.duckdb"
    Store.open(path).close()
    return path


def _cache_bytes(store: Path, tmp_path: Path, **settings: Any) -> int:
    app = create_app(store, cache_dir=tmp_path / "cache", **settings)
    try:
        return int(app.state.cache.max_bytes)
    finally:
        app.state.gateway.stop()


def test_create_app_takes_cache_mb(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MUTEWATCH_CACHE_MB", raising=False)
    assert _cache_bytes(store, tmp_path, cache_mb=2.5) == int(2.5 * MIB)
    assert _cache_bytes(store, tmp_path) == 64 * MIB
    monkeypatch.setenv("MUTEWATCH_CACHE_MB", "8")
    assert _cache_bytes(store, tmp_path) == 8 * MIB
    assert _cache_bytes(store, tmp_path, cache_mb=1) == MIB


def test_serve_passes_cache_mb(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    served: list[Any] = []

    def run(app: Any, **_: Any) -> None:  # the server itself: only what it was given
        served.append(app)
        app.state.gateway.stop()

    monkeypatch.setattr("uvicorn.run", run)
    result = CliRunner().invoke(
        main, ["--store", str(store), "serve", "--port", "0", "--cache-mb", "3"]
    )
    assert result.exit_code == 0, result.output
    assert served[0].state.cache.max_bytes == 3 * MIB


def test_serve_refuses_a_negative_bound(store: Path) -> None:
    result = CliRunner().invoke(main, ["--store", str(store), "serve", "--cache-mb", "-1"])
    assert result.exit_code == 2 and "--cache-mb" in result.output
