"""Real message ids vouch for a silence only where they count up per channel: always on
Telegram, elsewhere where a channel's ids are dense (a per-wall counter). Ids that are not
(tweet ids: global, jumping by about 10**13 an hour) make no id gaps and cannot show
missing posts, so a silence there is unverified, as with ids derived from content."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from mutewatch.measure.registry import run_measurement
from tests.measure_s7.conftest import Part, build, every

TIMES = every(2, 0, 20) + every(2, 50, 70)
SNOWFLAKE = 700_000_000_000_000_000  # tweet-like ids: ~7e17, steps of ~3e13 per 2 hours
CASES = {
    "telegram": [Part("acc", "telegram", TIMES, 1)],
    "twitter-counter": [Part("acc", "twitter", TIMES, 1)],
    "twitter-snowflake": [Part("acc", "twitter", TIMES, SNOWFLAKE, step=30_000_000_000_000)],
    # global ids below 2**53 (an older id space): the ids' size cannot tell, their density can
    "forum-global": [Part("acc", "forum", TIMES, 10**12, step=10**9)],
    "vk-jump": [  # ids 1..240, then from 1000: 759 missing across the silence
        Part("acc", "vk", every(2, 0, 20), 1),
        Part("acc", "vk", every(2, 50, 70), 1000, tag="b"),
    ],
}


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("platforms")
    out = {}
    for name, parts in CASES.items():
        (root / name).mkdir()
        out[name] = build(root / name, parts)
    return out


def _longest(store: Path) -> dict[str, Any]:
    found = run_measurement("silences", store, of="all", with_coordinated=False)
    longest: dict[str, Any] = max(found["silences"], key=lambda s: s["hours"])
    return longest


def _labels(s: dict[str, Any]) -> tuple[Any, ...]:
    return s["coverage"], s["ids_checked"], s["unprecedented"]


@pytest.mark.parametrize("name", ["telegram", "twitter-counter"])
def test_counting_ids_vouch_for_the_gap(stores: dict[str, Path], name: str) -> None:
    assert _labels(_longest(stores[name])) == ("full", True, True)


@pytest.mark.parametrize("name", ["twitter-snowflake", "forum-global"])
def test_global_ids_do_not(stores: dict[str, Path], name: str) -> None:
    with duckdb.connect(str(stores[name]), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM derived_id_sources").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM id_gaps").fetchone() == (0,)
    s = _longest(stores[name])
    assert s["hours"] == pytest.approx(30 * 24 + 2)
    assert _labels(s) == ("unverified", False, False)
    assert s["p_value"] is not None and s["rank"] == 1


def test_dense_ids_elsewhere_make_id_gaps(stores: dict[str, Path]) -> None:
    with duckdb.connect(str(stores["vk-jump"]), read_only=True) as con:
        gaps = con.execute("SELECT after_id, before_id, missing FROM id_gaps").fetchall()
    assert gaps == [(240, 1000, 759)]
    s = _longest(stores["vk-jump"])
    assert (s["coverage"], s["ids_checked"]) == ("none", True)  # the ids say posts are missing


def test_findings_do_not_call_it_a_record(stores: dict[str, Path]) -> None:
    kwargs = {"of": "all", "baseline": "2016-01", "period": "2016-03"}
    found = run_measurement("findings", stores["twitter-snowflake"], **kwargs)
    (f,) = [f for f in found["findings"] if f["kind"] == "longest_silence"]
    assert "cannot tell this silence from a gap in collection" in f["sentence"]
    assert "such as tweet ids" in f["method"]
