"""A submission runs its fixed statements parsed once per process (``service._run``): the
values stay bound parameters, and what is stored is what was sent, quotes and all."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

import mutewatch.moderate.service as service_module
from mutewatch.moderate.checks import Moderator
from mutewatch.moderate.service import ModerationService, moderation_audit_chain

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "moderate_service_more"))
from service_more_helpers import ARTICLE, ON_TOPIC, small_policy  # noqa: E402


class Counting:
    """A real connection, noting whether each statement came as SQL text or parsed."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.texts: list[str] = []
        self.parsed = 0

    def execute(self, query: Any, parameters: Any = None) -> Any:
        if isinstance(query, str):
            self.texts.append(query)
        else:
            self.parsed += 1
        return self.con.execute(query, parameters)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.con, name)


@pytest.fixture(scope="module")
def moderator() -> Moderator:
    return Moderator(small_policy())


def open_service(path: Path, moderator: Moderator) -> ModerationService:
    svc = ModerationService.open(path, small_policy())
    svc._moderator = moderator
    return svc


def test_a_submission_parses_none_of_its_statements_again(
    tmp_path: Path, moderator: Moderator
) -> None:
    svc = open_service(tmp_path / "store.duckdb", moderator)
    try:
        svc.add_article(ARTICLE, actor="tester")
        record = {"article_id": "a1", "author_name": "Ana Silva", "email": "ana@example.org"}
        svc.submit_comment({**record, "text": ON_TOPIC}, "viewer1")
        counting = Counting(svc.access.con)  # type: ignore[attr-defined]
        svc.access.con = counting  # type: ignore[attr-defined]
        svc.submit_comment({**record, "text": ON_TOPIC + " Again."}, "viewer1")
        assert counting.texts == []  # every statement (BEGIN and COMMIT too) was parsed
        assert counting.parsed >= 9  # BEGIN, 7 statements, COMMIT
    finally:
        svc.close()


def test_quotes_and_backslashes_are_stored_as_sent(tmp_path: Path, moderator: Moderator) -> None:
    svc = open_service(tmp_path / "store.duckdb", moderator)
    try:
        svc.add_article(ARTICLE, actor="tester")
        name = "O'Brien \\ '); DROP TABLE mod_audit; --"
        text = ON_TOPIC + " It's the 'best' line: \\n $1 ? ''"
        got = svc.submit_comment({"article_id": "a1", "author_name": name, "text": text}, "v'1")
        stored = svc.comment(got["id"])
        assert (stored["author_name"], stored["text"]) == (name, text)
        con = svc.access.read(lambda c: c)
        assert moderation_audit_chain(con)["intact"]
        row = con.execute(
            "SELECT submitted_by FROM mod_audit WHERE comment_id = ?", [got["id"]]
        ).fetchone()
        assert row == ("v'1",)
    finally:
        svc.close()


def test_sql_beyond_the_cache_still_runs(
    tmp_path: Path, moderator: Moderator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_module, "_PARSED", {})
    monkeypatch.setattr(service_module, "_PARSED_MOST", 3)
    svc = open_service(tmp_path / "store.duckdb", moderator)
    try:
        svc.add_article(ARTICLE, actor="tester")
        for i in range(3):
            got = svc.submit_comment(
                {"article_id": "a1", "author_name": "Ana Silva", "text": f"{ON_TOPIC} ({i})"}
            )
            assert got["id"] == f"c{i + 1}"
        assert len(service_module._PARSED) == 3
        con = svc.access.read(lambda c: c)
        assert moderation_audit_chain(con)["intact"]
    finally:
        svc.close()
