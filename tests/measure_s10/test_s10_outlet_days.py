"""One builder of the outlets' covered days and ``outlet_coverage`` rows
(``measure.outlet_days``), which ``output`` and ``trend`` both use; the store of
``conftest.py``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from mutewatch.measure.engine import Engine
from mutewatch.measure.outlet_days import coverage_rows, outlet_days, read_chosen
from mutewatch.measure.status import archive_span, outlet_coverage


def test_outlet_days_are_status_coverage_clipped(store: Path) -> None:
    with Engine.open(store) as eng:
        span, _ = archive_span(eng)
        ids = {str(n): int(i) for i, n in eng.outlet_names()[["outlet_id", "name"]].to_numpy()}
        spans = outlet_coverage(eng.read, span.end if span else None)
        days = outlet_days(eng, span, ids, ["late", "bare", None], date(2016, 2, 1), None)
        chosen = read_chosen(eng, {"bare": ids["bare"], "late": ids["late"]}, None, None)
    assert days == {"late": [(date(2016, 2, 1), date(2016, 3, 31))]}
    assert [(r.start, r.end) for r in spans[ids["late"]]] == [
        (date(2016, 1, 16), date(2016, 3, 31))
    ]
    assert chosen.basis == "archive" and chosen.fallback == ["bare"]
    assert [(r.start, r.end) for r in chosen.union] == [(date(2016, 1, 1), date(2016, 3, 31))]


def test_coverage_rows_put_own_days_first_then_the_rest_in_order() -> None:
    d = (date(2016, 1, 2), date(2016, 1, 3))
    rows = coverage_rows({"b": [d], "a": [d]}, ["z", "b", None, "a"])
    assert rows == [
        {"group": "a", "basis": "channels",
         "covered": [{"from": "2016-01-02", "to": "2016-01-03", "days": 2}]},
        {"group": "b", "basis": "channels",
         "covered": [{"from": "2016-01-02", "to": "2016-01-03", "days": 2}]},
        {"group": "z", "basis": "archive"},
        {"group": None, "basis": "archive"},
    ]  # fmt: skip
