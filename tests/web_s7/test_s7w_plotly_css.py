"""plotly.js's stylesheets served as files (``mutewatch.web.plotly_assets``): read from the
installed bundle, the same rules in the same order as plotly would inject them, linked by
the chart pages under the ids plotly looks for, and a clear error when a bundle is not
readable."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from webfactory import Env, bearer

from mutewatch.errors import EngineError
from mutewatch.web import plotly_assets
from mutewatch.web.plotly_assets import GLOBAL_SHEET, global_sheet, plotly_sheets

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
# a bundle's shape, as plotly.min.js 4.1 has it (names minified)
BUNDLE = (
    'var a=it(),T={"X,X div":\'margin:0;\',"X .modebar":"position:absolute;",'
    'Y:\'font-family:"Open Sans";\',"Y p":"margin:0;","X .a\\u0020b":"content:\\"\\\\2014\\";"};'
    'for(k in T)s=k.replace(/^,/," ,").replace(/X/g,".js-plotly-plot .plotly")'
    '.replace(/Y/g,".plotly-notifier"),a.addStyleRule(s,T[k]);var s,k'
)


def test_the_rules_are_read_in_the_order_plotly_leaves_them() -> None:
    assert global_sheet(BUNDLE).splitlines() == [
        '.js-plotly-plot .plotly .a b{content:"\\2014";}',
        ".plotly-notifier p{margin:0;}",
        '.plotly-notifier{font-family:"Open Sans";}',
        ".js-plotly-plot .plotly .modebar{position:absolute;}",
        ".js-plotly-plot .plotly,.js-plotly-plot .plotly div{margin:0;}",
    ]


@pytest.mark.parametrize(
    ("bundle", "why"),
    [
        ("var x=1;", "is not there"),
        (BUNDLE.replace('"X .modebar":"position:absolute;"', '"X .modebar":f()'), "not readable"),
        (BUNDLE.replace("for(k in T)", "for(const k of T)"), "not where it was"),
    ],
)
def test_an_unreadable_bundle_is_an_error_saying_what_to_do(bundle: str, why: str) -> None:
    with pytest.raises(EngineError) as caught:
        global_sheet(bundle, Path("/x/plotly.min.js"))
    message = str(caught.value)
    assert message.startswith("/x/plotly.min.js: cannot read plotly.js's stylesheet")
    assert why in message and "Install the plotly version" in message


def test_the_installed_bundle_gives_every_sheet() -> None:
    sheets = plotly_sheets()
    assert list(sheets)[0] == GLOBAL_SHEET
    rules = sheets[GLOBAL_SHEET].splitlines()
    assert len(rules) > 50
    assert ".js-plotly-plot .plotly .modebar{position:absolute;top:2px;right:2px;}" in rules
    assert all(re.fullmatch(r"[^{}]+\{[^{}]*\}", rule) for rule in rules)


def test_a_page_without_readable_rules_links_none(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> dict[str, str]:
        raise EngineError("unreadable")

    monkeypatch.setattr(plotly_assets, "plotly_sheets", broken)
    assert plotly_assets.sheet_ids() == []


@pytest.mark.anyio
async def test_the_chart_pages_link_every_sheet_and_it_is_served(
    client: httpx.AsyncClient, env: Env
) -> None:
    for path in ("/", "/outlets/1"):
        page = (await client.get(path, headers=bearer(env, "viewer"))).text
        links = re.findall(r'<link rel="stylesheet" id="([^"]+)" class="no-inline-styles" '
                           r'href="(/static/plotly/[^"]+\.css)">', page)  # fmt: skip
        assert [sheet for sheet, _ in links] == list(plotly_sheets())
        # the sheets and the CSSOM shim come before plotly.js runs
        assert page.index(links[-1][1]) < page.index("/static/plotly-csp.js")
        assert page.index("/static/plotly-csp.js") < page.index("/vendor/plotly.min.js")
        assert "<style" not in page and "style=" not in page
    for sheet, href in links:
        answer = await client.get(href)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/css")
        assert answer.text == plotly_sheets()[sheet]
        assert "unsafe-inline" not in answer.headers["content-security-policy"]


@pytest.mark.anyio
async def test_an_unknown_sheet_is_not_found(client: httpx.AsyncClient) -> None:
    answer = await client.get("/static/plotly/no-such-sheet.css")
    assert answer.status_code == 404
    assert "no plotly stylesheet 'no-such-sheet'" in answer.json()["error"]["message"]


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
def test_the_files_hold_what_plotly_would_inject() -> None:
    """In Chromium without a CSP: the rules of each ``<style>`` plotly.js adds, as the
    browser parsed them, equal those of the served file, one for one and in order."""
    from playwright.sync_api import sync_playwright

    rules = "(id) => [...document.getElementById(id).sheet.cssRules].map((r) => r.cssText)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page()
            page.set_content("<!doctype html><html><head></head><body></body></html>")
            page.add_script_tag(path=str(plotly_assets.PLOTLY_JS))
            injected: dict[str, Any] = {}
            for sheet in plotly_sheets():
                injected[sheet] = page.evaluate(rules, sheet)
            served = browser.new_page()
            served.set_content("<!doctype html><html><head></head><body></body></html>")
            for sheet, css in plotly_sheets().items():
                served.evaluate("([id, css]) => { const s = document.createElement('style');"
                                " s.id = id; s.textContent = css; document.head.append(s); }",
                                [sheet, css])  # fmt: skip
                assert served.evaluate(rules, sheet) == injected[sheet], sheet
            assert len(injected[GLOBAL_SHEET]) > 50
        finally:
            browser.close()
