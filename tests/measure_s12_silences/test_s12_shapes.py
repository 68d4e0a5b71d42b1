"""Every query of ``silences`` on DuckDB is a query shape (``Engine.shaped``), including the
three that compiled at every call (an ongoing silence's record, the id spans of
non-Telegram channels, the id gaps a larger ``--dense-ratio`` finds), and a shape is only
reused on a store whose tables have the same columns and types (``Engine.schema_key``).

Stores: JSON Lines files of placeholder posts on a forum platform ingested into real DuckDB
files (ids dense enough at ``--dense-ratio 150``, one source with ids derived from content),
and tests/measure's planted scenario with one column's type changed.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from ibis.backends.sql.compilers.base import SQLGlotCompiler

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.measure import engine
from mutewatch.measure.registry import run_measurement
from mutewatch.store import Store
from tests.measure.conftest import build_scenario
from tests.measure_s8.conftest import build, every

#: every silences query runs: outlet scope, ongoing silences, ids checked at 150
OPTIONS: dict[str, Any] = {"scope": "outlet", "of": "all", "ongoing": True, "dense_ratio": 150}


def _wall(start: datetime, stop: datetime, quiet: tuple[datetime, datetime], jump: int) -> Any:
    """(time, id) every 2 h, silent over ``quiet``, ids jumping by ``jump`` after it."""
    times = [t for t in every(start, stop, 2) if not quiet[0] < t < quiet[1]]
    out, mid = [], 0
    for t in sorted({*times, *quiet}):
        mid += jump if t == quiet[1] else 1
        out.append((t, mid))
    return out


def _store(folder: Path, day: int) -> Path:
    """Two walls (one silent with ids missing, one stopping early: an ongoing silence and
    no long gap before it) and a channel whose ids are derived from content."""
    start = datetime(2016, 3, day)
    quiet = (datetime(2016, 3, day + 4, 10), datetime(2016, 3, day + 5, 16))
    walls = {
        "wall": _wall(start, datetime(2016, 3, day + 12, 22), quiet, 15_001),
        "early": every(start, datetime(2016, 3, day + 7), 2),  # ids 1, 2, ...
    }
    store = build(folder, [walls], platform="forum")
    feed = folder / "hashed.jsonl"
    rows = [
        {"acc": "hashed", "t": t.isoformat(), "txt": f"placeholder {i}"}
        for i, t in enumerate(every(start, datetime(2016, 3, day + 10), 5))
    ]
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows))
    mapping = {"account": "acc", "time": "t", "text": "txt"}
    with Store.open(store) as opened:
        ingest(opened, [feed], IngestOptions(platform="forum", mapping=mapping))
    return store


@pytest.fixture(scope="module")
def walls(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return [_store(tmp_path_factory.mktemp(f"s12-walls-{day}"), day) for day in (1, 3)]


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the ibis compilers run by the test (ibis' SQL compile entry point)."""
    seen: list[str] = []
    run = SQLGlotCompiler.to_sqlglot
    counted = lambda self, *a, **k: seen.append(type(self).__name__) or run(self, *a, **k)  # noqa: E731
    monkeypatch.setattr(SQLGlotCompiler, "to_sqlglot", counted)
    return seen


def _outcome(store: Path, **options: Any) -> str:
    """The answer as text, or the error's type: what a caller sees."""
    try:
        return json.dumps(run_measurement("silences", store, **options), sort_keys=True)
    except Exception as exc:  # noqa: BLE001 - the outcome is compared, whatever it is
        return f"raised {type(exc).__name__}"


def test_the_three_queries_are_shapes_too(walls: list[Path], compiles: list[str]) -> None:
    engine._SHAPES.clear()
    first = run_measurement("silences", walls[0], min_hours=12, **OPTIONS)
    assert compiles, "the first call compiles its queries"
    names = {key[-1][0] for key in engine._SHAPES}
    assert {"silences.longest", "silences.id_spans", "silences.more_id_gaps"} <= names
    by_outlet = {(s["outlet"], s["ongoing"]): s for s in first["silences"]}
    assert by_outlet[("early", True)]["previous_longest_hours"] == 2.0  # the longest gap
    compiles.clear()
    # another store of the same schema, other channels' ids and series, another threshold
    warm = _outcome(walls[1], min_hours=13, **OPTIONS)
    assert compiles == []
    engine._SHAPES.clear()
    assert _outcome(walls[1], min_hours=13, **OPTIONS) == warm  # as when compiled afresh
    assert compiles


@pytest.fixture(scope="module")
def typed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The planted scenario, and copies with one column of ``posts`` of another type."""
    root = tmp_path_factory.mktemp("s12-typed")
    plain = root / "plain.duckdb"
    build_scenario(plain)
    out = {"plain": plain}
    for name, column in (
        ("bigint", "CAST(outlet_id AS BIGINT) AS outlet_id"),
        ("int_flag", "CAST(official AS INTEGER) AS official"),  # booleans as 0/1
    ):
        out[name] = root / f"{name}.duckdb"
        shutil.copy(plain, out[name])
        with duckdb.connect(str(out[name])) as con:
            con.execute(f"CREATE TABLE p2 AS SELECT * REPLACE ({column}) FROM posts")
            con.execute("DROP TABLE posts")
            con.execute("ALTER TABLE p2 RENAME TO posts")
    return out


@pytest.fixture(autouse=True)
def no_refresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUTEWATCH_MEASURE_REFRESH", "0")  # the typed stores stay as written


@pytest.mark.parametrize("variant", ["bigint", "int_flag"])
def test_a_shape_is_not_run_on_a_store_of_other_column_types(
    typed: dict[str, Path], compiles: list[str], variant: str
) -> None:
    options = {"scope": "outlet", "min_hours": 8}
    engine._SHAPES.clear()
    fresh = _outcome(typed[variant], **options)
    engine._SHAPES.clear()
    run_measurement("silences", typed["plain"], **options)
    compiles.clear()
    assert _outcome(typed[variant], **options) == fresh  # as if nothing ran before it
    if variant == "int_flag":  # ibis refuses 0/1 as a boolean; the other store's SQL ran
        assert fresh == "raised IbisTypeError"
    else:  # same answers, but from SQL compiled for this store's types
        assert compiles, "the other store's SQL was reused"
