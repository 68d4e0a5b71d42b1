"""HTML exports: page order, joined runs, times without an offset, bad input, re-ingest,
folder walks and the CLI's accounting."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import IO, Any, cast

import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.demo_html import write_html_export
from mutewatch.errors import InputError
from mutewatch.ingest import IngestOptions, ingest, telegram_html
from mutewatch.model import Post, PostBatch, Quarantined
from mutewatch.outlets import load_registry
from mutewatch.store import Store
from tests.ingest_html.conftest import PER_PAGE, Exports

HEAD = (
    '<!DOCTYPE html>\n<html><body><div class="page_wrap"><div class="page_header">'
    '<div class="content"><div class="text bold">\n{name}\n</div></div></div>'
    '<div class="page_body chat_page"><div class="history">\n'
)
TAIL = "</div></div></div></body></html>\n"


def message(ident: int, title: str, body: str = "", joined: bool = False) -> str:
    css = "message default clearfix" + (" joined" if joined else "")
    name = "" if joined else '<div class="from_name">\nPlaceholder Channel\n</div>'
    return (
        f'<div class="{css}" id="message{ident}"><div class="body">'
        f'<div class="pull_right date details" title="{title}">\n10:00\n</div>{name}'
        f'{body}<div class="text">\nText {ident}\n</div></div></div>\n'
    )


def export(folder: Path, *pages: str, name: str = "Placeholder Channel") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n, body in enumerate(pages, 1):
        page = folder / ("messages.html" if n == 1 else f"messages{n}.html")
        page.write_text(HEAD.format(name=name) + body + TAIL, encoding="utf-8")
    return folder


def records(first: Path, tz: str = "UTC") -> list[Any]:
    pages = telegram_html.ExportPages(first)
    out: list[Any] = []
    for r in telegram_html.read(cast(IO[bytes], pages), first, tz):
        out += [*r.posts(), *r.others] if isinstance(r, PostBatch) else [r]
    return out


def posts_of(first: Path, tz: str = "UTC") -> list[Post]:
    return [r for r in records(first, tz) if isinstance(r, Post)]


def test_pages_are_read_in_numeric_order(bench: Exports) -> None:
    pages = telegram_html.export_pages(bench.html)
    assert [p.name for p in pages[8:11]] == ["messages9.html", "messages10.html", "messages11.html"]
    read = [r for r in records(pages[0]) if hasattr(r, "position") and r.message_id]
    assert [r.position for r in read] == list(range(len(read)))
    ids = [r.message_id for r in read]
    assert ids == sorted(ids) and len(ids) > 10 * PER_PAGE * 0.9


def test_a_joined_run_crosses_pages(tmp_path: Path) -> None:
    chat = {
        "name": "Placeholder Channel",
        "id": 5,
        "messages": [
            {"id": n, "type": "message", "date_unixtime": str(1_500_000_000 + 60 * n),
             "from": "Placeholder Channel", "from_id": "channel5", "text": f"Text {n}"}
            for n in range(1, 7)
        ],
    }  # fmt: skip
    pages = write_html_export(tmp_path / "run", chat, per_page=3)
    second = pages[1].read_text(encoding="utf-8")
    assert '<div class="message default clearfix joined" id="message4">' in second
    assert "from_name" not in second and "message service" not in second
    posts = posts_of(pages[0])
    assert [(p.message_id, p.text, p.account_id) for p in posts] == [
        (n, f"Text {n}", "name:Placeholder Channel") for n in range(1, 7)
    ]


def test_a_joined_forward_without_a_name_repeats_the_one_before(tmp_path: Path) -> None:
    named = (
        '<div class="forwarded body"><div class="from_name">\nOther Channel'
        '<span class="date details" title="x"> x</span>\n</div>'
    )
    unnamed = '<div class="forwarded body">'

    def forward(n: int, opening: str, joined: bool) -> str:
        html = message(n, f"01.02.2017 10:00:0{n} UTC+00:00", joined=joined)
        html = html.replace('<div class="text">', opening + '<div class="text">')
        return html.replace("</div></div></div>\n", "</div></div></div></div>\n")

    folder = export(tmp_path / "fwd", forward(1, named, False) + forward(2, unnamed, True))
    posts = posts_of(folder / "messages.html")
    assert [(p.message_id, p.forwarded_from, p.text) for p in posts] == [
        (1, "Other Channel", "Text 1"),
        (2, "Other Channel", "Text 2"),
    ]


def test_times_without_an_offset_are_read_in_tz(tmp_path: Path) -> None:
    chat = json.loads(
        json.dumps(
            {
                "name": "Placeholder Channel",
                "id": 5,
                "messages": [
                    {"id": 1, "type": "message", "date": "2017-03-26T02:30:00", "text": "a"},
                    {"id": 2, "type": "message", "date": "2017-03-26T04:30:00", "text": "b"},
                    {"id": 3, "type": "message", "date": "2017-10-29T02:30:00", "text": "c"},
                ],
            }
        )
    )
    write_html_export(tmp_path / "x", chat, offset=False)
    read = records(tmp_path / "x" / "messages.html", tz="Europe/Berlin")
    posts = [r for r in read if isinstance(r, Post)]
    assert [(p.message_id, str(p.ts), p.time_from_local) for p in posts] == [
        (2, "2017-03-26 02:30:00", True),
        (3, "2017-10-29 00:30:00", True),  # twice that night: the earlier instant
    ]
    (bad,) = [r for r in read if isinstance(r, Quarantined)]
    assert bad.message_id == 1 and "messages.html, message 1" in bad.reason
    assert "never happened in Europe/Berlin" in bad.reason and "--tz" in bad.reason
    utc = posts_of(tmp_path / "x" / "messages.html")
    assert str(utc[0].ts) == "2017-03-26 02:30:00" and len(utc) == 3


def test_times_with_an_offset_ignore_tz(tmp_path: Path) -> None:
    folder = export(tmp_path / "o", message(9, "01.02.2017 12:00:00 UTC+03:00"))
    for tz in ("UTC", "Asia/Tokyo"):
        (post,) = posts_of(folder / "messages.html", tz)
        assert (str(post.ts), post.time_from_local) == ("2017-02-01 09:00:00", False)


def test_a_bad_date_is_quarantined_with_page_and_message(tmp_path: Path) -> None:
    folder = export(
        tmp_path / "bad",
        message(1, "01.02.2017 10:00:00 UTC+00:00"),
        message(2, "31.02.2017 10:00:00 UTC+00:00") + message(3, "soon", joined=True),
        message(4, "02.02.2017 10:00:00"),
    )
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [folder], IngestOptions())
        rows = store.con.execute(
            "SELECT position, reason, raw FROM quarantine ORDER BY position"
        ).fetchall()
    assert (report.read, report.new, report.quarantined) == (4, 2, 2)
    assert [r[0] for r in rows] == [1, 2]
    assert rows[0][1].startswith("messages2.html, message 2: the date '31.02.2017 10:00:00")
    assert rows[1][1].startswith("messages2.html, message 3: the date 'soon'")
    assert rows[0][2].startswith('<div class="message default clearfix" id="message2">')
    assert rows[0][2].endswith("</div></div></div>")


def test_a_page_that_is_no_export_page_is_quarantined(tmp_path: Path) -> None:
    folder = export(tmp_path / "p", message(1, "01.02.2017 10:00:00 UTC+00:00"))
    (folder / "messages2.html").write_text("<html><body>placeholder</body></html>")
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [folder], IngestOptions())
        (reason,) = store.con.execute("SELECT reason FROM quarantine").fetchone() or ("",)
    assert (report.read, report.new, report.quarantined) == (2, 1, 1)
    assert reason.startswith("messages2.html: not a Telegram Desktop HTML export page")


def test_a_first_page_that_is_no_export_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "junk"
    folder.mkdir()
    (folder / "messages.html").write_text("<html><body>placeholder</body></html>")
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [folder], IngestOptions())
        assert report.files == []
        assert "not a Telegram Desktop HTML export page" in report.skipped_files[0].reason
        with pytest.raises(InputError, match="not a Telegram Desktop HTML export page"):
            ingest(store, [folder / "messages.html"], IngestOptions())


def test_naming_one_page_reads_the_export_once(bench: Exports, tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.duckdb") as store:
        pages = [bench.html / "messages3.html", bench.html / "messages.html"]
        report = ingest(store, pages, IngestOptions(format="telegram"))
        again = ingest(store, [bench.html], IngestOptions(format="telegram-html"))
    assert [Path(f.path).name for f in report.files] == ["messages.html"]
    assert report.new > 1000 and report.duplicates == 0
    assert (again.new, again.duplicates) == (0, report.new)
    assert again.files[0].status == "already ingested"


def test_a_folder_walk_skips_attachments_and_other_pages(bench: Exports) -> None:
    found: list[Any] = []
    from mutewatch.ingest import discover

    assert discover([bench.html.parent], skipped=found) == [
        (bench.html / "messages.html", "telegram-html"),
        (bench.json_file, "telegram"),
    ]
    reasons = {str(Path(s.path).relative_to(bench.html)): s.reason for s in found}
    assert reasons["css/style.css"].startswith("an attachment of the Telegram export")
    assert reasons["messages12.html"].startswith("a page of the Telegram HTML export")
    assert discover([bench.html.parent], "csv", skipped=[]) == []


def test_a_json_export_beside_the_pages_is_read_instead(bench: Exports, tmp_path: Path) -> None:
    both = tmp_path / "both"
    shutil.copytree(bench.html, both)
    shutil.copy(bench.json_file, both / "result.json")
    skipped: list[Any] = []
    from mutewatch.ingest import discover

    assert discover([both], skipped=skipped) == [(both / "result.json", "telegram")]
    assert any("JSON export (result.json) is read instead" in s.reason for s in skipped)


def test_the_registry_names_the_chat(bench: Exports, tmp_path: Path) -> None:
    registry = tmp_path / "outlets.yaml"
    registry.write_text(
        "outlets:\n  - name: Bench Outlet\n    official: true\n    accounts:\n"
        '      - {platform: telegram, name: "Benchmark Channel"}\n'
    )
    with Store.open(tmp_path / "s.duckdb") as store:
        load_registry(store, registry)
        ingest(store, [bench.html], IngestOptions())
        rows = store.con.execute(
            "SELECT DISTINCT o.name, p.official FROM posts p JOIN outlets o USING (outlet_id)"
        ).fetchall()
    assert rows == [("Bench Outlet", True)]


def test_cli_accounting_adds_up(bench: Exports, tmp_path: Path) -> None:
    store = str(tmp_path / "cli.duckdb")
    args = ["--store", store, "ingest", str(bench.html), "--json"]
    first = CliRunner().invoke(main, args, catch_exceptions=False)
    second = CliRunner().invoke(main, args, catch_exceptions=False)
    assert first.exit_code == second.exit_code == 0, first.output
    one, two = json.loads(first.output), json.loads(second.output)
    for run in (one, two):
        assert run["read"] == run["new"] + run["duplicates"] + run["quarantined"] + run["skipped"]
        assert [f["format"] for f in run["files"]] == ["telegram-html"]
    assert one["new"] > 1000 and (two["new"], two["duplicates"]) == (0, one["new"])


def test_damaged_markup_costs_the_messages_it_cuts(tmp_path: Path) -> None:
    whole = message(1, "01.02.2017 10:00:00 UTC+00:00")
    unclosed = message(2, "01.02.2017 10:01:00 UTC+00:00").removesuffix("</div></div>\n")
    cut = message(4, "01.02.2017 10:03:00 UTC+00:00")[:150]
    folder = export(tmp_path / "d", whole + unclosed + message(3, "01.02.2017 10:02:00"))
    page = folder / "messages.html"
    page.write_text(page.read_text(encoding="utf-8").removesuffix(TAIL) + cut)
    read = records(page)
    assert [p.message_id for p in read if isinstance(p, Post)] == [1, 3]
    bad = [(q.position, q.message_id, q.reason) for q in read if isinstance(q, Quarantined)]
    assert bad == [
        (1, 2, "messages.html, message 2: the next message starts before this one ends "
         "(damaged markup)"),
        (3, 4, "messages.html, message 4: the page ends inside this message (truncated)"),
    ]  # fmt: skip


def test_an_interrupted_ingest_resumes_to_the_clean_store(
    bench: Exports, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mutewatch.ingest as ingest_module

    monkeypatch.setenv("MUTEWATCH_INGEST_PROCESS", "0")
    monkeypatch.setattr(ingest_module, "BATCH_RECORDS", 250)  # a commit every 3 pages
    table = "SELECT account_id, message_id, ts, kind, text FROM posts ORDER BY message_id"
    with Store.open(tmp_path / "clean.duckdb") as store:
        ingest(store, [bench.html], IngestOptions())
        clean = store.con.execute(table).fetchall()
    whole = telegram_html.ExportPages.pages

    def broken(self: telegram_html.ExportPages) -> Any:
        for n, page in enumerate(whole(self)):
            if n == 7:
                raise RuntimeError("the reader stops on page 8")
            yield page

    with Store.open(tmp_path / "resumed.duckdb") as store:
        monkeypatch.setattr(telegram_html.ExportPages, "pages", broken)
        with pytest.raises(RuntimeError, match="page 8"):
            ingest(store, [bench.html], IngestOptions())
        part = store.con.execute("SELECT count(*) FROM posts").fetchone()
        assert part is not None and 0 < part[0] < len(clean)
        monkeypatch.setattr(telegram_html.ExportPages, "pages", whole)
        report = ingest(store, [bench.html], IngestOptions())
        assert report.files[0].status == "resumed"
        assert report.read == report.new + report.duplicates + report.quarantined + report.skipped
        assert store.con.execute(table).fetchall() == clean


def test_titles_set_by_service_messages_are_names_of_the_account(tmp_path: Path) -> None:
    def service(ident: int, action: str, title: str) -> dict[str, Any]:
        return {"id": ident, "type": "service", "actor": "Placeholder Channel",
                "action": action, "title": title}  # fmt: skip

    chat = {
        "name": "Placeholder Channel",
        "id": 5,
        "messages": [
            service(1, "create_channel", "Old Placeholder Name"),
            service(2, "edit_group_title", "Placeholder Channel"),
            {"id": 3, "type": "message", "date_unixtime": "1500000000", "text": "a"},
            {"id": 4, "type": "unsupported"},
        ],
    }
    write_html_export(tmp_path / "t", chat)
    read = records(tmp_path / "t" / "messages.html")
    assert [(r.message_id, r.reason) for r in read if hasattr(r, "reason")] == [
        (1, "service:create_channel"),
        (2, "service:edit_group_title"),
        (4, "unsupported"),
    ]
    with Store.open(tmp_path / "s.duckdb") as store:
        ingest(store, [tmp_path / "t"], IngestOptions())
        names = store.con.execute("SELECT name FROM account_names ORDER BY name").fetchall()
        (latest,) = store.con.execute("SELECT name FROM accounts").fetchone() or ("",)
    assert names == [("Old Placeholder Name",), ("Placeholder Channel",)]
    assert latest == "Placeholder Channel"
