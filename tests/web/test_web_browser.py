"""A real headless Chromium (Debian's) drives the real server and opens the report offline."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from webfactory import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run",
]  # fmt: skip

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium"
    ),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def _login(page: Any, server: LiveServer, role: str) -> None:
    page.goto(server.url + "/")
    assert "/login" in page.url
    page.fill("input[name=name]", f"{role}1")
    page.fill("input[name=token]", server.env.tokens[role])
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))


def test_dashboard_renders_and_hostile_posts_stay_text(
    browser: Any, live_server: LiveServer
) -> None:
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    external: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on(
        "request",
        lambda r: external.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    _login(page, live_server, "analyst")
    # the charts rendered: every figure block became a plotly graph with an SVG
    figures = page.locator("script[type='application/json'][id^='fig-']").count()
    assert figures >= 9
    page.wait_for_selector(f"body[data-charts-rendered='{figures}']", timeout=60_000)
    assert page.locator(".plot .main-svg").count() >= figures
    assert page.locator("#chart-heatmap .heatmaplayer, #chart-heatmap .hm").count() >= 1
    # key findings arrive from the API as text
    page.wait_for_selector("#findings[data-findings]", timeout=60_000)
    assert page.locator("#findings-list li").count() >= 1
    # filter by outlet and time range: the page reloads with the filter applied
    page.select_option("select[name=outlet_id]", label="Outlet B")
    page.fill("input[name=since]", "2024-02-01")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("body[data-charts-rendered]", timeout=60_000)
    assert "outlet_id=2" in page.url and "since=2024-02-01" in page.url
    # the hostile post: shown as text, nothing executes, nothing loads, links not clickable
    page.goto(live_server.url + "/posts?q=onerror")
    text = page.locator("ol.posts pre.text").first.inner_text()
    assert "<script>window.__pwned = 1</script>" in text
    assert '<img src=x onerror="window.__pwned = 2">' in text
    assert "hxxps://example[.]org/page?a=1" in text
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("ol.posts img").count() == 0
    assert page.locator("ol.posts script").count() == 0
    assert page.locator("ol.posts a").count() == 0
    assert dialogs == []
    assert external == [], external
    context.close()


def test_viewer_cannot_open_posts(browser: Any, live_server: LiveServer) -> None:
    context = browser.new_context()
    page = context.new_page()
    _login(page, live_server, "viewer")
    response = page.request.get(live_server.url + "/posts")  # the session cookie goes along
    assert response.status == 403
    home = page.request.get(live_server.url + "/")
    assert home.status == 200
    assert "Supporter Channel One" not in home.text()
    assert "supporter-" in home.text()  # pseudonymised in the outlet filter
    context.close()


def test_report_opens_offline_and_renders(browser: Any, report_file: Path) -> None:
    context = browser.new_context()
    blocked: list[str] = []

    def only_files(route: Any) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_files)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(report_file.as_uri())
    page.wait_for_function(
        "document.querySelectorAll('.js-plotly-plot .main-svg').length >= 9", timeout=30_000
    )
    assert page.locator("section#methods dt").count() >= 5
    assert errors == []
    assert blocked == []  # it did not even try the network
    context.close()
