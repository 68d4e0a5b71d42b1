"""HTML export pages compressed with gzip (``messages.html.gz``, ``messages2.html.gz``)
are read as the JSON, CSV, JSON Lines and feed readers read their ``.gz`` files: the same
posts as the plain pages, identity and progress of the compressed bytes. Before, a folder
of them gave no archive at all ('not a supported archive (.gz ...)') and a page named
explicitly was refused ('cannot tell the format from the name')."""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import IO, Any, cast

import pytest

from mutewatch.demo_html import write_html_export
from mutewatch.errors import InputError
from mutewatch.ingest import IngestOptions, IngestReport, files, ingest, telegram_html
from mutewatch.model import NameSeen, Post, PostBatch, Quarantined
from mutewatch.store import Store
from tests.ingest_s10.conftest import placeholder_chat

COLUMNS = "account_id, message_id, ts, kind, text, forwarded_from, reply_to, author"
CHAT = placeholder_chat(78, 9)


def _export(folder: Path, compress: tuple[int, ...], keep: bool = False) -> list[Path]:
    """The chat's pages (3 a page), the ``compress``ed ones (indices) as ``.gz``."""
    pages = write_html_export(folder, CHAT, per_page=3)
    for n in compress:
        zipped = pages[n].with_name(pages[n].name + ".gz")
        zipped.write_bytes(gzip.compress(pages[n].read_bytes()))
        if not keep:
            pages[n].unlink()
        pages[n] = zipped
    return pages


def _run(tmp_path: Path, name: str, *paths: Path) -> tuple[IngestReport, list[Any], Any]:
    with Store.open(tmp_path / f"{name}.duckdb") as store:
        report = ingest(store, list(paths), IngestOptions())
        posts = store.con.execute(f"SELECT {COLUMNS} FROM posts ORDER BY 2").fetchall()
        source = store.con.execute("SELECT path, size_bytes FROM sources").fetchall()
    return report, posts, source


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> tuple[IngestReport, list[Any], Any]:
    root = tmp_path_factory.mktemp("plain")
    _export(root / "export", ())
    return _run(root, "plain", root / "export")


@pytest.mark.parametrize("compress", [(0, 1, 2), (1,), (0,)])
def test_compressed_pages_read_as_the_plain_ones(
    tmp_path: Path, plain: tuple[IngestReport, list[Any], Any], compress: tuple[int, ...]
) -> None:
    pages = _export(tmp_path / "export", compress)
    report, posts, source = _run(tmp_path, "gz", tmp_path / "export")
    assert posts == plain[1] and len(posts) == 9
    assert report.as_dict()["new"] == 9 and report.quarantined == 0
    assert source == [(str(pages[0]), sum(p.stat().st_size for p in pages))]
    others = {Path(s.path).name: s.reason for s in report.skipped_files}
    for page in pages[1:]:
        assert others[page.name].endswith("read with its first page")


def test_a_compressed_page_named_stands_for_its_export(
    tmp_path: Path, plain: tuple[IngestReport, list[Any], Any]
) -> None:
    pages = _export(tmp_path / "export", (0, 1, 2))
    report, posts, _ = _run(tmp_path, "named", pages[1])
    assert posts == plain[1] and [f.path for f in report.files] == [str(pages[0])]


def test_a_page_there_both_ways_is_read_once(
    tmp_path: Path, plain: tuple[IngestReport, list[Any], Any]
) -> None:
    pages = _export(tmp_path / "export", (1,), keep=True)
    report, posts, _ = _run(tmp_path, "twin", tmp_path / "export")
    assert posts == plain[1] and report.duplicates == 0
    reasons = {Path(s.path).name: s.reason for s in report.skipped_files}
    assert reasons[pages[1].name] == (
        "the page messages2.html compressed; messages2.html itself is read"
    )


def test_a_cut_gzip_page_quarantines_the_message_it_cuts(tmp_path: Path) -> None:
    pages = _export(tmp_path / "export", (2,))
    data = pages[2].read_bytes()
    pages[2].write_bytes(data[: len(data) * 2 // 3])  # the stream is cut short
    report, posts, _ = _run(tmp_path, "cut", tmp_path / "export")
    assert report.read == report.new + report.duplicates + report.quarantined + report.skipped
    assert report.quarantined == 1 and [p[1] for p in posts] == [1, 2, 3, 4, 5, 6]


def _read(first: Path) -> list[Any]:
    pages = telegram_html.ExportPages(first)
    out: list[Any] = []
    for r in telegram_html.read(cast(IO[bytes], pages), first):
        out += [*r.posts(), *r.others] if isinstance(r, PostBatch) else [r]
    return [r for r in out if not isinstance(r, NameSeen)]


def test_a_cut_page_never_loses_messages_silently(tmp_path: Path) -> None:
    """Cut anywhere (here: the gzip stream of the last page, byte by byte), a page gives
    its whole messages as posts, then one record saying what is lost: the message it cuts,
    or, cut between messages or inside a message's start tag (which was lost without a
    word before), the page itself as cut short."""
    pages = _export(tmp_path / "export", (2,))
    data = pages[2].read_bytes()
    seen: set[str] = set()
    for size in range(len(data) // 4, len(data), 3):
        pages[2].write_bytes(data[:size])
        records = _read(pages[0])
        assert [r.position for r in records] == list(range(len(records)))
        posts = [r.message_id for r in records if isinstance(r, Post)]
        lost = [r for r in records if isinstance(r, Quarantined)]
        assert posts == list(range(1, len(posts) + 1)) and 6 <= len(posts) <= 9
        whole = gzip.decompress(data).decode()
        with files.decompressed(io.BytesIO(data[:size])) as fh:
            got = fh.read().decode("utf-8", "replace")
        assert len(lost) == (got.rstrip() != whole.rstrip())
        seen |= {r.reason.split(": ", 1)[1][:24] for r in lost}
    assert seen == {
        "no message history in it",  # cut before the history starts
        "the page ends inside thi",  # cut inside a message
        "the page is cut short (i",  # cut between messages, or in a start tag
    }


def test_a_page_named_gz_that_is_not_gzip_is_refused(tmp_path: Path) -> None:
    pages = _export(tmp_path / "export", ())
    fake = pages[0].with_name("messages.html.gz")
    pages[0].rename(fake)
    with pytest.raises(InputError, match="gzip stream gives no bytes") as err:
        _run(tmp_path, "fake", fake)
    assert "name it without .gz" in str(err.value)


def test_a_plain_page_cut_in_a_start_tag_says_so(tmp_path: Path) -> None:
    """Before, a page cut inside a message's start tag lost that message and every one
    after it without a record: the counts added up to less than the page held."""
    pages = _export(tmp_path / "export", ())
    text = pages[2].read_text(encoding="utf-8")
    cut = text.index('id="message8"')  # inside message 8's start tag
    pages[2].write_text(text[:cut], encoding="utf-8")
    records = _read(pages[0])
    assert [r.message_id for r in records if isinstance(r, Post)] == [1, 2, 3, 4, 5, 6, 7]
    (lost,) = [r for r in records if isinstance(r, Quarantined)]
    assert lost.reason == (
        "messages3.html: the page is cut short (it does not end with </html>): whatever "
        "followed message 7 is lost; restore the page, or export the chat again"
    )
    assert lost.raw.lstrip().startswith('<div class="message default clearfix"')
