"""The foundation commands, run through click in-process on real stores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mutewatch.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


def test_ingest_status_outlets_quarantine(tmp_path: Path) -> None:
    store = str(tmp_path / "s.duckdb")
    code, out = run(
        "--store", store, "ingest", str(FIXTURES / "telegram"), "--tz", "Europe/Berlin", "--json"
    )
    assert code == 0
    report = json.loads(out)
    assert (
        report["read"]
        == report["new"] + report["duplicates"] + report["quarantined"] + report["skipped"]
    )
    code, out = run("--store", store, "status", "--json")
    status = json.loads(out)
    for key in (
        "posts",
        "official_posts",
        "supporter_posts",
        "quarantined",
        "outlets",
        "accounts",
        "sources",
        "first",
        "last",
    ):
        assert key in status
    assert status["first"] == "2023-05-02T08:15:03Z" and status["posts"] == 6
    code, out = run("--store", store, "outlets", "list", "--json")
    assert {o["outlet"] for o in json.loads(out)["outlets"]} >= {"Example Outlet", "Left Chat"}
    code, out = run("--store", store, "quarantine", "--json")
    rows = json.loads(out)["quarantined"]
    assert len(rows) == 6 and {"file", "position", "reason", "raw"} <= set(rows[0])


def test_store_from_environment(tmp_path: Path) -> None:
    store = str(tmp_path / "env.duckdb")
    code, _ = run("ingest", str(FIXTURES / "telegram" / "single"), env={"MUTEWATCH_STORE": store})
    assert code == 0 and Path(store).exists()


def test_outlets_load_reattributes(tmp_path: Path) -> None:
    store = str(tmp_path / "s.duckdb")
    run("--store", store, "ingest", str(FIXTURES / "telegram" / "single"))
    registry = tmp_path / "r.yaml"
    registry.write_text(
        "outlets:\n  - name: Office\n    official: true\n"
        "    accounts: [{platform: telegram, name: example outlet}]\n"
    )
    code, out = run("--store", store, "outlets", "load", str(registry))
    assert code == 0 and "4 official" in out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["status"], 4, "no store at"),
        (["ingest", "nowhere.json"], 3, "no such file"),
        (["ingest", "FIX/tabular/posts.csv"], 2, "needs --platform"),
        (["ingest", "FIX/telegram", "--tz", "Mars/Base"], 2, "unknown time zone"),
        (["ingest", "FIX/telegram", "--map", "nonsense"], 2, "FIELD=COLUMN"),
    ],
)
def test_errors_name_the_problem_and_exit_codes(
    tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    args = [a.replace("FIX", str(FIXTURES)) for a in args]
    result = CliRunner().invoke(main, ["--store", str(tmp_path / "x.duckdb"), *args])
    assert result.exit_code == code, result.output
    assert message in result.output


def test_json_output_is_one_compact_line_like_the_measurements_and_api(tmp_path: Path) -> None:
    """ingest, status, outlets list and quarantine print one JSON object on one line, as
    every measuring command and the API do, so their bytes can be compared and piped."""
    store = str(tmp_path / "s.duckdb")
    commands = [
        ["ingest", str(FIXTURES / "telegram"), "--tz", "Europe/Berlin"],
        ["status"],
        ["outlets", "list"],
        ["quarantine"],
        ["output", "--every", "month"],
    ]
    for command in commands:
        code, out = run("--store", store, *command, "--json")
        assert code == 0, out
        data = json.loads(out)
        assert out == json.dumps(data, ensure_ascii=False) + "\n", command
