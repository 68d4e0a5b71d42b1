"""`mutewatch output --by host` (text) shows links whose URL names no host (host '': cut
short inside it, "https://t.c…") as "(no host)", not as a blank cell; --json keeps ''."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from mutewatch.cli import main

ROWS = "user,when,body\n" + "".join(
    f"acct_a,2016-01-0{day} 10:00:00,placeholder https://t.co/Ab{day} and https://t.c…\n"
    for day in (1, 2)
)


def _output(tmp_path: Path, *extra: str) -> str:
    archive = tmp_path / "rows.csv"
    archive.write_text(ROWS, encoding="utf-8")
    store = ["--store", str(tmp_path / "s.duckdb")]
    mapping = ["--platform", "twitter", "--map", "account=user", "--map", "time=when"]
    runner = CliRunner()
    ingested = runner.invoke(main, [*store, "ingest", str(archive), *mapping, "--map", "text=body"])
    assert ingested.exit_code == 0, ingested.output
    result = runner.invoke(main, [*store, "output", "--by", "host", "--of", "all", *extra])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_text_table_names_no_host(tmp_path: Path) -> None:
    lines = _output(tmp_path).splitlines()
    assert any("(no host)" in line for line in lines)
    assert any("t.co" in line for line in lines)


def test_json_keeps_the_empty_host(tmp_path: Path) -> None:
    rows = json.loads(_output(tmp_path, "--json"))["rows"]
    assert {row["group"] for row in rows} == {"", "t.co"}
