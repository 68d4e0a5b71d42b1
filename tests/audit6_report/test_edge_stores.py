"""The report of awkward stores, opened offline in Chromium: an empty store, one post,
supporters only, and outlets named with HTML, a bidi override, emoji and 300 characters.
It asks for nothing on the network, logs nothing, runs nothing from the data, keeps to the
page's width and says "no data" where a chart has none."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from report_audit import BIDI_CONTROLS, LONG_NAME, figures, write

pytestmark = pytest.mark.browser
KINDS = ["empty", "one", "supporters", "mixed", "names"]


@pytest.fixture(scope="module")
def reports(stores: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("edge_reports")
    return {kind: write(stores[kind], base / f"{kind}.html") for kind in KINDS}


@pytest.mark.parametrize("kind", KINDS)
def test_opens_offline_quietly_within_the_page_width(
    kind: str, reports: dict[str, Path], open_offline: Any
) -> None:
    seen = open_offline(reports[kind])
    assert seen.requests == []
    assert seen.console == []
    assert seen.errors == []
    assert seen.dialogs == []
    assert seen.page.evaluate("typeof window.__pwned") == "undefined"
    assert seen.page.locator("img, iframe, object, embed").count() == 0
    width = seen.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1200, f"the page is {width}px wide in a 1200px window"


def test_hostile_names_are_text_and_short_in_charts(reports: dict[str, Path]) -> None:
    page = reports["names"].read_text(encoding="utf-8")
    assert not BIDI_CONTROLS.search(page), "a bidi control reorders the text around it"
    assert "Outlet [U+202E]eman[U+202C] plain" in page  # shown, not obeyed
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt; Outlet" in page
    assert LONG_NAME in page  # whole in the tables
    labels = [
        label
        for fig in figures(reports["names"]).values()
        for trace in fig["data"]
        for label in [trace.get("name") or "", *(trace.get("y") or [])]
        if isinstance(label, str)
    ]
    assert labels
    assert max(len(label) for label in labels) <= 70
    assert len({label for label in labels if "QQQQ" in label}) == 1


def test_long_names_leave_the_plot_its_room(reports: dict[str, Path], open_offline: Any) -> None:
    seen = open_offline(reports["names"])
    plot = seen.page.locator("#chart-output_by_outlet .nsewdrag").first.bounding_box()
    assert plot["width"] >= 500, plot  # the legend left 60 px for the bars


def test_empty_charts_say_so(reports: dict[str, Path]) -> None:
    empty = figures(reports["empty"])
    assert len(empty) == 9
    for name, fig in empty.items():
        notes = [a.get("text", "") for a in fig["layout"].get("annotations", [])]
        assert any(re.search(r"[Nn]o data", n) for n in notes), name
    mixed = figures(reports["mixed"])
    assert not any(
        "No data" in a.get("text", "")
        for f in mixed.values()
        for a in f["layout"].get("annotations", [])
    )


def test_a_store_without_official_outlets_says_what_to_do(reports: dict[str, Path]) -> None:
    supporters = reports["supporters"].read_text(encoding="utf-8")
    notice = supporters[supporters.index("<main>") : supporters.index("<section")]
    assert "no official outlet" in notice and "mutewatch outlets load" in notice
    for kind in ("mixed", "empty"):
        page = reports[kind].read_text(encoding="utf-8")
        assert "mutewatch outlets load" not in page[page.index("<main>") : page.index("<section")]


def test_an_empty_store_says_what_to_do(reports: dict[str, Path]) -> None:
    empty = reports["empty"].read_text(encoding="utf-8")
    notice = empty[empty.index("<main>") : empty.index("<section")]
    assert "no posts" in notice and "mutewatch ingest" in notice
    one = reports["one"].read_text(encoding="utf-8")
    assert "mutewatch ingest" not in one[one.index("<main>") : one.index("<section")]
