"""``output --outlet`` gives the same answers on DuckDB and on Spark (local), on a small
store of placeholder posts: the filter is part of the one Ibis expression both run."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from mutewatch.measure.registry import run_measurement
from tests.measure.spark_local import MASTER
from tests.measure_s8.conftest import build, every

pytestmark = pytest.mark.spark

pytest.importorskip("pyspark", reason="PySpark is not installed")
if shutil.which("java") is None:
    pytest.skip("Java is not installed (Spark needs Java 17)", allow_module_level=True)

SPARK = {"engine": "spark", "spark_master": MASTER}
CASES: list[dict[str, Any]] = [
    {"outlets": ["late"], "every": "month"},
    {"outlets": ["late", "steady"], "every": "week", "date_from": "2016-01-10"},
    {"outlets": ["steady"], "by": "outlet", "every": "month"},
    {"outlets": ["late"], "by": "medium", "every": "month"},
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(
        tmp_path_factory.mktemp("s9-spark"),
        [
            {"steady": every(datetime(2016, 1, 1), datetime(2016, 3, 31, 18), 6)},
            {"late": every(datetime(2016, 1, 16), datetime(2016, 3, 31, 18), 8)},
        ],
    )


def _comparable(result: dict[str, Any]) -> str:
    params = {k: v for k, v in result["parameters"].items() if k not in ("engine", "spark_master")}
    return json.dumps({**result, "parameters": params}, sort_keys=True, default=str)


@pytest.mark.parametrize("options", CASES)
def test_same_answers_on_duckdb_and_spark(store: Path, options: dict[str, Any]) -> None:
    duck = run_measurement("output", store, of="all", **options)
    # (the export beside the store is made once, then reused)
    spark = run_measurement("output", store, of="all", **SPARK, **options)
    assert duck["total"] > 0
    assert _comparable(spark) == _comparable(duck)
