"""The hint for a wholly quarantined file names the first record of the file, by position:
DuckDB's INSERT OR IGNORE does not keep a batch's order (two rows came back swapped in about
half the runs), so the quarantine table's row order is not the file's order."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from mutewatch.cli import main


def test_each_hint_names_the_first_record_of_its_file(tmp_path: Path) -> None:
    archives = []
    for n in range(6):
        archive = tmp_path / f"rows{n}.csv"
        archive.write_text(
            f"user,date,text\na,2016-01-0{n + 1} 10:00,x\nb,2016-02-0{n + 1} 11:00,y\n",
            encoding="utf-8",
        )
        archives.append(str(archive))
    args = ["--store", str(tmp_path / "s.duckdb"), "ingest", *archives, "--platform", "forum"]
    args += ["--map", "account=user", "--map", "time=date", "--time-format", "%m/%d/%Y"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    hints = [line for line in result.stderr.splitlines() if line.startswith("Nothing from")]
    assert len(hints) == 6
    for n, hint in enumerate(sorted(hints)):
        assert f"rows{n}.csv was stored: all 2 record(s)" in hint
        assert f"The first: no parseable time: '2016-01-0{n + 1} 10:00' in column" in hint
