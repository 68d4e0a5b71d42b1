"""`report --of supporter|all` (and --include-forwards): the charts' titles, their labels
and data tables, the empty-chart notes and the methods' definitions name the posts counted,
as `findings` names its outlets (``_words.WHO``), where they still said releases and
official outlets (a report of every post titled "Output over time, by outlet (releases)").
The default (--of official) wording is unchanged, byte for byte."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.show import charts

from .s20r_helpers import report_audit

ra = report_audit()
FIXED = "2026-01-02T03:04:00Z"

# the wording of releases, which only the default report may carry
RELEASE_WORDS = (
    "(releases)",
    "Active official outlets over time",
    "Silences of official outlets",
    "links in releases",
    "(in releases)",
    "<dd>releases per time bucket",
)
DEFAULT_TITLES = {
    "output_by_outlet": "Output over time, by outlet (releases)",
    "output_by_medium": "Output over time, by medium (releases)",
    "heatmap": "Outlets × months (releases)",
    "active_outlets": "Active official outlets over time",
    "silences": "Silences of official outlets (unprecedented ones marked)",
    "hosts": "Link host mix (links in releases)",
    "distinct_hosts": "Distinct hosts in use (in releases)",
}


@pytest.fixture(scope="module")
def bare_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three accounts, no registry: no post is an official outlet's, every one is counted
    by --of supporter and --of all."""
    rows = ra.posts(["acct_a", "acct_b", "acct_c"], 240, hours=9)
    for row in rows:
        row["forwarded_from"] = None
    return Path(ra.build_store(tmp_path_factory.mktemp("bare"), rows))


def _report(store: Path, out: Path, *extra: str) -> tuple[str, dict[str, dict[str, Any]]]:
    args = ["--store", str(store), "report", "--generated-at", FIXED, "--out", str(out)]
    result = CliRunner().invoke(main, [*args, *extra])
    assert result.exit_code == 0, result.output
    return out.read_text("utf-8"), ra.figures(out)


def _shown(page: str, figures: dict[str, dict[str, Any]], name: str, title: str) -> None:
    """``title`` is chart ``name``'s: on the chart, in its label and its data table."""
    assert figures[name]["layout"]["title"]["text"] == title
    escaped = html.escape(title)
    assert f"aria-label='Chart: {escaped}. Its numbers" in page
    assert f"id='data-{name}'><summary>Data table: {escaped}</summary>" in page


def test_of_all_titles_and_definitions(bare_store: Path, tmp_path: Path) -> None:
    page, figures = _report(bare_store, tmp_path / "all.html", "--of", "all")
    expected = {
        "output_by_outlet": "Output over time, by outlet (posts by any account)",
        "output_by_medium": "Output over time, by medium (posts by any account)",
        "heatmap": "Outlets × months (posts by any account)",
        "active_outlets": "Active outlets over time",
        "silences": "Silences of outlets and of all channels (unprecedented ones marked)",
        "hosts": "Link host mix (links in posts by any account)",
        "distinct_hosts": "Distinct hosts in use (in posts by any account)",
    }
    for name, title in expected.items():
        _shown(page, figures, name, title)
    for words in RELEASE_WORDS:
        assert words not in page, words
    assert (
        "<dt>counted post (--of all)</dt><dd>any post that is not a forward: what the charts "
        "of output, outlets, silences and hosts count</dd>"
    ) in page
    assert "<dt>output</dt><dd>counted posts per time bucket" in page
    assert "<dt>active outlet</dt><dd>an outlet with at least one counted post" in page
    assert "between consecutive counted posts of an outlet;" in page
    # supporter share still compares supporter posts with releases: the term stays defined
    assert "<dt>release</dt>" in page


def test_of_supporter_titles_and_forwards(bare_store: Path, tmp_path: Path) -> None:
    page, figures = _report(bare_store, tmp_path / "s.html", "--of", "supporter")
    _shown(page, figures, "output_by_outlet", "Output over time, by outlet (supporter posts)")
    _shown(page, figures, "active_outlets", "Active supporter outlets over time")
    _shown(page, figures, "silences", "Silences of supporter outlets and of all supporter "
           "channels (unprecedented ones marked)")  # fmt: skip
    _shown(page, figures, "hosts", "Link host mix (links in supporter posts)")
    for words in RELEASE_WORDS:
        assert words not in page, words
    assert "<dt>counted post (--of supporter)</dt>" in page
    assert "<dt>active outlet</dt><dd>a supporter outlet with at least one counted post" in page
    page, figures = _report(
        bare_store, tmp_path / "sf.html", "--of", "supporter", "--include-forwards"
    )
    _shown(page, figures, "output_by_medium", "Output over time, by medium (supporter posts, "
           "forwards included)")  # fmt: skip
    _shown(page, figures, "distinct_hosts", "Distinct hosts in use (in supporter posts, "
           "forwards included)")  # fmt: skip
    assert "<dt>counted post (--of supporter --include-forwards)</dt>" in page
    assert "forwards included: what the charts of output" in page


def test_forwards_counted_say_so_when_empty(bare_store: Path, tmp_path: Path) -> None:
    """--include-forwards alone (official): not releases either; no official outlet here,
    so the charts are empty and say what they lack."""
    page, figures = _report(bare_store, tmp_path / "f.html", "--include-forwards")
    title = "Output over time, by outlet (posts by official outlets, forwards included)"
    _shown(page, figures, "output_by_outlet", title)
    _shown(page, figures, "active_outlets", "Active official outlets over time")
    notes = [a["text"] for a in figures["output_by_outlet"]["layout"]["annotations"]]
    assert notes == ["No data: no posts by official outlets (forwards included) in this selection."]
    notes = [a["text"] for a in figures["silences"]["layout"]["annotations"]]
    assert notes == [
        "No data: no silences (counted posts of an official outlet this far apart) in this "
        "selection."
    ]
    assert "(releases)" not in page and "links in releases" not in page


def test_default_wording_unchanged(bare_store: Path, tmp_path: Path) -> None:
    page, figures = _report(bare_store, tmp_path / "d.html")
    for name, title in DEFAULT_TITLES.items():
        _shown(page, figures, name, title)
        assert charts.TITLES[name] == charts.titles()[name] == title
    assert charts.definitions() == charts.DEFINITIONS
    assert charts.empty_notes() == charts.EMPTY
    assert "<dd>releases per time bucket" in page
    assert "<dt>counted post" not in page
    notes = [a["text"] for a in figures["output_by_outlet"]["layout"]["annotations"]]
    assert notes == [
        "No data: no releases (posts by official outlets' accounts, not forwards) in this "
        "selection."
    ]
