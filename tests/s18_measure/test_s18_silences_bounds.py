"""``silences`` checks ``--min-hours``, ``--k`` and its lookbacks on the shared path
(``params.OPTION_BOUNDS`` through ``check_option_values``), in the words the CLI and the API
give, where its own hand checks let NaN, infinities and a fractional k through to a crash
or a nonsense answer for a caller of ``silences.measure`` (findings, a script), and refused
0 hours as ``--min-hours 0 must be positive``, words nobody else used.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from mutewatch.errors import UsageError
from mutewatch.measure.engine import Engine
from mutewatch.measure.params import Params, check_bound
from mutewatch.measure.silences import measure as silences
from tests.s18_measure.conftest import cli, ingest_rows


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two accounts posting daily through January 2016."""
    rows = [(who, f"2016-01-{d:02d}", f"{who} {d}") for d in range(1, 32) for who in "ab"]
    return ingest_rows(tmp_path_factory.mktemp("silences_bounds"), rows)


BAD: list[tuple[str, Any]] = [
    ("min_hours", 0.0),
    ("min_hours", math.nan),
    ("min_hours", math.inf),
    ("k", 0),
    ("k", 2.5),
    ("k", True),
    ("lookback_days", math.nan),
    ("min_lookback_days", -1.0),
]


@pytest.mark.parametrize("key,value", BAD, ids=[f"{k}={v!r}" for k, v in BAD])
def test_the_library_refuses_in_the_clis_words(store: Path, key: str, value: Any) -> None:
    dashed = key.replace("_", "-")
    with Engine.open(store) as engine, pytest.raises(UsageError) as caught:
        silences(engine, Params(of="all"), **{key: value})
    assert caught.value.message == f"{dashed} {check_bound(key, value)}"
    assert caught.value.hint == f"see `mutewatch silences --help` for what --{dashed} means"


@pytest.mark.parametrize(
    "args,words",
    [
        (["--min-hours", "0"], "min-hours must be a finite number above 0, not 0.0"),
        (["--min-hours", "-1"], "min-hours must be a finite number above 0, not -1.0"),
        (["--k", "0"], "k must be a whole number at least 1, not 0"),
    ],
)
def test_the_cli_words_are_unchanged(store: Path, args: list[str], words: str) -> None:
    result = cli(store, "silences", "--of", "all", *args)
    assert result.exit_code == 2 and words in result.output
    error = json.loads(cli(store, "silences", "--of", "all", *args, "--json").output)["error"]
    assert error["message"] == words


def test_values_in_bounds_are_taken(store: Path) -> None:
    with Engine.open(store) as engine:
        result = silences(engine, Params(of="all"), min_hours=0.5, k=1)
    assert result["parameters"]["min_hours"] == 0.5 and result["parameters"]["k"] == 1
