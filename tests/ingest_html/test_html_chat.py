"""A small hand-made chat with every medium, entity and field the HTML export shows,
written as JSON and as HTML: both readings give the same posts and links."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store
from tests.ingest_html.conftest import Exports, write_both

T0 = 1_500_000_000
NAME = "Placeholder Channel 7"


def _message(n: int, **fields: Any) -> dict[str, Any]:
    return {
        "id": 100 + n,
        "type": "message",
        "date": "2017-07-14T02:40:00",
        "date_unixtime": str(T0 + 3000 * n),
        "from": NAME,
        "from_id": "channel77",
        "text": fields.pop("text", f"Placeholder text {n}."),
        **fields,
    }


ENTITIES = [
    {"type": "bold", "text": "Update"},
    " see ",
    {"type": "link", "text": "https://files.example/d/abc"},
    " and ",
    {"type": "text_link", "text": "here", "href": "http://xyz1.onion/release/1"},
    ", ask ",
    {"type": "mention", "text": "@placeholder_bot"},
    " ",
    {"type": "hashtag", "text": "#tag"},
    " ",
    {"type": "email", "text": "desk@example.org"},
    " or example.net/page",
]
MESSAGES = [
    _message(0, text="a < b & 'c' \"d\"\nsecond line"),
    _message(1, text=ENTITIES),
    _message(2, photo="photos/photo_1.jpg", width=640, height=480),
    _message(3, file="stickers/s.webp", media_type="sticker", text=""),
    _message(4, file="video_files/a.mp4", media_type="animation"),
    _message(5, file="video_files/v.mp4", media_type="video_file"),
    _message(6, file="(File not included.)", media_type="video_message", text=""),
    _message(7, file="voice_messages/v.ogg", media_type="voice_message", text=""),
    _message(8, file="files/track.mp3", media_type="audio_file"),
    _message(9, file="files/doc.pdf", file_name="doc.pdf"),
    _message(10, poll={"question": "Placeholder?", "total_voters": 7}, text=""),
    _message(11, location_information={"latitude": 1.5, "longitude": 2.5}),
    _message(12, contact_information={"first_name": "A", "phone_number": "+000"}),
    _message(13, forwarded_from="Other Placeholder Channel"),
    _message(14, reply_to_message_id=101, author="Desk Editor"),
    _message(15, text="  padded  "),
    _message(16, photo="(File not included. Change data exporting settings to download.)"),
]
COLUMNS = "message_id, ts, kind, text, forwarded_from, reply_to, author"


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Exports:
    chat = {"name": NAME, "type": "public_channel", "id": 77, "messages": MESSAGES}
    return write_both(tmp_path_factory.mktemp("chat"), chat, per_page=5)


def _read(path: Path, source: Path) -> tuple[list[Any], list[Any]]:
    with Store.open(path) as store:
        report = ingest(store, [source], IngestOptions())
        assert report.quarantined == 0 and report.new == len(MESSAGES)
        posts = store.con.execute(f"SELECT {COLUMNS} FROM posts ORDER BY 1").fetchall()
        links = store.con.execute("SELECT message_id, url FROM links ORDER BY 1, 2").fetchall()
    return posts, links


def test_every_medium_and_entity_reads_the_same(exports: Exports, tmp_path: Path) -> None:
    from_json = _read(tmp_path / "j.duckdb", exports.json_file)
    from_html = _read(tmp_path / "h.duckdb", exports.html)
    assert from_html == from_json
    posts, links = from_html
    kinds = [p[2] for p in posts]
    assert kinds == [
        "text", "text", "photo", "sticker", "animation", "video", "video_message", "voice",
        "audio", "document", "poll", "location", "contact", "text", "text", "text", "photo",
    ]  # fmt: skip
    assert posts[0][3] == "a < b & 'c' \"d\"\nsecond line"
    assert posts[15][3] == "  padded  "
    assert (posts[13][4], posts[14][5], posts[14][6]) == (
        "Other Placeholder Channel",
        101,
        "Desk Editor",
    )
    # mentions, hashtags and e-mail addresses are no links, as in the JSON export
    assert links == [(101, "http://xyz1.onion/release/1"), (101, "https://files.example/d/abc")]
