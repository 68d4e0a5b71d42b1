"""Engine parity: trend, supporters and platforms give the same answers on DuckDB and Spark.

One Spark session for the module (the engine keeps one per process); the store is exported
to Parquet on the fly beside the planted store.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from collections.abc import Callable
from typing import Any

import pytest

from mutewatch.measure import platforms, supporters, trend
from tests.measure.spark_local import MASTER

from .conftest import Planted

pytestmark = [pytest.mark.spark, pytest.mark.slow]

if importlib.util.find_spec("pyspark") is None or shutil.which("java") is None:
    pytest.skip("engine parity needs PySpark and Java 17", allow_module_level=True)

WINDOW = {"date_from": "2015-10-01", "date_to": "2016-04-30"}  # holds the planted drop
CASES: dict[str, tuple[Callable[..., dict[str, Any]], dict[str, Any]]] = {
    "trend": (trend.trend, {"every": "week", "window": 14, **WINDOW}),
    "supporters": (supporters.supporters, {"every": "week", "include_forwards": True, **WINDOW}),
    "platforms": (platforms.platforms, {"every": "week", "top": 3, **WINDOW}),
}


def _comparable(result: dict[str, Any]) -> dict[str, Any]:
    """Same JSON as printed, without the keys that name the engine."""
    data: dict[str, Any] = json.loads(json.dumps(result, default=str))
    data["parameters"].pop("engine")
    data["parameters"].pop("spark_master", None)
    return data


@pytest.fixture(scope="module")
def answers(planted: Planted) -> dict[str, dict[str, dict[str, Any]]]:
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for name, (run, options) in CASES.items():
        out[name] = {
            "duckdb": _comparable(run(planted.path, engine="duckdb", **options)),
            "spark": _comparable(run(planted.path, engine="spark", spark_master=MASTER, **options)),
        }
    return out


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_answers_on_both_engines(answers: dict[str, Any], name: str) -> None:
    duck, spark = answers[name]["duckdb"], answers[name]["spark"]
    assert set(duck) == set(spark)
    for key in duck:
        assert duck[key] == spark[key], f"{name}: {key} differs between DuckDB and Spark"


def test_parity_is_not_vacuous(answers: dict[str, Any]) -> None:
    assert answers["trend"]["spark"]["change_points"][0]["at"] == "2016-03-01"
    assert answers["supporters"]["spark"]["total"]["amplification"] > 1000
    assert answers["platforms"]["spark"]["host_classes"]["social"]["gone"] is True
    assert "file_host" not in answers["platforms"]["spark"]["host_classes"]
