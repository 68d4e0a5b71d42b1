"""An account's latest name does not depend on the order its files are ingested in.

Ingest takes each account's latest name (``accounts.name``) from account_names: the name
seen last. Names seen last at the same instant (two rows of a minute-resolution CSV under
two names) were picked by ``arg_max`` on the time alone, which took whichever tied row it
met first: the same two files ingested one way round named the account "Name One", the
other way round "Name Two". A tie now goes to the name first seen later (the newer name),
then to the least name in code-point order (``SourceWriter._refresh_latest_names``).

Synthetic JSON Lines files of placeholder posts, one account ``c1`` whose display name is a
column, ingested into real DuckDB stores."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.store import Store

MAPPING = {"account": "name", "account_id": "cid", "time": "t", "text": "txt", "message_id": "mid"}
TIE = "2020-01-05T10:00:00"


def _row(mid: int, name: str, t: str) -> dict[str, Any]:
    return {"cid": "c1", "name": name, "t": t, "mid": mid, "txt": f"placeholder {mid}"}


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _name(store: Path, runs: list[list[Path]]) -> str:
    """The account's name after ingesting ``runs`` in order (each run a list of files)."""
    with Store.open(store) as opened:
        for files in runs:
            ingest(opened, files, IngestOptions(platform="web", mapping=MAPPING))
    with duckdb.connect(str(store), read_only=True) as con:
        rows = con.execute("SELECT name FROM accounts WHERE account_id = 'c1'").fetchall()
    assert len(rows) == 1
    return str(rows[0][0])


def _every_order(folder: Path, a: Path, b: Path) -> dict[str, str]:
    """The name after: a then b, b then a, and both in one run (each order)."""
    runs = {
        "a,b": [[a], [b]],
        "b,a": [[b], [a]],
        "ab": [[a, b]],
        "ba": [[b, a]],
    }
    return {key: _name(folder / f"{key.replace(',', '-')}.duckdb", r) for key, r in runs.items()}


def test_names_last_seen_at_once_give_the_least_name_in_any_order(tmp_path: Path) -> None:
    # one post each, at the same minute, under two names: neither is newer
    a = _write(tmp_path / "a.jsonl", [_row(1, "Name One", TIE)])
    b = _write(tmp_path / "b.jsonl", [_row(2, "Name Two", TIE)])
    assert _every_order(tmp_path, a, b) == dict.fromkeys(("a,b", "b,a", "ab", "ba"), "Name One")


def test_on_a_tie_the_name_first_seen_later_is_the_latest(tmp_path: Path) -> None:
    # "Name B" is seen from January 1st, "Name A" first at the tie: "Name A" is the newer
    # one (not the least name, so the code-point rule alone would not pick it)
    a = _write(
        tmp_path / "a.jsonl", [_row(1, "Name B", "2020-01-01T10:00:00"), _row(2, "Name B", TIE)]
    )
    b = _write(tmp_path / "b.jsonl", [_row(3, "Name A", TIE)])
    names = _every_order(tmp_path, b, a)
    assert names == dict.fromkeys(("a,b", "b,a", "ab", "ba"), "Name A")
    with duckdb.connect(str(tmp_path / "a-b.duckdb"), read_only=True) as con:
        seen = con.execute(
            "SELECT name, first_seen, last_seen FROM account_names ORDER BY name"
        ).fetchall()
    assert [(n, str(f), str(last)) for n, f, last in seen] == [
        ("Name A", "2020-01-05 10:00:00", "2020-01-05 10:00:00"),
        ("Name B", "2020-01-01 10:00:00", "2020-01-05 10:00:00"),
    ]


def test_rows_of_one_file_in_either_order_give_the_same_name(tmp_path: Path) -> None:
    one = [_row(1, "Name One", TIE), _row(2, "Name Two", TIE)]
    forward = _write(tmp_path / "forward.jsonl", one)
    backward = _write(tmp_path / "backward.jsonl", one[::-1])
    assert _name(tmp_path / "forward.duckdb", [[forward]]) == "Name One"
    assert _name(tmp_path / "backward.duckdb", [[backward]]) == "Name One"


def test_a_name_seen_later_still_wins(tmp_path: Path) -> None:
    # no tie: the name seen last is the latest, whatever its place in code-point order
    a = _write(tmp_path / "a.jsonl", [_row(1, "Name A", "2020-01-01T10:00:00")])
    b = _write(tmp_path / "b.jsonl", [_row(2, "Name Z", "2020-01-01T10:00:00")])
    c = _write(tmp_path / "c.jsonl", [_row(3, "Name M", "2020-01-02T10:00:00")])
    assert _name(tmp_path / "abc.duckdb", [[a], [b], [c]]) == "Name M"
    assert _name(tmp_path / "cba.duckdb", [[c], [b], [a]]) == "Name M"
