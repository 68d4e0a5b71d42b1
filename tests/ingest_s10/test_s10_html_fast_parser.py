"""The HTML reader's fast tokenizer gives exactly the records html.parser gives.

Pages of plain markup (what Telegram Desktop writes) are read with one regular expression
instead of html.parser; markup it does not handle makes the page be read by html.parser
from its start. Both ways must give the same records: posts, quarantined messages (reason,
raw HTML), skipped service messages, names."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any, cast

import pytest

from mutewatch.demo_html import write_html_export
from mutewatch.ingest import telegram_html
from mutewatch.model import Item


def _chat() -> dict[str, Any]:
    """A channel with text links, forwards, replies, media, a poll and a service message."""
    base = {"type": "message", "from": "Fast Channel", "from_id": "channel5"}
    messages: list[dict[str, Any]] = []
    for n in range(1, 31):
        message: dict[str, Any] = {**base, "id": n, "date_unixtime": str(1_600_000_000 + 60 * n)}
        if n % 5 == 0:
            message["text"] = [
                "Item ",
                {"type": "text_link", "text": "one & two", "href": "https://example.org/?a=1&b=2"},
                " and ",
                {"type": "bold", "text": "bold"},
            ]
        else:
            message["text"] = f"Item {n} <placeholder> & more"
        if n % 7 == 0:
            message["forwarded_from"] = "Other Channel"
        if n % 4 == 0:
            message["reply_to_message_id"] = n - 1
        if n % 6 == 0:
            message["photo"] = "photos/photo_1.jpg"
        if n == 9:
            message["poll"] = {"question": "Question?", "total_voters": 3, "answers": []}
        messages.append(message)
    messages.append({"id": 31, "type": "service", "action": "pin_message", "date": "2020"})
    return {"name": "Fast Channel", "type": "public_channel", "id": 5, "messages": messages}


# page edits: markup the fast tokenizer reads itself
FAST_EDITS = {
    "references in attributes": ('title="', 'data-x="&amp;&quot;&#x41;&nbsp" title="'),
    "single quotes": ('class="body"', "class='body'"),
    "upper case": ('<div class="text">', '<DIV CLASS="text" Data-Y>'),
    "self-closing": ('<div class="body">', '<div class="body"><div class="text"/><br/>'),
    "stray end tags": ('<div class="body">', '<div class="body"></span></a></b>'),
    "twice a class": ('class="text"', 'class="x" class="text"'),
    "bad date": ('UTC+00:00"', 'UTC+00:00 &amp; x"', 1),
    "unclosed message": ('</div>\n\n     <div class="message', '\n     <div class="message', 2),
}
# markup left to html.parser
SLOW_EDITS = {
    "comment": ('<div class="body">', '<div class="body"><!-- a <b> comment -->'),
    "unquoted attribute": ('class="body"', "class=body"),
    "lone less-than": ('<div class="text">', '<div class="text">1 < 2'),
    "script with a reference": ("</script>", "a &amp; b</script>"),
    "no space between attributes": ('" title="', '"title="'),
}


def _records(first: Path, fast: bool, monkeypatch: pytest.MonkeyPatch) -> list[Item]:
    with monkeypatch.context() as patch:
        if not fast:
            patch.setattr(telegram_html, "_fast_feed", lambda page: False)
        pages = telegram_html.ExportPages(first)
        return list(telegram_html.read(cast(IO[bytes], pages), first))


def _edited(tmp_path: Path, name: str, edit: tuple[Any, ...]) -> Path:
    pages = write_html_export(tmp_path / name.replace(" ", "_"), _chat(), per_page=12)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        count = edit[2] if len(edit) > 2 else -1
        assert edit[0] in text, name
        page.write_text(text.replace(edit[0], edit[1], count), encoding="utf-8")
    return pages[0]


def _fast_taken(first: Path) -> list[bool]:
    """Whether each page of the export is read by the fast tokenizer."""
    state = telegram_html._State(telegram_html.ZoneInfo("UTC"))
    taken = []
    for page in telegram_html.ExportPages(first).paths:
        reader = telegram_html._Page(page, page.read_text(encoding="utf-8"), state)
        taken.append(telegram_html._fast_feed(reader))
    return taken


@pytest.mark.parametrize("name", sorted(FAST_EDITS))
def test_fast_markup_reads_as_html_parser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    first = _edited(tmp_path, name, FAST_EDITS[name])
    assert all(_fast_taken(first))
    fast, reference = _records(first, True, monkeypatch), _records(first, False, monkeypatch)
    assert fast == reference
    assert len(fast) > 3
    if name in ("bad date", "unclosed message"):
        assert any(type(item).__name__ == "Quarantined" for item in fast), fast


@pytest.mark.parametrize("name", sorted(SLOW_EDITS))
def test_other_markup_is_left_to_html_parser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    first = _edited(tmp_path, name, SLOW_EDITS[name])
    assert not any(_fast_taken(first))
    assert _records(first, True, monkeypatch) == _records(first, False, monkeypatch)


def test_plain_pages_read_fast_as_html_parser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = write_html_export(tmp_path / "plain", _chat(), per_page=12)
    assert _fast_taken(pages[0]) == [True, True, True]
    fast = _records(pages[0], True, monkeypatch)
    assert fast == _records(pages[0], False, monkeypatch)
    kinds = {type(item).__name__ for item in fast}
    assert {"NameSeen", "PostBatch", "Skipped"} <= kinds, kinds


def test_cut_page_is_left_to_html_parser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pages = write_html_export(tmp_path / "cut", _chat(), per_page=12)
    text = pages[1].read_text(encoding="utf-8")
    pages[1].write_text(text[: len(text) // 2], encoding="utf-8")
    fast = _records(pages[0], True, monkeypatch)
    assert fast == _records(pages[0], False, monkeypatch)
    assert any("truncated" in getattr(item, "reason", "") for item in fast)
