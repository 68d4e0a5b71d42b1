"""The report: its structure (a snapshot of sections), self-containment, and PNG export."""

from __future__ import annotations

import re
from pathlib import Path

import plotly.graph_objects as go
import pytest
from click.testing import CliRunner

from mutewatch.errors import UsageError
from mutewatch.show import charts
from mutewatch.show.report import SECTIONS, ReportOptions, write_pngs

EXPECTED_SECTIONS = [
    "key-findings", "output", "heatmap", "active-outlets", "silences", "supporters",
    "platforms", "coverage", "methods",
]  # fmt: skip
EXPECTED_CHARTS = [
    "output_by_outlet", "output_by_medium", "heatmap", "active_outlets", "silences",
    "supporters", "hosts", "distinct_hosts", "coverage",
]  # fmt: skip


def test_sections_and_charts_in_order(report_file: Path) -> None:
    html = report_file.read_text(encoding="utf-8")
    assert re.findall(r"<section id='([^']+)'", html) == EXPECTED_SECTIONS
    assert [s for s, _, _ in SECTIONS] == EXPECTED_SECTIONS
    assert re.findall(r'<div id="chart-([a-z_]+)"', html) == EXPECTED_CHARTS


def test_self_contained_with_one_plotly(report_file: Path) -> None:
    html = report_file.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]*\ssrc=", html, re.IGNORECASE)
    assert not re.search(r"<link[^>]*\shref=", html, re.IGNORECASE)
    assert not re.search(r"<(img|iframe|object|embed)\b", html, re.IGNORECASE)
    assert len(re.findall(r"\* plotly\.js v\d", html)) == 1  # plotly.js inlined exactly once
    assert "@import" not in html


def test_findings_and_methods_appendix(report_file: Path) -> None:
    html = report_file.read_text(encoding="utf-8")
    findings = html[html.index("<section id='key-findings'>") : html.index("<section id='output'>")]
    assert "<li>" in findings  # sentences, or the reasons they were left out
    methods = html[html.index("<section id='methods'>") :]
    for term in charts.DEFINITIONS:
        assert f"<dt>{term}</dt>" in methods, term
    for parameter in ("2024-01-01..2024-03-31", "2024-05-01..2024-05-31", "min_hours"):
        assert parameter in methods
    assert "Outlet A" in html  # the planted unprecedented silence is listed
    silences = html[html.index("<section id='silences'>") : html.index("<section id='supporters'>")]
    assert "<td>yes</td>" in silences


def test_hosts_are_defanged(report_file: Path) -> None:
    html = report_file.read_text(encoding="utf-8")
    platforms = html[html.index("<section id='platforms'>") : html.index("<section id='coverage'>")]
    assert "files[.]example[.]net" in platforms
    assert "<td>files.example.net</td>" not in platforms


def test_bad_window_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="YYYY-MM-DD"):
        ReportOptions.from_strings(period="2024/05")
    with pytest.raises(UsageError, match="ends before it starts"):
        ReportOptions.from_strings(period="2024-05-02..2024-05-01")


def test_cli_report_without_a_store_says_what_to_do(tmp_path: Path, report_file: Path) -> None:
    from mutewatch.cli import main

    store = report_file.parent.parent / "missing.duckdb"
    result = CliRunner().invoke(
        main, ["--store", str(store), "report", "--out", str(tmp_path / "r.html")]
    )
    assert result.exit_code == 4  # no store: StoreError, with what to do
    assert "no store" in result.output


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium")
def test_png_export(tmp_path: Path) -> None:
    figs = {"a": go.Figure(go.Bar(x=[1, 2], y=[3, 4])), "b": go.Figure(go.Scatter(y=[1, 3]))}
    paths = write_pngs(figs, tmp_path / "png")
    assert [p.name for p in paths] == ["a.png", "b.png"]
    for p in paths:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
