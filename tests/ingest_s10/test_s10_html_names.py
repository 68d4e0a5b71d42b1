"""An HTML export's chat name is the JSON export's name of the same chat, spaces and all.

Telegram Desktop writes the chat name in the page header as the name, a space and the
(empty) last name, between the page's line breaks and indentation; a no-break space stays
a raw U+00A0 (or reads as ``&nbsp;``). Before, the reader collapsed every run of white
space, so 'Province  07<NBSP>Media Office' became 'Province 07 Media Office': another
account id (``name:...``), another name, and a registry entry naming the channel as the
JSON export does matched only the JSON twin. The same holds for forwarded-from names and
signatures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mutewatch.demo import write_export
from mutewatch.demo_html import write_html_export
from mutewatch.ingest import IngestOptions, ingest
from mutewatch.outlets import load_registry
from mutewatch.store import Store

NAME = "Province  07\u00a0Media Office"  # a double space and a no-break space
SOURCE = "Source  Channel"
COLUMNS = "message_id, ts, kind, text, forwarded_from, reply_to, author"
REGISTRY = f"""outlets:
  - name: "Province 07"
    official: true
    accounts:
      - {{platform: telegram, id: "1700000007"}}
      - {{platform: telegram, name: "{NAME}"}}
"""


def _chat() -> dict[str, Any]:
    messages: list[dict[str, Any]] = []
    for n in range(1, 7):
        m: dict[str, Any] = {
            "id": n,
            "type": "message",
            "date": "2026-01-01T00:00:00",
            "date_unixtime": str(1_767_225_600 + 1200 * n),
            "from": NAME,
            "from_id": "channel1700000007",
            "text": f"Item {n}",
        }
        if n % 3 == 0:
            m["forwarded_from"] = SOURCE
        if n == 2:
            m["author"] = "Desk  One"
        messages.append(m)
    return {"name": NAME, "type": "public_channel", "id": 1700000007, "messages": messages}


def _ingest(path: Path, source: Path, registry: Path) -> Store:
    store = Store.open(path)
    ingest(store, [source], IngestOptions())
    load_registry(store, registry)
    return store


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("names")
    chat = _chat()
    json_file = write_export(root / "json" / "result.json", [chat])
    pages = write_html_export(root / "html", chat)
    entity = root / "entity"  # the no-break space written as &nbsp;
    entity.mkdir()
    text = pages[0].read_text(encoding="utf-8").replace("\u00a0", "&nbsp;")
    (entity / "messages.html").write_text(text, encoding="utf-8")
    registry = root / "outlets.yaml"
    registry.write_text(REGISTRY, encoding="utf-8")
    made = [
        _ingest(root / f"{n}.duckdb", src, registry)
        for n, src in (("json", json_file), ("html", root / "html"), ("entity", entity))
    ]
    yield made
    for store in made:
        store.close()


def rows(store: Store, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in store.con.execute(sql).fetchall()]


def test_the_header_keeps_the_names_spaces(tmp_path: Path) -> None:
    page = write_html_export(tmp_path, _chat())[0].read_text(encoding="utf-8")
    assert f"\n{NAME} \n" in page  # as Telegram Desktop writes it: name, space, last name


@pytest.mark.parametrize("which", [1, 2])
def test_the_html_name_is_the_json_name(stores: list[Store], which: int) -> None:
    html = stores[which]
    assert rows(html, "SELECT DISTINCT account_id FROM posts") == [(f"name:{NAME}",)]
    assert rows(html, "SELECT account_id, name FROM account_names") == [(f"name:{NAME}", NAME)]
    assert rows(stores[0], "SELECT name FROM account_names") == [(NAME,)]


@pytest.mark.parametrize("which", [1, 2])
def test_posts_agree_forwards_and_signatures_included(stores: list[Store], which: int) -> None:
    posts = f"SELECT {COLUMNS} FROM posts ORDER BY message_id"
    from_json, from_html = rows(stores[0], posts), rows(stores[which], posts)
    assert len(from_json) == 6 and from_html == from_json
    assert {r[4] for r in from_html} == {None, SOURCE}
    assert [r[6] for r in from_html if r[6]] == ["Desk  One"]


@pytest.mark.parametrize("which", [0, 1, 2])
def test_the_registry_names_the_channel_in_both(stores: list[Store], which: int) -> None:
    attributed = "SELECT DISTINCT o.name, p.official FROM posts p JOIN outlets o USING (outlet_id)"
    assert rows(stores[which], attributed) == [("Province 07", True)]
