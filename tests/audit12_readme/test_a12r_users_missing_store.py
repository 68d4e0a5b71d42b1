"""`users list` and `users disable` on a store path that holds no store say so, as every
other reading command does ("no store at PATH", exit 4), instead of creating an empty store
there: a mistyped --store made a new file and listed no users, without a word."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from mutewatch.cli import main


@pytest.mark.parametrize("words", [["users", "list"], ["users", "disable", "ada"]])
def test_no_store_is_created_for_users_list_or_disable(tmp_path: Path, words: list[str]) -> None:
    store = tmp_path / "typo.duckdb"
    result = CliRunner().invoke(main, ["--store", str(store), *words])
    assert not store.exists(), f"{words} created {store}"
    assert result.exit_code == 4, result.output
    assert "no store at" in result.output and str(store) in result.output, result.output


def test_disabling_an_unknown_user_points_to_users_list(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    added = CliRunner().invoke(
        main, ["--store", str(store), "users", "add", "bob", "--role", "viewer"]
    )
    assert added.exit_code == 0, added.output
    result = CliRunner().invoke(main, ["--store", str(store), "users", "disable", "ada"])
    assert result.exit_code == 2, result.output
    assert "no user named 'ada'" in result.output
    assert "mutewatch users list" in result.output, result.output
