"""API errors name the query parameters the request sent (`to=…`, `period`), while the
command line keeps its `--options` word for word (helper-85)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from mutewatch.cli import main
from mutewatch.web.app import create_app


@pytest.fixture(scope="module")
def served(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    store = tmp_path_factory.mktemp("a12f") / "s.duckdb"
    shutil.copy(demo_store, store)
    added = CliRunner().invoke(
        main, ["--store", str(store), "users", "add", "ada", "--role", "analyst", "--json"]
    )
    assert added.exit_code == 0, added.output
    return store, str(json.loads(added.output)["token"])


@pytest.mark.parametrize(
    ("route", "expected"),
    [
        ("/api/v1/output?from=2016-02-01&to=2016-01-01", "to=2016-01-01 is before from=2016-02-01"),
        ("/api/v1/outlets/status?period=2016-06-01..2016-06-30", "'baseline' is missing"),
        ("/api/v1/findings?period=2016-12-01-2016-12-31", "period='2016-12-01-2016-12-31'"),
        ("/api/v1/findings?baseline=2016-06&period=2016-06", "baseline=2016-06-01..2016-06-30"),
        ("/api/v1/silences?outlet=x", "it needs scope=outlet"),
        ("/api/v1/output?of=everything", "Invalid value for 'of'"),
    ],
)
def test_api_errors_name_query_parameters(
    served: tuple[Path, str], route: str, expected: str
) -> None:
    store, token = served
    with TestClient(create_app(store, moderation=False)) as client:
        answer = client.get(route, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 400, answer.text
    message = answer.json()["error"]["message"]
    assert expected in message, message
    outside_backquotes = message.split("`")[::2]
    assert not any("--" in piece for piece in outside_backquotes), message


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["output", "--from", "2016-02-01", "--to", "2016-01-01"], "--to 2016-01-01 is before"),
        (["findings", "--baseline", "2016-06", "--period", "2016-06"], "--baseline 2016-06-01"),
        (["silences", "--outlet", "x"], "it needs --scope outlet"),
    ],
)
def test_the_cli_keeps_its_option_names(
    served: tuple[Path, str], words: list[str], expected: str
) -> None:
    store, _ = served
    result = CliRunner().invoke(main, ["--store", str(store), *words, "--json"])
    assert result.exit_code == 2, result.output
    error = json.loads(result.output)["error"]
    assert expected in error["message"], error
