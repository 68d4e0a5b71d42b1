"""Audit of ``moderate stats``: far dates, percentages that agree with their counts, and one
consistent state of a store the server goes on writing."""

from __future__ import annotations

from click.testing import CliRunner
from modstats_helpers import AS_OF, History

from mutewatch.cli import main
from mutewatch.moderate.stats import moderation_stats
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
