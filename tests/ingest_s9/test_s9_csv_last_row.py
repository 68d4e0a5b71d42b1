"""A CSV whose last row holds a newline is read once: how the file ends tells whether a
quote is left open (it then ends with the open quote's value as written), so the second
csv pass over the whole file runs only when it may be (before: on every such file, about
a third more time on a 1M-row file). An open quote is still found and quarantined as
before, and a row Arrow reads whole is kept."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest

from mutewatch.ingest import IngestOptions, ingest, tabular
from mutewatch.store import Store

MAP = {"account": "user", "time": "when", "text": "body"}
HEAD = b"user,when,body\n" + b"".join(
    b"acc%d,2020-01-01T10:%02d:00,row %d\n" % (n % 3, n, n) for n in range(20)
)


def _ingest(
    tmp_path: Path, data: bytes, monkeypatch: pytest.MonkeyPatch, name: str = "posts.csv"
) -> tuple[dict[str, int], list[str], list[dict[str, Any]], int]:
    calls: list[int] = []
    check = tabular._unclosed_quote

    def counted(*args: Any) -> int | None:
        calls.append(1)
        found: int | None = check(*args)
        return found

    monkeypatch.setattr(tabular, "_unclosed_quote", counted)
    monkeypatch.setenv("MUTEWATCH_INGEST_PROCESS", "0")  # count the calls in this process
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [path], IngestOptions(platform="forum", mapping=dict(MAP)))
        texts = [str(r["text"]) for r in store.rows("SELECT text FROM posts ORDER BY ts")]
        quarantined = store.quarantine()
    counts = {k: v for k, v in report.as_dict().items() if isinstance(v, int)}
    assert counts["read"] == counts["new"] + counts["duplicates"] + counts["quarantined"]
    return counts, texts, quarantined, len(calls)


@pytest.mark.parametrize("name", ["posts.csv", "posts.csv.gz"])
@pytest.mark.parametrize(
    "last",
    [
        b'acc1,2020-01-01T11:00:00,"two\nlines"\n',
        b'acc1,2020-01-01T11:00:00,"two\r\nlines, ""quoted"""\r\n\r\n',
        b'acc1,2020-01-01T11:00:00,"two\nlines"',
        b'acc1,"2020-01-01T11:00:00",two\n',  # a newline in no value: never checked
    ],
)
def test_a_closed_last_row_is_read_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, last: bytes, name: str
) -> None:
    counts, texts, quarantined, checks = _ingest(tmp_path, HEAD + last, monkeypatch, name)
    assert (counts["new"], counts["quarantined"], checks) == (21, 0, 0)
    assert texts[-1].startswith("two")


def test_an_open_quote_at_the_end_is_still_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = HEAD + b'acc1,2020-01-01T11:00:00,"never closed\nacc2,2020-01-01T12:00:00,after\n'
    counts, texts, quarantined, checks = _ingest(tmp_path, data, monkeypatch)
    assert (counts["new"], counts["quarantined"], checks) == (21, 1, 1)
    assert texts[-1] == "after"
    assert quarantined[0]["reason"].startswith("line 22: a quote opened in this row is never")


def test_text_after_a_closing_quote_keeps_the_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``"acc1\n"x`` (text after a multi-line value's closing quote) in the last record:
    Python's csv module, which the second pass used, resynchronised after it at the next
    line and took the record's closing quote for an open one, so lines 22 to 24 vanished
    without a record (read 21). The record is kept as Arrow reads it."""
    data = HEAD + b'"acc1\n"x,2020-01-01T11:00:00,"one\nacc2,2020-01-01T12:00:00,two\n"\n'
    counts, texts, quarantined, checks = _ingest(tmp_path, data, monkeypatch)
    assert (counts["read"], counts["new"], quarantined, checks) == (21, 21, [], 0)
    assert texts[-1] == "one\nacc2,2020-01-01T12:00:00,two\n"
