"""A store written before a host class was added is measured with the current classes,
whether or not its derived tables can be refreshed.

Links keep the class they were stored with, and the derived refresh moves stored ``other``
links into a class added since (``derived.reclassify_links``). A store not refreshed kept
t.co as ``other``: measured with ``MUTEWATCH_MEASURE_DERIVED=0`` or
``MUTEWATCH_MEASURE_REFRESH=0``, while another connection holds it, or by Spark over its
Parquet export, ``platforms`` and ``findings`` counted the shortened links as a platform of
their own and said nothing of shorteners, where the same store refreshed says 6 of 10 links
go through them. Now every path reads a link's class through ``current_host_class``, and
the Parquet export writes it. No URL is fetched here: the links are only parsed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import ibis
import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.ingest.links import HOST_CLASSES, classify_host
from mutewatch.measure import derived
from mutewatch.measure.engine import export_parquet
from mutewatch.measure.registry import run_measurement
from tests.measure.spark_local import MASTER
from tests.s16_links.test_s16_shorteners import PERIOD, old_store

# what the store gives once refreshed (tests/s16_links)
BY_CLASS = {"file_host": 2, "other": 1, "shortener": 6, "social": 1}
SHORTENED = "5 of 7 links in 2016-03-01 to 2016-03-23 (71.4%) go through link shorteners"


@pytest.fixture
def old(tmp_path: Path) -> Path:
    return old_store(tmp_path)


def _stored_other(store: Path) -> int:
    con = duckdb.connect(str(store), read_only=True)
    try:
        row = con.execute("SELECT count(*) FROM links WHERE host_class = 'other'").fetchone()
    finally:
        con.close()
    return int(row[0]) if row else -1


def _total(store: Path, **options: Any) -> dict[str, Any]:
    result: dict[str, Any] = run_measurement("platforms", store, of="all", **options)["total"]
    return result


def _hosts_sentence(store: Path, **options: Any) -> str:
    result = run_measurement("findings", store, of="all", **PERIOD, **options)
    (hosts,) = [f for f in result["findings"] if f["kind"] == "platform_hosts"]
    return str(hosts["sentence"])


@pytest.mark.parametrize("switch", ["MUTEWATCH_MEASURE_DERIVED", "MUTEWATCH_MEASURE_REFRESH"])
def test_unrefreshed_store_counts_shortened_links(
    old: Path, switch: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(switch, "0")
    total = _total(old)
    assert total["by_class"] == BY_CLASS
    assert total["shortened_links"] == 6
    assert SHORTENED in _hosts_sentence(old)
    assert _stored_other(old) == 7  # nothing was written: the classes were read as current


def test_a_store_another_connection_holds_counts_shortened_links(old: Path) -> None:
    holder = duckdb.connect(str(old))  # the refresh cannot have the store to itself
    try:
        assert _total(old)["by_class"] == BY_CLASS
        assert SHORTENED in _hosts_sentence(old)
    finally:
        holder.close()
    assert _stored_other(old) == 7


def test_the_text_of_platforms_says_so_without_a_refresh(
    old: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MUTEWATCH_MEASURE_DERIVED", "0")
    result = CliRunner().invoke(main, ["--store", str(old), "platforms", "--of", "all"])
    assert result.exit_code == 0, result.output
    assert "6 of 10 links (60.0%) go through link shorteners" in result.output


def test_the_parquet_export_holds_the_current_classes(old: Path, tmp_path: Path) -> None:
    export_parquet(old, tmp_path / "export")
    con = duckdb.connect()
    try:
        rows = con.execute(
            "SELECT host_class, count(*) FROM read_parquet(?) GROUP BY ALL",
            [str(tmp_path / "export" / "links.parquet")],
        ).fetchall()
    finally:
        con.close()
    assert dict(rows) == BY_CLASS
    assert _stored_other(old) == 7


def test_current_class_is_classify_host_for_stored_other_links() -> None:
    """Every listed suffix, its subdomains and look-alikes: a link stored as other reads as
    the class ``classify_host`` gives where that class was added since, else other; a link
    stored with another class keeps it."""
    listed = [h for hosts in HOST_CLASSES.values() for h in hosts]
    hosts = [*listed, *(f"sub.{h}" for h in listed), "notbit.ly", "xt.co", "t.com", "t.c…", ""]
    con = duckdb.connect()
    try:
        con.execute("CREATE TABLE l (host VARCHAR, host_class VARCHAR)")
        rows = [[h, c] for h in hosts for c in ("other", "video")] + [[None, "other"]]
        con.executemany("INSERT INTO l VALUES (?, ?)", rows)
        t = ibis.duckdb.from_connection(con).table("l")
        expr = t.mutate(now=derived.current_host_class(t.host_class, t.host))
        result = con.execute(str(ibis.to_sql(expr, dialect="duckdb"))).fetchall()
    finally:
        con.close()
    for host, stored, now in result:
        want = classify_host(host)
        expected = want if stored == "other" and want in derived.ADDED_HOST_CLASSES else stored
        assert now == expected, (host, stored, now)
    moved = sum(1 for _, stored, now in result if now != stored)
    assert moved == 2 * len(HOST_CLASSES["shortener"])


@pytest.mark.spark
def test_spark_counts_shortened_links_of_an_old_store(old: Path) -> None:
    """Spark reads the store's Parquet export, written without a refresh."""
    total = _total(old, engine="spark", spark_master=MASTER)
    assert total["by_class"] == BY_CLASS
    assert total["shortened_links"] == 6
    assert _stored_other(old) == 7
