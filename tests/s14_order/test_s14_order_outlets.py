"""Lists whose order reaches output are in a total order, not in the order DuckDB happens to
hold or return rows (which changes with the order files are ingested in, with hash tables
and threads: an account list came back in another order in 1 run of 4 with the same file).

Each store is built from the same accounts written in another order, so an order that
follows the rows' physical order shows as a difference between stores."""

from __future__ import annotations

import json
import random
from pathlib import Path

from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.store import Store
from mutewatch.web import queries

ACCOUNTS = [f"acct{n:02d}" for n in range(12)]


def _store(
    folder: Path, rows: list[str], *, header: str = "user,date,text", more: tuple[str, ...] = ()
) -> Path:
    """A store holding ``rows`` of one CSV (forum platform), every account under one outlet."""
    folder.mkdir()
    archive = folder / "posts.csv"
    archive.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    registry = folder / "outlets.yaml"
    listed = "".join(f"      - {{platform: forum, name: {a}}}\n" for a in ACCOUNTS)
    registry.write_text(
        f"outlets:\n  - name: Outlet One\n    official: true\n    accounts:\n{listed}",
        encoding="utf-8",
    )
    store = folder / "s.duckdb"
    mapping = ["--map", "account=user", "--map", "time=date"]
    for field in more:
        mapping += ["--map", field]
    ingest = ["--store", str(store), "ingest", str(archive), "--platform", "forum", *mapping]
    result = CliRunner().invoke(main, ingest)
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(main, ["--store", str(store), "outlets", "load", str(registry)])
    assert result.exit_code == 0, result.output
    return store


def _shuffled(seed: int) -> list[str]:
    order = list(ACCOUNTS)
    random.Random(seed).shuffle(order)
    return order


def test_outlets_list_gives_each_outlets_account_ids_sorted(tmp_path: Path) -> None:
    """``list(DISTINCT x ORDER BY 1)`` orders by the constant 1, so the ids came in the
    order the join met the accounts: another order in other runs with the same file."""
    for seed in range(4):
        rows = [f"{a},2016-01-0{1 + i % 9} 10:00,post {a}" for i, a in enumerate(_shuffled(seed))]
        store = _store(tmp_path / f"s{seed}", rows)
        result = CliRunner().invoke(main, ["--store", str(store), "outlets", "list", "--json"])
        assert result.exit_code == 0, result.output
        (outlet,) = json.loads(result.output)["outlets"]
        assert outlet["account_ids"] == [f"forum:{a}" for a in ACCOUNTS]


def test_outlet_detail_orders_accounts_and_names_seen_at_the_same_time(tmp_path: Path) -> None:
    """Accounts first seen at the same time come by platform and id; an account's names
    first seen at the same time, by name (the order was the rows' order in the store)."""
    for seed in range(4):
        order = _shuffled(seed)
        rows = [f"{a},{a},2016-01-01 10:00,first {a}" for a in order]
        rows += [f"{a},{a}-renamed,2016-01-01 10:00,second {a}" for a in reversed(order)]
        store = _store(
            tmp_path / f"s{seed}", rows, header="id,user,date,text", more=("account_id=id",)
        )
        # the outlet's id as `outlets list` gives it: the ingest before the registry load
        # gave ids to own outlets, and an id, once given, is kept
        listed = CliRunner().invoke(main, ["--store", str(store), "outlets", "list", "--json"])
        (outlet,) = json.loads(listed.output)["outlets"]
        with Store.open(store, read_only=True) as opened:
            detail = queries.outlet_detail(opened, outlet["outlet_id"])
        assert [a["account_id"] for a in detail["accounts"]] == ACCOUNTS
        names = [(n["account_id"], n["name"]) for n in detail["names"]]
        assert names == [(a, name) for a in ACCOUNTS for name in (a, f"{a}-renamed")]


def test_search_pages_hold_each_post_once_where_times_and_ids_tie(tmp_path: Path) -> None:
    """Posts of 20 channels with the same time and the same message ids: paged with
    limit and offset, each post is on exactly one page (ties were cut anywhere, so pages
    repeated some posts and left others out: 29 of 40 were shown)."""
    rows = [f"chan{c:02d},{m},2016-01-01 10:00,post" for c in range(20) for m in (1, 2)]
    store = _store(tmp_path / "s", rows, header="user,id,date,text", more=("message_id=id",))
    with Store.open(store, read_only=True) as opened:
        whole = queries.search_posts(opened, limit=500)["posts"]
        paged = [
            post
            for offset in range(0, 40, 7)
            for post in queries.search_posts(opened, limit=7, offset=offset)["posts"]
        ]
    keys = [(p["account_id"], p["message_id"]) for p in paged]
    assert keys == [(p["account_id"], p["message_id"]) for p in whole]
    assert keys == [(f"chan{c:02d}", m) for m in (2, 1) for c in range(20)]
