"""The measurements give the answers the implementation before the derived tables gave.

``golden/*.json.gz`` holds, per case, the digest of the JSON result recorded from the
implementation that read the posts directly (and the result itself when short, to show a
difference). Each case runs twice: on the store's materialised derived tables, and with
them absent (the same expressions evaluated on the fly, as on Spark).
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from mutewatch.measure import derived
from mutewatch.measure.registry import run_measurement

from . import golden_cases as gc

Scenario = tuple[Path, dict[str, Any]]


def _planted_builder() -> Any:
    path = Path(__file__).resolve().parents[1] / "measure_more" / "conftest.py"
    spec = importlib.util.spec_from_file_location("_planted_conftest", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module.build_planted


@pytest.fixture(scope="module")
def stores(scenario: Scenario, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each planted store twice: with current derived tables, and without any."""
    root = tmp_path_factory.mktemp("golden")
    planted = root / "planted.duckdb"
    _planted_builder()(planted)
    out: dict[str, Path] = {}
    for name, source in (("scenario", scenario[0]), ("planted", planted)):
        fast = root / f"{name}-derived.duckdb"
        shutil.copy(source, fast)
        with duckdb.connect(str(fast)) as con:
            con.execute("SET TimeZone = 'UTC'")
            derived.refresh(con)
            assert derived.fresh(con)
        out[f"{name}-derived"] = fast
        plain = root / f"{name}-plain.duckdb"
        shutil.copy(source, plain)
        out[f"{name}-plain"] = plain
    return out


def _cases() -> list[tuple[str, int, str, dict[str, Any]]]:
    out = []
    for store, cases in (("scenario", gc.SCENARIO_CASES), ("planted", gc.PLANTED_CASES)):
        out += [(store, i, name, opts) for i, (name, opts) in enumerate(cases)]
    return out


CASES = _cases()
# every case on the derived tables; every third one also evaluated on the fly (slower)
RUNS = [("derived", *c) for c in CASES] + [("plain", *c) for k, c in enumerate(CASES) if k % 3 == 0]


@pytest.mark.parametrize(
    ("mode", "store", "index", "name", "options"),
    RUNS,
    ids=[f"{m}-{s}-{gc.case_id(i, n, o)}" for m, s, i, n, o in RUNS],
)
def test_same_answers_as_before(
    stores: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
    mode: str,
    store: str,
    index: int,
    name: str,
    options: dict[str, Any],
) -> None:
    monkeypatch.setenv("MUTEWATCH_MEASURE_REFRESH", "0")  # "plain" stays without tables
    expected = gc.load(store)[gc.case_id(index, name, options)]
    got = gc.canonical(run_measurement(name, stores[f"{store}-{mode}"], **options))
    if "result" in expected:
        assert got == expected["result"]
    assert gc.digest(got) == expected["sha256"]
