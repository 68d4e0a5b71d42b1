"""``mutewatch serve --compute-per-user``: the server's per-user computation limit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mutewatch.cli import main


def _served_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *args: str) -> tuple[int, Any]:
    """Run ``serve ARGS`` on a new store with uvicorn.run caught: exit code and the app."""
    import uvicorn

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: seen.update(app=app))
    store = tmp_path / "store.duckdb"
    result = CliRunner().invoke(
        main, ["--store", str(store), "serve", "--port", "0", "--no-moderation", *args]
    )
    return result.exit_code, seen.get("app")


def test_the_limit_reaches_the_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    code, app = _served_app(monkeypatch, tmp_path, "--compute-per-user", "2")
    assert code == 0
    assert app.state.compute_slots.per_user == 2


def test_the_default_is_four(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    code, app = _served_app(monkeypatch, tmp_path)
    assert code == 0
    assert app.state.compute_slots.per_user == 4


def test_zero_is_a_usage_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    code, app = _served_app(monkeypatch, tmp_path, "--compute-per-user", "0")
    assert code == 2 and app is None
