"""`mutewatch ingest` says so when every record of a file was quarantined (a wrong option is
the usual cause), naming the file, the first reason and what to do; a file that stored
anything gets no such hint."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from mutewatch.cli import main

ROWS = "user,date,text\na,2016-01-02 10:00,x\nb,2016-01-03 11:00,y\n"
MAPPING = ["--platform", "forum", "--map", "account=user", "--map", "time=date"]


def _ingest(tmp_path: Path, *extra: str) -> tuple[int, str, str]:
    archive = tmp_path / "rows.csv"
    archive.write_text(ROWS, encoding="utf-8")
    args = ["--store", str(tmp_path / "s.duckdb"), "ingest", str(archive), *MAPPING, *extra]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.stdout, result.stderr


def test_a_file_wholly_quarantined_gets_a_hint(tmp_path: Path) -> None:
    code, _, err = _ingest(tmp_path, "--time-format", "%m/%d/%Y %H:%M")
    assert code == 0
    assert "Nothing from " in err and "rows.csv was stored: all 2 record(s)" in err
    assert "'2016-01-02 10:00' in column 'date' does not match --time-format" in err
    assert "run the same ingest with it corrected" in err


def test_a_file_that_stored_posts_gets_none(tmp_path: Path) -> None:
    code, _, err = _ingest(tmp_path)
    assert code == 0
    assert "Nothing from" not in err


def test_the_json_accounting_is_unchanged(tmp_path: Path) -> None:
    code, out, err = _ingest(tmp_path, "--time-format", "%m/%d/%Y %H:%M", "--json")
    assert code == 0
    assert '"quarantined": 2' in out and "Nothing from" not in out
    assert "Nothing from" in err
