"""Audit of ``moderate stats``: far dates, percentages that agree with their counts, and one
consistent state of a store the server goes on writing."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner
from modstats_helpers import AS_OF, History

from mutewatch.cli import main
from mutewatch.moderate import stats as stats_module
from mutewatch.moderate.stats import findings, moderation_stats
from mutewatch.store import Store


def test_the_last_representable_day_is_a_valid_end(history: History) -> None:
    """``--to 9999-12-31`` was an OverflowError (an internal error, exit 4; a 500 on the API):
    the day after it, which bounded the window, does not exist."""
    with Store.open(history.path, read_only=True) as store:
        result = moderation_stats(store, since="0001-01-01", until="9999-12-31", now=AS_OF)
    assert result["submitted"] == 7
    assert result["parameters"] == {"from": "0001-01-01", "to": "9999-12-31", "article_id": None}
    run = CliRunner().invoke(
        main, ["--store", str(history.path), "moderate", "stats", "--to", "9999-12-31"]
    )
    assert run.exit_code == 0, run.output
    assert "7 comments were submitted" in run.output


def _with_counts(stats: dict[str, Any], fired: int, checked: int) -> dict[str, Any]:
    """The stats with the defamatory clause's counts replaced (as a large store has them)."""
    clauses = {**stats["clauses"], "defamatory": {**stats["clauses"]["defamatory"]}}
    clauses["defamatory"].update(fired=fired, checked=checked)
    return {**stats, "clauses": clauses}


@pytest.mark.parametrize(
    ("fired", "checked", "shown"),
    [(1, 3000, "<0.1%"), (2999, 3000, ">99.9%"), (199, 200, "99.5%"), (3, 3, "100%")],
)
def test_a_percentage_never_contradicts_its_counts(
    history: History, fired: int, checked: int, shown: str
) -> None:
    """1 of 3,000 read "(0.0%)" and 2,999 of 3,000 "(100%)": a finding said none or all
    where its own counts said some."""
    with Store.open(history.path, read_only=True) as store:
        stats = moderation_stats(store, now=AS_OF)
    sentence = next(
        s for s in findings(_with_counts(stats, fired, checked)) if "clause defamatory" in s
    )
    assert f"fired on {fired} of the {checked} comments it checked ({shown})" in sentence


def test_every_figure_comes_from_one_state_of_the_store(
    history: History, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The five queries ran one after another outside a transaction: a comment the server
    stored between them counted in some figures and not in others (seen on a live store's
    cursor, which the web app reads while its writer holds the store)."""
    path = tmp_path / "live.duckdb"
    shutil.copy(history.path, path)
    writer = duckdb.connect(str(path))
    reader = writer.cursor()
    before = moderation_stats(reader, now=AS_OF)
    calls = {"n": 0}

    def counter_then_a_new_comment(*args: Any) -> Counter[Any]:
        calls["n"] += 1
        if calls["n"] == 1:  # after the first queries, before the clause grid
            _store_one_more_held_comment(writer)
        return Counter(*args)

    monkeypatch.setattr(stats_module, "Counter", counter_then_a_new_comment)
    during = moderation_stats(reader, now=AS_OF)
    monkeypatch.undo()
    after = moderation_stats(reader, now=AS_OF)
    writer.close()
    assert during == before
    assert after["submitted"] == before["submitted"] + 1


def _store_one_more_held_comment(con: duckdb.DuckDBPyConnection) -> None:
    """A copy of the waiting held comment and its machine decision, committed at once."""
    old = "c5"
    con.execute(
        "INSERT INTO mod_comments SELECT * REPLACE ('c99' AS comment_id)"
        " FROM mod_comments WHERE comment_id = ?",
        [old],
    )
    con.execute(
        "INSERT INTO mod_decisions SELECT * REPLACE"
        " ((SELECT max(decision_id) + 1 FROM mod_decisions) AS decision_id, 'c99' AS comment_id)"
        " FROM mod_decisions WHERE comment_id = ?",
        [old],
    )
