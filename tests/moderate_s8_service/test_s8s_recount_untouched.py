"""``mutewatch moderate recount`` on a store moderation was never used on says there is
nothing to recount and leaves the file as it was; on a store where it only turned the
queue's fast path back on, it says so (``fast_path_restored``, ``changed``)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
from click.testing import CliRunner, Result
from s7s_helpers import append_old_entry, con_of, post

from mutewatch.cli import main
from mutewatch.errors import NotFoundError
from mutewatch.moderate.checks import Moderator
from mutewatch.moderate.service import ModerationService, counts_current


def recount(path: Path, *extra: str) -> Result:
    return CliRunner().invoke(main, ["--store", str(path), "moderate", "recount", *extra])


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_store_without_moderation_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "store.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE posts (id INTEGER)")
    con.close()
    before = digest(path)
    result = recount(path)
    assert result.exit_code == NotFoundError.exit_code, result.output
    assert "nothing to recount" in result.output and "no moderation in the store" in result.output
    assert "articles add" in result.output  # what to do instead
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.duckdb"]
    tables = duckdb.connect(str(path), read_only=True).execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'mod_%'"
    )
    assert tables.fetchone() == (0,)


def test_the_json_error_is_one_object(tmp_path: Path) -> None:
    path = tmp_path / "store.duckdb"
    duckdb.connect(str(path)).close()
    result = recount(path, "--json")
    assert result.exit_code == NotFoundError.exit_code
    answer = json.loads(result.stdout)
    assert "nothing to recount" in json.dumps(answer)


def test_only_restoring_the_fast_path_is_reported(service: ModerationService) -> None:
    post(service, "hold", "Ana Silva")
    con = con_of(service)
    con.execute("BEGIN TRANSACTION")
    append_old_entry(con, "c1", move_head=True)  # an older release: no count changes
    con.execute("COMMIT")
    assert not counts_current(con)
    got = service.recount()
    assert got["author_counts"]["authors_changed"] == 0 and not got["audit_head"]["moved"]
    assert got["fast_path_restored"] is True and got["changed"] is True
    assert counts_current(con)
    again = service.recount()
    assert again["fast_path_restored"] is False and again["changed"] is False


def test_the_text_says_the_fast_path_is_back(tmp_path: Path, moderator: Moderator) -> None:
    from s7s_helpers import open_service
    from service_more_helpers import ARTICLE

    path = tmp_path / "store.duckdb"
    svc = open_service(path, moderator)
    try:
        svc.add_article(ARTICLE, actor="tester")
        con = con_of(svc)
        con.execute("BEGIN TRANSACTION")
        append_old_entry(con, "c1", move_head=True)
        con.execute("COMMIT")
    finally:
        svc.close()
    result = recount(path)
    assert result.exit_code == 0, result.output
    assert "reads the author counts again" in result.output
    assert "nothing changed" not in result.output
