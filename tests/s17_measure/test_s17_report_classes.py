"""The report's host chart and table class a store's links as the measurements do.

``show.charts.hosts`` read the class each link was stored with, while ``platforms`` and
``findings`` read it through ``derived.current_host_class``. On a store written before
``shortener`` existed, the first report (drawn before ``findings`` refreshes the store)
listed t.co as ``other`` beside a finding counting it as a shortener, and with
``MUTEWATCH_MEASURE_REFRESH=0`` every report did.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from mutewatch.show import charts
from mutewatch.store import Store
from tests.s16_links.test_s16_shorteners import old_store
from tests.s17_measure.test_s17_old_store_classes import BY_CLASS, _stored_other


@pytest.fixture
def old(tmp_path: Path) -> Path:
    """The old store, its one account an official outlet's (the report charts releases)."""
    store = old_store(tmp_path)
    con = duckdb.connect(str(store))
    try:
        con.execute("UPDATE posts SET official = true")
    finally:
        con.close()
    return store


def _built(store_path: Path) -> charts.ChartSet:
    store = Store.open(store_path, read_only=True)
    try:
        return charts.build(store)
    finally:
        store.close()


def test_the_host_table_classes_t_co_as_a_shortener(old: Path) -> None:
    table = _built(old).tables["hosts"]
    assert {r["host"]: r["host_class"] for r in table}["t.co"] == "shortener"
    by_class: dict[str, int] = {}
    for row in table:
        by_class[row["host_class"]] = by_class.get(row["host_class"], 0) + row["links"]
    assert by_class == BY_CLASS
    assert _stored_other(old) == 7  # read as current, the store itself left as it was


def test_the_host_class_chart_has_the_shortener_series(old: Path) -> None:
    names = {trace.name for trace in _built(old).figures["hosts"].data}
    assert "shortener" in names
