"""A syntax error in a minified export: the damaged span is quarantined, the rest is read.

The streaming reader (the path for minified and re-indented exports) used to stop at the
first syntax error. Now it quarantines the damaged bytes as one record, naming their byte
offsets and the parser's error, and goes on at the next whole message of the same list (or
at the list's end, or at the next chat whose header reads whole, when the damage reaches the
next chat). Every test ingests a real file into a real DuckDB store through the public API.

A syntax error in the header, before the first message list, is an InputError naming the
file: without the header no message can be attributed to a chat, so nothing is read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import mutewatch.ingest as ingest_module
import mutewatch.store.writer as writer_module
from mutewatch.errors import InputError
from mutewatch.ingest import IngestOptions, IngestReport, ingest
from mutewatch.store import Store

BASE = 1_682_935_200
CHAT_A, CHAT_B, CHAT_C = 1100000000, 1200000000, 1300000000


def _message(i: int, **fields: Any) -> dict[str, Any]:
    return {
        "id": i, "type": "message", "date": "2023-05-01T10:00:00",
        "date_unixtime": str(BASE + 60 * i), "from": "Alpha", "from_id": "channel1100000000",
        "text": f"placeholder {i}",
        "text_entities": [{"type": "plain", "text": f"placeholder {i}"}], **fields,
    }  # fmt: skip


def _chat(ident: int, name: str, ids: range) -> dict[str, Any]:
    return {
        "name": name, "type": "public_channel", "id": ident,
        "messages": [_message(i) for i in ids],
    }  # fmt: skip


def _minified(path: Path, doc: Any) -> bytes:
    """The export as one line (no newline at all: the fast path never takes it)."""
    data = json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return data


def _account(chats: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "about": "placeholder",
        "frequent_contacts": {"about": "placeholder", "list": [
            {"id": 6000 + i, "category": "people", "type": "user", "name": f"Contact {i}"}
            for i in range(3)
        ]},
        "chats": {"about": "placeholder", "list": chats},
        "left_chats": {"about": "placeholder", "list": []},
    }  # fmt: skip


def _message_start(data: bytes, ident: int, after: int = 0) -> int:
    return data.index(b'{"id":%d,"type"' % ident, after)


def _break_inside(data: bytes, ident: int, after: int = 0) -> bytes:
    """Message ``ident`` loses the colon after its "text" key: a syntax error mid-message."""
    key = data.index(b'"text":', _message_start(data, ident, after))
    return data[: key + 6] + data[key + 7 :]


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _ingest(
    path: Path, store_path: Path
) -> tuple[IngestReport, list[dict[str, Any]], list[dict[str, Any]]]:
    """The report, the stored (account, message) pairs in order, and the quarantine rows."""
    with Store.open(store_path) as store:
        report = ingest(store, [path], IngestOptions())
        posts = store.rows(
            "SELECT account_id, message_id FROM posts ORDER BY account_id, message_id"
        )
        quarantine = store.rows("SELECT path, position, reason, raw FROM quarantine")
    return report, posts, quarantine


def _ids(posts: list[dict[str, Any]], account: int = CHAT_A) -> list[int]:
    return [p["message_id"] for p in posts if p["account_id"] == str(account)]


def _adds_up(report: IngestReport) -> None:
    assert report.read == report.new + report.duplicates + report.quarantined + report.skipped


def test_a_syntax_error_mid_message_quarantines_that_span_and_keeps_every_other(
    tmp_path: Path,
) -> None:
    data = _minified(tmp_path / "chat" / "result.json", _chat(CHAT_A, "Alpha", range(1, 21)))
    path = _write(tmp_path / "chat" / "result.json", _break_inside(data, 7))
    report, posts, q = _ingest(path, tmp_path / "s.duckdb")
    assert _ids(posts) == [i for i in range(1, 21) if i != 7]
    [row] = q
    assert row["path"] == str(path) and row["position"] == 6
    assert "not valid JSON at bytes" in row["reason"] and "colon" in row["reason"]
    start = _message_start(data, 7)
    assert f"bytes {start}-" in row["reason"]
    assert row["raw"].startswith('{"id":7,') and "placeholder 7" in row["raw"]
    assert '"id":8,' not in row["raw"]  # the next message is read, not swallowed
    assert (report.read, report.new, report.quarantined) == (20, 19, 1)
    _adds_up(report)


def test_two_damaged_spots_are_two_quarantined_records(tmp_path: Path) -> None:
    data = _minified(tmp_path / "chat" / "result.json", _chat(CHAT_A, "Alpha", range(1, 31)))
    damaged = _break_inside(_break_inside(data, 25), 4)
    # between messages 12 and 13: bytes that are no JSON value at all
    cut = _message_start(damaged, 13)
    damaged = damaged[:cut] + b"@@ junk @@," + damaged[cut:]
    path = _write(tmp_path / "chat" / "result.json", damaged)
    report, posts, q = _ingest(path, tmp_path / "s.duckdb")
    assert _ids(posts) == [i for i in range(1, 31) if i not in (4, 25)]
    raws = sorted(r["raw"] for r in q)
    assert len(raws) == 3
    assert raws[0] == "@@ junk @@,"
    assert raws[1].startswith('{"id":25,') and raws[2].startswith('{"id":4,')
    assert report.read == 30 + 1 and report.quarantined == 3
    _adds_up(report)


def test_a_second_error_in_bytes_read_ahead_by_the_first_resync(tmp_path: Path) -> None:
    """After a resync, the bytes it read ahead (a megabyte) are handed to ijson first; a
    second error among them is traced in them too, so none of them is skipped."""
    data = _minified(tmp_path / "chat" / "result.json", _chat(CHAT_A, "Alpha", range(1, 3001)))
    path = _write(tmp_path / "chat" / "result.json", _break_inside(_break_inside(data, 1500), 10))
    assert len(data) > 300 * 1024 * 2  # the second error lies beyond ijson's first chunk
    report, posts, q = _ingest(path, tmp_path / "s.duckdb")
    assert _ids(posts) == [i for i in range(1, 3001) if i not in (10, 1500)]
    assert sorted(r["raw"][:10] for r in q) == ['{"id":10,"', '{"id":1500']
    _adds_up(report)


@pytest.mark.parametrize(
    ("bad", "then"),
    [(1, "reading went on at the next whole message"), (10, "the file ends inside this")],
    ids=["first", "last"],
)
def test_an_error_in_the_first_or_last_message_keeps_all_the_others(
    tmp_path: Path, bad: int, then: str
) -> None:
    data = _minified(tmp_path / "chat" / "result.json", _chat(CHAT_A, "Alpha", range(1, 11)))
    path = _write(tmp_path / "chat" / "result.json", _break_inside(data, bad))
    report, posts, q = _ingest(path, tmp_path / "s.duckdb")
    assert _ids(posts) == [i for i in range(1, 11) if i != bad]
    [row] = q
    assert row["raw"].startswith(f'{{"id":{bad},') and f"placeholder {bad}" in row["raw"]
    assert then in row["reason"] and row["position"] == bad - 1
    assert report.read == 10 and report.quarantined == 1
    _adds_up(report)


def test_a_truncated_minified_export_quarantines_the_partial_message(tmp_path: Path) -> None:
    data = _minified(tmp_path / "chat" / "result.json", _chat(CHAT_A, "Alpha", range(1, 11)))
    cut = data.index(b"placeholder 8")
    path = _write(tmp_path / "chat" / "result.json", data[:cut])
    report, posts, q = _ingest(path, tmp_path / "s.duckdb")
    assert _ids(posts) == list(range(1, 8))
    [row] = q
    assert row["raw"] == data[_message_start(data, 8) : cut].decode()
    _adds_up(report)


def test_object_ids_inside_a_damaged_message_are_not_taken_for_messages(
    tmp_path: Path,
) -> None:
    """Objects that start with an "id" inside the damaged message (a field's value, or the
    elements of an array of it) are not where reading goes on."""
    messages = [_message(i) for i in range(1, 11)]
    messages[4]["reply_info"] = {"id": 901, "type": "message", "date": "2023-05-01T10:00:00"}
    messages[4]["reactions"] = [
        {"id": 902, "type": "emoji", "count": 1},
        {"id": 903, "type": "emoji", "count": 2},
    ]
    data = _minified(tmp_path / "chat" / "result.json", {**_chat(CHAT_A, "Alpha", range(0)),
                                                         "messages": messages})  # fmt: skip
    path = _write(tmp_path / "chat" / "result.json", _break_inside(data, 5))
    report, posts, q = _ingest(path, tmp_path / "s.duckdb")
    assert _ids(posts) == [1, 2, 3, 4, 6, 7, 8, 9, 10]
    [row] = q
    assert '"id":901' in row["raw"] and '"id":903' in row["raw"]
    _adds_up(report)


def test_the_quarantined_raw_is_capped(tmp_path: Path) -> None:
    messages = [_message(i) for i in range(1, 6)]
    messages[2]["text"] = "placeholder " * 20_000  # about 240 KB
    doc = {**_chat(CHAT_A, "Alpha", range(0)), "messages": messages}
    data = _minified(tmp_path / "chat" / "result.json", doc)
    path = _write(tmp_path / "chat" / "result.json", _break_inside(data, 3))
    report, posts, q = _ingest(path, tmp_path / "s.duckdb")
    assert _ids(posts) == [1, 2, 4, 5]
    [row] = q
    assert 0 < len(row["raw"].encode()) <= 64 << 10 and row["raw"].startswith('{"id":3,')
    _adds_up(report)


@pytest.mark.parametrize("where", ["middle", "last"])
def test_damage_in_chat_one_of_a_full_account_export_leaves_chat_two_whole(
    tmp_path: Path, where: str
) -> None:
    chats = [_chat(CHAT_A, "Alpha", range(1, 16)), _chat(CHAT_B, "Beta", range(1, 13))]
    data = _minified(tmp_path / "full" / "result.json", _account(chats))
    bad = 8 if where == "middle" else 15
    path = _write(tmp_path / "full" / "result.json", _break_inside(data, bad))
    report, posts, q = _ingest(path, tmp_path / "s.duckdb")
    assert _ids(posts, CHAT_A) == [i for i in range(1, 16) if i != bad]
    assert _ids(posts, CHAT_B) == list(range(1, 13))
    [row] = q
    assert row["raw"].startswith(f'{{"id":{bad},')
    assert '"Beta"' not in row["raw"]  # the next chat's header is read, not quarantined
    with Store.open(tmp_path / "s.duckdb", read_only=True) as store:
        names = store.rows("SELECT account_id, name FROM accounts ORDER BY account_id")
    assert names == [
        {"account_id": str(CHAT_A), "name": "Alpha"},
        {"account_id": str(CHAT_B), "name": "Beta"},
    ]
    assert report.read == 27 and report.quarantined == 1
    _adds_up(report)


def test_damage_in_both_chats_of_a_full_account_export(tmp_path: Path) -> None:
    chats = [_chat(CHAT_A, "Alpha", range(1, 11)), _chat(CHAT_B, "Beta", range(1, 11))]
    data = _minified(tmp_path / "full" / "result.json", _account(chats))
    second = data.index(b'"name":"Beta"')
    data = _break_inside(_break_inside(data, 3, after=second), 6)
    path = _write(tmp_path / "full" / "result.json", data)
    report, posts, q = _ingest(path, tmp_path / "s.duckdb")
    assert _ids(posts, CHAT_A) == [i for i in range(1, 11) if i != 6]
    assert _ids(posts, CHAT_B) == [i for i in range(1, 11) if i != 3]
    assert len(q) == 2
    _adds_up(report)


def test_a_damaged_header_between_two_chats_costs_only_that_chat(tmp_path: Path) -> None:
    """Chat two's header loses a colon: its messages cannot be attributed, so they are in
    the one quarantined span; chat one is whole and reading goes on at chat three."""
    chats = [
        _chat(CHAT_A, "Alpha", range(1, 11)),
        _chat(CHAT_B, "Beta", range(1, 6)),
        _chat(CHAT_C, "Gamma", range(1, 8)),
    ]
    data = _minified(tmp_path / "full" / "result.json", _account(chats))
    key = data.index(b'"name":"Beta"')
    path = _write(tmp_path / "full" / "result.json", data[: key + 6] + data[key + 7 :])
    report, posts, q = _ingest(path, tmp_path / "s.duckdb")
    assert _ids(posts, CHAT_A) == list(range(1, 11))
    assert _ids(posts, CHAT_B) == []
    assert _ids(posts, CHAT_C) == list(range(1, 8))
    [row] = q
    assert "between two chats" in row["reason"] and '"Beta"' in row["raw"]
    assert '"Gamma"' not in row["raw"]
    assert report.read == 10 + 1 + 7
    _adds_up(report)


def test_damage_running_into_the_next_chats_header_goes_on_at_the_chat_after(
    tmp_path: Path,
) -> None:
    """The last message of chat one and the bracket of chat two's list are both damaged:
    the span from the first to chat three is quarantined, and chat three is read whole."""
    chats = [
        _chat(CHAT_A, "Alpha", range(1, 11)),
        _chat(CHAT_B, "Beta", range(1, 6)),
        _chat(CHAT_C, "Gamma", range(1, 8)),
    ]
    data = _minified(tmp_path / "full" / "result.json", _account(chats))
    data = _break_inside(data, 10)
    bracket = data.index(b'"messages":[', data.index(b'"name":"Beta"')) + len(b'"messages":')
    path = _write(tmp_path / "full" / "result.json", data[:bracket] + b"#" + data[bracket + 1 :])
    report, posts, q = _ingest(path, tmp_path / "s.duckdb")
    assert _ids(posts, CHAT_A) == list(range(1, 10))
    assert _ids(posts, CHAT_B) == []
    assert _ids(posts, CHAT_C) == list(range(1, 8))
    [row] = q
    assert row["raw"].startswith('{"id":10,') and '"Beta"' in row["raw"]
    assert "next chat whose header reads whole" in row["reason"]
    _adds_up(report)


def test_a_damaged_header_is_an_input_error_naming_the_file(tmp_path: Path) -> None:
    """Chat one's header, inside the chats list, loses a colon: no message of the file can
    be attributed, so the ingest stops with an InputError that names the file."""
    chats = [_chat(CHAT_A, "Alpha", range(1, 6)), _chat(CHAT_B, "Beta", range(1, 6))]
    data = _minified(tmp_path / "full" / "result.json", _account(chats))
    key = data.index(b'"name":"Alpha"')
    path = _write(tmp_path / "full" / "result.json", data[: key + 6] + data[key + 7 :])
    with Store.open(tmp_path / "s.duckdb") as store, pytest.raises(InputError) as caught:
        ingest(store, [path], IngestOptions())
    message = str(caught.value)
    assert str(path) in message and "header" in message and "not valid JSON" in message


def _summary(store: Store) -> dict[str, Any]:
    return {
        "posts": store.rows("SELECT account_id, message_id, ts, text FROM posts ORDER BY ALL"),
        "quarantine": store.rows("SELECT position, reason, raw FROM quarantine ORDER BY ALL"),
        "sources": store.rows(
            "SELECT status, position, read, new, duplicates, quarantined, skipped FROM sources"
        ),
    }


class _Crash(Exception):
    pass


@pytest.mark.parametrize("commits", [1, 2])
def test_resume_after_a_crash_gives_the_clean_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, commits: int
) -> None:
    """Damage on both sides of a batch boundary: a resumed ingest stores what a clean one
    does, because the resynchronised reading numbers its records the same way every time."""
    monkeypatch.setenv("MUTEWATCH_INGEST_PROCESS", "0")
    monkeypatch.setattr(ingest_module, "BATCH_RECORDS", 100)
    chats = [_chat(CHAT_A, "Alpha", range(1, 181)), _chat(CHAT_B, "Beta", range(1, 121))]
    data = _minified(tmp_path / "full" / "result.json", _account(chats))
    second = data.index(b'"name":"Beta"')
    for ident, after in ((95, 0), (101, 0), (180, 0), (50, second)):
        data = _break_inside(data, ident, after)
    path = _write(tmp_path / "full" / "result.json", data)
    with Store.open(tmp_path / "clean.duckdb") as store:
        report = ingest(store, [path])
        clean = _summary(store)
    assert report.quarantined == 4 and report.new == 296
    _adds_up(report)

    write = writer_module.SourceWriter.write
    calls = {"n": 0}

    def crash_after_commits(self: Any, *args: Any, **kwargs: Any) -> Any:
        write(self, *args, **kwargs)
        calls["n"] += 1
        if calls["n"] == commits:
            raise _Crash

    with Store.open(tmp_path / "crashed.duckdb") as store:
        monkeypatch.setattr(writer_module.SourceWriter, "write", crash_after_commits)
        with pytest.raises(_Crash):
            ingest(store, [path])
        monkeypatch.setattr(writer_module.SourceWriter, "write", write)
        assert 0 < store.scalar("SELECT count(*) FROM posts") < 296
    with Store.open(tmp_path / "crashed.duckdb") as store:
        resumed = ingest(store, [path])
        assert _summary(store) == clean
    assert resumed.files[0].status == "resumed"
