"""Telegram's own deep links (``tg://``) are Telegram links.

A ``tg://resolve?domain=name`` link opens in the app what ``https://t.me/name`` opens in a
browser, but it was stored with the command as its host ("resolve", "join") and class
other, so links into Telegram counted as links elsewhere and each command as a distinct
host. Now a ``tg:`` link is counted under ``t.me``, class telegram, as a t.me link is; the
URL is kept as written. Synthetic chat: made-up names, placeholder text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mutewatch.demo import write_export
from mutewatch.demo_html import write_html_export
from mutewatch.ingest import IngestOptions, ingest
from mutewatch.ingest.links import classify_host, host_of
from mutewatch.store import Store

T = 1709287200  # 2024-03-01T10:00:00Z
DEEP_LINKS = ["tg://resolve?domain=sample_outlet", "TG://join?invite=AbCdEf"]
WEB_LINK = "https://t.me/sample_outlet"


def _message(ident: int, entity: dict[str, str]) -> dict[str, Any]:
    return {
        "id": ident,
        "type": "message",
        "date": "2024-03-01T10:00:00",
        "date_unixtime": str(T + ident),
        "from": "Sample Channel",
        "from_id": "channel2400000001",
        "text": ["placeholder ", entity],
        "text_entities": [{"type": "plain", "text": "placeholder "}, entity],
    }


def _chat() -> dict[str, Any]:
    entities = [
        {"type": "text_link", "text": "here", "href": DEEP_LINKS[0]},
        {"type": "link", "text": DEEP_LINKS[1]},
        {"type": "link", "text": WEB_LINK},
    ]
    return {
        "name": "Sample Channel",
        "type": "public_channel",
        "id": 2400000001,
        "messages": [_message(i, e) for i, e in enumerate(entities, start=1)],
    }


@pytest.mark.parametrize("form", ["json", "html"])
def test_deep_links_are_stored_as_telegram_links(tmp_path: Path, form: str) -> None:
    chat = _chat()
    if form == "json":
        source = write_export(tmp_path / "json" / "result.json", [chat])
    else:
        source = tmp_path / "html"
        write_html_export(source, chat)
    with Store.open(tmp_path / "s.duckdb") as store:
        ingest(store, [source], IngestOptions(tz="UTC"))
        rows = store.rows("SELECT url, host, host_class FROM links ORDER BY message_id")
    # old code: ("resolve", "other"), ("join", "other")
    assert [(r["url"], r["host"], r["host_class"]) for r in rows] == [
        (DEEP_LINKS[0], "t.me", "telegram"),
        (DEEP_LINKS[1], "t.me", "telegram"),
        (WEB_LINK, "t.me", "telegram"),
    ]


def test_the_python_parser_gives_deep_links_the_t_me_host() -> None:
    # the store's SQL and host_of agree (tests/test_telegram.py, which lists a tg: link)
    assert [(host_of(u), classify_host(host_of(u))) for u in DEEP_LINKS] == [
        ("t.me", "telegram"),
        ("t.me", "telegram"),
    ]
