"""The outlet registry: validation, attribution by id and by name, re-attribution."""

from __future__ import annotations

from pathlib import Path

import pytest

from mutewatch.demo import DemoManifest
from mutewatch.errors import RegistryError
from mutewatch.ingest import IngestOptions, ingest
from mutewatch.outlets import list_outlets, load_registry, parse_registry
from mutewatch.store import Store

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TELEGRAM = FIXTURES / "telegram"

REGISTRY = """
outlets:
  - name: "Example Media Office"
    official: true
    region: "North"
    accounts:
      - {platform: telegram, id: "1234567890"}
      - {platform: telegram, id: "444"}      # successor channel
  - name: "Second"
    official: false
    accounts:
      - {platform: telegram, name: "SECOND chat"}
"""


def write(tmp_path: Path, text: str, name: str = "outlets.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("outlets: 3", "an 'outlets' list"),
        ("outlets:\n  - {name: A, accounts: []}", "'official' must be true or false"),
        ("outlets:\n  - {official: true}", "'name' is missing"),
        ("outlets:\n  - {name: A, official: true, accounts: [{platform: x}]}", "an id or a name"),
        (
            "outlets:\n  - {name: A, official: true}\n  - {name: A, official: false}",
            "repeated: A",
        ),
        ("outlets: [", "cannot read"),
    ],
)
def test_invalid_registries_say_what_to_fix(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(RegistryError, match=message) as caught:
        parse_registry(write(tmp_path, text))
    assert str(tmp_path) in str(caught.value)


def test_attribution_by_id_name_successor_and_own_outlets(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.duckdb") as store:
        load_registry(store, write(tmp_path, REGISTRY))
        ingest(store, [TELEGRAM / "account"], IngestOptions())
        outlets = {o["outlet"]: o for o in list_outlets(store)}
        office = outlets["Example Media Office"]
        assert office["official"] and office["accounts"] == 2 and office["posts"] == 5
        assert outlets["Second"]["posts"] == 1 and not outlets["Second"]["official"]
        own = outlets["Empty"]  # an account no registry names stands as its own outlet
        assert not own["registered"] and not own["official"]
        status = store.status()
        assert (status["official_posts"], status["supporter_posts"]) == (5, 1)


def test_reloading_the_registry_reattributes_without_reading_archives(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.duckdb") as store:
        ingest(store, [TELEGRAM / "account"], IngestOptions())
        assert store.status()["official_posts"] == 0
        sources_before = store.rows("SELECT * FROM sources")
        load_registry(store, write(tmp_path, REGISTRY))
        assert store.status()["official_posts"] == 5
        changed = REGISTRY.replace("official: true", "official: false")
        load_registry(store, write(tmp_path, changed, "v2.yaml"))
        assert store.status()["official_posts"] == 0
        assert store.rows("SELECT * FROM sources") == sources_before
        names = [o["outlet"] for o in list_outlets(store)]
        assert len(names) == len(set(names))


def test_demo_registry_attributes_renamed_and_successor_channels(
    demo: DemoManifest, demo_store: Path
) -> None:
    with Store.open(demo_store, read_only=True) as store:
        official = store.scalar("SELECT count(*) FROM outlets WHERE official AND registered")
        assert official == sum(1 for o in demo.truth["outlets"] if o.get("official"))
        for successor in demo.truth["successors"]:
            ids = [str(i) for i in successor["channel_ids"]]
            outlets = store.rows(
                "SELECT DISTINCT outlet_id FROM accounts WHERE account_id IN "
                f"({', '.join('?' for _ in ids)})",
                ids,
            )
            assert len(outlets) == 1, successor
        for renamed in demo.truth["renamed"]:
            names = store.rows(
                "SELECT name FROM account_names WHERE account_id = ? ORDER BY first_seen",
                [str(renamed["channel_id"])],
            )
            assert {renamed["old_name"], renamed["new_name"]} <= {n["name"] for n in names}
            latest = store.scalar(
                "SELECT name FROM accounts WHERE account_id = ?", [str(renamed["channel_id"])]
            )
            assert latest == renamed["new_name"]
        forwards = store.scalar(
            "SELECT count(*) FILTER (WHERE forwarded_account_id IS NOT NULL) * 1.0 / count(*) "
            "FROM posts WHERE forwarded_from IS NOT NULL"
        )
        assert forwards > 0.9  # forwards name official channels the store knows
