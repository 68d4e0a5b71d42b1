"""An option out of its bounds is refused with a hint naming the command whose help explains
it (`mutewatch outlets status --help`), not the placeholder `mutewatch <command> --help`."""

from __future__ import annotations

from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.store import Store


def test_the_hint_names_the_command(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = tmp_path / "store.duckdb"
    Store.open(store).close()
    args = ["--store", str(store), "outlets", "status", "--silenced-below", "2"]
    args += ["--baseline", "2016-01", "--period", "2016-02"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "silenced-below must be" in result.output
    assert "<command>" not in result.output
    assert "mutewatch outlets status --help" in result.output
