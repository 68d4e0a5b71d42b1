"""`report --of supporter|all`: every title, empty-chart note and finding that names the
posts counted names them as --of counts them. A post of no outlet (an ingest interrupted
before attribution: `status` counts it as unattributed, the charts show it as "(no
outlet)") is counted by --of all and --of supporter, yet the report titled them "posts by
outlets" and "posts by supporter outlets", and the findings said "Links in posts of
outlets". Now: "posts by any account" and "supporter posts" (the methods' "supporter
post": not by an official outlet's account, including accounts no registry names). The
default report's wording is unchanged."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.show import charts
from mutewatch.store import Store

from .s21r_helpers import report_audit

ra = report_audit()
FIXED = "2026-01-02T03:04:00Z"
WINDOWS = ("--baseline", "2024-01-01..2024-02-29", "--period", "2024-03-01..2024-04-30")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two official outlets and two supporter channels; the posts of ``sup1`` (originals
    with links) left without an outlet, as an ingest interrupted before attributing them
    leaves them (``status``: unattributed_posts)."""
    path = ra.build_store(tmp_path_factory.mktemp("s21-words"), ra.mixed_rows(), ra.MIXED_OUTLETS)
    with Store.open(path) as opened:
        opened.con.execute(
            "UPDATE posts SET outlet_id = NULL, official = NULL WHERE account_id IN "
            "(SELECT account_id FROM account_names WHERE name = 'sup1')"
        )
        left = opened.con.execute("SELECT count(*) FROM posts WHERE outlet_id IS NULL")
        assert left.fetchone() == (200,)
    return path


def _report(store: Path, out: Path, *extra: str) -> tuple[str, dict[str, dict[str, Any]]]:
    args = ["--store", str(store), "report", "--generated-at", FIXED, "--out", str(out)]
    result = CliRunner().invoke(main, [*args, *WINDOWS, *extra])
    assert result.exit_code == 0, result.output
    return out.read_text("utf-8"), ra.figures(out)


def _names(figure: dict[str, Any]) -> set[str]:
    return {str(t.get("name")) for t in figure["data"]}


@pytest.mark.parametrize(
    ("of", "posts"), [("all", "posts by any account"), ("supporter", "supporter posts")]
)
def test_the_titles_name_the_posts_of_no_outlet_too(
    store: Path, tmp_path: Path, of: str, posts: str
) -> None:
    page, figures = _report(store, tmp_path / f"{of}.html", "--of", of)
    # the posts of no outlet are counted, and charted under "(no outlet)"
    assert charts.NO_OUTLET in _names(figures["output_by_outlet"])
    assert charts.NO_OUTLET in figures["heatmap"]["data"][0]["y"]
    for name, title in {
        "output_by_outlet": f"Output over time, by outlet ({posts})",
        "output_by_medium": f"Output over time, by medium ({posts})",
        "heatmap": f"Outlets × months ({posts})",
        "hosts": f"Link host mix (links in {posts})",
        "distinct_hosts": f"Distinct hosts in use (in {posts})",
    }.items():
        assert figures[name]["layout"]["title"]["text"] == title
        assert f"Data table: {html.escape(title)}</summary>" in page
    assert "posts by outlets" not in page and "posts by supporter outlets" not in page
    assert "posts of outlets" not in page and "posts of supporter outlets" not in page


def test_the_silences_title_names_the_network_of_every_channel(store: Path, tmp_path: Path) -> None:
    """The network series counts the posts of no outlet; the title names it."""
    _, figures = _report(store, tmp_path / "all.html", "--of", "all")
    assert figures["silences"]["layout"]["title"]["text"] == (
        "Silences of outlets and of all channels (unprecedented ones marked)"
    )
    assert charts.titles("supporter")["silences"] == (
        "Silences of supporter outlets and of all supporter channels (unprecedented ones marked)"
    )
    assert charts.titles("official", True)["silences"] == charts.TITLES["silences"]


def test_the_links_finding_names_the_posts_counted(store: Path, tmp_path: Path) -> None:
    page, _ = _report(store, tmp_path / "all.html", "--of", "all")
    assert "<li>Links in posts by any account pointed to " in page
    page, _ = _report(store, tmp_path / "sup.html", "--of", "supporter")
    assert "<li>Links in supporter posts pointed to " in page
    page, _ = _report(store, tmp_path / "off.html")
    assert "<li>Links in posts of official outlets pointed to " in page  # as before


def test_empty_notes_name_the_posts_counted() -> None:
    notes = charts.empty_notes("all", include_forwards=True)
    assert notes["output_by_outlet"] == "posts by any account (forwards included)"
    assert notes["hosts"] == "links in posts by any account (forwards included)"
    assert charts.empty_notes("supporter")["heatmap"] == "supporter posts (not forwards)"
    assert charts.empty_notes("supporter")["silences"] == (
        "silences (counted posts of a supporter outlet, or of the network, this far apart)"
    )
    assert charts.counted_posts("all", True) == "posts by any account, forwards included"


def test_the_default_wording_is_unchanged() -> None:
    assert charts.titles() == charts.TITLES
    assert charts.empty_notes() == charts.EMPTY
    assert charts.definitions() == charts.DEFINITIONS
    assert charts.counted_posts() == "releases"
    assert charts.titles("official", True)["output_by_outlet"] == (
        "Output over time, by outlet (posts by official outlets, forwards included)"
    )
