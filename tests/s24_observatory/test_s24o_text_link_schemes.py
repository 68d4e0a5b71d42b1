"""A JSON export's text_link to an e-mail address, a phone number or a script is no link.

The HTML reader already dropped ``mailto:``, ``tel:`` and ``javascript:`` anchors (and
in-page ``#`` ones); the JSON reader kept them as links, so ``mailto:desk@mail.example`` gave
the host ``mail.example`` (class other) in ``links`` and ``platforms``, and the same chat's
JSON and HTML exports gave different links. Synthetic chat: made-up names, placeholder text.
"""

from __future__ import annotations

import json
from pathlib import Path

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store


def _export(path: Path) -> Path:
    pieces = [
        "placeholder ",
        {"type": "text_link", "text": "write", "href": "mailto:desk@mail.example"},
        " ",
        {"type": "text_link", "text": "call", "href": "tel:+0000000"},
        " ",
        {"type": "text_link", "text": "run", "href": "javascript:void(0)"},
        " ",
        {"type": "text_link", "text": "top", "href": "#top"},
        " ",
        {"type": "text_link", "text": "here", "href": "https://files.example/a"},
        " ",
        {"type": "link", "text": "https://paste.example/b"},
        "",
    ]
    chat = {
        "name": "Sample Channel Links",
        "type": "public_channel",
        "id": 2200000001,
        "messages": [
            {
                "id": 1,
                "type": "message",
                "date": "2024-03-01T10:00:00",
                "date_unixtime": "1709287200",
                "from": "Sample Channel Links",
                "from_id": "channel2200000001",
                "text": pieces,
                "text_entities": [],
            }
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(chat, indent=1), encoding="utf-8")
    return path


def test_mailto_tel_script_and_anchor_text_links_are_not_links(tmp_path: Path) -> None:
    export = _export(tmp_path / "chat" / "result.json")
    with Store.open(tmp_path / "s.duckdb") as store:
        ingest(store, [export], IngestOptions(tz="UTC"))
        links = store.rows("SELECT url, host, host_class FROM links ORDER BY url")
        text = store.scalar("SELECT text FROM posts")
    # old code: also mailto:desk@mail.example (host mail.example), tel:..., javascript:...,
    # #top: 6 links
    assert links == [
        {"url": "https://files.example/a", "host": "files.example", "host_class": "file_host"},
        {"url": "https://paste.example/b", "host": "paste.example", "host_class": "paste"},
    ]
    assert text == "placeholder write call run top here https://paste.example/b"
