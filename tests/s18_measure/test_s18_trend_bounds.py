"""``trend`` checks ``window``, ``min_size`` and ``penalty`` on the shared path
(``params.OPTION_BOUNDS`` through ``check_option_values``), as it did ``level`` since
session 17: a caller of ``trend.measure`` or ``trend.analyse`` (findings, a script) passing
NaN or a fractional window met a crash, a negative penalty a crash in PELT, and 0 days
other words ("window must be at least 1 day, got 0") than the CLI and the API give.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from mutewatch.errors import UsageError
from mutewatch.measure import trend
from mutewatch.measure.engine import Engine
from mutewatch.measure.params import Params, check_bound
from tests.s18_measure.conftest import cli, ingest_rows


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One account posting daily through January and February 2016."""
    rows = [(f"2016-01-{d:02d}", f"jan {d}") for d in range(1, 32)]
    rows += [(f"2016-02-{d:02d}", f"feb {d}") for d in range(1, 30)]
    return ingest_rows(tmp_path_factory.mktemp("trend_bounds"), rows)


BAD: list[tuple[str, Any]] = [
    ("window", 0),
    ("window", math.nan),
    ("window", 2.5),
    ("min_size", 0),
    ("min_size", math.inf),
    ("penalty", -1.0),
    ("penalty", math.nan),
]


@pytest.mark.parametrize("key,value", BAD, ids=[f"{k}={v!r}" for k, v in BAD])
def test_the_library_refuses_in_the_clis_words(store: Path, key: str, value: Any) -> None:
    dashed = key.replace("_", "-")
    with Engine.open(store) as engine, pytest.raises(UsageError) as caught:
        trend.measure(engine, Params(of="all"), **{key: value})
    assert caught.value.message == f"{dashed} {check_bound(key, value)}"
    assert caught.value.hint == f"see `mutewatch trend --help` for what --{dashed} means"
    with pytest.raises(UsageError) as direct:  # the pure analysis too
        trend.analyse([], [], **{key: value})
    assert direct.value.message == caught.value.message


def test_the_cli_words_are_unchanged(store: Path) -> None:
    result = cli(store, "trend", "--of", "all", "--window", "0")
    assert result.exit_code == 2
    assert "window must be a whole number at least 1, not 0" in result.output


def test_values_in_bounds_are_taken(store: Path) -> None:
    with Engine.open(store) as engine:
        result = trend.measure(engine, Params(of="all"), window=7, min_size=1, penalty=0.5)
    assert result["parameters"]["window"] == 7 and result["parameters"]["penalty"] == 0.5
    assert len(result["rolling"]) == 60 - 6
