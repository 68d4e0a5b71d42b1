"""An API error names the query parameter the request got wrong, as the API spells it.

The measurement routes read the command's options from the query (`baseline`, `from`,
`to`, ...), but their errors named the command-line options: `GET /api/v1/outlets/status`
without a window answered "Missing option '--baseline'.", and `?from=2017-02-01&to=2017-01-01`
"--to 2017-01-01 is before --from 2017-02-01 (give --from A --to B with A <= B)"; a reader
of the API sends no `--baseline`. (`?from=2017-13-01` already answers "from: '2017-13-01' is
not a calendar date".)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from mutewatch.cli import main
from mutewatch.web.app import create_app


@pytest.mark.parametrize(
    ("route", "wrong"),
    [
        ("/api/v1/outlets/status", "baseline"),
        ("/api/v1/output?from=2017-02-01&to=2017-01-01", "to"),
    ],
)
def test_the_error_names_the_query_parameter(demo_copy: Path, route: str, wrong: str) -> None:
    added = CliRunner().invoke(
        main, ["--store", str(demo_copy), "users", "add", "ada", "--role", "analyst", "--json"]
    )
    assert added.exit_code == 0, added.output
    token = added.output.split('"token": "')[1].split('"')[0]
    with TestClient(create_app(demo_copy, moderation=False)) as client:
        answer = client.get(route, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 400, answer.text
    message = answer.json()["error"]["message"]
    assert wrong in message and f"--{wrong}" not in message, message
