"""The report's ``outlets`` option (``--outlet``): its output section also reads the chosen
outlets as ``output --outlet ... --by outlet --of all`` and ``trend --outlet ... --of all``
do, over the report's window; without it the report is what it was. The store is
``conftest.py``'s (``bare`` has no coverage rows; ``late`` is collected from Jan 16)."""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from mutewatch.errors import UsageError
from mutewatch.measure.registry import run_measurement
from mutewatch.show.report import CHOSEN_TITLE, ReportOptions, build_report, load_chosen

FIXED = datetime(2026, 1, 2, 3, 4)
WINDOW = {"baseline": "2016-01-01..2016-01-31", "period": "2016-03-01..2016-03-31"}


def _page(store: Path, **options: Any) -> str:
    page, _ = build_report(store, ReportOptions(generated_at=FIXED, **options))
    return str(page)


@pytest.fixture(scope="module")
def chosen_page(store: Path) -> str:
    return _page(store, outlets=("late", "bare"))


def test_the_output_section_reads_the_chosen_outlets(store: Path, chosen_page: str) -> None:
    output = chosen_page[chosen_page.index("<section id='output'>") :]
    output = output[: output.index("</section>")]
    assert html.escape(CHOSEN_TITLE) in output
    assert "<td>late</td><td>channels</td><td class='long'>2016-01-16..2016-03-31 (76)" in output
    assert "<td>bare</td><td>archive</td><td>the archive&#x27;s span</td>" in output
    assert "--outlet: 1 of the 2 chosen outlets has no coverage rows" in output
    assert "read against: archive" in output
    # the days bucket: late's January 1st..15th were not collected
    assert "<tr><td>2016-01-01</td><td>late</td><td>0</td><td>0% covered</td></tr>" in output


def test_it_holds_what_the_commands_answer(store: Path) -> None:
    options = ReportOptions.from_strings(**WINDOW, outlets=["late", "bare"])
    chosen = load_chosen(store, options, "week")
    common = {"outlets": ["late", "bare"], "of": "all"}
    dates = {"date_from": "2016-01-01", "date_to": "2016-03-31"}
    assert chosen["output"] == run_measurement(
        "output", store, by="outlet", every="week", **common, **dates
    )
    assert chosen["trend"] == run_measurement("trend", store, every="week", **common, **dates)
    assert chosen["together"]["coverage_basis"] == "archive"


def test_without_outlets_nothing_is_added(store: Path, chosen_page: str) -> None:
    plain = _page(store)
    assert CHOSEN_TITLE not in plain and "outlets (--outlet" not in plain
    assert "outlets (--outlet; read --of all)</td><td>bare, late" in chosen_page


def test_an_unknown_outlet_is_a_usage_error(store: Path) -> None:
    with pytest.raises(UsageError, match=r"'lat' \(did you mean 'late'"):
        build_report(store, ReportOptions(outlets=("lat",)))


def test_pseudonymised_reports_hide_the_chosen_supporters(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MUTEWATCH_PSEUDONYM_KEY", "s10-key")
    page = _page(store, outlets=("late",), pseudonymise=True)
    assert ">late<" not in page and '"late"' not in page
    assert html.escape(CHOSEN_TITLE) in page and "supporter-" in page
