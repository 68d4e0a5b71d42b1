"""The moderator page's edit and note dialog takes its width from the dashboard's stylesheet
(``.moderation dialog.act-dialog`` in static/style.css), not from a style the script set on
the element: 48rem, or the window less 3rem when that is narrower. Real headless Chromium
against a real server, as test_s11p_dialog."""

from __future__ import annotations

from typing import Any

import pytest
from s11p_browser import chromium
from test_moderation_page import CHROMIUM, server
from test_s11p_dialog import Server, _open, held, page_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]
__all__ = ["chromium", "held", "server"]  # the fixtures this module's tests use
WIDTH = "(() => { const d = document.getElementById('act-dialog');"
WIDTH += " return [d.getAttribute('style'), getComputedStyle(d).width]; })()"


@pytest.mark.parametrize(("window", "width"), [(1400, "768px"), (600, "552px")])
def test_the_dialog_is_as_wide_as_the_stylesheet_says(
    chromium: Any, server: Server, held: list[str], window: int, width: str
) -> None:
    seen: dict[str, Any] = {}
    with page_of(chromium, server, seen) as page:
        page.set_viewport_size({"width": window, "height": 900})
        _open(page, held[1], "e")
        assert page.evaluate(WIDTH) == [None, width]
    assert seen["errors"] == [] and seen["native"] == []
