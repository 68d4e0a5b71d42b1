"""Durations of voice and video messages, audio and video files are read from an HTML
export ("00:15", "1:02:03, 2.1 MB" in the medium's status, or the video's duration
badge) into ``media.duration_seconds``, as the JSON export gives them; before, HTML posts
had none. Sizes stay unread (the HTML rounds them) and so do animations' durations (the
HTML does not write them)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mutewatch.demo import write_benchmark_export, write_export
from mutewatch.demo_html import write_html_export
from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store

MEDIA = (
    "SELECT message_id, kind, json_extract(media, '$.duration_seconds')::BIGINT, "
    "json_extract(media, '$.file_size')::BIGINT FROM posts WHERE media IS NOT NULL "
    "ORDER BY message_id"
)


def _media(source: Path, store: Path) -> list[tuple[Any, ...]]:
    with Store.open(store) as opened:
        ingest(opened, [source], IngestOptions())
        return [tuple(r) for r in opened.con.execute(MEDIA).fetchall()]


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Any], list[Any]]:
    root = tmp_path_factory.mktemp("durations")
    json_file = root / "json" / "result.json"
    write_benchmark_export(json_file, messages=600, seed=5)
    chat = json.loads(json_file.read_text(encoding="utf-8"))
    write_html_export(root / "html", chat, per_page=200)
    return _media(json_file, root / "j.duckdb"), _media(root / "html", root / "h.duckdb")


def test_durations_agree_with_the_json_export(both: tuple[list[Any], list[Any]]) -> None:
    from_json, from_html = both
    assert [r[:2] for r in from_html] == [r[:2] for r in from_json]
    timed = [(j, h) for j, h in zip(from_json, from_html, strict=True) if j[1] != "animation"]
    assert sum(1 for j, _ in timed if j[2] is not None) > 20
    assert [h[2] for _, h in timed] == [j[2] for j, _ in timed]
    assert all(h[3] is None for h in from_html)  # sizes: rounded in HTML, not read


def test_an_hour_long_file_not_downloaded(tmp_path: Path) -> None:
    message = {
        "id": 1,
        "type": "message",
        "date_unixtime": "1600000000",
        "from": "Placeholder Channel",
        "from_id": "channel9",
        "text": "",
        "file": "(File not included. Change data exporting settings to download.)",
        "file_size": 2_200_000,
        "media_type": "audio_file",
        "duration_seconds": 3723,
    }
    chat = {"name": "Placeholder Channel", "type": "public_channel", "id": 9, "messages": [message]}
    json_file = write_export(tmp_path / "json" / "result.json", [chat])
    page = write_html_export(tmp_path / "html", chat)[0]
    assert ">1:02:03, 2.0 MB<" in page.read_text(encoding="utf-8")
    got = _media(tmp_path / "html", tmp_path / "h.duckdb")
    assert got == [(1, "audio", 3723, None)]
    assert _media(json_file, tmp_path / "j.duckdb") == [(1, "audio", 3723, 2_200_000)]
