"""A count of one outlet reads "1 outlet", not "1 outlets", in the texts of `outlets status`
(the silenced share) and `silences` (the coordinated heading). The JSON is unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from tests.cli_s12.one_account import one_account_store


@pytest.fixture(scope="module")
def one_outlet_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    days = [f"2016-01-{d:02d}" for d in range(1, 32)] + ["2016-02-01"]
    return one_account_store(tmp_path_factory.mktemp("one"), days)


def run(store: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["--store", str(store), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_outlets_status_counts_one_outlet_in_the_singular(one_outlet_store: Path) -> None:
    args = ["outlets", "status", "--of", "all", "--baseline", "2016-01", "--period", "2016-02"]
    text = run(one_outlet_store, *args)
    assert "of 1 outlets" not in text
    assert "of 1 outlet active in the baseline was silenced" in text
    summary = json.loads(run(one_outlet_store, *args, "--json"))["summary"]
    assert summary["active_in_baseline"] == 1


def test_silences_heading_counts_one_outlet_in_the_singular(one_outlet_store: Path) -> None:
    text = run(one_outlet_store, "silences", "--of", "all", "--k", "1")
    assert "of 1 outlets" not in text
    assert "Coordinated (>= 1 of 1 outlet silent at once;" in text
