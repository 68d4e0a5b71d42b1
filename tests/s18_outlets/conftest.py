"""Stores for the session-18 outlet tests, ingested as README.md shows a CSV of tweets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
from click.testing import CliRunner

from mutewatch.cli import main


def run(store: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["--store", str(store), *args])
    assert result.exit_code == 0, result.output
    return result.output


def ingest_accounts(store: Path, csv: Path, accounts: list[str]) -> None:
    """Ingest one post a day per account (2016-01-01 on), one CSV, one ingest call."""
    text = "".join(
        f"{a},2016-01-{i + 1:02d} 10:00:00,post of {a}\n" for i, a in enumerate(accounts)
    )
    csv.write_text("user,when,body\n" + text, encoding="utf-8")
    run(
        store,
        "ingest",
        str(csv),
        "--format",
        "csv",
        "--platform",
        "twitter",
        "--map",
        "account=user",
        "--map",
        "time=when",
        "--map",
        "text=body",
    )


def registry(path: Path, outlets: list[tuple[str, str]]) -> Path:
    """A registry of (outlet name, twitter account id) entries, official, in this order."""
    entries = "".join(
        f'  - name: "{name}"\n    official: true\n    accounts:\n'
        f'      - {{platform: twitter, id: "{account}"}}\n'
        for name, account in outlets
    )
    path.write_text("outlets:\n" + entries, encoding="utf-8")
    return path


def outlet_ids(store: Path) -> dict[str, int]:
    """Each outlet's id by its name."""
    con = duckdb.connect(str(store), read_only=True)
    try:
        return dict(con.execute("SELECT name, outlet_id FROM outlets").fetchall())
    finally:
        con.close()


def by_outlet(store: Path) -> dict[str, list[Any]]:
    """``output --by outlet --json --of all``: each outlet's (period, count) rows."""
    data = json.loads(run(store, "output", "--by", "outlet", "--of", "all", "--json"))
    rows: dict[str, list[Any]] = {}
    for row in data["rows"]:
        rows.setdefault(row["group"], []).append((row["period"], row["count"]))
    return rows
