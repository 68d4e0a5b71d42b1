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

MAPPING = {"account": "user", "time": "when", "text": "body"}


def ingest_rows(
    folder: Path,
    rows: Sequence[tuple[str, ...]],
    account: str = "outlet_alpha",
    *,
    platform: str = "twitter",
    ids: bool = False,
) -> Path:
    """A store of ``(time, text)`` rows (``YYYY-MM-DD HH:MM:SS`` UTC) on ``platform``; a
    time without a clock (``YYYY-MM-DD``) is at 10:00. ``rows`` may also give ``(account,
    time, text)``. ``ids``: each account's rows carry message ids 1, 2, 3, ... in order (on
    Telegram, ids that vouch for the archive's coverage: nothing missing between them)."""
    lines, counter = [], dict[str, int]()
    for row in sorted(rows, key=lambda r: r[-2]):
        who, when, body = row if len(row) == 3 else (account, *row)
        counter[who] = counter.get(who, 0) + 1
        lines.append(
            f'{who},{when if " " in when else f"{when} 10:00:00"},"{body}",{counter[who]}\n'
        )
    csv = folder / "rows.csv"
    csv.write_text("user,when,body,id\n" + "".join(lines), encoding="utf-8")
    mapping = {**MAPPING, "message_id": "id"} if ids else MAPPING
    options = IngestOptions(format="csv", platform=platform, mapping=mapping)
    path = folder / "store.duckdb"
    with Store.open(path) as store:
        report = ingest(store, [csv], options)
    assert (report.read, report.new) == (len(rows), len(rows)), report.as_dict()
    return path


def cli(store: Path, *args: str) -> Any:
    """``mutewatch --store STORE ARGS...``: the click result."""
    return CliRunner().invoke(main, ["--store", str(store), *args])
