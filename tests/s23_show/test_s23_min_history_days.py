"""`mutewatch report --min-history-days DAYS`: the report's rule that a silence is called
unprecedented only once DAYS days of its series' record lie before it
(``ReportOptions.min_history_days``, default 90) had no option, so a report of a short
archive could not mark its first unprecedented silences. `mutewatch silences` has no such
rule (its ``min_lookback_days``, library only, is the p-value's history, not this), so the
name is the report's own. A value that is not a number >= 0 is a usage error naming the
option and the value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.errors import UsageError
from mutewatch.show.report import ReportOptions
from tests.s21_report.s21r_helpers import table_after

from .s23_store import build

TABLE = "Unprecedented silences (else the latest)"
FEB = "Outlet One 2024-02-01 00:00"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("s23-history"))


def _report(store: Path, out: Path, *options: str) -> tuple[int, str]:
    args = ["--store", str(store), "report", "--out", str(out)]
    args += ["--generated-at", "2026-12-01T00:00Z", *options]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output


def _rows(page: str) -> dict[str, dict[str, str]]:
    return {f"{r['outlet']} {r['start'][:16]}": r for r in table_after(page, TABLE)}


def _method(page: str) -> str:
    cell = "<tr><td>min_history_days (unprecedented)</td><td>"
    start = page.index(cell) + len(cell)
    return page[start : page.index("</td>", start)]


def test_the_option_reaches_the_silence_table_and_the_methods(store: Path, tmp_path: Path) -> None:
    """The 198 h gap of 2024-02-01 is unprecedented in `silences` (31 days of record lie
    before it): the default report (90 days) does not mark it, --min-history-days 30 does,
    and the methods appendix says which rule was used."""
    result = CliRunner().invoke(
        main,
        ["--store", str(store), "silences", "--scope", "outlet", "--min-hours", "48", "--json"],
    )
    assert result.exit_code == 0, result.output
    feb = [s for s in json.loads(result.output)["silences"] if s["start"].startswith("2024-02-01")]
    assert [s["unprecedented"] for s in feb] == [True]

    code, output = _report(store, tmp_path / "default.html")
    assert code == 0, output
    page = (tmp_path / "default.html").read_text("utf-8")
    assert _method(page) == "90.0"
    assert _rows(page)[FEB]["unprecedented"] == "no"
    assert "only once 90 days of its series' record lie before it" in page

    code, output = _report(store, tmp_path / "short.html", "--min-history-days", "30")
    assert code == 0, output
    page = (tmp_path / "short.html").read_text("utf-8")
    assert _method(page) == "30.0"
    assert _rows(page)[FEB]["unprecedented"] == "yes"
    assert "only once 30 days of its series' record lie before it" in page


@pytest.mark.parametrize("value", ["-1", "abc", "nan", "inf", ""])
def test_a_bad_value_is_a_usage_error_naming_the_option(
    store: Path, tmp_path: Path, value: str
) -> None:
    code, output = _report(store, tmp_path / "bad.html", "--min-history-days", value)
    assert code == 2, output
    assert f"--min-history-days {value!r}" in output or f"--min-history-days {value} " in output
    assert "is not a number of days" in output
    assert "Traceback" not in output
    assert not (tmp_path / "bad.html").exists()


def test_the_library_refuses_alike() -> None:
    """``ReportOptions`` itself (``from_strings`` and the constructor) refuses the values
    the CLI refuses, in the same words; 0 is allowed (unprecedented as `silences` says)."""
    assert ReportOptions.from_strings(min_history_days="0").min_history_days == 0.0
    assert ReportOptions.from_strings(min_history_days=7.5).min_history_days == 7.5
    with pytest.raises(UsageError, match=r"--min-history-days -1 is not a number of days"):
        ReportOptions.from_strings(min_history_days="-1")
    with pytest.raises(UsageError, match=r"--min-history-days nan"):
        ReportOptions(min_history_days=float("nan"))


def test_help_names_the_option() -> None:
    result = CliRunner().invoke(main, ["report", "--help"])
    assert result.exit_code == 0
    assert "--min-history-days DAYS" in result.output
    assert "mutewatch report --min-history-days 30" in result.output
