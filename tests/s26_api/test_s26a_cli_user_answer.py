"""`mutewatch users add --json` printed {name, role, token} only, while POST /api/v1/users
answers {name, role, token, created, changed} since c4ade9f: a newsroom script moving
from the CLI to the API (or back) lost whether the user was new and what changed. The CLI
now prints the same five keys (added; nothing renamed), ``changed`` in the words it
also says on stderr."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from mutewatch.cli import main

API_KEYS = ["name", "role", "token", "created", "changed"]  # POST /api/v1/users


def _add(store: Path, *args: str) -> tuple[dict[str, Any], str]:
    result = CliRunner().invoke(main, ["--store", str(store), "users", "add", *args, "--json"])
    assert result.exit_code == 0, result.output
    printed: dict[str, Any] = json.loads(result.stdout)
    return printed, result.stderr


def test_users_add_json_says_created_and_changed(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    made, said = _add(store, "s26a-cli", "--role", "viewer")
    assert list(made) == API_KEYS
    assert made["created"] is True and made["changed"] is None and said == ""
    again, said = _add(store, "s26a-cli", "--role", "viewer")  # a new token, nothing else
    assert again["created"] is False and again["changed"] is None
    raised, said = _add(store, "s26a-cli", "--role", "analyst")
    assert raised["created"] is False and raised["role"] == "analyst"
    assert "viewer" in raised["changed"] and "analyst" in raised["changed"]
    assert said.strip() == raised["changed"]  # the words stderr says
    assert len({made["token"], again["token"], raised["token"]}) == 3
