"""Tabular times as exports write them (unix milliseconds and microseconds, "... UTC"), a
JSON array of records read with --format jsonl, and Telegram HTML export pages named as
such. Before: every millisecond time was quarantined as unparseable, an array file had
every line quarantined as invalid JSON, HTML pages were "not a supported archive"."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from mutewatch.errors import InputError
from mutewatch.ingest import IngestOptions, ingest
from mutewatch.ingest.tabular import parse_time
from mutewatch.store import Store

UTC = ZoneInfo("UTC")
TEN = datetime(2020, 1, 1, 10, 0)


@pytest.mark.parametrize(
    ("raw", "fmt", "expected"),
    [
        ("1577872800", "unix", TEN),
        ("1577872800123", "unix", TEN.replace(microsecond=123000)),
        ("1577872800123456", "unix", TEN.replace(microsecond=123456)),
        ("2020-01-01 10:00:00 UTC", None, TEN),
        ("2020-01-01 10:00:00 gmt", "iso", TEN),
        ("2020-01-01T12:00:00+02:00", None, TEN),
    ],
)
def test_times_as_exports_write_them(raw: str, fmt: str | None, expected: datetime) -> None:
    assert parse_time(raw, fmt, UTC) == expected


MAP = {"account": "user", "time": "when", "text": "body"}
ROWS: list[object] = [
    {"user": "acc1", "when": "2020-01-01T10:00:00", "body": "p1", "score": 1.5},
    [1, 2],
    {"user": "acc2", "when": "2020-01-01 12:00:00 UTC", "body": "p2", "nested": {"a": 1}},
]


def _ingest(tmp_path: Path, text: str) -> tuple[dict[str, int], list[dict[str, object]]]:
    path = tmp_path / "records.json"
    path.write_text(text, encoding="utf-8")
    options = IngestOptions(format="jsonl", platform="forum", mapping=dict(MAP))
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [path], options)
        rows = store.quarantine()
    return {k: v for k, v in report.as_dict().items() if isinstance(v, int)}, rows


def test_a_json_array_of_records_is_read_element_by_element(tmp_path: Path) -> None:
    counts, rows = _ingest(tmp_path, "\ufeff" + json.dumps(ROWS, indent=2))
    assert counts == {"read": 3, "new": 2, "duplicates": 0, "quarantined": 1, "skipped": 0}
    assert [r["position"] for r in rows] == [1]


def test_an_array_broken_midway_keeps_what_came_before(tmp_path: Path) -> None:
    broken = json.dumps(ROWS[:1], indent=2)[:-1] + ', {"user": oops}]'
    counts, rows = _ingest(tmp_path, broken)
    assert (counts["read"], counts["new"], counts["quarantined"]) == (2, 1, 1)
    assert "not valid JSON after element 1 of the array" in str(rows[0]["reason"])


def test_telegram_html_pages_are_named_as_such(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    for name in ("messages.html", "messages2.html"):
        (folder / name).write_text("<html></html>")
    (folder / "records.json").write_text(json.dumps(ROWS))
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [folder], IngestOptions())
        with pytest.raises(InputError, match="not a Telegram Desktop HTML export page"):
            ingest(store, [folder / "messages.html"], IngestOptions())
    reasons = {Path(s.path).name: s.reason for s in report.skipped_files}
    # HTML exports are read (tests/ingest_html); pages without a message history are not
    assert reasons["messages2.html"].startswith("not a Telegram Desktop HTML export page")
    assert "--format jsonl" in reasons["records.json"]
