"""A registry text that is not valid Unicode (a lone surrogate from a YAML escape) is a
registry error naming the entry, never a raw DuckDB error."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.errors import RegistryError
from mutewatch.outlets import load_registry
from mutewatch.store import Store

ENTRIES = {
    "outlet name": (
        '  - name: "Outlet \\ud800 B"\n    official: true\n'
        "    accounts:\n      - {platform: telegram, id: '2'}\n",
        "outlet #2: 'name'",
    ),
    "account name": (
        "  - name: Outlet B\n    official: false\n"
        '    accounts:\n      - {platform: telegram, name: "chan\\udc80"}\n',
        "outlet #2 (Outlet B): account #1: 'name'",
    ),
    "region": (
        '  - name: Outlet B\n    official: false\n    region: "r\\udfff"\n'
        "    accounts:\n      - {platform: telegram, id: '2'}\n",
        "outlet #2 (Outlet B): 'region'",
    ),
}
FIRST = "outlets:\n  - name: Outlet A\n    official: true\n    accounts: []\n"


@pytest.mark.parametrize("field", sorted(ENTRIES))
def test_lone_surrogate_is_a_registry_error_naming_the_entry(tmp_path: Path, field: str) -> None:
    text, where = ENTRIES[field]
    registry = tmp_path / "outlets.yaml"
    registry.write_text(FIRST + text, encoding="utf-8")
    with Store.open(tmp_path / "s.duckdb") as store:
        with pytest.raises(RegistryError) as caught:
            load_registry(store, registry)
        assert store.scalar("SELECT count(*) FROM outlets") == 0
    message = str(caught.value)
    assert where in message and "lone surrogate" in message
    message.encode("utf-8")  # printable: the surrogate is shown escaped


def test_cli_prints_the_registry_error(tmp_path: Path) -> None:
    registry = tmp_path / "outlets.yaml"
    registry.write_text(FIRST + ENTRIES["outlet name"][0], encoding="utf-8")
    result = CliRunner().invoke(
        main, ["--store", str(tmp_path / "s.duckdb"), "outlets", "load", str(registry)]
    )
    assert result.exit_code == 3, result.output
    assert "lone surrogate (U+D800)" in result.output
