"""In a real headless Chromium: a viewer chooses an outlet in the dashboard's trend section
and the trend chart and its data table change to that outlet's (``/?outlet=NAME#trend``),
drawn under the dashboard's CSP. Before: the dashboard had no trend section."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from webfactory import Env
from webfixtures import ARGS, CHROMIUM, serving

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]
PLOTTED = """() => {
  const plot = document.querySelector('#chart-trend .plot');
  return plot && plot.data ? plot.data.map((t) => t.y.length) : null;
}"""
RATES = "() => document.querySelector('#chart-trend .plot').data[2].y"
FIRST_ROWS = """() => [...document.querySelectorAll('#data-trend tbody tr')].slice(0, 40)
  .map((tr) => tr.textContent)"""


@pytest.fixture(scope="module")
def url(app: Any) -> Iterator[str]:
    with serving(app) as base:
        yield base


def test_choosing_an_outlet_redraws_the_trend(url: str, env: Env) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(url + "/")
            page.fill("input[name=name]", "viewer1")
            page.fill("input[name=token]", env.tokens["viewer"])
            page.click("button[type=submit]")
            page.wait_for_selector("#chart-trend .plot .main-svg", timeout=30_000)
            before = (page.inner_text("#trend-title"), page.evaluate(RATES))
            rows_before = page.evaluate(FIRST_ROWS)
            assert before[0] == "Trend of the network"

            page.select_option("#trend-outlet", label="Outlet A")
            page.click("#trend-form button[type=submit]")
            page.wait_for_url("**/?*outlet=Outlet+A*#trend", timeout=30_000)
            page.wait_for_selector("#chart-trend .plot .main-svg", timeout=30_000)
            after = (page.inner_text("#trend-title"), page.evaluate(RATES))
            rows_after = page.evaluate(FIRST_ROWS)
            plotted = page.evaluate(PLOTTED)
            selected = page.eval_on_selector("#trend-outlet", "s => s.value")
        finally:
            browser.close()
    assert after[0] == "Trend of Outlet A"
    assert selected == "Outlet A"
    assert plotted and all(n > 0 for n in plotted[:3]), plotted  # band and rate drawn
    assert after[1] != before[1] and rows_after != rows_before  # the outlet's own rates
    assert max(r for r in after[1] if r is not None) <= 2.0  # Outlet A: two releases a day
    assert not errors, errors  # nothing refused by the CSP, no script error
