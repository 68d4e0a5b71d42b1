"""``mutewatch outlets load`` counts its outlets with the right noun: a registry of one
outlet printed "Loaded 1 outlets"."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from mutewatch.cli import main

ONE = (
    "  - name: Outlet {n}\n    official: true\n"
    "    accounts:\n      - {{platform: telegram, id: '{n}'}}\n"
)


@pytest.mark.parametrize(("outlets", "said"), [(1, "Loaded 1 outlet;"), (2, "Loaded 2 outlets;")])
def test_outlets_load_says_outlet_for_one(tmp_path: Path, outlets: int, said: str) -> None:
    registry = tmp_path / "outlets.yaml"
    entries = "".join(ONE.format(n=n) for n in range(1, outlets + 1))
    registry.write_text("outlets:\n" + entries, encoding="utf-8")
    store = str(tmp_path / "s.duckdb")
    result = CliRunner().invoke(main, ["--store", store, "outlets", "load", str(registry)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(said), result.output
