"""An outlet's id, once given, is kept.

Own outlets were numbered by rank (after the registered ones, in (platform, account id)
order) at every attribution, and registered ones by file order at every registry load: an
ingest adding an account that sorts first gave every own outlet another id, so
``/outlets/{id}`` (dashboard, API) and saved ids then named a different outlet. Now an own
outlet keeps its id while its account stays unregistered, new outlets take ids never given
before, and a first ingest numbers as it did.
"""

from __future__ import annotations

from pathlib import Path

from mutewatch.store import Store
from mutewatch.web import queries

from .conftest import by_outlet, ingest_accounts, outlet_ids, registry, run


def _detail_name(store: Path, outlet_id: int) -> str:
    """The outlet ``/outlets/{id}`` (page and API) shows for this id."""
    with Store.open(store, read_only=True) as opened:
        return str(queries.outlet_detail(opened, outlet_id)["outlet"]["name"])


def test_an_account_sorting_first_leaves_every_outlet_its_id(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    ingest_accounts(store, tmp_path / "a.csv", ["mm_b", "mm_c", "mm_d"])
    before = outlet_ids(store)
    assert before == {"mm_b": 1, "mm_c": 2, "mm_d": 3}  # a first ingest numbers as it did
    output_before = by_outlet(store)

    ingest_accounts(store, tmp_path / "b.csv", ["mm_a"])
    after = outlet_ids(store)
    assert {name: after[name] for name in before} == before
    assert after["mm_a"] == 4
    for name, outlet_id in before.items():
        assert _detail_name(store, outlet_id) == name
    output_after = by_outlet(store)
    assert {name: output_after[name] for name in output_before} == output_before


def test_registry_loads_neither_reuse_nor_shift_ids(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    ingest_accounts(store, tmp_path / "a.csv", ["mm_b", "mm_c", "mm_d"])  # own 1, 2, 3

    # the registry claims mm_b: its own outlet goes, id 1 is not given again
    one = registry(tmp_path / "one.yaml", [("Office B", "mm_b")])
    run(store, "outlets", "load", str(one))
    assert outlet_ids(store) == {"Office B": 4, "mm_c": 2, "mm_d": 3}
    ingest_accounts(store, tmp_path / "b.csv", ["mm_a"])
    assert outlet_ids(store) == {"Office B": 4, "mm_c": 2, "mm_d": 3, "mm_a": 5}

    # the same registry again, then one with an outlet added before it in the file
    run(store, "outlets", "load", str(one))
    assert outlet_ids(store) == {"Office B": 4, "mm_c": 2, "mm_d": 3, "mm_a": 5}
    two = registry(tmp_path / "two.yaml", [("Office C", "mm_c"), ("Office B", "mm_b")])
    run(store, "outlets", "load", str(two))
    assert outlet_ids(store) == {"Office C": 6, "Office B": 4, "mm_d": 3, "mm_a": 5}

    # a registry leaving Office C out: mm_c stands as its own outlet again, under a new id
    run(store, "outlets", "load", str(one))
    assert outlet_ids(store) == {"Office B": 4, "mm_c": 7, "mm_d": 3, "mm_a": 5}
    assert _detail_name(store, 7) == "mm_c"


def test_an_own_outlet_named_like_a_new_registered_one_keeps_its_id(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    ingest_accounts(store, tmp_path / "a.csv", ["Alpha", "mm_c"])
    assert outlet_ids(store) == {"Alpha": 1, "mm_c": 2}
    # a registered outlet named Alpha, whose account is mm_c
    run(store, "outlets", "load", str(registry(tmp_path / "r.yaml", [("Alpha", "mm_c")])))
    assert outlet_ids(store) == {"Alpha (twitter:Alpha)": 1, "Alpha": 3}


def test_a_registry_loaded_first_numbers_as_before(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    two = registry(tmp_path / "r.yaml", [("Office Z", "mm_z"), ("Office B", "mm_b")])
    run(store, "outlets", "load", str(two))
    ingest_accounts(store, tmp_path / "a.csv", ["mm_d", "mm_b", "mm_c"])
    assert outlet_ids(store) == {"Office Z": 1, "Office B": 2, "mm_c": 3, "mm_d": 4}
