"""``outlets list --json`` gives each outlet's id, as ``/outlets/{id}`` and the API take it.

Outlets were listed by name only, so the id that ``/outlets/{id}``, ``/api/v1/outlets/{id}``
and ``?outlet_id=`` take (and that the API's "no outlet with id" points to
``/api/v1/outlets`` for) could be found nowhere on the command line. Now each outlet of
``outlets list --json`` (and of ``/api/v1/outlets``, the same library call) has an
``outlet_id`` key; the other keys and the text table are as they were.
"""

from __future__ import annotations

import json
from pathlib import Path

from mutewatch.store import Store
from mutewatch.web import queries

from .conftest import ingest_accounts, outlet_ids, registry, run

KEYS = ["outlet", "official", "region", "registered", "accounts", "account_ids", "posts"]


def test_each_listed_outlet_has_the_id_its_page_takes(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    ingest_accounts(store, tmp_path / "a.csv", ["mm_b", "mm_c", "mm_d"])
    run(store, "outlets", "load", str(registry(tmp_path / "r.yaml", [("Office C", "mm_c")])))
    ingest_accounts(store, tmp_path / "b.csv", ["mm_a"])

    listed = json.loads(run(store, "outlets", "list", "--json"))["outlets"]
    assert [o["outlet"] for o in listed] == ["Office C", "mm_a", "mm_b", "mm_d"]
    assert {o["outlet"]: o["outlet_id"] for o in listed} == outlet_ids(store)
    assert [o["outlet_id"] for o in listed] == [4, 5, 1, 3]
    with Store.open(store, read_only=True) as opened:
        for outlet in listed:
            assert set(KEYS + ["first", "last", "outlet_id"]) == set(outlet)
            detail = queries.outlet_detail(opened, outlet["outlet_id"])
            assert detail["outlet"]["name"] == outlet["outlet"]
            assert [f"{a['platform']}:{a['account_id']}" for a in detail["accounts"]] == (
                outlet["account_ids"]
            )


def test_the_text_table_keeps_its_columns(tmp_path: Path) -> None:
    """No id column: at 80 columns the table already cuts its dates short."""
    store = tmp_path / "store.duckdb"
    ingest_accounts(store, tmp_path / "a.csv", ["mm_b"])
    text = run(store, "outlets", "list")
    header = next(line for line in text.splitlines() if "outlet" in line and "posts" in line)
    assert header.replace("┃", " ").split() == [
        "outlet", "official", "registered", "accounts", "posts", "first", "last"
    ]  # fmt: skip
