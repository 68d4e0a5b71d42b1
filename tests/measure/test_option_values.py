"""Numeric options out of range are a usage error (exit 2; one JSON error under --json) in the
library, so the CLI and the API refuse them alike: NaN made `silences` crash, a negative PELT
penalty made `trend` crash, and negative windows or a top of -1 answered nonsense."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.errors import UsageError
from mutewatch.measure.registry import check_option_values, run_measurement
from mutewatch.store import Store

BAD = [
    ("silences", ["--min-hours", "nan"], "min-hours must be a finite number above 0"),
    ("silences", ["--min-hours", "-1"], "min-hours must be a finite number above 0"),
    ("silences", ["--lookback-days", "-1"], "lookback-days must be a finite number above 0"),
    ("silences", ["--k", "0"], "k must be a whole number at least 1"),
    ("trend", ["--penalty", "-1"], "penalty must be a finite number above 0"),
    ("trend", ["--level", "1.5"], "level must be a finite number above 0 and below 1"),
    ("trend", ["--window", "0"], "window must be a whole number at least 1"),
    ("platforms", ["--top", "-1"], "top must be a whole number at least 1"),
    ("findings", ["--min-hours", "inf"], "min-hours must be a finite number above 0"),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("options") / "store.duckdb"
    with Store.open(path):
        pass
    return path


@pytest.mark.parametrize("command,args,words", BAD, ids=[f"{c}{a}" for c, a, _ in BAD])
def test_out_of_range_options_are_a_json_usage_error(
    store: Path, command: str, args: list[str], words: str
) -> None:
    result = CliRunner().invoke(main, ["--store", str(store), command, *args, "--json"])
    assert result.exit_code == 2, result.output
    error = json.loads(result.output)["error"]
    assert error["code"] == "bad_request" and words in error["message"]


def test_status_threshold_must_be_a_share(store: Path) -> None:
    args = ["outlets", "status", "--baseline", "2015-01-01..2015-12-31"]
    args += ["--period", "2017-12-01..2017-12-31", "--silenced-below", "2", "--json"]
    result = CliRunner().invoke(main, ["--store", str(store), *args])
    assert result.exit_code == 2, result.output
    assert "silenced-below must be" in json.loads(result.output)["error"]["message"]


@pytest.mark.parametrize("options", [{"min_hours": math.nan}, {"top": 2.5}, {"k": True}])
def test_the_library_refuses_them(options: dict[str, object]) -> None:
    with pytest.raises(UsageError):
        check_option_values(options)


def test_run_measurement_refuses_before_any_engine_starts(store: Path) -> None:
    with pytest.raises(UsageError, match="min-segment-days must be a whole number at least 1"):
        run_measurement("outlets_status", store, baseline="2015-01-01..2015-12-31",
                        period="2017-12-01..2017-12-31", min_segment_days=0)  # fmt: skip


def test_good_values_and_defaults_pass() -> None:
    check_option_values({"min_hours": 0.5, "k": 2, "top": 10**30, "level": 0.95, "penalty": None})
    check_option_values({"silenced_below": 0.0, "min_segment_days": 7.0})
