"""The derived tables: built, used only while current, refreshed lazily, never wrong."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from mutewatch.measure import derived
from mutewatch.measure.engine import Engine
from mutewatch.measure.registry import run_measurement
from mutewatch.store.schema import current_version

from .conftest import StoreFactory, every

Scenario = tuple[Path, dict[str, Any]]
T0 = datetime(2017, 1, 2)


def _state(path: Path) -> tuple[bool, bool]:
    """(derived tables exist, they are current) of the store at ``path``."""
    with duckdb.connect(str(path), read_only=True) as con:
        have = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        return derived.DAILY in have, derived.fresh(con)


def _small_store(path: Path) -> Path:
    f = StoreFactory(path)
    a = f.channel("201", f.outlet("A"))
    b = f.channel("202", f.outlet("B"))
    f.source(T0, T0 + timedelta(days=30))
    f.posts(a, every(T0, T0 + timedelta(days=30), timedelta(hours=2)))
    f.posts(b, every(T0, T0 + timedelta(days=10), timedelta(hours=3)))
    return f.close()


def _add_post(path: Path, ts: datetime) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute(
            "INSERT INTO posts BY NAME SELECT 'telegram' AS platform, '202' AS account_id, "
            "9999 AS message_id, ?::TIMESTAMP AS ts, FALSE AS time_from_local, 'text' AS kind, "
            "1 AS source_id, 2 AS outlet_id, TRUE AS official",
            [ts],
        )


def test_refresh_builds_current_tables_with_their_own_migrations(tmp_path: Path) -> None:
    path = _small_store(tmp_path / "s.duckdb")
    with duckdb.connect(str(path)) as con:
        took = derived.refresh(con)
        assert set(took) == set(derived.DERIVED)
        assert derived.fresh(con)
        assert current_version(con, "measure") == len(derived.MIGRATIONS)
        n = con.execute(f"SELECT sum(n) FROM {derived.DAILY} WHERE off AND NOT fwd").fetchone()
        assert n is not None and n[0] == 360 + 80


def test_a_new_post_makes_them_stale_and_the_next_measurement_refreshes(
    tmp_path: Path,
) -> None:
    path = _small_store(tmp_path / "s.duckdb")
    first = run_measurement("silences", path, scope="outlet", min_hours=24)
    assert _state(path) == (True, True)  # built on first use: nobody else held the store
    assert [s["outlet"] for s in first["silences"]] == []
    _add_post(path, T0 + timedelta(days=25))  # B comes back after 15 days
    assert _state(path) == (True, False)
    second = run_measurement("silences", path, scope="outlet", min_hours=24)
    assert _state(path) == (True, True)
    (gap,) = second["silences"]
    assert gap["outlet"] == "B" and gap["end"] == "2017-01-27T00:00:00Z"


def test_stale_tables_are_never_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _small_store(tmp_path / "s.duckdb")
    run_measurement("output", path)
    _add_post(path, T0 + timedelta(days=25))
    monkeypatch.setenv("MUTEWATCH_MEASURE_REFRESH", "0")
    result = run_measurement("output", path, by="outlet")
    assert _state(path) == (True, False)  # not written
    b = {r["period"]: r["count"] for r in result["rows"] if r["group"] == "B"}
    assert b["2017-01-27"] == 1 and result["total"] == 441


def test_reattribution_is_seen(tmp_path: Path) -> None:
    path = _small_store(tmp_path / "s.duckdb")
    before = run_measurement("output", path, by="outlet", every="month")
    with duckdb.connect(str(path)) as con:  # what `outlets load` does: B's channel joins A
        con.execute("UPDATE accounts SET outlet_id = 1 WHERE account_id = '202'")
        con.execute("UPDATE posts SET outlet_id = 1 WHERE account_id = '202'")
        assert not derived.fresh(con)
    after = run_measurement("output", path, by="outlet", every="month")
    assert {r["group"] for r in before["rows"]} == {"A", "B"}
    assert {(r["group"], r["count"]) for r in after["rows"]} == {("A", 440)}


def test_no_refresh_while_another_connection_holds_the_store(tmp_path: Path) -> None:
    path = _small_store(tmp_path / "s.duckdb")
    with duckdb.connect(str(path), read_only=True):
        result = run_measurement("output", path, every="month")
        with Engine.open(path) as eng:
            assert not eng.derived
    assert result["total"] == 440
    assert _state(path) == (False, False)


def test_outlets_with_mixed_officialness_fall_back_for_of_all(tmp_path: Path) -> None:
    path = _small_store(tmp_path / "s.duckdb")
    with duckdb.connect(str(path)) as con:  # half of B's posts flagged unofficial
        con.execute(
            "UPDATE posts SET official = FALSE WHERE account_id = '202' AND message_id % 2 = 0"
        )
    plain = tmp_path / "plain.duckdb"
    shutil.copy(path, plain)
    fast = run_measurement("silences", path, scope="outlet", of="all", min_hours=2)
    assert _state(path) == (True, True)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MUTEWATCH_MEASURE_DERIVED", "0")
        slow = run_measurement("silences", plain, scope="outlet", of="all", min_hours=2)
    assert fast["silences"] == slow["silences"] and fast["silences"]


def test_long_gaps_hold_the_record_of_every_gap(scenario: Scenario, tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    shutil.copy(scenario[0], path)
    with duckdb.connect(str(path)) as con:
        derived.refresh(con)
        rows = con.execute(
            f"SELECT gap_us, prior_max_us FROM {derived.GAPS} WHERE scope = 'network' "
            'ORDER BY "end"'
        ).fetchall()
        every_gap = [
            r[0]
            for r in con.execute(
                "SELECT epoch_us(ts) - epoch_us(lag(ts) OVER (ORDER BY ts)) FROM posts "
                "WHERE official AND forwarded_from IS NULL ORDER BY ts"
            ).fetchall()[1:]
        ]
    assert [g for g, _ in rows] == [g for g in every_gap if g >= derived.LONG_GAP_US]
    running, k = None, 0
    for g in every_gap:
        if g >= derived.LONG_GAP_US:
            assert rows[k][1] == running
            k += 1
        running = g if running is None else max(running, g)
    assert k == len(rows) > 0
