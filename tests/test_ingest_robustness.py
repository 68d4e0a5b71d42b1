"""Ingest under damage: resume after a crash mid-block, bad bytes, CRLF files, a killed writer."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import mutewatch.ingest as ingest_module
import mutewatch.store.writer as writer_module
from mutewatch.cli import main
from mutewatch.ingest import ingest
from mutewatch.outlets import load_registry
from mutewatch.store import Store

BASE = 1_682_935_200


def _message(i: int, **fields: Any) -> dict[str, Any]:
    return {
        "id": i, "type": "message", "date": "2023-05-01T10:00:00",
        "date_unixtime": str(BASE + 60 * i), "from": "Alpha", "from_id": "channel1100000000",
        "text": f"placeholder {i}", "text_entities": [], **fields,
    }  # fmt: skip


def _export(path: Path, messages: list[dict[str, Any]], name: str = "Alpha") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    chat = {"name": name, "type": "public_channel", "id": 1100000000, "messages": messages}
    path.write_text(json.dumps(chat, indent=1), encoding="utf-8")
    return path


def _summary(store: Store) -> dict[str, Any]:
    return {
        "posts": store.scalar("SELECT count(*) FROM posts"),
        "ids": store.scalar("SELECT sum(message_id) FROM posts"),
        "quarantined": store.scalar("SELECT count(*) FROM quarantine"),
        "sources": store.rows(
            "SELECT status, position, read, new, duplicates, quarantined, skipped FROM sources"
        ),
    }


class _Crash(Exception):
    pass


def test_resume_after_a_crash_mid_block_gives_the_clean_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A block mixing a bad time and a service message is committed in position order, so
    a crash after the first batch loses nothing on resume (it once skipped 9,000 posts)."""
    monkeypatch.setenv("MUTEWATCH_INGEST_PROCESS", "0")
    monkeypatch.setattr(ingest_module, "BATCH_RECORDS", 1000)
    messages = [_message(i) for i in range(1, 3001)]
    messages[1999]["date_unixtime"] = "bad"  # quarantined (no date to fall back on)
    messages[1999]["date"] = "not a date"
    messages[2899] = {
        "id": 2900, "type": "service", "date": "2023-05-01T10:00:00",
        "date_unixtime": str(BASE), "action": "pin_message", "text": "", "text_entities": [],
    }  # fmt: skip
    export = _export(tmp_path / "chat" / "result.json", messages)
    with Store.open(tmp_path / "clean.duckdb") as store:
        ingest(store, [export])
        clean = _summary(store)
    assert clean["posts"] == 2998 and clean["quarantined"] == 1

    write = writer_module.SourceWriter.write

    def crash_after_first_commit(self: Any, *args: Any, **kwargs: Any) -> Any:
        write(self, *args, **kwargs)
        raise _Crash

    with Store.open(tmp_path / "crashed.duckdb") as store:
        monkeypatch.setattr(writer_module.SourceWriter, "write", crash_after_first_commit)
        with pytest.raises(_Crash):
            ingest(store, [export])
        monkeypatch.setattr(writer_module.SourceWriter, "write", write)
        assert store.scalar("SELECT count(*) FROM posts") > 0
        interrupted = store.status()
        assert interrupted["unfinished_sources"] == 1 and interrupted["unattributed_posts"] > 0
    warned = CliRunner().invoke(main, ["--store", str(tmp_path / "crashed.duckdb"), "status"])
    assert "an ingest was interrupted" in warned.stderr
    with Store.open(tmp_path / "crashed.duckdb") as store:
        ingest(store, [export])
        assert _summary(store) == clean
        finished = store.status()
        assert finished["unfinished_sources"] == finished["unattributed_posts"] == 0


def test_invalid_utf8_in_one_message_quarantines_only_that_message(tmp_path: Path) -> None:
    export = _export(tmp_path / "chat" / "result.json", [_message(i) for i in range(1, 11)])
    data = export.read_bytes().replace(b"placeholder 5", b"placeholder \xff\xfe 5")
    export.write_bytes(data)
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [export]).as_dict()
        assert store.scalar("SELECT count(*) FROM posts") == 9
        [row] = store.rows("SELECT reason, raw FROM quarantine")
    assert "not a readable message" in row["reason"] and "placeholder" in row["raw"]
    assert report["read"] == 10 and report["quarantined"] == 1


def test_export_with_windows_line_ends_reads_like_the_original(tmp_path: Path) -> None:
    messages = [_message(i) for i in range(1, 21)]
    lf = _export(tmp_path / "lf" / "result.json", messages)
    crlf = tmp_path / "crlf" / "result.json"
    crlf.parent.mkdir()
    crlf.write_bytes(lf.read_bytes().replace(b"\n", b"\r\n"))
    results = []
    for path in (lf, crlf):
        with Store.open(tmp_path / f"{path.parent.name}.duckdb") as store:
            ingest(store, [path])
            results.append(store.rows("SELECT message_id, ts, text FROM posts ORDER BY 1"))
    assert len(results[0]) == 20 and results[0] == results[1]


READER_ORPHAN = """
import os, sys, time
from mutewatch.ingest.parallel import read_in_worker

def produce():
    i = 0
    while True:  # far more than the pipe holds: the reader blocks on a full pipe
        yield b"x" * 65536
        i += 1

stream = read_in_worker(produce, "endless")
next(stream)
print(os.getpid(), flush=True)
time.sleep(1.0)
sys.stdin.readline()  # once the test has found the reader
os._exit(9)  # the writer dies without closing anything, like kill -9
"""


READER_BUSY = """
import os, sys, time
from mutewatch.ingest.parallel import read_in_worker

def produce():
    yield b"first"
    time.sleep(120)  # parsing a large block: no send for a long while
    yield b"second"

stream = read_in_worker(produce, "busy")
next(stream)
print(os.getpid(), flush=True)
time.sleep(0.5)
sys.stdin.readline()  # once the test has found the reader
os._exit(9)  # the writer dies without closing anything, like kill -9
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc (Linux)")
@pytest.mark.parametrize(
    "script_text", [READER_ORPHAN, READER_BUSY], ids=["blocked-on-a-full-pipe", "busy-parsing"]
)
def test_the_reader_process_ends_when_the_writer_is_killed(script_text: str) -> None:
    script = subprocess.Popen(  # its stdin: it dies once told (the readers found first)
        [sys.executable, "-c", script_text],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    writer_pid = int(script.stdout.readline()) if script.stdout else 0
    readers = [
        int(pid)
        for pid in os.listdir("/proc")
        if pid.isdigit() and _parent_of(int(pid)) == writer_pid
    ]
    assert script.stdin is not None
    script.stdin.write("now\n")
    script.stdin.close()
    assert readers, "no reader process was forked"
    try:
        script.wait(timeout=30)
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in readers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in readers), "the reader outlived its writer"
    finally:
        for pid in readers:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def _parent_of(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


@pytest.mark.parametrize("indent", [1, None], ids=["telegram-layout", "minified"])
def test_a_chat_without_a_name_takes_no_name_from_a_contact(
    tmp_path: Path, indent: int | None
) -> None:
    export = {
        "about": "placeholder",
        "frequent_contacts": {"about": "placeholder", "list": [
            {"id": 6000 + i, "category": "people", "type": "user", "name": f"Contact {i}"}
            for i in range(3)
        ]},
        "chats": {"about": "placeholder", "list": [
            {"type": "saved_messages", "id": 1, "messages": [_message(1)]},
            # Saved Messages (the exporter's own chat) is skipped whole since s24; a chat of
            # another type without a name (a damaged export) is read, named by its id
            {"type": "private_group", "id": 7, "messages": [_message(3)]},
            {"name": "Delta", "type": "public_channel", "id": 1500000000,
             "messages": [_message(2)]},
        ]},
    }  # fmt: skip
    path = tmp_path / "full" / "result.json"
    path.parent.mkdir()
    path.write_text(json.dumps(export, indent=indent), encoding="utf-8")
    with Store.open(tmp_path / "s.duckdb") as store:
        ingest(store, [path])
        names = store.rows("SELECT account_id, name FROM accounts ORDER BY account_id")
    assert names == [
        {"account_id": "1500000000", "name": "Delta"},
        {"account_id": "7", "name": "7"},
    ]


def test_a_forward_from_an_outlet_known_only_to_the_registry_is_resolved(tmp_path: Path) -> None:
    export = _export(
        tmp_path / "chat" / "result.json",
        [_message(1), _message(2, forwarded_from="Gamma Registry Outlet")],
    )
    registry = tmp_path / "outlets.yaml"
    registry.write_text(
        "outlets:\n"
        '  - name: "Gamma Registry Outlet"\n'
        "    official: true\n"
        '    accounts: [{platform: telegram, id: "1300000000"}]\n',
        encoding="utf-8",
    )
    with Store.open(tmp_path / "s.duckdb") as store:
        ingest(store, [export])
        load_registry(store, registry)
        resolved = store.scalar("SELECT forwarded_account_id FROM posts WHERE message_id = 2")
    assert resolved == "1300000000"


def test_files_a_folder_walk_skips_are_listed_with_their_reason(tmp_path: Path) -> None:
    export = _export(tmp_path / "in" / "ChatExport" / "result.json", [_message(1)])
    (export.parent / "files").mkdir()
    (export.parent / "files" / "table.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (tmp_path / "in" / "loose.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    store = tmp_path / "s.duckdb"
    done = CliRunner().invoke(
        main, ["--store", str(store), "ingest", str(tmp_path / "in"), "--json"]
    )
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert report["read"] == 1 and [f["path"] for f in report["files"]] == [str(export)]
    skipped = {Path(s["path"]).name: s["reason"] for s in report["skipped_files"]}
    assert set(skipped) == {"table.csv", "loose.csv"}
    assert "attachment" in skipped["table.csv"] and "--platform" in skipped["loose.csv"]


def _title(i: int, action: str, title: str) -> dict[str, Any]:
    return {
        "id": i, "type": "service", "date": "2023-05-01T10:00:00",
        "date_unixtime": str(BASE + 60 * i), "actor": "Alpha", "action": action,
        "title": title, "text": "", "text_entities": [],
    }  # fmt: skip


def test_each_name_of_a_renamed_channel_spans_only_its_own_posts(tmp_path: Path) -> None:
    """Posts carry the export-time name; the title changes bound each name's first/last seen."""
    messages = [
        _title(1, "create_channel", "Alpha Old"), _message(2), _message(3),
        _title(4, "edit_channel_title", "Alpha New"), _message(5), _message(6),
    ]  # fmt: skip
    export = _export(tmp_path / "a" / "result.json", messages, name="Alpha New")
    later = _export(tmp_path / "b" / "result.json", [_message(7), _message(8)], name="Alpha New")
    with Store.open(tmp_path / "s.duckdb") as store:
        ingest(store, [export, later])
        spans = {
            r["name"]: (r["first_seen"], r["last_seen"])
            for r in store.rows("SELECT name, first_seen, last_seen FROM account_names")
        }
        latest = store.scalar("SELECT name FROM accounts")
    at = [datetime.fromtimestamp(BASE + 60 * i, UTC).replace(tzinfo=None) for i in range(9)]
    assert spans == {"Alpha Old": (at[1], at[3]), "Alpha New": (at[4], at[8])}
    assert latest == "Alpha New"


def test_the_reader_starts_before_the_stream_is_read_and_close_ends_it(tmp_path: Path) -> None:
    """The reader parses while the writer hashes the file and opens the store: it must be
    running when read_in_worker returns, not at the first next(); close() ends it unread."""
    from mutewatch.ingest.parallel import read_in_worker

    marker = tmp_path / "started"

    def produce() -> Iterator[bytes]:
        marker.write_text(str(os.getpid()))
        yield b"one"
        yield b"two"

    stream = read_in_worker(produce, "eager")
    deadline = time.monotonic() + 60  # written, not only created (write_text opens first)
    while not (marker.exists() and marker.read_text()) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert marker.exists() and marker.read_text(), "the reader waited for the first next()"
    reader = int(marker.read_text())
    stream.close()
    stream.close()  # twice is harmless
    assert not _alive(reader)
    fresh = read_in_worker(produce, "eager")
    assert list(fresh) == [b"one", b"two"]
