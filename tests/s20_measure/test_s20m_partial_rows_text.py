"""`supporters` and `platforms` in text printed a period the window holds only in part (its
JSON row ``full: false``) as if whole: with --from on a Wednesday its week's counts read as
a drop (on the real Fifth Tribe tweets, 494 links in the 5 days of the week of 2016-04-18
beside 594 in the next whole week). Such a period is now starred, with a line saying how
many of its days the window holds, as `output` flags its partial periods."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from tests.s20_measure.s20m_store import build_store, every


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Alpha (official) and Beta (supporter) post every 6 hours from 2016-03-01 to
    2016-04-30."""
    folder = tmp_path_factory.mktemp("s20-partial")
    times = every(datetime(2016, 3, 1), datetime(2016, 4, 30, 18), 6)
    return build_store(folder, {"Alpha": times, "Beta": times}, official=True)


def _run(store: Path, command: str, *extra: str) -> str:
    args = ["--store", str(store), command, "--every", "week", "--of", "all", *extra]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("command", ["supporters", "platforms"])
def test_a_partial_week_is_starred_and_explained(store: Path, command: str) -> None:
    dates = ("--from", "2016-03-09", "--to", "2016-04-17")
    data = json.loads(_run(store, command, *dates, "--json"))
    partial = [r["period"] for r in data["rows"] if not r["full"]]
    assert partial == ["2016-03-07"], data["rows"]
    text = _run(store, command, *dates)
    lines = text.splitlines()
    assert any(line.startswith("2016-03-07* ") for line in lines), text
    assert not any(line.startswith("2016-03-14*") for line in lines), text
    assert (
        "* 2016-03-07: --from/--to and the archive's coverage leave 5 of its 7 days, so its "
        "counts are not comparable to a whole period's"
    ) in text, text


@pytest.mark.parametrize("command", ["supporters", "platforms"])
def test_the_archive_s_own_partial_month(store: Path, command: str) -> None:
    args = ["--store", str(store), command, "--every", "month", "--of", "all"]
    text = CliRunner().invoke(main, [*args, "--to", "2016-04-10"]).output
    assert "* 2016-04: --from/--to and the archive's coverage leave 10 of its 30 days" in text
    whole = CliRunner().invoke(main, args).output
    assert "*" not in whole.replace("**", ""), whole  # March and April both whole
