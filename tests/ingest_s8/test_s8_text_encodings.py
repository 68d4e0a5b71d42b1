"""Tabular text in other encodings and layouts: a byte-order mark (UTF-8, UTF-16) is
followed, --encoding reads a legacy codec, a .tsv file or --delimiter separates fields by
another character; every row is stored, the counts add up, and a row with bytes that are
not of the encoding is quarantined naming its column."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from mutewatch.errors import UsageError
from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store

MAP = {"account": "user", "time": "when", "text": "body"}
ROWS = [
    ("acc1", "2020-01-01T10:00:00", "placeholder one"),
    ("acc2", "2020-01-02T11:00:00", "placeholder café two"),
    ("acc1", "2020-01-03T12:00:00", "line one\nline two"),
]
TEXTS = sorted(r[2] for r in ROWS)


def _csv(sep: str = ",") -> str:
    def cell(value: str) -> str:
        return f'"{value}"' if "\n" in value or sep in value else value

    lines = [sep.join(("user", "when", "body"))]
    lines += [sep.join(cell(v) for v in row) for row in ROWS]
    return "\n".join(lines) + "\n"


def _jsonl() -> str:
    return "".join(
        json.dumps(dict(zip(("user", "when", "body"), r, strict=True))) + "\n" for r in ROWS
    )


FILES: dict[str, tuple[str, bytes, dict[str, str]]] = {
    # name: (file name, bytes, extra options)
    "utf16_csv": ("posts.csv", _csv().encode("utf-16"), {}),
    "utf16be_csv": ("posts.csv", codecs.BOM_UTF16_BE + _csv().encode("utf-16-be"), {}),
    "utf8_bom_jsonl": ("posts.jsonl", codecs.BOM_UTF8 + _jsonl().encode(), {}),
    "utf16_jsonl": ("posts.jsonl", _jsonl().encode("utf-16"), {}),
    "latin1_csv": ("posts.csv", _csv().encode("latin-1"), {"encoding": "latin-1"}),
    "cp1252_jsonl": ("posts.jsonl", _jsonl().encode("cp1252"), {"encoding": "cp1252"}),
    "tsv": ("posts.tsv", _csv("\t").encode(), {}),
    "semicolon_csv": ("posts.csv", _csv(";").encode(), {"delimiter": ";"}),
    "tab_word_csv": ("posts.csv", _csv("\t").encode(), {"delimiter": "tab"}),
}


@pytest.fixture(scope="module")
def ingested(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, tuple[dict[str, int], list[str]]]:
    """Each file ingested into its own store: its counts and the texts stored."""
    out = {}
    for key, (name, data, extra) in FILES.items():
        folder = tmp_path_factory.mktemp(key)
        path = folder / name
        path.write_bytes(data)
        options = IngestOptions(platform="forum", mapping=dict(MAP), **extra)
        with Store.open(folder / "s.duckdb") as store:
            report = ingest(store, [path], options)
            texts = [str(t) for (t,) in store.con.execute("SELECT text FROM posts").fetchall()]
        counts = {k: v for k, v in report.as_dict().items() if isinstance(v, int)}
        out[key] = (counts, sorted(texts))
    return out


@pytest.mark.parametrize("key", list(FILES))
def test_every_row_is_stored_with_its_text(
    ingested: dict[str, tuple[dict[str, int], list[str]]], key: str
) -> None:
    counts, texts = ingested[key]
    assert counts == {"read": 3, "new": 3, "duplicates": 0, "quarantined": 0, "skipped": 0}
    assert texts == TEXTS


def test_a_row_not_of_the_encoding_is_quarantined_naming_its_column(tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_bytes(
        b"user,when,body\nacc1,2020-01-01T10:00:00,fine\nacc2,2020-01-01T11:00:00,bad \x81 byte\n"
    )
    options = IngestOptions(platform="forum", mapping=dict(MAP), encoding="cp1252")
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [path], options)
        assert (report.read, report.new, report.quarantined) == (2, 1, 1)
        (row,) = store.quarantine()
    assert row["file"] == str(path) and row["position"] == 1
    assert row["reason"].startswith("bytes that are not cp1252 in column 'body'")


def test_reading_again_with_the_right_encoding_stores_what_was_quarantined(
    tmp_path: Path,
) -> None:
    path = tmp_path / "posts.csv"
    path.write_bytes(_csv().encode("latin-1"))
    with Store.open(tmp_path / "s.duckdb") as store:
        plain = ingest(store, [path], IngestOptions(platform="forum", mapping=dict(MAP)))
        assert (plain.new, plain.quarantined) == (2, 1)  # the row with é is not UTF-8
        again = ingest(
            store, [path], IngestOptions(platform="forum", mapping=dict(MAP), encoding="latin-1")
        )
        assert again.files[0].status == "re-read with other options"
        assert (again.new, again.duplicates, again.quarantined) == (1, 2, 0)
        assert store.quarantine() == []
        assert store.scalar("SELECT count(*) FROM posts") == 3


@pytest.mark.parametrize(
    ("option", "value"), [("encoding", "no-such-codec"), ("delimiter", "ab"), ("delimiter", "\n")]
)
def test_bad_encoding_or_delimiter_is_a_usage_error(option: str, value: str) -> None:
    options = IngestOptions(platform="forum", mapping=dict(MAP), **{option: value})
    with pytest.raises(UsageError, match=f"--{option}"):
        options.validate()
