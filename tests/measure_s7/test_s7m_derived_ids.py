"""Silences read which sources derived their ids from content from ingest's own record
(``derived_id_sources``), not from the ids' size: real ids stay ``ids_checked`` however
large, and the 2**53 rule is only the fallback for stores and exports without the table."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from mutewatch.measure.engine import export_parquet
from mutewatch.measure.registry import run_measurement
from tests.measure.spark_local import MASTER
from tests.measure_s7.conftest import Part, build, every

# posts every 2 hours for 20 days, nothing for 30 days, then every 2 hours for 20 days
TIMES = every(2, 0, 20) + every(2, 50, 70)
SPARK = {"engine": "spark", "spark_master": MASTER}
BIG = 2**60  # real ids this large (e.g. a platform's snowflake-like sequence) stay real


@pytest.fixture(scope="module")
def big_real(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("big"), [Part("big", "telegram", TIMES, BIG)])


@pytest.fixture(scope="module")
def hashed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("hash"), [Part("hash", "telegram", TIMES, None)])


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One channel: a file with real ids over the whole span, and a file without ids
    holding a few rows after the silence only."""
    return build(
        tmp_path_factory.mktemp("mixed"),
        [
            Part("mix", "telegram", TIMES, 1),
            Part("mix", "telegram", every(5, 60, 62), None, tag="extra "),
        ],
    )


def _longest(store: Path, **options: Any) -> dict[str, Any]:
    found = run_measurement("silences", store, of="all", with_coordinated=False, **options)
    longest: dict[str, Any] = max(found["silences"], key=lambda s: s["hours"])
    return longest


def _labels(silence: dict[str, Any]) -> tuple[Any, ...]:
    return silence["coverage"], silence["ids_checked"], silence["unprecedented"]


def test_large_real_ids_keep_full_coverage(big_real: Path) -> None:
    s = _longest(big_real)
    assert s["hours"] == pytest.approx(30 * 24 + 2)
    assert _labels(s) == ("full", True, True)


def test_content_derived_ids_stay_unverified(hashed: Path) -> None:
    assert _labels(_longest(hashed)) == ("unverified", False, False)


def test_real_ids_vouch_for_a_gap_derived_rows_do_not_touch(mixed: Path) -> None:
    """The file without ids covers days 60-62 only: the silence (days 20-50) lies in the
    real-id file's window, whose ids show nothing missing."""
    with duckdb.connect(str(mixed), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM derived_id_sources").fetchone() == (1,)
    assert _labels(_longest(mixed)) == ("full", True, True)


def test_derived_rows_inside_a_gap_leave_it_unverified(tmp_path: Path) -> None:
    """Two files with real ids end and begin at the silence (ids run on: nothing missing);
    a file without ids whose rows span it (one row before, one after) covers it with ids
    that cannot show missing posts."""
    first = every(2, 0, 20)
    store = build(
        tmp_path,
        [
            Part("c", "telegram", first, 1),
            Part("c", "telegram", every(2, 50, 70), len(first) + 1, tag="b"),
            Part("c", "telegram", [TIMES[0], TIMES[-1]], None, tag="x"),
        ],
    )
    s = _longest(store)
    assert _labels(s) == ("unverified", False, False)
    assert s["covered_share"] == 1.0


def _without_table(store: Path, tmp_path: Path) -> Path:
    tmp_path.mkdir()
    copy = tmp_path / "old.duckdb"
    shutil.copy(store, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute("DROP TABLE derived_id_sources")
    return copy


def test_without_the_table_the_size_rule_decides(
    big_real: Path, hashed: Path, tmp_path: Path
) -> None:
    assert _labels(_longest(_without_table(hashed, tmp_path / "h"))) == (
        "unverified",
        False,
        False,
    )
    # the fallback cannot tell ids this large from hashes: the old, cautious answer
    assert _labels(_longest(_without_table(big_real, tmp_path / "b"))) == (
        "unverified",
        False,
        False,
    )


def test_parquet_export_carries_the_table(big_real: Path, tmp_path: Path) -> None:
    manifest = export_parquet(big_real, tmp_path / "export")
    assert manifest["rows"]["derived_id_sources"] == 0
    assert (tmp_path / "export" / "derived_id_sources.parquet").exists()


@pytest.mark.spark
def test_spark_reads_the_table(big_real: Path, hashed: Path) -> None:
    assert _labels(_longest(big_real, **SPARK)) == ("full", True, True)
    assert _labels(_longest(hashed, **SPARK)) == ("unverified", False, False)
