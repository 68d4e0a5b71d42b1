"""An HTML full-account export's own conversations are no outlets, as in JSON (04e703d).

A chat's HTML pages carry no chat type, so a one-to-one chat exported as HTML was read as
a channel. A full-account HTML export lists its chats in ``lists/chats.html``, and
Telegram Desktop writes each entry's type there ("private": a one-to-one chat, Saved
Messages, Replies; "bot"; "group"; "channel"; export_output_html.cpp, writeDialogEnd),
linking it to ``chats/chat_NNN/messages.html``. Now a chat the list calls private or bot is
skipped (``chat:private``, ``chat:bot``) and nothing of it is stored. A single-chat HTML
export names no type anywhere and is read as before (the README says so). Synthetic
exports: made-up names, placeholder text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mutewatch.demo_html import write_html_export
from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store

T = 1709287200  # 2024-03-01T10:00:00Z
# (folder, name, listed type, senders of its messages)
CHATS = [
    ("chat_01", "Sample Contact", "private", ["Sample Contact", "Demo", "Sample Contact"]),
    ("chat_02", "Sample Bot", "bot", ["Sample Bot"]),
    ("chat_03", "Sample Channel", "channel", ["Sample Channel", "Sample Channel"]),
    ("chat_04", "Sample Group", "group", ["Member One", "Member Two"]),
]


def _chat(name: str, senders: list[str]) -> dict[str, Any]:
    messages = [
        {
            "id": i,
            "type": "message",
            "date": "2024-03-01T10:00:00",
            "date_unixtime": str(T + 60 * i),
            "from": sender,
            "text": f"placeholder {i}",
        }
        for i, sender in enumerate(senders, start=1)
    ]
    return {"name": name, "type": "unused by HTML", "id": 1, "messages": messages}


def _entry(folder: str, name: str, kind: str, count: int) -> str:
    # the markup of HtmlWriter::Wrap::pushGenericListEntry
    return f"""
 <a class="entry block_link clearfix" href="../chats/{folder}/messages.html#allow_back">
  <div class="pull_left userpic_wrap">
   <div class="userpic userpic2" style="width: 48px; height: 48px">
    <div class="initials" style="line-height: 48px">S</div>
   </div>
  </div>
  <div class="body">
   <div class="pull_right info details">
{kind}
   </div>
   <div class="name bold">
{name}
   </div>
   <div class="details_entry details">
{count} messages
   </div>
  </div>
 </a>"""


def _account_export(root: Path, listed: bool = True) -> Path:
    export = root / "DataExport_2024-03-02"
    for folder, name, _, senders in CHATS:
        write_html_export(export / "chats" / folder, _chat(name, senders))
    if listed:
        entries = "".join(_entry(f, n, k, len(s)) for f, n, k, s in CHATS)
        (export / "lists").mkdir(parents=True)
        (export / "lists" / "chats.html").write_text(
            '<!DOCTYPE html>\n<html>\n <body>\n  <div class="page_wrap">\n'
            '   <div class="page_body list_page">\n    <div class="entry_list">'
            f"{entries}\n    </div>\n   </div>\n  </div>\n </body>\n</html>\n",
            encoding="utf-8",
        )
    return export


def test_listed_private_and_bot_chats_are_skipped(tmp_path: Path) -> None:
    export = _account_export(tmp_path)
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [export], IngestOptions(tz="UTC"))
        # old code: new 8, skipped 0
        assert (report.read, report.new, report.quarantined, report.skipped) == (8, 4, 0, 4)
        accounts = store.rows("SELECT account_id FROM accounts ORDER BY account_id")
        assert [a["account_id"] for a in accounts] == ["name:Sample Channel", "name:Sample Group"]
        names = store.rows("SELECT DISTINCT name FROM account_names ORDER BY name")
        assert [n["name"] for n in names] == ["Sample Channel", "Sample Group"]
        assert store.scalar("SELECT count(*) FROM posts WHERE text LIKE '%Contact%'") == 0


def test_without_a_chat_list_every_chat_is_read(tmp_path: Path) -> None:
    """A chat folder whose export has no lists/chats.html (or a single-chat export): no
    type is known, so nothing is skipped (the limit the README states)."""
    export = _account_export(tmp_path, listed=False)
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [export], IngestOptions(tz="UTC"))
        assert (report.read, report.new, report.skipped) == (8, 8, 0)
