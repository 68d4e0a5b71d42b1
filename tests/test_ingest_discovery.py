"""Folder discovery: which files an ingest reads, which it passes over and why."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mutewatch.errors import InputError
from mutewatch.ingest import IngestOptions, SkippedFile, discover, ingest
from mutewatch.store import Store

BASE = 1_600_000_000
RSS = b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Feed</title></channel></rss>'


def _message(number: int) -> dict[str, Any]:
    return {
        "id": number,
        "type": "message",
        "date": "2020-09-13T12:26:40",
        "date_unixtime": str(BASE + number),
        "from": "Channel",
        "from_id": "channel1100000000",
        "text": f"placeholder {number}",
        "text_entities": [],
    }


def _chat(messages: int) -> dict[str, Any]:
    return {
        "name": "Channel",
        "type": "public_channel",
        "id": 1100000000,
        "messages": [_message(n) for n in range(1, messages + 1)],
    }


def _write(path: Path, content: bytes | dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content if isinstance(content, bytes) else json.dumps(content, indent=1).encode()
    path.write_bytes(data)
    return path


def _full_account_export(path: Path) -> Path:
    contact = {"first_name": "Placeholder", "last_name": "", "phone_number": "+000"}
    account = {
        "about": "placeholder",
        "personal_information": {"user_id": 1, "first_name": "Placeholder"},
        "contacts": {
            "about": "placeholder",
            "list": [{**contact, "user_id": n} for n in range(2000)],
        },
        "sessions": {"about": "placeholder", "list": [{"device": "placeholder"}] * 500},
        "chats": {"about": "placeholder", "list": [_chat(3)]},
    }
    _write(path, account)
    assert path.read_bytes().find(b'"chats"') > 1 << 16
    return path


def _found(
    paths: list[Path], fmt: str = "auto", **options: Any
) -> tuple[set[str], list[SkippedFile]]:
    skipped: list[SkippedFile] = []
    found = discover(paths, fmt, IngestOptions(format=fmt, **options), skipped)
    return {f"{path.relative_to(paths[0])}:{kind}" for path, kind in found}, skipped


def test_full_account_export_with_chats_after_64_kb_is_found_and_read(tmp_path: Path) -> None:
    _full_account_export(tmp_path / "export" / "result.json")
    found, skipped = _found([tmp_path / "export"])
    assert (found, skipped) == ({"result.json:telegram"}, [])
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [tmp_path / "export"], IngestOptions())
        assert (report.read, report.new) == (3, 3)


def test_attachments_of_a_telegram_export_are_never_archives(tmp_path: Path) -> None:
    export = tmp_path / "ChatExport_2023"
    _write(export / "result.json", _chat(2))
    _write(export / "files" / "table.csv", b"a,b\n1,2\n")
    _write(export / "files" / "settings.xml", b'<?xml version="1.0"?><config><a>1</a></config>')
    _write(export / "files" / "feed.rss", RSS)
    _write(export / "photos" / "photo_1.jpg", b"\xff\xd8\xff\xe0 placeholder")
    _write(export / "export_results.html", b"<html></html>")
    for fmt in ("auto", "telegram"):
        found, skipped = _found([tmp_path], fmt)
        assert found == {"ChatExport_2023/result.json:telegram"}
        assert len(skipped) == 5
        assert all("attachment of the Telegram export" in s.reason for s in skipped)
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [tmp_path], IngestOptions())
        assert [f.path for f in report.files] == [str(export / "result.json")]
        assert store.con.execute("SELECT count(*) FROM quarantine").fetchall() == [(0,)]


def test_a_folder_walk_takes_only_what_looks_like_an_archive(tmp_path: Path) -> None:
    _write(tmp_path / "chat" / "result.json", _chat(1))
    _write(tmp_path / "feeds" / "news.xml", RSS)
    _write(tmp_path / "feeds" / "settings.xml", b"<config/>")
    _write(tmp_path / "other.json", {"hello": [1, 2, 3]})
    _write(tmp_path / "rows.csv", b"user,t\nu1,2020-01-01 10:00\n")
    _write(tmp_path / "notes.txt", b"placeholder")
    found, skipped = _found([tmp_path])
    assert found == {"chat/result.json:telegram", "feeds/news.xml:feed"}
    reasons = {Path(s.path).name: s.reason for s in skipped}
    assert set(reasons) == {"settings.xml", "other.json", "rows.csv", "notes.txt"}
    assert "root element is <config>" in reasons["settings.xml"]
    assert "not a Telegram Desktop export" in reasons["other.json"]
    assert "--platform" in reasons["rows.csv"]
    # with the tabular options the table is read too
    found, skipped = _found(
        [tmp_path], platform="twitter", mapping={"time": "t", "account": "user"}
    )
    assert "rows.csv:csv" in found
    assert len(found) + len(skipped) == 6


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("notexport.json", b'{"hello":[1,2,3]}', "not a Telegram Desktop export"),
        ("list.json", b"[1, 2]", "not a JSON object"),
        ("settings.xml", b'<?xml version="1.0"?><config/>', "root element is <config>"),
        ("empty.json", b"", "empty"),
    ],
)
def test_an_explicit_file_that_is_not_an_archive_is_an_input_error(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = _write(tmp_path / name, content)
    with Store.open(tmp_path / "s.duckdb") as store:
        for _ in range(2):  # nothing is recorded as done: a re-run says the same
            with pytest.raises(InputError, match=reason) as caught:
                ingest(store, [path], IngestOptions())
            assert str(path) in str(caught.value)
            assert caught.value.hint
            assert "CSV" in caught.value.hint or name == "empty.json"
        assert store.con.execute("SELECT count(*) FROM sources").fetchall() == [(0,)]
