"""Review of the HTML export reader: pages as other tools leave them."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any, cast

from mutewatch.demo_html import write_html_export
from mutewatch.ingest import telegram_html
from mutewatch.model import Post, PostBatch

CHAT: dict[str, Any] = {
    "name": "Placeholder Channel",
    "type": "public_channel",
    "id": 1001,
    "messages": [
        {
            "id": n,
            "type": "message",
            "date": "2026-11-29T10:00:00",
            "date_unixtime": str(1795946400 + n * 60),
            "from": "Placeholder Channel",
            "text": text,
        }
        for n, text in enumerate(
            [
                "Placeholder line one\nline two",
                ["see ", {"type": "link", "text": "https://example.org/a"}, " here"],
                "Short",
            ],
            1,
        )
    ],
}


def _posts(first: Path) -> list[Post]:
    pages = telegram_html.ExportPages(first)
    out: list[Post] = []
    for r in telegram_html.read(cast(IO[bytes], pages), first, "UTC"):
        if isinstance(r, PostBatch):
            out += r.posts()
        elif isinstance(r, Post):
            out.append(r)
    return out


def test_windows_line_endings_read_as_unix_ones(tmp_path: Path) -> None:
    """A page saved with CRLF line endings (an export copied through a Windows tool) gives
    the same texts: the layout's line breaks around a text are no part of it."""
    unix = write_html_export(tmp_path / "unix", CHAT)
    windows = tmp_path / "windows"
    windows.mkdir()
    for page in unix:
        data = page.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        (windows / page.name).write_bytes(data)
    want = [(p.message_id, p.text) for p in _posts(unix[0])]
    got = [(p.message_id, p.text) for p in _posts(windows / "messages.html")]
    assert want[0] == (1, "Placeholder line one\nline two")
    assert got == want


def test_a_stray_end_tag_in_a_text_does_not_cut_it(tmp_path: Path) -> None:
    """An end tag that closes nothing open (a hand-edited page) is passed over, as browsers
    do: before, it closed every open element and the rest of the message's text was lost."""
    pages = write_html_export(tmp_path / "stray", CHAT)
    page = pages[0]
    text = page.read_text(encoding="utf-8")
    assert "Short" in text
    page.write_text(text.replace("Short", "Sho</b>rt", 1), encoding="utf-8")
    got = {p.message_id: p.text for p in _posts(page)}
    assert got[3] == "Short"
    assert got[1] == "Placeholder line one\nline two"


def test_an_older_exports_forward_date_is_no_part_of_the_name(tmp_path: Path) -> None:
    """Older Telegram Desktop exports (those without offsets in their date titles) write a
    forward's date as ``<span class="details"> DD.MM.YYYY HH:MM:SS</span>`` in its
    ``from_name``, without ``date``: it is the forward's date, not part of the sender's
    name (before, forwarded_from read 'Source Placeholder 28.11.2026 09:00:00')."""
    chat = {
        **CHAT,
        "messages": [
            {**CHAT["messages"][0], "forwarded_from": "Source Placeholder"},
            {**CHAT["messages"][2], "id": 2, "forwarded_from": "Source Placeholder"},
        ],
    }
    pages = write_html_export(tmp_path / "old", chat, offset=False)
    page = pages[0]
    text = page.read_text(encoding="utf-8")
    newer = '<span class="date details" title="29.11.2026 10:00:00"> 29.11.2026 10:00:00</span>'
    assert text.count(newer) == 2
    older = '<span class="details"> 28.11.2026 09:00:00</span>'
    page.write_text(text.replace(newer, older), encoding="utf-8")
    got = [(p.message_id, p.forwarded_from) for p in _posts(page)]
    assert got == [(1, "Source Placeholder"), (2, "Source Placeholder")]
