"""``mutewatch moderate recount`` on a --store path where no store exists.

Found in review: the command opened the path read-write, so a mistyped --store created a
new, empty DuckDB file with moderation tables and reported, exit code 0, "nothing changed:
the counts were right", while the store that needed the recount was never touched
(``status`` and ``moderate stats`` refuse such a path with "no store at ...")."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from mutewatch.cli import main
from mutewatch.errors import NotFoundError, StoreError


def recount(path: Path, *extra: str) -> Result:
    return CliRunner().invoke(main, ["--store", str(path), "moderate", "recount", *extra])


def test_a_missing_store_is_refused_and_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "typo.duckdb"
    result = recount(missing, "--json")
    assert result.exit_code == StoreError.exit_code, result.output
    assert not missing.exists()
    assert not list(tmp_path.iterdir())  # no WAL or other file left behind either
    out = result.output
    assert f"no store at {missing}" in out and "counts were right" not in out


def test_an_existing_store_without_moderation_is_refused_untouched(tmp_path: Path) -> None:
    """An existing store moderation never used is refused (session 8), not given tables."""
    import duckdb

    path = tmp_path / "store.duckdb"
    duckdb.connect(str(path)).close()
    before = path.read_bytes()
    result = recount(path, "--json")
    assert result.exit_code == NotFoundError.exit_code, result.output
    assert "no moderation in the store" in json.loads(result.output)["error"]["message"]
    assert path.read_bytes() == before


def test_a_store_with_moderation_but_no_comments_recounts_to_nothing(tmp_path: Path) -> None:
    from mutewatch.moderate.service import ModerationService

    path = tmp_path / "store.duckdb"
    ModerationService.open(path).close()
    result = recount(path, "--json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["comments"] == 0 and answer["changed"] is False


def test_the_library_open_without_create_leaves_no_file(tmp_path: Path) -> None:
    """``ModerationService.open(create=False)`` itself refuses a missing path (connecting
    would have created an empty database file there)."""
    import pytest

    from mutewatch.moderate.service import ModerationService

    missing = tmp_path / "typo.duckdb"
    with pytest.raises(StoreError, match="no store at"):
        ModerationService.open(missing, create=False)
    assert not list(tmp_path.iterdir())
