"""Fixtures of the report audit: the edge-case stores (built once per session) and
Debian's Chromium through Playwright, opening report files with the network refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from report_audit import (
    ARGS,
    CHROMIUM,
    HOSTILE_NAMES,
    MIXED_OUTLETS,
    Opened,
    build_store,
    mixed_rows,
    posts,
)


@pytest.fixture(scope="session")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The edge-case stores: empty, one post, supporters only, hostile outlet names."""
    base = tmp_path_factory.mktemp("audit6_stores")
    one = [{"account": "chan1", "message_id": 1, "time": "2024-03-01T10:00:00Z",
            "text": "placeholder", "links": "https://files.example/a"}]  # fmt: skip
    return {
        "empty": build_store(base / "empty", []),
        "one": build_store(base / "one", one, [("Outlet One", True, "chan1")]),
        "supporters": build_store(base / "supporters", posts(["sup1", "sup2", "sup3"], 120)),
        "mixed": build_store(base / "mixed", mixed_rows(), MIXED_OUTLETS),
        "names": build_store(
            base / "names",
            posts([f"acc{i}" for i in range(len(HOSTILE_NAMES))], 600, hours=5),
            [(name, True, f"acc{i}") for i, name in enumerate(HOSTILE_NAMES)],
        ),
    }


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless (skips without it). Module scope: a live sync Playwright
    marks an asyncio loop as running, so every async test after it would fail to start."""
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium: apt-get install chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_offline(browser: Any) -> Iterator[Any]:
    """Open a report file with every request but the file itself aborted and recorded."""
    contexts: list[Any] = []

    def opener(report: Path, width: int = 1200) -> Opened:
        context = browser.new_context(viewport={"width": width, "height": 900})
        contexts.append(context)
        seen = Opened(context.new_page(), [], [], [], [])
        target = report.resolve().as_uri()

        def route(r: Any) -> None:
            if r.request.url == target:
                r.continue_()
            else:
                seen.requests.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        seen.page.on("console", lambda m: seen.console.append(f"{m.type}: {m.text}"))
        seen.page.on("pageerror", lambda e: seen.errors.append(str(e)))

        def dialog(d: Any) -> None:
            seen.dialogs.append(d.message)
            d.dismiss()

        seen.page.on("dialog", dialog)
        seen.page.goto(target)
        seen.page.wait_for_function(
            "document.querySelectorAll('.js-plotly-plot .main-svg').length >= 9",
            timeout=30_000,
        )
        return seen

    yield opener
    for context in contexts:
        context.close()
