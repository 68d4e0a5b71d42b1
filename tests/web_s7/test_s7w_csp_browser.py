"""Every dashboard page in a real headless Chromium against the real server (its real
Content-Security-Policy, which allows no inline style): nothing is blocked, nothing fails,
and the charts are drawn *and styled* by plotly's stylesheet (served as a file, not
injected as a ``<style>`` element): the modebar sits over the plot and shows on hover,
its buttons have their tooltips, and hovering a trace shows a hover label.

Found: the CSP allowed ``style-src 'unsafe-inline'`` for plotly.js, which adds two
``<style>`` elements (its global sheet and maplibre's) and sets ``style=""`` from script on
colour bars, and for the moderator page's ``<style>`` block. Without it (before the fix):
the dashboard reported 4 violations, each outlet page 2, the moderator page 1, and the
charts lost their layout (``.main-svg`` static, the modebar a column of buttons in the flow,
no tooltips; the moderator page's queue no longer a grid). And the modebar's "Download plot
as a PNG" did nothing under any of these policies: ``img-src`` refused plotly's blob: image."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]
PAGES = ("/", "/outlets/1", "/outlets/4", "/posts?q=onerror", "/admin", "/docs",
         "/moderation", "/no-such-page")  # fmt: skip
CHART_PAGES = ("/", "/outlets/1")
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(
  [e.effectiveDirective, e.blockedURI, (e.sample || '').slice(0, 60),
   e.sourceFile + ':' + e.lineNumber].join(' | ')));
"""
# What plotly's stylesheet does to a drawn chart (each value is plotly.css's, not a default)
CHART_STYLE = """() => {
  const plot = document.querySelector('.js-plotly-plot');
  const cs = (sel, pseudo) => { const el = plot.querySelector(sel);
    return el ? getComputedStyle(el, pseudo || null) : null; };
  return {
    plots: document.querySelectorAll('.js-plotly-plot .main-svg').length > 0
      ? document.querySelectorAll('.js-plotly-plot').length : 0,
    injected: [...document.querySelectorAll('style')].map((s) => s.id || 'anonymous'),
    svg_position: cs('.main-svg').position,
    modebar_position: cs('.modebar') && cs('.modebar').position,
    group_opacity: cs('.modebar-group') && cs('.modebar-group').opacity,
    button_cursor: cs('.modebar-btn') && cs('.modebar-btn').cursor,
    tooltip: cs('.modebar-btn[data-title]', '::after')
      && cs('.modebar-btn[data-title]', '::after').content,
  };
}"""


@pytest.fixture(scope="module")
def visits(served: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Log in as admin (a held comment in the queue), open every page; what each showed."""
    from playwright.sync_api import sync_playwright

    _hold_a_comment(served)
    shots = tmp_path_factory.mktemp("s7w-shots")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield visit_all(browser, served.url, served.env.tokens["admin"], shots)
        finally:
            browser.close()


def _hold_a_comment(served: Any) -> None:
    """An article and a comment the policy holds (a short word no list knows)."""
    tokens = served.env.tokens
    with httpx.Client(base_url=served.url, timeout=30) as client:
        moderator = {"Authorization": f"Bearer {tokens['moderator']}"}
        viewer = {"Authorization": f"Bearer {tokens['viewer']}"}
        article = {"id": "s7w-a", "title": "Placeholder", "body": "Placeholder body."}
        client.post("/api/v1/articles", headers=moderator, json=article)
        reply = client.post("/api/v1/comments", headers=viewer, json={
            "article_id": "s7w-a", "author_name": "Ana Silva", "text": "Hmmph"})  # fmt: skip
        assert reply.status_code == 201 and reply.json()["decision"] == "hold", reply.text


def visit_all(browser: Any, url: str, token: str, shots: Path | None) -> dict[str, Any]:
    """Log in as admin1 and open every page of ``PAGES``; per page: the CSP violations,
    console errors and page errors, and on chart pages the charts' computed style before
    and while hovering. ``shots``: where to keep a screenshot of each page."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(WATCH)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    seen: dict[str, Any] = {}
    page.goto(url + "/login")
    seen["/login"] = {"csp": page.evaluate("window.__csp"), "problems": list(problems)}
    page.fill("input[name=name]", "admin1")
    page.fill("input[name=token]", token)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))
    for path in PAGES:
        problems.clear()
        page.goto(url + path)
        page.wait_for_load_state("networkidle")
        found: dict[str, Any] = {}
        if path in CHART_PAGES:
            found = _charts(page)
        if path == "/moderation":
            page.locator(".item").first.wait_for(timeout=60_000)
            found = _moderation_style(page)
        page.mouse.move(0, 0)
        page.wait_for_timeout(500 if path in CHART_PAGES else 0)  # the modebar's fade: 0.3 s
        if shots is not None:
            name = re.sub(r"[^a-z0-9]+", "_", path).strip("_") or "dashboard"
            page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
        found["overflow"] = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        found["csp"] = page.evaluate("window.__csp")
        found["problems"] = [p for p in problems if not (path == "/no-such-page" and "404" in p)]
        seen[path] = found
    seen["extras"] = _download_and_attributes(page, url)
    context.close()
    return seen


def _download_and_attributes(page: Any, url: str) -> dict[str, Any]:
    """On an outlet page: the modebar's PNG download; a style attribute set from script
    (kept, through the CSSOM), then one in markup (refused: the policy still holds)."""
    page.goto(url + "/outlets/1")
    page.wait_for_function("Number(document.body.dataset.chartsRendered || 0) >= 1")
    page.locator(".js-plotly-plot").first.hover()
    with page.expect_download(timeout=30_000) as download:
        page.locator('.modebar-btn[data-title="Download plot as a PNG"]').click()
    png = Path(download.value.path()).read_bytes()
    found: dict[str, Any] = {"png": png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000}
    found["after_download"] = page.evaluate("window.__csp")
    found["scripted"] = page.evaluate("""() => { const d = document.createElement('div');
      d.setAttribute('style', 'color: rgb(1, 2, 3)'); document.body.append(d);
      return [getComputedStyle(d).color, window.__csp.length]; }""")
    found["markup"] = page.evaluate("""async () => { const d = document.createElement('div');
      d.innerHTML = '<p style="color: rgb(1, 2, 3)">x</p>'; document.body.append(d);
      await new Promise((r) => setTimeout(r, 100));
      return [getComputedStyle(d.firstChild).color, window.__csp]; }""")
    return found


def _charts(page: Any) -> dict[str, Any]:
    """The charts' style at rest, then while the mouse is over the first plot's middle."""
    expected = page.locator("[data-figure]").count()
    page.wait_for_function(
        f"Number(document.body.dataset.chartsRendered || 0) >= {expected}", timeout=60_000
    )
    found: dict[str, Any] = {"figures": expected, "rest": page.evaluate(CHART_STYLE)}
    box = page.locator(".js-plotly-plot .nsewdrag").first.bounding_box()
    labels = 0
    for fraction in (0.5, 0.3, 0.7, 0.1, 0.9):  # a point somewhere along the x axis
        page.mouse.move(box["x"] + box["width"] * fraction, box["y"] + box["height"] / 2)
        labels = _settled(page, HOVER_LABELS, 10_000)  # plotly's hover: up to 50 ms later
        if labels:
            break
    # the modebar's fade-in (0.3 s) to its end, however slow the runner: a value read
    # mid-fade was neither 0 nor 1
    _settled(page, MODEBAR_SHOWN, 60_000)
    found["hover"] = page.evaluate(CHART_STYLE)
    found["hover_labels"] = labels
    return found


HOVER_LABELS = "() => document.querySelectorAll('.js-plotly-plot .hoverlayer .hovertext').length"
MODEBAR_SHOWN = """() => { const g = document.querySelector('.js-plotly-plot .modebar-group');
  return g !== null && getComputedStyle(g).opacity === '1'; }"""


def _settled(page: Any, condition: str, timeout: float) -> Any:
    """``condition``'s value once truthy, polled for up to ``timeout`` ms; else its value
    then (the test's own assertion says what it was)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    try:
        return page.wait_for_function(condition, timeout=timeout).json_value()
    except PlaywrightTimeoutError:
        return page.evaluate(condition)


def _moderation_style(page: Any) -> dict[str, Any]:
    """What the moderator page's own rules (once its ``<style>`` block) do."""
    return page.evaluate("""() => ({
      header: getComputedStyle(document.querySelector('header.mod')).display,
      main: getComputedStyle(document.querySelector('main.mod')).display,
      card_radius: getComputedStyle(document.querySelector('.item')).borderTopLeftRadius,
      injected: [...document.querySelectorAll('style')].length,
    })""")


def test_the_policy_allows_no_inline_style(served: Any) -> None:
    csp = httpx.get(served.url + "/login", timeout=60).headers["content-security-policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "style-src 'self';" in csp


@pytest.mark.parametrize("path", ("/login", *PAGES))
def test_nothing_is_blocked_and_nothing_fails(visits: dict[str, Any], path: str) -> None:
    assert visits[path]["csp"] == [], visits[path]["csp"]
    assert visits[path]["problems"] == [], visits[path]["problems"]


@pytest.mark.parametrize("path", CHART_PAGES)
def test_the_charts_are_drawn_with_plotly_styles(visits: dict[str, Any], path: str) -> None:
    rest, hover = visits[path]["rest"], visits[path]["hover"]
    assert rest["plots"] == visits[path]["figures"] >= 1
    assert rest["injected"] == []  # plotly added no <style> element
    assert rest["svg_position"] == "absolute"  # the layers stack: plotly.css's .main-svg
    assert rest["modebar_position"] == "absolute"  # over the plot, not in the flow
    assert rest["button_cursor"] == "pointer"
    assert rest["group_opacity"] == "0"  # the modebar hides until the plot is hovered ...
    assert hover["group_opacity"] == "1"  # ... and shows while it is
    assert rest["tooltip"].startswith('"') and len(rest["tooltip"]) > 2  # attr(data-title)
    assert visits[path]["hover_labels"] >= 1


def test_the_moderator_page_keeps_its_layout(visits: dict[str, Any]) -> None:
    seen = visits["/moderation"]
    assert seen["injected"] == 0
    assert (seen["header"], seen["main"], seen["card_radius"]) == ("flex", "grid", "6px")


def test_the_png_download_works_under_the_policy(visits: dict[str, Any]) -> None:
    extras = visits["extras"]
    assert extras["png"] is True
    assert extras["after_download"] == []


def test_a_style_attribute_from_script_applies_and_one_in_markup_is_refused(
    visits: dict[str, Any],
) -> None:
    extras = visits["extras"]
    assert extras["scripted"] == ["rgb(1, 2, 3)", 0]  # plotly-csp.js: through the CSSOM
    color, reports = extras["markup"]
    assert color != "rgb(1, 2, 3)"  # an injected style="" stays refused
    assert len(reports) == 1 and reports[0].startswith("style-src-attr | inline")


@pytest.mark.parametrize("path", PAGES)
def test_no_page_scrolls_sideways(visits: dict[str, Any], path: str) -> None:
    """At 1400 px (the moderator page's audit table, with its long timestamps and notes,
    ran 44 px past the window)."""
    assert visits[path]["overflow"] == 0
