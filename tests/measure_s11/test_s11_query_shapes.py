"""Query shapes (``Engine.shaped``): silences compile each query once per process, with the
changing values bound as DuckDB parameters, and answer exactly as when compiled afresh.

The store is tests/measure's planted scenario, twice: with current derived tables and
without them (the expressions evaluated on the fly, as on Spark).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import ibis
import pytest
from ibis.backends.sql.compilers.base import SQLGlotCompiler

from mutewatch.measure import derived, engine
from mutewatch.measure.engine import Engine
from mutewatch.measure.registry import run_measurement
from tests.measure.conftest import build_scenario

RANGE = {"date_from": "2017-04-02", "date_to": "2017-11-20"}
#: silences options whose shapes repeat with other values (min_hours, spans, frames): each
#: scope and span runs at two far-apart thresholds (a third one in between adds no shape)
OPTIONS: list[dict[str, Any]] = [
    {"scope": scope, "min_hours": hours, **extra}
    for scope in ("network", "outlet")
    for hours in (0.5, 40)
    for extra in ({}, {"of": "all"}, RANGE)
] + [
    {"scope": "outlet", "min_hours": 4, "include_forwards": True},
    {"scope": "outlet", "min_hours": 3, "of": "supporter", "ongoing": True},
    {"scope": "network", "min_hours": 2, "ongoing": True, "coordinated_alpha": 0.05},
]


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("s11-shapes")
    plain = root / "plain.duckdb"
    build_scenario(plain)
    fast = root / "derived.duckdb"
    shutil.copy(plain, fast)
    with duckdb.connect(str(fast)) as con:
        con.execute("SET TimeZone = 'UTC'")
        derived.refresh(con)
        assert derived.fresh(con)
    return {"derived": fast, "plain": plain}


@pytest.fixture(autouse=True)
def no_refresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUTEWATCH_MEASURE_REFRESH", "0")  # "plain" stays without tables


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every ibis SQL compile of the test (ibis' own compiler entry point, counted)."""
    seen: list[str] = []
    original = SQLGlotCompiler.to_sqlglot

    def counted(self: Any, expr: Any, **kwargs: Any) -> Any:
        seen.append(type(self).__name__)
        return original(self, expr, **kwargs)

    monkeypatch.setattr(SQLGlotCompiler, "to_sqlglot", counted)
    yield seen


def _text(result: dict[str, Any]) -> str:
    return json.dumps(result, sort_keys=True, default=str)


@pytest.mark.parametrize("mode", ["derived", "plain"])
def test_second_call_of_a_shape_compiles_nothing(
    stores: dict[str, Path], compiles: list[str], mode: str
) -> None:
    getattr(engine, "_SHAPES", {}).clear()  # (getattr: fails on the assert before shapes)
    first = run_measurement("silences", stores[mode], scope="outlet", min_hours=8)
    assert compiles, "the first call compiles its queries"
    compiles.clear()
    # same shapes, another threshold: bound at run time, not compiled into the SQL
    second = run_measurement("silences", stores[mode], scope="outlet", min_hours=20)
    assert compiles == []
    assert len(second["silences"]) < len(first["silences"])
    assert all(r["hours"] >= 20 for r in second["silences"])


def test_cached_and_fresh_compiles_answer_alike(stores: dict[str, Path]) -> None:
    """Every option set, run with the shapes other values compiled, equals the same run
    with nothing compiled before it (a key missing a part of the shape would differ)."""
    engine._SHAPES.clear()
    warm = {
        (mode, i): _text(run_measurement("silences", stores[mode], **opts))
        for mode in ("derived", "plain")
        for i, opts in enumerate(OPTIONS)
    }
    assert len(engine._SHAPES) > 8
    differ = []
    for (mode, i), text in warm.items():
        engine._SHAPES.clear()
        if _text(run_measurement("silences", stores[mode], **OPTIONS[i])) != text:
            differ.append((mode, OPTIONS[i]))
    assert differ == []
    for i in range(len(OPTIONS)):  # and the derived tables answer as their expressions
        assert warm[("derived", i)] == warm[("plain", i)]


def test_values_are_bound_not_written_into_the_sql(stores: dict[str, Path]) -> None:
    engine._SHAPES.clear()
    with Engine.open(stores["derived"]) as eng:

        def build(slot: Any, frame: Any) -> ibis.Table:
            d = eng.table("posts")
            f = frame("_s11_ids")
            j = d.join(f, d.outlet_id == f.oid)
            j = j.filter(j.ts >= slot("since", "timestamp"), j.kind == slot("kind", "string"))
            return j.aggregate(n=j.count())

        def n(since: str, ids: list[int]) -> int:
            values = {"since": since, "kind": "text"}
            frames = {"_s11_ids": ibis.memtable({"oid": ids}).to_pandas()}
            return int(eng.shaped(("s11",), build, values, frames)["n"].iloc[0])

        def literal(since: str, ids: list[int]) -> int:
            d = eng.table("posts")
            d = d.filter(d.outlet_id.isin(ids), d.ts >= ibis.timestamp(since), d.kind == "text")
            return int(eng.execute(d.aggregate(n=d.count()))["n"].iloc[0])

        cases = [("2017-01-01", [1, 2]), ("2017-10-15", [1, 2]), ("2017-01-01", [3])]
        got = [n(*c) for c in cases]
        assert got == [literal(*c) for c in cases]
        assert len(set(got)) == 3
        ((sql, _),) = engine._SHAPES.values()
        assert "$since" in sql and "$kind" in sql and "2017" not in sql
        assert "'text'" not in sql


def test_a_missing_value_is_refused(stores: dict[str, Path]) -> None:
    with Engine.open(stores["derived"]) as eng:
        t = eng.table("posts")
        with pytest.raises(KeyError, match="since"):
            eng.shaped(("s11-missing",), lambda slot, _: t.filter(t.ts >= slot("since", "date")))
