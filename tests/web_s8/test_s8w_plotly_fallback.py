"""plotly's stylesheet when a plotly's bundle is laid out otherwise (``plotly_assets``).

Found: the stylesheet is read from plotly.min.js's minified text; a bundle it could not read
left the chart pages linking no sheet, so plotly.js added its own ``<style>`` elements,
which the CSP (``style-src 'self'``) refused: charts without their layout (the modebar a
column of buttons in the flow), and only an error in the log at the first page. And
pyproject allows plotly 5.20, whose bundle (webpack's ``for(var k in T){var s=...}``) was
one it could not read. Now that loop shape is read too, and an unreadable bundle is served
mutewatch's copy of the global sheet (``plotly_fallback.css``) under the id plotly looks for,
with a warning when the app is built."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import plotly
import pytest
from webfactory import Env, bearer
from webfixtures import ARGS, CHROMIUM, serving

from mutewatch.web import plotly_assets
from mutewatch.web.plotly_assets import FALLBACK, GLOBAL_SHEET, global_sheet

# the table and loop as plotly 5's webpack bundle has them (plotly.js 2.30, names minified)
WEBPACK = (
    'var n=r(3400),i={"X,X div":\'margin:0;\',"X .modebar":"position:absolute;",'
    'Y:"font-size:10px;"};for(var a in i){var o=a.replace(/^,/," ,").replace(/X/g,'
    '".js-plotly-plot .plotly").replace(/Y/g,".plotly-notifier");n.addStyleRule(o,i[a])}}'
)


def test_a_webpack_bundle_is_read() -> None:
    assert global_sheet(WEBPACK).splitlines() == [
        ".plotly-notifier{font-size:10px;}",
        ".js-plotly-plot .plotly .modebar{position:absolute;}",
        ".js-plotly-plot .plotly,.js-plotly-plot .plotly div{margin:0;}",
    ]


def test_the_installed_plotly_is_read_and_the_copy_is_its_sheet() -> None:
    """Pins the installed plotly: its bundle is read (no fallback), and mutewatch's copy is
    this plotly's sheet. After upgrading plotly, refresh the copy with
    ``python -m mutewatch.web.plotly_assets --write-fallback``."""
    assert plotly_assets.fallback_in_use() is None
    sheet = plotly_assets.plotly_sheets()[GLOBAL_SHEET]
    assert FALLBACK.read_text(encoding="utf-8") == plotly_assets.fallback_text(sheet), (
        f"{FALLBACK.name} is not plotly {plotly.__version__}'s sheet: run "
        "python -m mutewatch.web.plotly_assets --write-fallback"
    )
    assert plotly.__version__ == plotly_assets.FALLBACK_VERSION


def test_a_missing_bundle_links_no_sheet(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The pages still render (their tables) when plotly.min.js is gone; it raised before."""
    monkeypatch.setattr(plotly_assets, "PLOTLY_JS", tmp_path / "plotly.min.js")
    assert plotly_assets.sheet_ids() == []


@pytest.fixture(scope="module")
def fallback_app(
    env: Env, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Any, list[str]]]:
    """The app built while the sheets are read from a plotly.min.js laid out otherwise (the
    real bundle with its rule table renamed); the real plotly.js is still served. Yields the
    app and the warnings logged while it was built."""
    from mutewatch.web.app import create_app

    bundle = tmp_path_factory.mktemp("s8w-plotly") / "plotly.min.js"
    source = plotly_assets.PLOTLY_JS.read_text(encoding="utf-8")
    bundle.write_text(source.replace('"X,X div":', '"X, X div":'), encoding="utf-8")
    warnings: list[str] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: warnings.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger(plotly_assets.__name__)
    logger.addHandler(handler)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(plotly_assets, "PLOTLY_JS", bundle)
        try:
            app = create_app(
                env.path, cache_dir=tmp_path_factory.mktemp("s8w-fb-cache"),
                refresh_interval=0.2, linger=0.05, pseudonym_key="s8w-key", moderation=False,
            )  # fmt: skip
        finally:
            logger.removeHandler(handler)
        yield app, warnings
        app.state.gateway.stop()


def test_an_unreadable_bundle_is_warned_of_when_the_app_is_built(
    fallback_app: tuple[Any, list[str]],
) -> None:
    _, warnings = fallback_app
    assert len(warnings) == 1, warnings
    assert "cannot read plotly.js's stylesheet" in warnings[0]
    assert f"mutewatch's copy of plotly {plotly.__version__}'s" in warnings[0]
    assert plotly_assets.fallback_in_use() == warnings[0]


@pytest.mark.anyio
async def test_an_unreadable_bundle_links_and_serves_the_copy(
    fallback_app: tuple[Any, list[str]], env: Env
) -> None:
    transport = httpx.ASGITransport(app=fallback_app[0])
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        page = (await client.get("/", headers=bearer(env, "viewer"))).text
        assert f'id="{GLOBAL_SHEET}" class="no-inline-styles"' in page
        sheet = await client.get(f"/static/plotly/{GLOBAL_SHEET}.css")
    assert sheet.status_code == 200
    assert sheet.text == FALLBACK.read_text(encoding="utf-8")


WATCH = """window.__csp = []; document.addEventListener('securitypolicyviolation',
  (e) => window.__csp.push(e.effectiveDirective + ' ' + (e.sample || '').slice(0, 40)));"""


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
def test_an_unreadable_bundle_still_draws_styled_charts(
    fallback_app: tuple[Any, list[str]], env: Env
) -> None:
    """Before: no sheet linked, plotly's own <style> refused by the CSP, modebar static."""
    from playwright.sync_api import sync_playwright

    with serving(fallback_app[0]) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = browser.new_context(extra_http_headers=bearer(env, "viewer"))
            context.add_init_script(WATCH)
            page = context.new_page()
            page.goto(url + "/outlets/1")
            page.wait_for_function("Number(document.body.dataset.chartsRendered || 0) >= 1")
            page.locator(".js-plotly-plot").first.hover()
            seen = page.evaluate("""() => ({
              csp: window.__csp, styles: document.querySelectorAll('style').length,
              modebar: getComputedStyle(document.querySelector('.modebar')).position,
              svg: getComputedStyle(document.querySelector('.main-svg')).position})""")
        finally:
            browser.close()
    assert seen == {"csp": [], "styles": 0, "modebar": "absolute", "svg": "absolute"}
