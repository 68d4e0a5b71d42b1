"""Stores for the session-18 measurement tests: a CSV of posts read by the project's own
ingest (``mutewatch.ingest.ingest``, as ``mutewatch ingest --format csv`` reads it)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store

CSV = IngestOptions(
    format="csv", platform="twitter", mapping={"account": "user", "time": "when", "text": "body"}
)


def ingest_rows(
    folder: Path, rows: Sequence[tuple[str, ...]], account: str = "outlet_alpha"
) -> Path:
    """A store of ``(time, text)`` rows (``YYYY-MM-DD HH:MM:SS`` UTC); a time without a clock
    (``YYYY-MM-DD``) is at 10:00. ``rows`` may also give ``(account, time, text)``."""
    lines = []
    for row in rows:
        who, when, body = row if len(row) == 3 else (account, *row)
        lines.append(f'{who},{when if " " in when else f"{when} 10:00:00"},"{body}"\n')
    csv = folder / "rows.csv"
    csv.write_text("user,when,body\n" + "".join(lines), encoding="utf-8")
    path = folder / "store.duckdb"
    with Store.open(path) as store:
        report = ingest(store, [csv], CSV)
    assert (report.read, report.new) == (len(rows), len(rows)), report.as_dict()
    return path


def cli(store: Path, *args: str) -> Any:
    """``mutewatch --store STORE ARGS...``: the click result."""
    return CliRunner().invoke(main, ["--store", str(store), *args])
