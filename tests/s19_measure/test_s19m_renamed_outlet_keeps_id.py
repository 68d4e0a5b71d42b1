"""A registered outlet renamed in the registry keeps its id when its accounts are the same.

Registered outlets kept their ids across registry loads by name alone: renaming an entry
("Office One" to "Office Uno") gave it a new id, so ``/outlets/{id}`` and saved ids lost
it, though the entry listed the very same accounts. Now an entry under a new name that
lists the same accounts (platform and id, or name without case) as an outlet the file no
longer names is that outlet, under its id; where the accounts changed too, or the entry
lists none, mutewatch cannot tell a rename from a new outlet and gives a new id.
"""

from __future__ import annotations

from pathlib import Path

from tests.s18_outlets.conftest import ingest_accounts, outlet_ids, registry, run
from tests.s18_outlets.test_s18_stable_outlet_ids import _detail_name


def _store(tmp_path: Path) -> Path:
    store = tmp_path / "store.duckdb"
    ingest_accounts(store, tmp_path / "a.csv", ["mm_a", "mm_b", "mm_c"])
    first = registry(tmp_path / "one.yaml", [("Office One", "mm_a"), ("Office Two", "mm_b")])
    run(store, "outlets", "load", str(first))
    assert outlet_ids(store) == {"Office One": 4, "Office Two": 5, "mm_c": 3}
    return store


def test_a_renamed_entry_with_the_same_accounts_keeps_its_id(tmp_path: Path) -> None:
    store = _store(tmp_path)
    renamed = registry(tmp_path / "two.yaml", [("Office Two", "mm_b"), ("Office Uno", "mm_a")])
    run(store, "outlets", "load", str(renamed))
    assert outlet_ids(store) == {"Office Uno": 4, "Office Two": 5, "mm_c": 3}
    assert _detail_name(store, 4) == "Office Uno"
    # no id was used up: the next new outlet takes the next one never given
    three = registry(
        tmp_path / "three.yaml",
        [("Office Uno", "mm_a"), ("Office Two", "mm_b"), ("Office Three", "mm_c")],
    )
    run(store, "outlets", "load", str(three))
    assert outlet_ids(store) == {"Office Uno": 4, "Office Two": 5, "Office Three": 6}


def test_accounts_named_without_case_match_too(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    ingest_accounts(store, tmp_path / "a.csv", ["mm_a"])
    path = tmp_path / "r.yaml"
    entry = '  - name: "{}"\n    official: true\n    accounts:\n'
    entry += '      - {{platform: twitter, name: "{}"}}\n'
    path.write_text("outlets:\n" + entry.format("Office One", "MM_A"), encoding="utf-8")
    run(store, "outlets", "load", str(path))
    before = outlet_ids(store)["Office One"]
    path.write_text("outlets:\n" + entry.format("Office Uno", "mm_a"), encoding="utf-8")
    run(store, "outlets", "load", str(path))
    assert outlet_ids(store) == {"Office Uno": before}


def test_a_rename_that_changes_the_accounts_too_is_a_new_outlet(tmp_path: Path) -> None:
    store = _store(tmp_path)
    # renamed and given another account at once: not told from a new outlet
    moved = registry(tmp_path / "two.yaml", [("Office Uno", "mm_c"), ("Office Two", "mm_b")])
    run(store, "outlets", "load", str(moved))
    assert outlet_ids(store) == {"Office Uno": 6, "Office Two": 5, "mm_a": 7}
