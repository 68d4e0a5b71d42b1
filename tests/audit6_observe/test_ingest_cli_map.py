"""`--map` names one column per field: a field mapped twice is a usage error, not the
last one silently."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from mutewatch.cli import main


def test_a_field_mapped_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text('{"acc": "a", "t": "2016-01-01T00:00:00"}\n')
    args = ["--store", str(tmp_path / "s.duckdb"), "ingest", str(path), "--platform", "web"]
    args += ["--map", "account=acc", "--map", "time=t", "--map", "account=t"]
    out = CliRunner().invoke(main, args)
    assert out.exit_code == 2
    assert "account is mapped twice (account=acc and account=t)" in out.output
    assert not (tmp_path / "s.duckdb").exists()
    same = CliRunner().invoke(main, [*args[:-2], "--map", " account = acc "])
    assert same.exit_code == 0, same.output


def test_a_time_format_strptime_cannot_use_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text('{"acc": "a", "t": "2016-01-01"}\n')
    args = ["--store", str(tmp_path / "s.duckdb"), "ingest", str(path), "--platform", "web"]
    args += ["--map", "account=acc", "--map", "time=t", "--time-format"]
    for bad in ("%Q", "%Y-%m-%d %"):
        out = CliRunner().invoke(main, [*args, bad])
        assert out.exit_code == 2 and "is not a strptime format" in out.output
    out = CliRunner().invoke(main, [*args, "%Y-%m-%d"])
    assert out.exit_code == 0, out.output
