"""One real headless Chromium per test module (``chromium``), for page tests that open each
test's page in a fresh browser context (its own cookies and storage, as a browser of its own
had) instead of launching Chromium per test (~2.5 s each under load)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from test_moderation_page import ARGS, CHROMIUM


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """A real headless Chromium (/usr/bin/chromium), shared by the module's tests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()
