"""The attribution an ingest leaves is the one a single pass over the whole store gives.

``outlets.attribute`` runs at the end of each ingest call (and of each registry load); it
writes only the rows that differ from the full attribution. Files are ingested here one call
each into one store, in an order that makes later files change what earlier ones set: an
account whose id sorts first (every own outlet renumbered), a second account under a name
already taken (the later own outlet named with its id), a name seen only in a later file
(a forward resolved, a registry rule by name matched, a collision undone), a registry
loaded midway and loaded again changed, a file ingested again, a CSV read again with other
options, and the same name on another platform. After each step the store's attribution
(accounts, outlets, outlet_accounts, the posts' outlet, official and resolved forward)
must equal that of a copy of the store stripped of every attribution and attributed once;
at the end it must also equal that of a store given the final registry first and every
file in one ingest call. Registered outlets are compared by name (unique), own ones by
their account: an outlet's id and an own outlet's name, once given, are kept by later
calls, where the stripped copy numbers and names its own outlets afresh.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path
from typing import Any

import duckdb

from mutewatch.ingest import IngestOptions, ingest
from mutewatch.outlets import attribute, load_registry
from mutewatch.store import Store

DAY = 86_400
START = 1_600_000_000
CSV_OPTIONS = IngestOptions(
    format="csv",
    platform="forum",
    mapping={"account": "user", "time": "when", "text": "body"},
)

OFFICE = """  - name: Office
    official: {}
    accounts:
      - {{platform: telegram, id: "600"}}
"""
NAMED = """  - name: Named
    official: false
    accounts:
      - {platform: telegram, name: "DELTA"}
"""
GAMMA = """  - name: Gamma
    official: true
    accounts:
      - {platform: telegram, id: "999"}
"""
REGISTRY = "outlets:\n" + OFFICE.format("true") + NAMED + GAMMA
REGISTRY_V2 = "outlets:\n" + OFFICE.format("false") + GAMMA  # Named gone, Office not official

# an outlet by its name where registered, by its one account where its own (own outlets
# keep the names they were given, where the stripped copy names them afresh: OWN_NAMES)
OUTLET = (
    "CASE WHEN o.registered THEN o.name ELSE (SELECT 'own ' || min(r.platform || ':' || "
    "r.account_id) FROM outlet_accounts r WHERE r.outlet_id = o.outlet_id) END"
)
SNAPSHOT = {
    "accounts": f"SELECT platform, account_id, {OUTLET} FROM accounts LEFT JOIN outlets o "
    "USING (outlet_id)",
    "outlets": f"SELECT {OUTLET}, official, region, registered FROM outlets o",
    "outlet_accounts": f"SELECT {OUTLET}, platform, account_id, account_name "
    "FROM outlet_accounts LEFT JOIN outlets o USING (outlet_id)",
    "posts": f"SELECT platform, account_id, message_id, {OUTLET}, p.official, "
    "forwarded_account_id FROM posts p LEFT JOIN outlets o USING (outlet_id)",
}
OWN_NAMES = (
    "SELECT a.account_id, o.name FROM accounts a JOIN outlets o USING (outlet_id) "
    "WHERE NOT o.registered"
)
IDS = "SELECT a.account_id, a.outlet_id FROM accounts a"

STRIP = """
DELETE FROM outlet_accounts WHERE outlet_id IN (SELECT outlet_id FROM outlets WHERE NOT registered);
DELETE FROM outlets WHERE NOT registered;
UPDATE accounts SET outlet_id = NULL;
UPDATE posts SET outlet_id = NULL, official = NULL, forwarded_account_id = NULL;
"""


def _export(path: Path, chat_id: int, name: str, posts: list[tuple[int, int, str | None]]) -> Path:
    """A single-chat Telegram export: (message id, day, forwarded from) per post."""
    messages = []
    for message_id, day, forwarded in posts:
        message: dict[str, Any] = {
            "id": message_id,
            "type": "message",
            "date_unixtime": str(START + day * DAY),
            "from": name,
            "from_id": f"channel{chat_id}",
            "text": f"post {message_id} of {chat_id}",
        }
        if forwarded:
            message["forwarded_from"] = forwarded
        messages.append(message)
    chat = {"name": name, "type": "public_channel", "id": chat_id, "messages": messages}
    path.mkdir(parents=True)
    (path / "result.json").write_text(json.dumps(chat), encoding="utf-8")
    return path


def _snapshot(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t: sorted(con.execute(q).fetchall(), key=repr) for t, q in SNAPSHOT.items()}
    finally:
        con.close()


def _single_pass(path: Path, scratch: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The attribution of a copy of the (closed) store at ``path``, stripped and attributed
    once."""
    scratch.unlink(missing_ok=True)
    shutil.copyfile(path, scratch)
    with Store.open(scratch) as store:
        store.con.execute(STRIP)
        attribute(store)
    return _snapshot(scratch)


def test_each_ingest_call_leaves_the_single_pass_attribution(tmp_path: Path) -> None:
    src = tmp_path / "files"
    alpha = _export(src / "a", 500, "Alpha", [(1, 0, None), (2, 1, "Gamma")])
    beta = _export(src / "b", 600, "Beta", [(1, 0, "Alpha"), (2, 2, "Delta")])
    gamma = _export(src / "c", 300, "Gamma", [(1, 3, None)])
    alpha_too = _export(src / "d", 700, "alpha", [(1, 4, "Beta")])
    alpha_renamed = _export(src / "e", 500, "Delta", [(3, 10, None)])
    first = _export(src / "f", 100, "Epsilon", [(1, 11, "delta")])
    csv = src / "forum.csv"
    csv.write_text(
        "user,when,body\nalpha,2020-10-01 10:00,x\nzeta,2020-10-02 10:00,y\n", encoding="utf-8"
    )
    registry, registry_v2 = src / "outlets.yaml", src / "outlets_v2.yaml"
    registry.write_text(REGISTRY, encoding="utf-8")
    registry_v2.write_text(REGISTRY_V2, encoding="utf-8")
    later_tz = dataclasses.replace(CSV_OPTIONS, tz="Asia/Tokyo")

    steps: list[tuple[str, Any]] = [
        ("alpha", [alpha]),
        ("beta", [beta]),
        ("gamma sorts first", [gamma]),
        ("second alpha", [alpha_too]),
        ("csv", ([csv], CSV_OPTIONS)),
        ("registry", registry),
        ("alpha renamed delta", [alpha_renamed]),
        ("epsilon sorts first", [first]),
        ("alpha again", [alpha]),
        ("csv read again with --tz", ([csv], later_tz)),
        ("registry v2", registry_v2),
    ]
    store_path, scratch = tmp_path / "a.duckdb", tmp_path / "scratch.duckdb"
    seen: dict[str, dict[str, list[tuple[Any, ...]]]] = {}
    ids: dict[str, dict[str, int]] = {}
    names: dict[str, dict[str, str]] = {}
    for label, step in steps:
        with Store.open(store_path) as store:
            if isinstance(step, Path):
                load_registry(store, step)
            elif isinstance(step, tuple):
                ingest(store, step[0], step[1])
            else:
                ingest(store, step, IngestOptions())
        seen[label] = _snapshot(store_path)
        assert seen[label] == _single_pass(store_path, scratch), label
        con = duckdb.connect(str(store_path), read_only=True)
        ids[label] = dict(con.execute(IDS).fetchall())
        names[label] = dict(con.execute(OWN_NAMES).fetchall())
        con.close()

    # the steps did what they are here for
    def outlet(label: str, account: str) -> tuple[Any, ...]:
        (key,) = (a[2] for a in seen[label]["accounts"] if a[1] == account)
        found = next(o for o in seen[label]["outlets"] if o[0] == key)
        return (names[label].get(account, key), *found[1:])

    # an account sorting first leaves the own outlets' ids as they were
    assert ids["beta"]["500"] == ids["gamma sorts first"]["500"]
    assert ids["beta"]["600"] == ids["gamma sorts first"]["600"]
    assert ids["gamma sorts first"]["300"] > ids["beta"]["600"]
    # the own outlet named Alpha first keeps its name; the later alpha takes the longer one
    assert outlet("second alpha", "500")[0] == "Alpha"
    assert outlet("second alpha", "700")[0] == "alpha (telegram:700)"
    assert ids["second alpha"]["500"] == ids["alpha"]["500"]
    assert outlet("registry", "300")[0] == "Gamma (telegram:300)"
    assert outlet("registry", "600")[0:3] == ("Office", True, None)
    assert outlet("alpha renamed delta", "500")[0] == "Named"
    assert ids["epsilon sorts first"]["700"] == ids["alpha renamed delta"]["700"]
    assert outlet("registry v2", "500") == ("Delta", False, None, False)
    resolved = {p[2]: p[5] for p in seen["registry v2"]["posts"] if p[1] == "600"}
    assert resolved == {1: "500", 2: "500"}

    # one store given the final registry first, then every file in one call
    single = tmp_path / "single.duckdb"
    with Store.open(single) as store:
        load_registry(store, registry_v2)
        ingest(store, [alpha, beta, gamma, alpha_too], IngestOptions())
        ingest(store, [csv], CSV_OPTIONS)
        ingest(store, [alpha_renamed, first, alpha], IngestOptions())
        ingest(store, [csv], later_tz)
    assert _snapshot(single) == seen["registry v2"]
    con = duckdb.connect(str(single), read_only=True)
    assert dict(con.execute(OWN_NAMES).fetchall()) == names["registry v2"]
    con.close()
