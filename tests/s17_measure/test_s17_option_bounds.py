"""One source for the bounds of ``--level`` and ``--coordinated-alpha``:
``params.OPTION_BOUNDS``, read by the library's check, a measurement's own guard, the
options' help and the API's query check.

The registry let ``--level 1`` through and ``trend`` refused it in other words ("above 0 and
below 1"), while the help said nothing of either; ``silences --coordinated-alpha 2`` was
refused as ``coordinated_alpha 2.0 must be in (0, 1]``, a name nobody types, where every
other bound refusal names the option and its bounds. A level within 1e-16 of 1 (allowed by
both) wrote ``Infinity`` into ``trend --json``: no JSON reader takes it.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.errors import UsageError
from mutewatch.measure import trend
from mutewatch.measure.engine import Engine
from mutewatch.measure.params import Params
from mutewatch.measure.registry import OPTION_BOUNDS, check_bound, run_measurement
from mutewatch.measure.silences import measure as silences
from mutewatch.web.api import options_from_query
from tests.s17_measure.conftest import ingest_rows

ALPHA = "coordinated-alpha must be a finite number above 0 and at most 1, not 2.0"
LEVEL = "level must be a finite number above 0 and below 1, not 1.0"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A few weeks of posts of one account, daily."""
    rows = [(f"2016-01-{d:02d}", f"placeholder {d}") for d in range(1, 32)]
    rows += [(f"2016-02-{d:02d}", f"placeholder b{d}") for d in range(1, 29)]
    return ingest_rows(tmp_path_factory.mktemp("bounds"), rows)


def _cli(store: Path, *args: str) -> Any:
    return CliRunner().invoke(main, ["--store", str(store), *args])


def test_coordinated_alpha_is_refused_naming_the_option_and_its_bounds(store: Path) -> None:
    result = _cli(store, "silences", "--of", "all", "--coordinated-alpha", "2")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert ALPHA in result.output
    assert "for what --coordinated-alpha means" in result.output
    error = json.loads(_cli(store, "silences", "--coordinated-alpha", "2", "--json").output)
    assert ALPHA in error["error"]["message"]
    assert "--coordinated-alpha" in error["error"]["hint"]


def test_silences_itself_refuses_in_the_same_words(store: Path) -> None:
    """A caller of ``silences.measure`` (findings, a script) meets the same words."""
    with Engine.open(store) as engine, pytest.raises(UsageError) as caught:
        silences(engine, Params(of="all"), coordinated_alpha=2.0)
    assert ALPHA in caught.value.message


@pytest.mark.parametrize("value", ["0.05", "1"])
def test_coordinated_alpha_in_bounds_is_taken(store: Path, value: str) -> None:
    result = _cli(store, "silences", "--of", "all", "--coordinated-alpha", value, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["parameters"]["coordinated_alpha"] == float(value)


def test_level_one_is_refused_by_the_registry_and_trend_alike(store: Path) -> None:
    assert check_bound("level", 1.0) == LEVEL.removeprefix("level ")
    with pytest.raises(UsageError) as caught:
        run_measurement("trend", store, of="all", level=1.0)
    assert caught.value.message == LEVEL
    with pytest.raises(UsageError) as direct:  # the library's analysis, called directly
        trend.analyse([], [], level=1.0)
    assert direct.value.message == LEVEL
    result = _cli(store, "trend", "--of", "all", "--level", "1")
    assert result.exit_code == 2 and LEVEL in result.output


def test_the_api_refuses_level_one_in_the_same_words() -> None:
    with pytest.raises(UsageError) as caught:
        options_from_query("trend", {"level": ["1"]})
    assert f"level {check_bound('level', 1.0)}" in caught.value.message
    with pytest.raises(UsageError) as alpha:
        options_from_query("silences", {"coordinated_alpha": ["2"]})
    assert f"coordinated_alpha {check_bound('coordinated_alpha', 2.0)}" in alpha.value.message


def test_help_gives_the_bounds_the_checks_use(store: Path) -> None:
    assert "Interval level, above 0 and below 1." in " ".join(
        _cli(store, "trend", "--help").output.split()
    )
    assert "ALPHA above 0 and at most 1" in " ".join(
        _cli(store, "silences", "--help").output.split()
    )


def test_the_largest_level_allowed_is_the_float_just_below_one() -> None:
    low, high, _, _ = OPTION_BOUNDS["level"]
    assert (low, high) == (0.0, math.nextafter(1.0, 0.0))
    assert check_bound("level", high) is None


def test_a_level_just_below_one_gives_json(store: Path) -> None:
    """Allowed before and now: the top of its interval was infinity, ``Infinity`` in JSON."""
    level = math.nextafter(1.0, 0.0)
    result = _cli(store, "trend", "--of", "all", "--level", repr(level), "--json")
    assert result.exit_code == 0, result.output

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} in trend --json")

    found = json.loads(result.output, parse_constant=refuse)
    assert found["rolling"] and all(math.isfinite(r["high"]) for r in found["rolling"])
    assert math.isfinite(trend.garwood(3, level)[1])
