"""`users add` on the name of a disabled user re-enabled it, silently, with whatever role
was asked: an admin who disabled someone on purpose was not told, nor was the one adding.
Now it is refused (409 / exit 2) unless asked for (``--enable``, ``"enable": true``, the
admin form's box), and a re-enable or a change of role is said and audited."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner, Result
from webfactory import Env, bearer, form_login

from mutewatch.cli import main
from mutewatch.store import Store
from mutewatch.web.auth import list_users, lookup_token, read_audit


def _cli(store: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--store", str(store), "users", *args])


def _state(store: Path, name: str) -> dict[str, object]:
    with Store.open(store, read_only=True) as opened:
        return next(u for u in list_users(opened) if u["name"] == name)


def test_cli_refuses_to_re_enable_a_disabled_user_unless_asked(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    assert _cli(store, "add", "ada", "--role", "viewer").exit_code == 0
    assert _cli(store, "disable", "ada").exit_code == 0
    again = _cli(store, "add", "ada", "--role", "admin", "--json")
    assert again.exit_code == 2, again.output
    assert "disabled" in again.output and "--enable" in again.output
    assert _state(store, "ada")["disabled"] is True
    assert _state(store, "ada")["role"] == "viewer" and _state(store, "ada")["tokens"] == 0
    enabled = _cli(store, "add", "ada", "--role", "analyst", "--json", "--enable")
    assert enabled.exit_code == 0
    created = json.loads(enabled.stdout)
    assert {"name", "role", "token"} <= set(created) and created["role"] == "analyst"
    assert "re-enabled" in enabled.stderr and "viewer" in enabled.stderr
    with Store.open(store, read_only=True) as opened:
        user = lookup_token(opened, created["token"])
        assert user is not None and user.role == "analyst"
        entry = read_audit(opened, 1)[0]
    assert entry["action"] == "user.add"
    assert json.loads(entry["detail"])["previous"] == {"role": "viewer", "disabled": True}


def test_cli_says_when_a_role_changes(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    _cli(store, "add", "bo", "--role", "viewer")
    raised = _cli(store, "add", "bo", "--role", "admin")
    assert raised.exit_code == 0
    assert re.search(r"role .*viewer.* admin", raised.stderr)
    same = _cli(store, "add", "bo", "--role", "admin")
    assert same.exit_code == 0 and same.stderr == ""


@pytest.mark.anyio
async def test_api_and_admin_form_refuse_a_disabled_name_unless_asked(
    client: httpx.AsyncClient, env: Env
) -> None:
    admin = bearer(env, "admin")
    made = await client.post(
        "/api/v1/users", json={"name": "audit6-u", "role": "viewer"}, headers=admin
    )
    assert made.status_code == 201
    assert (await client.delete("/api/v1/users/audit6-u", headers=admin)).status_code == 200
    refused = await client.post(
        "/api/v1/users", json={"name": "audit6-u", "role": "admin"}, headers=admin
    )
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "conflict"
    assert "disabled" in refused.json()["error"]["message"]
    users = (await client.get("/api/v1/users", headers=admin)).json()["users"]
    assert next(u for u in users if u["name"] == "audit6-u")["disabled"] is True
    enabled = await client.post(
        "/api/v1/users", json={"name": "audit6-u", "role": "analyst", "enable": True},
        headers=admin,
    )  # fmt: skip
    assert enabled.status_code == 200  # 201 until session 26: the user existed
    assert {"name", "role", "token"} <= set(enabled.json()) and enabled.json()["changed"]
    # the admin page: the same refusal, and a box to tick
    await client.delete("/api/v1/users/audit6-u", headers=admin)
    assert (await form_login(client, "admin1", env.tokens["admin"])).status_code == 303
    page = await client.get("/admin")
    assert re.search(r'<label>[^<]*<input type="checkbox" name="enable"', page.text)
    csrf = re.search(r'name="csrf-token" content="([0-9a-f]+)"', page.text)
    assert csrf
    form = {"name": "audit6-u", "role": "viewer", "csrf": csrf.group(1)}
    no = await client.post("/admin/users", data=form, headers={"accept": "text/html"})
    assert no.status_code == 409 and "disabled" in no.text
    yes = await client.post("/admin/users", data={**form, "enable": "on"})
    assert yes.status_code == 200 and "re-enabled" in yes.text
