"""The Telegram Desktop importer: every field variant, both parsing paths, the store."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest

from mutewatch.demo import DemoManifest
from mutewatch.ingest import IngestOptions, IngestReport, ingest, telegram
from mutewatch.model import Item, NameSeen, Post, PostBatch, Quarantined, Skipped
from mutewatch.store import Store

FIXTURES = Path(__file__).resolve().parent / "fixtures"

SINGLE = FIXTURES / "telegram" / "single" / "result.json"
ACCOUNT = FIXTURES / "telegram" / "account" / "result.json"
MINIFIED = FIXTURES / "telegram" / "minified.json"


def read_fast(path: Path, tz: str = "Europe/Berlin") -> list[Item]:
    """Records in position order, batches opened into posts."""
    with path.open("rb") as fh:
        return _flat(telegram.read(fh, path, tz))


def _flat(items: Iterable[Item]) -> list[Item]:
    flat: list[Item] = []
    for item in items:
        flat.extend([*item.posts(), *item.others] if isinstance(item, PostBatch) else [item])
    names: list[Item] = [i for i in flat if isinstance(i, NameSeen)]
    records = [i for i in flat if isinstance(i, Post | Quarantined | Skipped)]
    return names + sorted(records, key=lambda r: r.position)


def read_slow(path: Path, tz: str = "Europe/Berlin") -> list[Item]:
    with path.open("rb") as fh:
        return _flat(telegram.read_streaming(fh, path, ZoneInfo(tz)))


def posts(items: list[Item]) -> dict[int, Post]:
    return {i.message_id: i for i in items if isinstance(i, Post)}


def test_single_chat_fields() -> None:
    found = posts(read_fast(SINGLE))
    release = found[57]
    assert release.ts == datetime(2023, 5, 2, 8, 15, 3)  # from date_unixtime, not local date
    assert release.edited == datetime(2023, 5, 2, 9, 1, 10)
    assert release.text == "New release #news here http://abcdefghijklmnop.onion/page"
    assert release.links == ["https://example.org/x", "http://abcdefghijklmnop.onion/page"]
    assert release.kind == "photo" and json.loads(release.media or "{}")["placeholder"] is True
    assert release.forwarded_from == "Other Outlet" and release.author == "Editor"
    assert found[60].kind == "video" and found[60].links == ["https://t.me/example"]
    assert found[63].kind == "poll" and found[63].reply_to == 57
    assert found[64].kind == "voice"


def test_local_date_without_unixtime_uses_tz_and_is_flagged() -> None:
    berlin = posts(read_fast(SINGLE, "Europe/Berlin"))[60]
    assert berlin.ts == datetime(2023, 5, 3, 10, 0) and berlin.time_from_local
    utc = posts(read_fast(SINGLE, "UTC"))[60]
    assert utc.ts == datetime(2023, 5, 3, 12, 0)


def test_service_unsupported_and_malformed_are_counted_not_posted() -> None:
    items = read_fast(SINGLE)
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert [s.reason for s in skipped] == [
        "service:create_channel",
        "service:edit_group_title",
        "unsupported",
    ]
    bad = [i for i in items if isinstance(i, Quarantined)]
    assert [(q.position, q.message_id) for q in bad] == [(5, None), (6, 62)]
    assert "int" in bad[0].reason and '"abc"' in bad[0].raw
    assert "no parseable time" in bad[1].reason


def test_title_change_records_names() -> None:
    names = [(n.name, n.at) for n in read_fast(SINGLE) if isinstance(n, NameSeen)]
    assert ("Old Outlet Name", datetime(2023, 5, 1, 10, 0)) in names
    assert ("Example Outlet", datetime(2023, 5, 1, 11, 0)) in names


@pytest.mark.parametrize("path", [SINGLE, ACCOUNT, MINIFIED])
def test_fast_and_streaming_paths_agree(path: Path) -> None:
    assert _comparable(read_fast(path)) == _comparable(read_slow(path))


def test_minified_file_goes_through_the_streaming_path() -> None:
    assert _comparable(read_fast(MINIFIED)) == _comparable(read_fast(SINGLE))


def test_full_account_export_reads_chats_and_left_chats() -> None:
    found = [i for i in read_fast(ACCOUNT) if isinstance(i, Post)]
    assert {p.account_id for p in found} == {"1234567890", "222", "444"}
    names = {n.account_id: n.chat_type for n in read_fast(ACCOUNT) if isinstance(n, NameSeen)}
    assert names["333"] == "private_channel"  # an empty chat is still an account


def test_demo_export_parity_between_paths(demo: DemoManifest) -> None:
    path = next(p for p in sorted(demo.exports.rglob("result.json")) if "DataExport" in str(p))
    assert _comparable(read_fast(path, demo.tz)) == _comparable(read_slow(path, demo.tz))


def test_truncated_file_keeps_earlier_records(tmp_path: Path) -> None:
    data = SINGLE.read_bytes()
    cut = tmp_path / "result.json"
    cut.write_bytes(data[: data.index(b'"id": 63')])
    items = read_fast(cut)
    assert sorted(posts(items)) == [57, 60]
    assert isinstance(items[-1], Quarantined) and "truncated" in items[-1].reason
    slow = read_slow(cut)
    assert sorted(posts(slow)) == [57, 60] and isinstance(slow[-1], Quarantined)


def test_large_messages_span_blocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(telegram, "BLOCK_BYTES", 97)
    assert _comparable(read_fast(ACCOUNT)) == _comparable(read_slow(ACCOUNT))


def test_ingest_accounting_and_dedupe(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.duckdb") as store:
        first = ingest(store, [SINGLE], IngestOptions(tz="Europe/Berlin"))
        again = ingest(store, [SINGLE, ACCOUNT], IngestOptions(tz="Europe/Berlin"))
        assert _adds_up(first) and _adds_up(again)
        assert (first.read, first.new, first.quarantined, first.skipped) == (9, 4, 2, 3)
        assert again.new == 2 and again.files[0].status == "already ingested"
        assert store.scalar("SELECT count(*) FROM posts") == 6
        assert store.scalar("SELECT count(*) FROM quarantine") == 4  # 2 per distinct file
        gaps = store.rows("SELECT after_id, before_id, missing FROM id_gaps ORDER BY after_id")
        # 3..56 were never exported; 59 and 61 are absent; 58 (unsupported) and 62
        # (quarantined) are known ids, so they are not gaps
        assert gaps == [
            {"after_id": 2, "before_id": 57, "missing": 54},
            {"after_id": 58, "before_id": 60, "missing": 1},
            {"after_id": 60, "before_id": 62, "missing": 1},
        ]
        coverage = store.rows(
            "SELECT first_time, last_time, messages FROM coverage WHERE source_id = 1"
        )
        assert coverage == [
            {
                "first_time": datetime(2023, 5, 2, 8, 15, 3),
                "last_time": datetime(2023, 5, 4, 10, 0),
                "messages": 4,
            }
        ]
        names = store.rows(
            "SELECT name FROM account_names WHERE account_id = '1234567890' ORDER BY name"
        )
        assert [n["name"] for n in names] == ["Example Outlet", "Old Outlet Name"]


def test_demo_ingest_matches_planted_totals(
    demo: DemoManifest, demo_ingest: tuple[Path, IngestReport]
) -> None:
    path, report = demo_ingest
    expected = demo.truth["expected"]
    assert _adds_up(report)
    assert report.as_dict()["read"] == expected["read"]
    for key in ("new", "duplicates", "quarantined", "skipped"):
        assert getattr(report, key) == expected[key], key
    con = duckdb.connect(str(path), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM posts").fetchone() == (expected["posts"],)
        unattributed = con.execute("SELECT count(*) FROM posts WHERE outlet_id IS NULL")
        assert unattributed.fetchone() == (0,)
    finally:
        con.close()


def _adds_up(report: IngestReport) -> bool:
    return report.read == report.new + report.duplicates + report.quarantined + report.skipped


def _comparable(items: list[Item]) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    for i in items:
        if isinstance(i, Quarantined):
            out.append(("Q", i.position, i.message_id, i.reason.split(":")[0]))
        elif isinstance(i, Post):
            out.append(
                ("P", i.position, i.message_id, i.ts, i.kind, i.text, tuple(i.links), i.media)
            )
        elif isinstance(i, Skipped):
            out.append(("S", i.position, i.message_id, i.reason))
        elif isinstance(i, NameSeen):
            out.append(("N", i.account_id, i.name, i.at))
    return out


def test_link_hosts_in_sql_match_the_python_parser(tmp_path: Path) -> None:
    from mutewatch.ingest.links import classify_host, host_of
    from mutewatch.store.writer import classify_links

    urls = [
        "https://www.Example.org/x?y=1",
        "http://user:pw@files.example:8080/a",
        "t.me/some_channel",
        "http://abcdefghijklmnop.onion/page",
        "https://youtu.be/abc#t=1",
        "tg://resolve?domain=some_channel",
        "not a url",
    ]
    with Store.open(tmp_path / "s.duckdb") as store:
        for i, url in enumerate(urls):
            store.con.execute(
                "INSERT INTO links VALUES ('x', 'a', ?, ?, NULL, 'other', TIMESTAMP '2020-01-01')",
                [i, url],
            )
        classify_links(store.con)
        rows = store.rows("SELECT url, host, host_class FROM links ORDER BY message_id")
    for row, url in zip(rows, urls, strict=True):
        expected = host_of(url) or ""
        if " " not in url:
            assert row["host"] == expected, url
        assert row["host_class"] == classify_host(row["host"] or None)


def test_host_classes_in_sql_match_classify_host() -> None:
    from mutewatch.ingest.links import HOST_CLASSES, classify_host, host_class_sql

    listed = [host for hosts in HOST_CLASSES.values() for host in hosts]
    hosts = [
        *listed,
        *(f"sub.{h}" for h in listed),
        *(f"x{h}" for h in listed),  # a lookalike, not a subdomain
        "abcdefghijklmnop.onion",
        "onion",
        "a..t.me",
        "me",
        "",
        "example.org",
        "it's.example",
    ]
    con = duckdb.connect()
    sql = host_class_sql("h")
    found = dict(con.execute(f"SELECT h, {sql} FROM unnest(?::VARCHAR[]) t(h)", [hosts]).fetchall())
    assert found == {h: classify_host(h or None) for h in hosts}
    assert con.execute(f"SELECT {sql} FROM (SELECT NULL::VARCHAR AS h)").fetchone() == ("other",)


def test_urls_spelled_out_in_plain_text_are_links_on_both_paths(tmp_path: Path) -> None:
    message = {"type": "message", "date_unixtime": "1700000000", "from": "Example"}
    export = {
        "name": "Example",
        "type": "public_channel",
        "id": 42,
        "messages": [
            {**message, "id": 1, "text": "see https://files.example/a, then more"},
            {**message, "id": 2, "text": "no link here"},
        ],
    }
    path = tmp_path / "result.json"
    path.write_text(json.dumps(export, indent=1))
    fast, slow = posts(read_fast(path)), posts(read_slow(path))
    assert fast[1].links == slow[1].links == ["https://files.example/a"]
    assert fast[2].links == slow[2].links == []
