"""The page of ``test_moderation_page.moderation_page`` (the moderator page as the server's
moderator) in a new context of the module's one Chromium (``chromium``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from chromium_fixture import chromium

__all__ = ["chromium", "moderation_page_in"]


@contextmanager
def moderation_page_in(browser: Any, server: tuple[str, str], errors: list[str]) -> Iterator[Any]:
    """``test_moderation_page.moderation_page`` in a new context of ``browser``: the
    moderator page as the server's moderator; page errors are appended to ``errors``."""
    url, token = server
    context = browser.new_context(extra_http_headers={"Authorization": f"Bearer {token}"})
    try:
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{url}/moderation")
        yield page
    finally:
        context.close()
