"""`mutewatch users add/list/disable` and `serve --help`."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.store import Store
from mutewatch.web.auth import hash_secret, lookup_token, verify_audit_chain


def test_users_add_prints_the_token_once_and_stores_its_hash(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    runner = CliRunner()
    result = runner.invoke(
        main, ["--store", str(store), "users", "add", "ada", "--role", "analyst", "--json"]
    )
    assert result.exit_code == 0, result.output
    created = json.loads(result.output)
    assert {"name", "role", "token"} <= set(created)  # + created, changed (session 26)
    assert created["name"] == "ada" and created["role"] == "analyst"
    with Store.open(store, read_only=True) as opened:
        user = lookup_token(opened, created["token"])
        assert user is not None and user.role == "analyst"
        hashes = [r[0] for r in opened.con.execute("SELECT token_hash FROM web_tokens").fetchall()]
        assert hashes == [hash_secret(created["token"])]
        assert verify_audit_chain(opened)
    plain = runner.invoke(main, ["--store", str(store), "users", "add", "bob", "--role", "viewer"])
    assert plain.exit_code == 0 and "mw_" in plain.output
    listed = json.loads(
        runner.invoke(main, ["--store", str(store), "users", "list", "--json"]).output
    )
    assert [u["name"] for u in listed["users"]] == ["ada", "bob"]
    gone = runner.invoke(main, ["--store", str(store), "users", "disable", "ada"])
    assert gone.exit_code == 0
    with Store.open(store, read_only=True) as opened:
        assert lookup_token(opened, created["token"]) is None


def test_users_add_refuses_a_bad_role(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["--store", str(tmp_path / "s.duckdb"), "users", "add", "x", "--role", "root"]
    )
    assert result.exit_code == 2
    assert "root" in result.output


def test_serve_help_has_an_example() -> None:
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0 and "Example: mutewatch" in result.output
