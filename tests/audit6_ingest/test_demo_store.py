"""`mutewatch demo` never loads its registry and synthetic posts into a research store."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from mutewatch.cli import foundation, main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def _research_store(path: Path) -> str:
    """A store holding a real ingest of the Telegram fixtures; returns its file digest."""
    code, _ = _run("--store", str(path), "ingest", str(FIXTURES / "telegram"), "--tz", "UTC")
    assert code == 0
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_demo_without_store_writes_its_own_store_in_the_demo_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MUTEWATCH_STORE", raising=False)
    monkeypatch.setattr(foundation, "DEMO_HOOKS", [])  # findings and report: tested elsewhere
    digest = _research_store(tmp_path / "mutewatch.duckdb")  # the default store: research
    code, out = _run("demo", "--dir", "demo", "--scale", "0.02")
    assert code == 0, out
    assert hashlib.sha256((tmp_path / "mutewatch.duckdb").read_bytes()).hexdigest() == digest
    demo_store = Path("demo") / "mutewatch.duckdb"
    assert (tmp_path / demo_store).exists()
    assert f"The demo's store is {demo_store}" in out
    assert f"mutewatch --store {demo_store} findings" in out
    from mutewatch.demo import check_demo_store

    check_demo_store(demo_store, Path("demo"))  # a previous demo's store is taken again


def test_demo_refuses_a_given_store_with_sources_from_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "research.duckdb"
    digest = _research_store(store)
    for how in ("option", "env"):
        if how == "env":
            monkeypatch.setenv("MUTEWATCH_STORE", str(store))
            args: tuple[str, ...] = ("demo", "--dir", str(tmp_path / "demo"))
        else:
            args = ("--store", str(store), "demo", "--dir", str(tmp_path / "demo"))
        result = CliRunner().invoke(main, [*args, "--scale", "0.02"])
        assert result.exit_code == 2, result.output
        assert "source(s) from outside" in result.output
        assert "without --store" in result.output
    assert hashlib.sha256(store.read_bytes()).hexdigest() == digest
    assert not (tmp_path / "demo").exists()


def test_demo_refuses_a_store_holding_a_registry_alone(tmp_path: Path) -> None:
    store = tmp_path / "fresh.duckdb"
    registry = tmp_path / "outlets.yaml"
    registry.write_text(
        "outlets:\n  - name: Outlet A\n    official: true\n"
        "    accounts:\n      - {platform: telegram, id: '1'}\n",
        encoding="utf-8",
    )
    code, out = _run("--store", str(store), "outlets", "load", str(registry))
    assert code == 0, out
    result = CliRunner().invoke(main, ["--store", str(store), "demo", "--dir", str(tmp_path / "d")])
    assert result.exit_code == 2 and "an outlet registry" in result.output
