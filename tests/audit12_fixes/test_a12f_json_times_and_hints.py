"""Small contracts the README audit found broken (helper-85):

* `users list --json` (`created_at`) and `audit --json` (`ts`) print times as ISO-8601 UTC
  with a `Z`, as every other JSON time and as `GET /api/v1/users` and `/api/v1/audit`
  answer them; they printed Python's `2026-11-30 07:08:34.577416`.
* A required option missing under `--json` has a hint naming the option to pass, not
  `"hint": null`.
* An unknown user's hint names the layer's own way to list users: `mutewatch users list` on
  the command line, `GET /api/v1/users` over the API.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from click.testing import CliRunner
from fastapi.testclient import TestClient

from mutewatch.cli import main
from mutewatch.web.app import create_app

ISO_Z = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?Z")


def _admin(store: Path) -> str:
    added = CliRunner().invoke(
        main, ["--store", str(store), "users", "add", "root", "--role", "admin", "--json"]
    )
    assert added.exit_code == 0, added.output
    return str(json.loads(added.output)["token"])


def test_users_list_and_audit_print_iso_utc_times(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    token = _admin(store)
    listed = CliRunner().invoke(main, ["--store", str(store), "users", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    users = json.loads(listed.output)["users"]
    assert users and all(ISO_Z.fullmatch(u["created_at"]) for u in users), users
    audited = CliRunner().invoke(main, ["--store", str(store), "audit", "--json"])
    assert audited.exit_code == 0, audited.output
    entries = json.loads(audited.output)["entries"]
    assert entries and all(ISO_Z.fullmatch(e["ts"]) for e in entries), entries
    # the same text the API answers for the same rows
    with TestClient(create_app(store, moderation=False)) as client:
        auth = {"Authorization": f"Bearer {token}"}
        api_users = client.get("/api/v1/users", headers=auth).json()["users"]
        api_audit = client.get("/api/v1/audit", headers=auth).json()["entries"]
    assert {u["name"]: u["created_at"] for u in api_users} == {
        u["name"]: u["created_at"] for u in users
    }
    api_ts = {e["id"]: e["ts"] for e in api_audit}  # the API adds its own login rows
    assert all(api_ts[e["id"]] == e["ts"] for e in entries), (api_ts, entries)


def test_a_missing_required_option_under_json_names_what_to_pass(demo_store: Path) -> None:
    result = CliRunner().invoke(
        main, ["--store", str(demo_store), "outlets", "status", "--period", "2017-12", "--json"]
    )
    assert result.exit_code == 2, result.output
    error = json.loads(result.output)["error"]
    assert error["message"] == "Missing option '--baseline'.", error
    assert error["hint"] and error["hint"].startswith("pass --baseline A..B"), error


def test_a_missing_required_option_without_json_is_click_s_own_text(demo_store: Path) -> None:
    result = CliRunner().invoke(main, ["--store", str(demo_store), "outlets", "status"])
    assert result.exit_code == 2
    assert result.output.endswith("Error: Missing option '--baseline'.\n"), result.output


def test_an_unknown_user_s_hint_is_the_layer_s_own(tmp_path: Path, demo_store: Path) -> None:
    store = tmp_path / "s.duckdb"
    shutil.copy(demo_store, store)
    token = _admin(store)
    cli = CliRunner().invoke(main, ["--store", str(store), "users", "disable", "ada"])
    assert cli.exit_code == 2 and "`mutewatch users list`" in cli.output, cli.output
    assert "/api/v1/users" not in cli.output
    with TestClient(create_app(store, moderation=False)) as client:
        answer = client.delete("/api/v1/users/ada", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 404, answer.text
    message = answer.json()["error"]["message"]
    assert "GET /api/v1/users" in message and "mutewatch" not in message, message
