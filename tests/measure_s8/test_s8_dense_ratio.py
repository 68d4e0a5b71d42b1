"""``silences --dense-ratio R``: a non-Telegram channel's ids vouch for a gap only when they
span at most R times its posts. Ingest records id gaps at 100; a larger R finds the missing
ids of the channels it adds from their posts, so a silence hidden in missing ids is never
read as collected."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.ingest import DENSE_ID_SPAN_PER_POST
from mutewatch.measure import silences
from mutewatch.measure.registry import run_measurement
from tests.measure_s8.conftest import build, every

START = datetime(2016, 3, 1)
QUIET = (datetime(2016, 3, 5, 10), datetime(2016, 3, 6, 16))  # 30 h, ids run on: collected
HOLE = (datetime(2016, 3, 9, 10), datetime(2016, 3, 10, 16))  # 30 h, 15,000 ids missing


def _wall() -> list[tuple[datetime, int]]:
    """A forum wall posting every 2 h over 12 days, silent twice; its ids jump by 15,000
    over the second silence: span / posts is about 120."""
    times = [
        t
        for t in every(START, datetime(2016, 3, 12, 22), 2)
        if not (QUIET[0] < t < QUIET[1] or HOLE[0] < t < HOLE[1])
    ]
    times += [QUIET[0], QUIET[1], HOLE[0], HOLE[1]]
    out, mid = [], 0
    for t in sorted(set(times)):
        mid += 15_001 if t == HOLE[1] else 1
        out.append((t, mid))
    return out


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("dense"), [{"wall": _wall()}], platform="forum")


def _silences(store: Path, **options: Any) -> dict[str, Any]:
    result: dict[str, Any] = run_measurement("silences", store, of="all", min_hours=12, **options)
    return result


def _by_start(result: dict[str, Any]) -> dict[str, tuple[str, bool]]:
    return {s["start"]: (s["coverage"], s["ids_checked"]) for s in result["silences"]}


def test_the_ratio_is_ingests_by_default(store: Path) -> None:
    assert silences.DENSE_RATIO == DENSE_ID_SPAN_PER_POST
    result = _silences(store)
    posts = len(_wall())
    assert 100 * posts < _wall()[-1][1] <= 150 * posts  # not dense at 100, dense at 150
    assert set(_by_start(result).values()) == {("unverified", False)}
    assert result["parameters"]["dense_ratio"] == 100
    assert "--dense-ratio 100 " in result["method"]


def test_a_larger_ratio_checks_the_ids_and_finds_their_gaps(store: Path) -> None:
    result = _silences(store, dense_ratio=150)
    assert _by_start(result) == {
        "2016-03-05T10:00:00Z": ("full", True),  # ids ran on: the wall was silent
        "2016-03-09T10:00:00Z": ("none", True),  # 15,000 ids missing: not collected
    }
    assert result["parameters"]["dense_ratio"] == 150
    assert "--dense-ratio 150 " in result["method"]


def test_a_smaller_ratio_is_stricter(store: Path) -> None:
    assert set(_by_start(_silences(store, dense_ratio=2)).values()) == {("unverified", False)}


@pytest.mark.parametrize("bad", [0.5, float("nan"), float("inf")])
def test_a_ratio_below_one_is_refused(store: Path, bad: float) -> None:
    args = ["--store", str(store), "silences", "--of", "all", "--dense-ratio", str(bad), "--json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "--dense-ratio" in json.loads(result.output)["error"]["message"]


def test_the_help_explains_it_with_an_example(store: Path) -> None:
    text = CliRunner().invoke(main, ["silences", "--help"]).output
    assert "--dense-ratio" in text and "mutewatch silences --of all --dense-ratio 150" in text
    cli = CliRunner().invoke(
        main, ["--store", str(store), "silences", "--of", "all", "--dense-ratio", "150", "--json"]
    )
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.output)["parameters"]["dense_ratio"] == 150


@pytest.fixture(scope="module")
def twice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wall exported twice, the second export one post longer: every post is stored
    once, read twice."""
    folder = tmp_path_factory.mktemp("dense_twice")
    longer = [*_wall(), (datetime(2016, 3, 13), _wall()[-1][1] + 1)]
    return build(folder, [{"wall": _wall()}, {"wall": longer}], platform="forum")


def test_a_post_in_two_exports_counts_once(twice: Path) -> None:
    # coverage counts each post once per source (2 x posts); ingest's test counts stored
    # posts, found the wall not dense and recorded no id gaps, so its ids cannot vouch
    result = _silences(twice)
    assert set(_by_start(result).values()) == {("unverified", False)}
    assert _by_start(_silences(twice, dense_ratio=150)) == {
        "2016-03-05T10:00:00Z": ("full", True),
        "2016-03-09T10:00:00Z": ("none", True),
    }
