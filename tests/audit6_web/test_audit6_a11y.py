"""Accessibility of the dashboard's and the moderator's pages, read as a screen reader
would (in process): a language, one h1, a skip link to the content, and a name for
every form control."""

from __future__ import annotations

from html.parser import HTMLParser

import httpx
import pytest
from webfactory import Env, bearer

pytestmark = pytest.mark.anyio
PAGES = [("/", "viewer"), ("/posts", "analyst"), ("/admin", "admin"), ("/docs", "viewer"),
         ("/outlets/1", "viewer"), ("/login", None), ("/moderation", "moderator"),
         ("/no-such-page", "viewer")]  # fmt: skip


class Outline(HTMLParser):
    """What the checks need: lang, h1s, the first link, ids, and unnamed controls."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.h1 = 0
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.label_depth = 0
        self.labelled: set[str] = set()  # ids named by <label for>
        self.controls: list[tuple[str, dict[str, str], bool]] = []  # tag, attrs, in a label

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "html":
            self.lang = a.get("lang", "")
        elif tag == "h1":
            self.h1 += 1
        elif tag == "a":
            self.links.append(a.get("href", ""))
        elif tag == "label":
            self.label_depth += 1
            if "for" in a:
                self.labelled.add(a["for"])
        elif tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.controls.append((tag, a, self.label_depth > 0))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.label_depth -= 1

    def unnamed(self) -> list[str]:
        return [
            f"<{tag} {a}>"
            for tag, a, in_label in self.controls
            if not (in_label or a.get("aria-label") or a.get("id") in self.labelled)
        ]


@pytest.mark.parametrize(("path", "role"), PAGES)
async def test_pages_have_a_language_a_heading_a_skip_link_and_named_controls(
    client: httpx.AsyncClient, env: Env, path: str, role: str | None
) -> None:
    headers = {"accept": "text/html", **(bearer(env, role) if role else {})}
    page = await client.get(path, headers=headers)
    assert page.status_code in (200, 404), page.text[:200]
    outline = Outline()
    outline.feed(page.text)
    assert outline.lang == "en"
    assert outline.h1 == 1, f"{path}: {outline.h1} h1"
    assert outline.links and outline.links[0] == "#content", f"{path}: no skip link first"
    assert "content" in outline.ids
    assert not outline.unnamed(), f"{path}: controls without a name: {outline.unnamed()}"
