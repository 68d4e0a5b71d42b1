"""An own outlet's name, once given, is kept while its account's latest name is unchanged.

An own outlet was named at every attribution from its account's latest name, with the
platform and id added where another own outlet (or a registered one) bore the same name,
case ignored. So a later ingest bringing an account named like an existing own outlet
renamed that outlet too ("Foo" became "Foo (twitter:1001)"), and ``--outlet Foo``,
``?outlet=Foo`` and the groups of ``output --by outlet`` lost it. Now the outlet there first
keeps its name and the newcomer takes the suffixed form; a first ingest names as it did, and
an outlet still follows a rename of its account.
"""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import by_outlet, outlet_ids, registry, run


def ingest(store: Path, csv: Path, rows: list[tuple[str, str, str]]) -> None:
    """Ingest one post per (account id, account name, day of January 2016), one CSV."""
    text = "".join(f"{a},{name},2016-01-{day} 10:00:00,post of {a}\n" for a, name, day in rows)
    csv.write_text("id,user,when,body\n" + text, encoding="utf-8")
    mapping = ("account_id=id", "account=user", "time=when", "text=body")
    run(store, "ingest", str(csv), "--format", "csv", "--platform", "twitter",
        *(arg for m in mapping for arg in ("--map", m)))  # fmt: skip


def counted(store: Path, outlet: str) -> list[tuple[str, int]]:
    """``output --outlet NAME --json --of all``: its (period, count) rows holding posts."""
    data = json.loads(run(store, "output", "--outlet", outlet, "--of", "all", "--json"))
    return [(row["period"], row["count"]) for row in data["rows"] if row["count"]]


def test_an_account_named_like_an_own_outlet_leaves_it_its_name(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    ingest(store, tmp_path / "a.csv", [("1001", "Foo", "01"), ("1002", "mm_b", "02")])
    assert outlet_ids(store) == {"Foo": 1, "mm_b": 2}
    groups, foo = by_outlet(store), counted(store, "Foo")

    ingest(store, tmp_path / "b.csv", [("2001", "foo", "03"), ("2002", "FOO", "04")])
    assert outlet_ids(store) == {
        "Foo": 1,
        "mm_b": 2,
        "foo (twitter:2001)": 3,
        "FOO (twitter:2002)": 4,
    }
    assert counted(store, "Foo") == foo
    after = by_outlet(store)
    assert {name: [r for r in after[name] if r[1]] for name in groups} == {
        name: [r for r in rows if r[1]] for name, rows in groups.items()
    }
    # an ingest bringing nothing new renames nothing
    ingest(store, tmp_path / "c.csv", [("2001", "foo", "05")])
    assert set(outlet_ids(store)) == {"Foo", "mm_b", "foo (twitter:2001)", "FOO (twitter:2002)"}


def test_a_first_ingest_suffixes_every_same_named_account_as_before(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    ingest(store, tmp_path / "a.csv", [("1001", "Foo", "01"), ("1002", "foo", "02")])
    assert outlet_ids(store) == {"Foo (twitter:1001)": 1, "foo (twitter:1002)": 2}
    ingest(store, tmp_path / "b.csv", [("1003", "FOO", "03")])
    assert outlet_ids(store) == {
        "Foo (twitter:1001)": 1,
        "foo (twitter:1002)": 2,
        "FOO (twitter:1003)": 3,
    }
    # the one bearing a name no longer shared keeps the name it was given
    ingest(store, tmp_path / "c.csv", [("1002", "Baz", "04"), ("1003", "Qux", "04")])
    assert outlet_ids(store) == {"Foo (twitter:1001)": 1, "Baz": 2, "Qux": 3}


def test_an_outlet_follows_its_account_s_rename(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    ingest(store, tmp_path / "a.csv", [("1001", "Foo", "01"), ("1002", "Bar", "01")])
    ingest(store, tmp_path / "b.csv", [("1001", "Renamed", "02")])
    assert outlet_ids(store) == {"Renamed": 1, "Bar": 2}
    # renamed to a name an outlet already bears: the renamed one takes the suffixed form
    ingest(store, tmp_path / "c.csv", [("1001", "bar", "03")])
    assert outlet_ids(store) == {"bar (twitter:1001)": 1, "Bar": 2}
    # and back: the name it bears now is its own again
    ingest(store, tmp_path / "d.csv", [("1001", "Foo", "04")])
    assert outlet_ids(store) == {"Foo": 1, "Bar": 2}


def test_an_account_back_from_a_registry_takes_the_suffixed_form(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    ingest(store, tmp_path / "a.csv", [("1001", "Foo", "01")])
    claims = registry(tmp_path / "r.yaml", [("Office F", "1001")])
    run(store, "outlets", "load", str(claims))
    ingest(store, tmp_path / "b.csv", [("1002", "foo", "02")])
    assert outlet_ids(store) == {"Office F": 2, "foo": 3}
    # a registry leaving 1001 out: it stands as its own outlet again, under a new id, and
    # the name "foo" already given stays with its outlet
    run(store, "outlets", "load", str(registry(tmp_path / "z.yaml", [("Office Z", "9999")])))
    assert outlet_ids(store) == {"Office Z": 4, "foo": 3, "Foo (twitter:1001)": 5}


def test_an_own_outlet_stepped_aside_for_a_registry_keeps_that_name(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    ingest(store, tmp_path / "a.csv", [("1001", "Alpha", "01"), ("1002", "beta", "01")])
    # a registered outlet named Alpha (and one BETA, case aside): the own ones step aside
    both = registry(tmp_path / "r.yaml", [("Alpha", "9001"), ("BETA", "9002")])
    run(store, "outlets", "load", str(both))
    stepped = {"Alpha (twitter:1001)": 1, "beta (twitter:1002)": 2, "Alpha": 3, "BETA": 4}
    assert outlet_ids(store) == stepped
    ingest(store, tmp_path / "b.csv", [("1003", "gamma", "02")])
    assert outlet_ids(store) == {**stepped, "gamma": 5}
    # a registry without them: the names given stay (no outlet takes another's old name)
    run(store, "outlets", "load", str(registry(tmp_path / "z.yaml", [("Office Z", "9999")])))
    assert outlet_ids(store) == {
        "Alpha (twitter:1001)": 1,
        "beta (twitter:1002)": 2,
        "gamma": 5,
        "Office Z": 6,
    }
