"""An HTML export is listed once per ingest: its size, its reading and its identity come
from one ``ExportPages`` (before, ``ingest_file`` built it three times, listing the folder
each time), and its identity is hashed by the one chunked helper of ``files``."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from mutewatch.demo_html import write_html_export
from mutewatch.ingest import IngestOptions, files, ingest, telegram_html
from mutewatch.store import Store
from tests.ingest_s10.conftest import placeholder_chat

CHAT = placeholder_chat(77, 7)


def _expected_sha(pages: list[Path]) -> str:
    digest = hashlib.sha256()
    for page in pages:
        digest.update(page.name.encode() + b"\0" + page.read_bytes())
    return digest.hexdigest()


@pytest.mark.parametrize("worker", ["0", "1"])
def test_the_pages_are_listed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, worker: str
) -> None:
    pages = write_html_export(tmp_path / "export", CHAT, per_page=3)
    built: list[Path] = []
    original = telegram_html.ExportPages.__init__

    def counting(self: telegram_html.ExportPages, first: Path) -> None:
        built.append(first)
        original(self, first)

    monkeypatch.setattr(telegram_html.ExportPages, "__init__", counting)
    monkeypatch.setenv("MUTEWATCH_INGEST_PROCESS", worker)
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [tmp_path / "export"], IngestOptions())
        row = store.con.execute("SELECT sha256, size_bytes FROM sources").fetchone()
    # in this process: once (a forked reader inherits it and builds none of its own)
    assert built == [pages[0]]
    assert report.new == 7 and len(pages) == 3
    assert row == (_expected_sha(pages), sum(p.stat().st_size for p in pages))


def test_one_chunked_hash_for_files_and_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = write_html_export(tmp_path / "export", CHAT, per_page=2)
    monkeypatch.setattr(files, "_HASH_CHUNK", 7)  # many chunks per page
    assert telegram_html.ExportPages(pages[0]).sha256() == _expected_sha(pages)
    assert files.sha256_of(pages[1]) == hashlib.sha256(pages[1].read_bytes()).hexdigest()
