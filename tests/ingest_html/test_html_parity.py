"""The same chat ingested from its JSON export and from its HTML export gives the same
posts (time, medium, text, forward, reply, signature, message ids, links); only the
account differs (HTML pages carry no chat id: ``name:<chat name>``)."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any, cast

import pytest

from mutewatch.ingest import IngestOptions, IngestReport, ingest, telegram_html
from mutewatch.model import NameSeen, PostBatch, Skipped
from mutewatch.store import Store
from tests.ingest_html.conftest import Exports

COLUMNS = "message_id, ts, kind, text, forwarded_from, reply_to, author"


def ingest_into(path: Path, source: Path, **options: Any) -> tuple[IngestReport, Store]:
    store = Store.open(path)
    return ingest(store, [source], IngestOptions(**options)), store


def rows(store: Store, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in store.con.execute(sql).fetchall()]


@pytest.fixture(scope="module")
def stores(bench: Exports, tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("parity")
    json_report, json_store = ingest_into(root / "json.duckdb", bench.json_file)
    html_report, html_store = ingest_into(root / "html.duckdb", bench.html)
    yield json_report, json_store, html_report, html_store
    json_store.close()
    html_store.close()


def test_posts_agree_but_for_the_account(stores: Any, bench: Exports) -> None:
    json_report, json_store, html_report, html_store = stores
    posts = f"SELECT {COLUMNS} FROM posts ORDER BY message_id"
    from_json, from_html = rows(json_store, posts), rows(html_store, posts)
    assert len(from_json) == json_report.new > 1000
    assert from_html == from_json
    kinds = {r[2] for r in from_html}
    assert {"text", "photo", "video", "audio", "voice", "poll", "sticker", "document"} <= kinds
    assert any(r[4] for r in from_html), "some posts are forwards"
    accounts = rows(html_store, "SELECT DISTINCT account_id FROM posts")
    assert accounts == [("name:Benchmark Channel",)]
    assert rows(json_store, "SELECT DISTINCT account_id FROM posts") == [(str(bench.chat["id"]),)]


def test_links_agree(stores: Any) -> None:
    _, json_store, _, html_store = stores
    links = "SELECT message_id, url, host_class FROM links ORDER BY message_id, url"
    from_json = rows(json_store, links)
    assert len(from_json) > 100
    assert rows(html_store, links) == from_json


def test_the_chat_name_is_a_name_of_the_account(stores: Any) -> None:
    html_store = stores[3]
    names = rows(html_store, "SELECT account_id, name FROM account_names")
    assert names == [("name:Benchmark Channel", "Benchmark Channel")]


def test_every_record_is_accounted_for_as_from_json(stores: Any) -> None:
    json_report, json_store, report, html_store = stores
    assert report.read == report.new + report.duplicates + report.quarantined + report.skipped
    assert report.quarantined == 0
    counts = ("read", "new", "duplicates", "quarantined", "skipped")
    assert [getattr(report, c) for c in counts] == [getattr(json_report, c) for c in counts]
    gaps = "SELECT after_id, before_id, missing, after_ts, before_ts FROM id_gaps ORDER BY 1"
    assert rows(html_store, gaps) == rows(json_store, gaps)
    coverage = (
        "SELECT first_time, last_time, first_message_id, last_message_id, messages FROM coverage"
    )
    assert rows(html_store, coverage) == rows(json_store, coverage)
    assert len(report.files) == 1 and Path(report.files[0].path).name == "messages.html"


def test_service_messages_are_skipped_with_their_action(bench: Exports) -> None:
    pages = telegram_html.ExportPages(bench.html / "messages.html")
    records: list[Any] = []
    for r in telegram_html.read(cast(IO[bytes], pages), pages.paths[0]):
        records += [*r.posts(), *r.others] if isinstance(r, PostBatch) else [r]
    skipped = [r for r in records if isinstance(r, Skipped)]
    others = [m for m in bench.chat["messages"] if m.get("type") != "message"]
    assert {m["type"] for m in others} == {"service", "unsupported"}
    assert [(r.message_id, r.reason) for r in skipped] == [
        (m["id"], f"service:{m['action']}" if m["type"] == "service" else "unsupported")
        for m in others
    ]
    # day separators (message-1, ...) are no records: one record per message of the chat
    numbered = [r for r in records if not isinstance(r, NameSeen)]
    assert len(numbered) == len(bench.chat["messages"])
    assert pages.tell() == pages.size
