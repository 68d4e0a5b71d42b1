"""Stores for the session-17 measurement tests, ingested as README.md shows a CSV of tweets."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from mutewatch.cli import main


def ingest_rows(folder: Path, rows: list[tuple[str, str]]) -> Path:
    """A store of one account's ``(day, text)`` rows, each at 10:00 UTC."""
    csv = folder / "rows.csv"
    text = "".join(f'outlet_alpha,{day} 10:00:00,"{body}"\n' for day, body in rows)
    csv.write_text("user,when,body\n" + text, encoding="utf-8")
    store = folder / "store.duckdb"
    args = ["--store", str(store), "ingest", str(csv), "--format", "csv", "--platform"]
    args += ["twitter", "--map", "account=user", "--map", "time=when", "--map", "text=body"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return store
