"""The report for readers who do not see the charts, use a keyboard, or print it: every
chart has a text alternative and its numbers as a table, the page has landmarks and an
unbroken heading outline, scrolling regions take focus, text has enough contrast, and the
printed page drops the navigation, the chart toolbars and the long data tables."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from report_audit import figures, write

CHARTS = 9


@pytest.fixture(scope="module")
def report(stores: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(stores["mixed"], tmp_path_factory.mktemp("a11y") / "report.html")


def _data_tables(page: str) -> dict[str, str]:
    return dict(
        re.findall(r"<details class='data' id='data-([a-z_]+)'>(.*?)</details>", page, re.S)
    )


def test_every_chart_has_a_text_alternative_and_a_data_table(report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    labelled = re.findall(
        r"<div role='img' aria-label='([^']+)'><div[^>]*>\s*<div id=\"chart-", page
    )
    assert len(labelled) == CHARTS
    assert all("data table" in label for label in labelled)
    tables = _data_tables(page)
    assert len(tables) == CHARTS
    assert all("<table>" in t or "None." in t for t in tables.values())


def test_data_tables_hold_the_charts_numbers(report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    tables = _data_tables(page)
    heat = figures(report)["heatmap"]["data"][0]
    body = tables["heatmap"].split("<tbody>")[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    assert len(rows) == len(heat["y"])  # one row per outlet, a column per month
    first = re.findall(r"<td[^>]*>([^<]*)</td>", rows[0])
    assert first == [heat["y"][0], *map(str, heat["z"][0])]
    header = re.findall(r"<th scope='col'[^>]*>([^<]*)</th>", tables["heatmap"])
    assert header == ["outlet", *heat["x"]]
    (line,) = figures(report)["active_outlets"]["data"]
    cells = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td></tr>", tables["active_outlets"])
    assert [int(n) for _, n in cells] == line["y"]


def test_landmarks_and_heading_outline(report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    assert '<html lang="en">' in page
    assert page.count("<main") == 1 and "<nav aria-label=" in page
    levels = [int(h) for h in re.findall(r"<h([1-6])[\s>]", page)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels


@pytest.mark.browser
def test_keyboard_contrast_and_print(report: Path, open_offline: Any) -> None:
    page = open_offline(report).page
    # every region that scrolls can be reached with the keyboard
    unreachable = page.evaluate(
        """() => [...document.querySelectorAll('body *')].filter(e => {
            const s = getComputedStyle(e);
            return ['auto', 'scroll'].includes(s.overflowX) && e.closest('svg') === null
                && !e.closest('.js-plotly-plot') && e.tabIndex < 0;
        }).map(e => e.tagName + '.' + e.className)"""
    )
    assert unreachable == []
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#key-findings"
    # text contrast (WCAG AA, 4.5:1) of every HTML text against the white page
    low = page.evaluate(
        """() => {
          const lum = c => { const v = c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number)
              .map(x => x / 255).map(x => x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4);
            return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
          const bg = e => { for (; e; e = e.parentElement) { const c = getComputedStyle(e)
              .backgroundColor; if (!c.endsWith(', 0)') && c !== 'transparent') return c; }
            return 'rgb(255, 255, 255)'; };
          const out = [];
          for (const e of document.querySelectorAll('body *')) {
            if (e.closest('svg') || ![...e.childNodes].some(n => n.nodeType === 3
                && n.textContent.trim())) continue;
            const a = lum(getComputedStyle(e).color), b = lum(bg(e));
            const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
            if (ratio < 4.5) out.push(e.tagName + ' ' + ratio.toFixed(2));
          }
          return out; }"""
    )
    assert low == []
    page.emulate_media(media="print")
    hidden = page.evaluate(
        """() => ['nav', '.modebar-container', 'details.data'].map(s =>
            [...document.querySelectorAll(s)].every(e => getComputedStyle(e).display === 'none'))"""
    )
    assert hidden == [True, True, True]
    assert page.evaluate("getComputedStyle(document.querySelector('figure')).breakInside") == (
        "avoid"
    )
