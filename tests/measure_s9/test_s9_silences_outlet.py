"""``silences --scope outlet --outlet NAME`` lists only the named outlets' silences, with
the very numbers the unfiltered list gives them (rank, record, p-value and the coordinated
windows stay the whole selection's), on the small synthetic demo."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from webfactory import Env, bearer

from mutewatch.cli import main
from mutewatch.errors import UsageError
from mutewatch.measure.registry import run_measurement

HOLE = "Province 05 Media Office"
LATE = "Province 39 Media Office"
OPTIONS = {"scope": "outlet", "min_hours": 24.0}


def silences(store: Path, **options: Any) -> dict[str, Any]:
    result: dict[str, Any] = run_measurement("silences", store, **OPTIONS, **options)
    return result


@pytest.fixture(scope="module")
def everyone(demo_store: Path) -> dict[str, Any]:
    return silences(demo_store)


@pytest.mark.parametrize("names", [[HOLE], [HOLE, LATE]])
def test_the_filter_lists_the_outlets_rows_of_the_whole_list(
    demo_store: Path, everyone: dict[str, Any], names: list[str]
) -> None:
    chosen = silences(demo_store, outlets=names)
    expected = [r for r in everyone["silences"] if r["outlet"] in names]
    assert chosen["silences"] == expected
    assert {r["outlet"] for r in expected} == set(names)
    assert chosen["coordinated"] == everyone["coordinated"]
    assert chosen["parameters"] == {**everyone["parameters"], "outlets": sorted(names)}
    assert chosen["method"].startswith(everyone["method"])
    assert "outlets" not in everyone["parameters"]


def test_dates_and_outlets_narrow_together(demo_store: Path, everyone: dict[str, Any]) -> None:
    window = {"date_from": "2016-05-01", "date_to": "2016-06-30"}
    chosen = silences(demo_store, outlets=[HOLE], **window)
    expected = [r for r in silences(demo_store, **window)["silences"] if r["outlet"] == HOLE]
    assert chosen["silences"] == expected
    assert expected and all(r in everyone["silences"] for r in expected)


def test_the_network_scope_and_unknown_names_are_refused(demo_store: Path) -> None:
    with pytest.raises(UsageError, match="needs --scope outlet"):
        run_measurement("silences", demo_store, outlets=[HOLE])
    with pytest.raises(UsageError, match="did you mean 'Province 05 Media Office'"):
        silences(demo_store, outlets=["Province 05"])
    base = ["--store", str(demo_store), "silences", "--outlet", HOLE, "--json"]
    cli = CliRunner().invoke(main, base)
    assert cli.exit_code == 2
    assert "needs --scope outlet" in json.loads(cli.output)["error"]["message"]


@pytest.mark.anyio
async def test_api_answers_what_the_cli_prints(client: httpx.AsyncClient, demo_env: Env) -> None:
    query = {"scope": "outlet", "min_hours": "24", "outlet": HOLE, "from": "2016-05-01"}
    r = await client.get("/api/v1/silences", params=query, headers=bearer(demo_env, "analyst"))
    assert r.status_code == 200, r.text
    argv = ["--scope", "outlet", "--min-hours", "24", "--outlet", HOLE, "--from", "2016-05-01"]
    cli = CliRunner().invoke(main, ["--store", str(demo_env.path), "silences", *argv, "--json"])
    assert cli.exit_code == 0, cli.output
    assert r.json() == json.loads(cli.output)
    assert {s["outlet"] for s in r.json()["silences"]} == {HOLE}
    bad = await client.get(
        "/api/v1/silences", params={"outlet": HOLE}, headers=bearer(demo_env, "viewer")
    )
    assert bad.status_code == 400 and "needs scope=outlet" in bad.json()["error"]["message"]
