"""--delimiter is normalised once per ingest (``IngestOptions.field_delimiter``), not in
validate, in every table_spec (each file found, each file read) and in the options key
again; a bad one is reported when and as before: by validate, as a usage error, before
anything is stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.ingest import IngestOptions, ingest, tabular
from mutewatch.store import Store

MAP = {"account": "user", "time": "when", "text": "body"}


def _tables(folder: Path) -> Path:
    folder.mkdir()
    for n in (1, 2):
        rows = "".join(f"acc{n}\t2020-01-0{n}T10:0{i}:00\titem {i}\n" for i in range(3))
        (folder / f"part{n}.csv").write_text("user\twhen\tbody\n" + rows, encoding="utf-8")
    return folder


def test_the_delimiter_is_normalised_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str | None] = []
    check = tabular.check_delimiter

    def counting(delimiter: str | None) -> str | None:
        calls.append(delimiter)
        return check(delimiter)

    monkeypatch.setattr(tabular, "check_delimiter", counting)
    monkeypatch.setenv("MUTEWATCH_INGEST_PROCESS", "0")
    options = IngestOptions(platform="forum", mapping=dict(MAP), delimiter="tab")
    with Store.open(tmp_path / "s.duckdb") as store:
        report = ingest(store, [_tables(tmp_path / "in")], options)
        keys = [r[0] for r in store.con.execute("SELECT options FROM source_options").fetchall()]
    assert calls == ["tab"]
    assert (report.new, report.quarantined, len(report.files)) == (6, 0, 2)
    assert [json.loads(k)["delimiter"] for k in keys] == ["\t", "\t"]


@pytest.mark.parametrize("value", ["ab", '"'])
def test_a_bad_delimiter_is_reported_as_before(tmp_path: Path, value: str) -> None:
    folder = _tables(tmp_path / "in")
    store = tmp_path / "s.duckdb"
    args = ["--store", str(store), "ingest", str(folder), "--platform", "forum"]
    args += ["--map", "account=user", "--map", "time=when", "--delimiter", value]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert f"--delimiter {value!r} is not one character that can separate fields" in (result.output)
    assert "write one character, e.g. --delimiter ';' or --delimiter tab" in result.output
    with Store.open(store) as opened:
        assert opened.scalar("SELECT count(*) FROM sources") == 0
