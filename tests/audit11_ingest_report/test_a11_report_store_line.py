"""The report's opening line counts the store's posts as its findings do: it said
"Store s.duckdb: 17410 posts" above findings that write "4,580 of 4,580", and "1 posts"
for a store of one post."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.show.report import ReportOptions, write_report
from mutewatch.store import Store

OPTIONS = IngestOptions(
    format="csv", mapping={"account": "who", "time": "when", "text": "body"}, platform="forum"
)


def _report(tmp_path: Path, rows: int) -> str:
    tmp_path.mkdir()
    path = tmp_path / "posts.csv"
    lines = ["who,when,body"] + [
        f"acct{i % 3},2020-01-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00,placeholder {i}"
        for i in range(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = tmp_path / "s.duckdb"
    with Store.open(store) as opened:
        assert ingest(opened, [path], OPTIONS).new == rows
    out = tmp_path / "report.html"
    write_report(store, out, ReportOptions(generated_at=datetime(2026, 11, 30, tzinfo=UTC)))
    return out.read_text("utf-8")


def test_the_store_line_counts_posts_as_sentences_do(tmp_path: Path) -> None:
    assert "<code>s.duckdb</code>: 1,200 posts, 2020-01-01" in _report(tmp_path / "a", 1200)
    assert "<code>s.duckdb</code>: 1 post, 2020-01-01T00:00:00Z" in _report(tmp_path / "b", 1)
