"""A JSON array file (read with --format jsonl) carries on after a syntax error: the broken
element is quarantined with its file, element, byte offset, reason and raw text, and the
elements after it are read, as JSON Lines reads on after a bad line. Before, the first
syntax error made the rest of the file one record: every later element was lost (read 2
of 6 here). Only an element whose brackets or quotes never close leaves nothing that can be
told apart; then the rest of the file is ONE record naming where it began. Counts add up
(read = stored + duplicates + quarantined + skipped) in every case."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.ingest import IngestOptions, ingest, tabular
from mutewatch.store import Store

MAP = {"account": "user", "time": "when", "text": "body"}


def _row(n: int) -> dict[str, Any]:
    return {"user": f"acc{n % 3}", "when": f"2020-01-01T10:{n:02d}:00", "body": f"item {n}"}


def _elements(count: int) -> list[str]:
    return [json.dumps(_row(n)) for n in range(count)]


def _ingest(path: Path, tmp_path: Path) -> tuple[dict[str, int], list[str], list[dict[str, Any]]]:
    options = IngestOptions(format="jsonl", platform="forum", mapping=dict(MAP))
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [path], options)
        again = ingest(store, [path], options)
        texts = [str(r["text"]) for r in store.rows("SELECT text FROM posts ORDER BY ts")]
        quarantined = store.quarantine()
    counts = {k: v for k, v in report.as_dict().items() if isinstance(v, int)}
    assert counts["read"] == sum(counts[k] for k in ("new", "duplicates", "quarantined", "skipped"))
    assert again.new == 0 and again.read == report.read
    return counts, texts, quarantined


def _write(tmp_path: Path, text: str, name: str = "records.json") -> Path:
    path = tmp_path / name
    if name.endswith(".gz"):
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["records.json", "records.json.gz"])
@pytest.mark.parametrize("indent", [None, 2])
def test_a_broken_element_costs_itself_only(tmp_path: Path, name: str, indent: int | None) -> None:
    elements = [json.dumps(_row(n), indent=indent) for n in range(6)]
    elements[2] = '{"user": "acc2", "when": oops, "body": "item 2"}'
    elements[4] = '{"user": "acc1" "when": "2020-01-01T10:04:00"}'  # a missing comma
    path = _write(tmp_path, "[" + ",\n".join(elements) + "]", name)
    counts, texts, quarantined = _ingest(path, tmp_path)
    assert counts == {"read": 6, "new": 4, "duplicates": 0, "quarantined": 2, "skipped": 0}
    assert texts == ["item 0", "item 1", "item 3", "item 5"]
    assert [row["position"] for row in quarantined] == [2, 4]
    first = quarantined[0]
    assert first["file"] == str(path) and first["raw"] == elements[2]
    offset = len("[" + ",\n".join(elements[:2]) + ",\n")
    assert f"element 3 of the array (position 2, at byte {offset})" in first["reason"]
    assert "not valid JSON after element 2 of the array" in first["reason"]
    assert "the elements after it are read" in first["reason"]


def test_an_element_missing_its_closing_bracket_costs_itself_only(tmp_path: Path) -> None:
    """Its brackets never close, so the comma after it is not at the array's depth: the
    next element is found where the text stops being JSON and what follows decodes."""
    elements = _elements(5)
    elements[1] = '{"user": "acc1", "when": "2020-01-01T10:01:00", "body": {"unclosed": 1}'
    path = _write(tmp_path, "[" + ",".join(elements) + "]")
    counts, texts, quarantined = _ingest(path, tmp_path)
    assert counts == {"read": 5, "new": 4, "duplicates": 0, "quarantined": 1, "skipped": 0}
    assert texts == ["item 0", "item 2", "item 3", "item 4"]
    (row,) = quarantined
    assert row["position"] == 1 and row["raw"] == elements[1]
    assert "element 2 of the array (position 1, at byte" in row["reason"]


def test_an_element_that_never_closes_makes_the_rest_one_record(tmp_path: Path) -> None:
    elements = _elements(3)
    path = _write(tmp_path, "[" + ",".join(elements) + ',{"user": "acc1", "body": {"a": "b}]')
    counts, texts, quarantined = _ingest(path, tmp_path)
    assert counts == {"read": 4, "new": 3, "duplicates": 0, "quarantined": 1, "skipped": 0}
    (row,) = quarantined
    offset = len("[" + ",".join(elements) + ",")
    assert row["reason"].startswith(
        f"the file ends inside element 4 of the array (position 3, at byte {offset})"
    )
    assert "the rest of the file from there is set aside as this one record" in row["reason"]
    assert row["raw"] == '{"user": "acc1", "body": {"a": "b}]'


@pytest.mark.parametrize(
    ("tail", "stored", "reason"),
    [
        ("", 3, "the file ends after element 3 of the array without its closing bracket"),
        (',{"user": "acc1", "wh', 3, "the file ends inside element 4 of the array"),
        ('] ["x"]', 3, "text after the array's closing bracket"),
        (",]", 3, "an empty element (a comma with no value before it)"),
    ],
)
def test_the_end_of_the_array(tmp_path: Path, tail: str, stored: int, reason: str) -> None:
    path = _write(tmp_path, "[" + ",".join(_elements(3)) + tail)
    counts, texts, quarantined = _ingest(path, tmp_path)
    assert (counts["read"], counts["new"], counts["quarantined"]) == (stored + 1, stored, 1)
    assert texts == [f"item {n}" for n in range(stored)]
    assert reason in quarantined[0]["reason"]


def test_elements_across_blocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of 7 bytes: element boundaries, strings and escapes fall across every cut."""
    monkeypatch.setattr(tabular, "_BLOCK", 7)
    rows = [_row(n) | {"body": f'say "{n}", {{[x]}}, \\ done'} for n in range(40)]
    elements = [json.dumps(r) for r in rows]
    for bad in (5, 17, 18, 39):
        elements[bad] = elements[bad].replace('"when": "', '"when": ')
    path = _write(tmp_path, " [\n" + ",\n".join(elements) + "\n]\n")
    counts, texts, quarantined = _ingest(path, tmp_path)
    assert (counts["read"], counts["new"], counts["quarantined"]) == (40, 36, 4)
    assert [row["position"] for row in quarantined] == [5, 17, 18, 39]
    assert len(texts) == 36 and texts[0] == rows[0]["body"]


def test_an_element_too_long_to_hold(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tabular, "_BLOCK", 64)
    monkeypatch.setattr(tabular, "_ELEMENT_CAP", 200)
    elements = _elements(3)
    elements[1] = json.dumps([{"x": "y" * 50} for _ in range(20)])  # one long element
    path = _write(tmp_path, "[" + ",".join(elements) + "]")
    counts, texts, quarantined = _ingest(path, tmp_path)
    assert (counts["read"], counts["new"], counts["quarantined"]) == (3, 2, 1)
    assert texts == ["item 0", "item 2"]
    assert "is longer than" in quarantined[0]["reason"]
    assert quarantined[0]["raw"].startswith('[{"x": "yyy')


def test_a_byte_order_mark_and_another_encoding(tmp_path: Path) -> None:
    elements = _elements(3)
    elements[1] = elements[1].replace("item 1", "caf\u00e9 \u00ff")
    text = "[" + ",".join(elements) + "]"
    path = tmp_path / "records.json"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    counts, texts, _ = _ingest(path, tmp_path)
    assert counts["new"] == 3 and "caf\u00e9 \u00ff" in texts
    latin = tmp_path / "latin.json"
    latin.write_bytes(text.encode("latin-1"))
    options = IngestOptions(format="jsonl", platform="forum", mapping=dict(MAP))
    with Store.open(tmp_path / "latin.duckdb") as store:
        first = ingest(store, [latin], options)
        (row,) = store.quarantine()
        options.encoding = "latin-1"
        again = ingest(store, [latin], options)
        stored = store.rows("SELECT count(*) AS n FROM posts")[0]["n"]
    assert (first.new, first.quarantined) == (2, 1)  # the element, not the rest of the file
    assert row["position"] == 1 and "element 2 of the array (position 1" in row["reason"]
    assert again.quarantined == 0 and stored == 3


def test_the_cli_lists_each_broken_element(tmp_path: Path) -> None:
    elements = _elements(4)
    elements[1] = '{"user": "acc1", "when": nope}'
    path = _write(tmp_path, "[" + ",".join(elements) + "]")
    store = str(tmp_path / "s.duckdb")
    args = ["--store", store, "ingest", str(path), "--format", "jsonl", "--platform", "forum"]
    for field, column in MAP.items():
        args += ["--map", f"{field}={column}"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    listed = CliRunner().invoke(main, ["--store", store, "quarantine", "--json"])
    assert listed.exit_code == 0, listed.output
    text = listed.output
    assert "records.json" in text and "element 2 of the array (position 1" in text
    assert '\\"when\\": nope' in text or "nope" in text
    status = CliRunner().invoke(main, ["--store", store, "status", "--json"])
    assert json.loads(status.output)["posts"] == 3


def test_runs_around_many_bad_elements(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs of good elements are decoded at once; a run holding a bad element is halved
    down to a short one, scanned token by token, and runs go on after it."""
    monkeypatch.setattr(tabular, "_PIECE", 256)
    elements = _elements(60)
    for bad in range(3, 60, 7):
        elements[bad] = elements[bad].replace('"when": "', '"when": "x", "')[:-1] + ",}"
    path = _write(tmp_path, "[" + ", ".join(elements) + "]")
    counts, texts, quarantined = _ingest(path, tmp_path)
    assert [row["position"] for row in quarantined] == list(range(3, 60, 7))
    assert (counts["read"], counts["new"]) == (60, 60 - len(quarantined))


def test_a_missing_quote_costs_its_element_only(tmp_path: Path) -> None:
    """A quote missing on one line pairs the quotes after it anew, so the token scan takes
    later elements into the broken one; it is cut where the text stops being JSON and what
    follows decodes, and reading goes on there."""
    elements = _elements(8)
    elements[2] = elements[2].replace('"when": "', '"when": ')
    elements[5] = elements[5].replace('"when": "', '"when": ')
    path = _write(tmp_path, "[" + ",".join(elements) + "]")
    counts, texts, quarantined = _ingest(path, tmp_path)
    assert (counts["read"], counts["new"], counts["quarantined"]) == (8, 6, 2)
    assert texts == [f"item {n}" for n in (0, 1, 3, 4, 6, 7)]
    assert [row["raw"] for row in quarantined] == [elements[2], elements[5]]
