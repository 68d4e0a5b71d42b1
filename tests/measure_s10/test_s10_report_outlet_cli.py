"""``mutewatch report --outlet NAME``: the CLI passes the chosen outlets to the report, and an
unknown name is a usage error (exit 2) with close matches, before any file is written. The
store is ``conftest.py``'s."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.show.report import CHOSEN_TITLE

FIXED = ["--generated-at", "2026-01-02T03:04:00Z"]


def _report(store: Path, out: Path, *extra: str) -> tuple[int, str]:
    args = ["--store", str(store), "report", "--out", str(out), *FIXED, *extra]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output


def test_report_outlet_adds_the_chosen_outlets(store: Path, tmp_path: Path) -> None:
    code, printed = _report(store, tmp_path / "late.html", "--outlet", "late")
    assert code == 0, printed
    page = (tmp_path / "late.html").read_text(encoding="utf-8")
    assert CHOSEN_TITLE in page
    assert "<td>late</td><td>channels</td>" in page


def test_report_unknown_outlet_is_a_usage_error(store: Path, tmp_path: Path) -> None:
    code, printed = _report(store, tmp_path / "x.html", "--outlet", "lat")
    assert code == 2
    assert "late" in printed
    assert not (tmp_path / "x.html").exists()
