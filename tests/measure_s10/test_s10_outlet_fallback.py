"""``--outlet`` when a chosen outlet has no ``coverage`` rows of its own: ``output`` and
``trend`` read it against the archive's span, say so the same way (``coverage_basis`` /
``coverage.basis`` ``archive``, ``coverage_fallback`` / ``coverage.fallback`` naming it, a
warning counting it), and agree on which days are covered; the cases where every chosen
outlet has coverage rows read as before. The store is ``conftest.py``'s (``bare`` has no
coverage rows).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.measure.registry import run_measurement

ALL = {"of": "all"}


def run(name: str, store: Path, **options: Any) -> dict[str, Any]:
    result: dict[str, Any] = run_measurement(name, store, **options)
    return result


def _flags(result: dict[str, Any]) -> dict[str, float]:
    return {r["period"]: r["covered_fraction"] for r in result["rows"] if r.get("partial")}


# -- task 1: the label is true, and output and trend agree ---------------------------------
def test_a_fallback_among_several_reads_against_the_archive(store: Path) -> None:
    out = run("output", store, outlets=["late", "bare"], every="month", **ALL)
    assert out["coverage_basis"] == "archive"  # was "outlets", though read as the archive
    assert out["coverage_fallback"] == ["bare"]
    assert out["outlet_coverage"] == [
        {"group": "late", "basis": "channels",
         "covered": [{"from": "2016-01-16", "to": "2016-03-31", "days": 76}]},
        {"group": "bare", "basis": "archive"},
    ]  # fmt: skip
    assert _flags(out) == {}  # the archive covers January whole, so the union does
    (warning,) = out["warnings"]
    assert warning.startswith("--outlet: 1 of the 2 chosen outlets has no coverage rows")
    assert "(coverage_fallback; outlet_coverage basis archive)" in warning
    assert "taken as collected over the archive's whole span" in warning
    assert "bare" not in warning  # counted, not named: names are whole values


def test_output_and_trend_say_the_same(store: Path) -> None:
    for names in (["late", "bare"], ["bare"], ["late", "early"], ["late"]):
        out = run("output", store, outlets=names, every="month", **ALL)
        cov = run("trend", store, outlets=names, every="month", **ALL)["coverage"]
        assert out["coverage_basis"] == cov["basis"], names
        assert out["coverage_fallback"] == cov["fallback"], names
        assert out["outlet_coverage"] == cov["outlet_coverage"], names


def test_one_outlet_without_coverage_rows_says_archive(store: Path) -> None:
    out = run("output", store, outlets=["bare"], every="month", **ALL)
    assert out["coverage_basis"] == "archive"  # was "outlet"
    assert out["coverage_fallback"] == ["bare"]
    assert out["outlet_coverage"] == [{"group": "bare", "basis": "archive"}]
    assert out["warnings"][0].startswith("--outlet: the chosen outlet has no coverage rows")
    assert run("trend", store, outlets=["bare"], **ALL)["coverage"]["basis"] == "archive"


def test_grouped_by_outlet_each_keeps_its_own_and_the_fallback_is_named(store: Path) -> None:
    out = run("output", store, outlets=["late", "bare"], by="outlet", every="month", **ALL)
    assert out["coverage_basis"] == "outlet"  # each group against its own days
    assert out["coverage_fallback"] == ["bare"]
    flags = {(r["group"], r["period"]) for r in out["rows"] if r.get("partial")}
    assert flags == {("late", "2016-01-01")}  # bare's February start is unknown to the store
    (warning,) = out["warnings"]
    assert "its rows are read against that span" in warning


def test_cases_that_worked_read_as_before(store: Path) -> None:
    out = run("output", store, outlets=["late", "early"], every="month", **ALL)
    assert out["coverage_basis"] == "outlets" and out["coverage_fallback"] == []
    assert "warnings" not in out
    one = run("output", store, outlets=["late"], every="month", **ALL)
    assert one["coverage_basis"] == "outlet"
    assert _flags(one) == {"2016-01-01": round(16 / 31, 4)}
    plain = run("output", store, every="month", **ALL)
    assert "coverage_fallback" not in plain and plain["coverage_basis"] == "archive"
    grouped = run("output", store, by="outlet", every="month", **ALL)
    assert "coverage_fallback" not in grouped and "warnings" not in grouped


def test_trend_warns_and_names_the_fallback(store: Path) -> None:
    result = run("trend", store, outlets=["early", "bare"], **ALL)
    assert result["coverage"]["basis"] == "archive"
    assert result["coverage"]["fallback"] == ["bare"]
    (warning,) = result["warnings"]
    assert warning.startswith("--outlet: 1 of the 2 chosen outlets has no")
    assert "(coverage.fallback; outlet_coverage basis archive)" in warning
    assert "fallback" in run("trend", store, outlets=["early"], **ALL)["coverage"]
    assert "warnings" not in run("trend", store, outlets=["early", "late"], **ALL)


def test_cli_prints_the_warning(store: Path) -> None:
    base = ["--store", str(store), "output", "--of", "all", "--every", "month"]
    text = CliRunner().invoke(main, [*base, "--outlet", "late", "--outlet", "bare"])
    assert text.exit_code == 0, text.output
    assert "Warning: --outlet: 1 of the 2 chosen outlets has no coverage rows" in text.output
    as_json = CliRunner().invoke(main, [*base, "--outlet", "late", "--outlet", "bare", "--json"])
    assert json.loads(as_json.output)["coverage_fallback"] == ["bare"]
