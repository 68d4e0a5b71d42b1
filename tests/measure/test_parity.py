"""Engine parity: every measurement gives the same answers on DuckDB and on Spark (local).

One SparkSession for the whole module (the engine reuses the process's session).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from mutewatch.measure.registry import run_measurement

from .spark_local import MASTER

pytestmark = pytest.mark.spark

pyspark = pytest.importorskip("pyspark", reason="PySpark is not installed")
if shutil.which("java") is None:
    pytest.skip("Java is not installed (Spark needs Java 17)", allow_module_level=True)

STATUS = {"baseline": "2017-03-01..2017-05-31", "period": "2017-11-01..2017-11-30"}

#: (measurement, options) pairs run on both engines.
CASES: list[tuple[str, dict[str, Any]]] = [
    ("output", {"by": "outlet", "every": "week"}),
    ("output", {"by": "host", "every": "month", "of": "all", "include_forwards": True}),
    ("outlets_status", STATUS),
    ("silences", {"scope": "network", "min_hours": 8}),
    ("silences", {"scope": "outlet", "min_hours": 20}),
]
# trend, supporters and platforms have their own parity test (tests/measure_more); findings
# is composed of registry measurements tested here and there.


def _comparable(result: dict[str, Any]) -> str:
    params = dict(result.get("parameters", {}))
    params.pop("engine", None)
    params.pop("spark_master", None)
    return json.dumps({**result, "parameters": params}, sort_keys=True, default=str)


@pytest.fixture(scope="module")
def export(scenario: tuple[Path, dict[str, Any]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    from mutewatch.measure.engine import export_parquet

    out = tmp_path_factory.mktemp("parity") / "export"
    export_parquet(scenario[0], out)
    return out


#: the case Spark runs without ``parquet`` (its export made beside the store): its answer
#: also serves test_spark_without_parquet_exports_beside_the_store, one Spark run for both
BESIDE = 3


@pytest.fixture(scope="module")
def spark_runs() -> dict[int, dict[str, Any]]:
    return {}


def _on_spark(
    index: int, path: Path, export: Path, runs: dict[int, dict[str, Any]]
) -> dict[str, Any]:
    if index not in runs:
        name, options = CASES[index]
        where = {} if index == BESIDE else {"parquet": export}
        runs[index] = run_measurement(
            name, path, engine="spark", spark_master=MASTER, **where, **options
        )
    return runs[index]


@pytest.mark.parametrize(
    "index", range(len(CASES)), ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)]
)
def test_same_answers_on_duckdb_and_spark(
    scenario: tuple[Path, dict[str, Any]],
    export: Path,
    spark_runs: dict[int, dict[str, Any]],
    index: int,
) -> None:
    path, _ = scenario
    name, options = CASES[index]
    duck = run_measurement(name, path, **options)
    spark = _on_spark(index, path, export, spark_runs)
    assert spark["parameters"]["engine"] == "spark"
    assert _comparable(duck) == _comparable(spark)


def test_spark_without_parquet_exports_beside_the_store(
    scenario: tuple[Path, dict[str, Any]], export: Path, spark_runs: dict[int, dict[str, Any]]
) -> None:
    path, _ = scenario
    assert CASES[BESIDE][0] == "silences"
    result = _on_spark(BESIDE, path, export, spark_runs)
    assert [s["hours"] for s in result["silences"]] == pytest.approx([8.2, 24.5])
    assert (Path(str(path) + ".parquet") / "manifest.json").exists()


def test_the_spark_jvm_takes_the_tests_options_and_the_engines() -> None:
    """The suite's SPARK_SUBMIT_OPTS (C1-compiled code only: tests/conftest.py) reach the
    driver JVM beside the engine's own -Duser.timezone=UTC, which they leave in place."""
    from mutewatch.measure.engine import spark_session

    jvm = spark_session(MASTER).sparkContext._jvm
    flags = list(jvm.java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments())
    assert "-XX:TieredStopAtLevel=1" in flags
    assert "-Duser.timezone=UTC" in flags
    assert str(jvm.java.util.TimeZone.getDefault().getID()) == "UTC"
