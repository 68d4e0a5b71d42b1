"""A file of a header line with no line end after it (an export of no rows, as some tools
write it) was refused as "not a readable CSV file: Empty CSV file or block", where the same
header with a line end reads as 0 rows. Now both read as 0 rows, and a header lacking a
mapped column is still named as such."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from test_a11_csv_long_values import _ingest

from mutewatch.cli import main


def test_a_header_alone_without_a_line_end(tmp_path: Path) -> None:
    for name, data in (("bare.csv", b"who,when,body"), ("ended.csv", b"who,when,body\r\n")):
        (tmp_path / name).write_bytes(data)
        report = _ingest(tmp_path / f"{name}.duckdb", tmp_path / name)
        assert (report["read"], report["new"], report["quarantined"]) == (0, 0, 0)
    # a missing column is still named, as for a header with a line end
    result = CliRunner().invoke(
        main,
        ["--store", str(tmp_path / "x.duckdb"), "ingest", str(tmp_path / "bare.csv")]
        + ["--platform", "forum", "--map", "account=user", "--map", "time=when"],
    )
    assert result.exit_code != 0 and "no column 'user' (account)" in result.output
