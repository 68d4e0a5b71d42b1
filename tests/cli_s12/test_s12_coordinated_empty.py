"""`silences` on a store with fewer counted outlets than a coordinated window needs says that
no window is possible instead of the untrue "Coordinated (>= 2 of 0 outlets silent at once;
...)". The JSON already says the same by its numbers (``k`` > ``n``, no windows) and stays
as it was: its goldens (n = 1, k = 2) are unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.store import Store
from tests.cli_s12.one_account import one_account_store


@pytest.fixture(scope="module")
def empty_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("empty") / "store.duckdb"
    Store.open(path).close()
    return path


@pytest.fixture(scope="module")
def one_outlet_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return one_account_store(tmp_path_factory.mktemp("one"), ["2016-01-01", "2016-01-03"])


def silences(store: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["--store", str(store), "silences", *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("args", [[], ["--of", "all"], ["--scope", "outlet"]])
def test_an_empty_store_says_no_window_is_possible(empty_store: Path, args: list[str]) -> None:
    text = silences(empty_store, *args)
    assert "of 0 outlets" not in text
    assert (
        "Coordinated (none possible: no outlet has counted posts in the selection, and a "
        "window needs at least 2 silent at once):"
    ) in text
    co = json.loads(silences(empty_store, *args, "--json"))["coordinated"]
    assert co == {"k": 2, "n": 0, "alpha": None, "windows": []}
    assert json.loads(silences(empty_store, *args, "--json"))["parameters"]["k"] == 2


def test_fewer_outlets_than_k_say_so_with_the_k_given(one_outlet_store: Path) -> None:
    text = silences(one_outlet_store, "--of", "all", "--k", "3")
    assert "Coordinated (none possible: only 1 outlet has counted posts in the selection, " in text
    assert "at least 3 silent at once):" in text
    co = json.loads(silences(one_outlet_store, "--of", "all", "--k", "3", "--json"))["coordinated"]
    assert (co["k"], co["n"], co["windows"]) == (3, 1, [])


def test_enough_outlets_keep_the_k_of_n_heading_and_no_note(demo_store: Path) -> None:
    text = silences(demo_store)
    assert "Coordinated (>= " in text and "none possible" not in text
    co = json.loads(silences(demo_store, "--json"))["coordinated"]
    assert co["k"] <= co["n"] and set(co) == {"k", "n", "alpha", "windows"}
