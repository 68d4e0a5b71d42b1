"""The last enabled admin cannot be made another role or disabled: nobody could then manage
users or uploads from the server. Found auditing a real server (session 25): POST
/api/v1/users {"name": <the only admin>, "role": "viewer"} answered 201, and the admin's
next GET /api/v1/users a 403; the admin page's role list starts at viewer, so an admin
giving itself a new token there without picking its role again did the same."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from webfactory import asgi_client, bearer, form_login, make_env, running_app

from mutewatch.cli import main
from mutewatch.errors import ConflictError
from mutewatch.store import Store
from mutewatch.web.auth import add_user, disable_user, list_users


def roles(store: Path) -> dict[str, tuple[str, bool]]:
    with Store.open(store, read_only=True) as opened:
        return {u["name"]: (u["role"], u["disabled"]) for u in list_users(opened)}


def test_the_library_keeps_one_enabled_admin(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.duckdb") as store:
        add_user(store, "ada", "admin")
        add_user(store, "bo", "viewer")
        with pytest.raises(ConflictError, match="'ada' is the only enabled admin: making"):
            add_user(store, "ada", "viewer")
        with pytest.raises(ConflictError, match="'ada' is the only enabled admin: disabling"):
            disable_user(store, "ada")
        add_user(store, "ada", "admin")  # a new token, same role: fine
        add_user(store, "bo", "analyst")
        disable_user(store, "bo")
        add_user(store, "cy", "admin")  # with a second admin, the first may go
        add_user(store, "ada", "viewer")
        with pytest.raises(ConflictError):
            disable_user(store, "cy")
    assert roles(tmp_path / "s.duckdb") == {
        "ada": ("viewer", False), "bo": ("analyst", True), "cy": ("admin", False),
    }  # fmt: skip


def test_the_cli_refuses_with_exit_2(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    run = CliRunner().invoke
    assert (
        run(main, ["--store", str(store), "users", "add", "ada", "--role", "admin"]).exit_code == 0
    )
    demoted = run(main, ["--store", str(store), "users", "add", "ada", "--role", "moderator"])
    assert demoted.exit_code == 2 and "only enabled admin" in demoted.output
    disabled = run(main, ["--store", str(store), "users", "disable", "ada"])
    assert disabled.exit_code == 2 and "only enabled admin" in disabled.output
    assert roles(store) == {"ada": ("admin", False)}


@pytest.mark.anyio
async def test_the_api_and_the_admin_page_answer_409(tmp_path: Path) -> None:
    env = make_env(tmp_path)  # one user per role: admin1 the only admin
    with running_app(env.path, tmp_path / "cache", "k", moderation=False) as app:
        async with asgi_client(app) as client:
            admin = bearer(env, "admin")
            for method, path, body in (
                ("POST", "/api/v1/users", {"name": "admin1", "role": "viewer"}),
                ("DELETE", "/api/v1/users/admin1", None),
            ):
                got = await client.request(method, path, json=body, headers=admin)
                assert got.status_code == 409, got.text
                assert got.json()["error"]["code"] == "conflict"
                assert "only enabled admin" in got.json()["error"]["message"]
            assert (await client.get("/api/v1/users", headers=admin)).status_code == 200
            assert (await form_login(client, "admin1", env.tokens["admin"])).status_code == 303
            page = await client.get("/admin")
            csrf = re.search(r'name="csrf-token" content="([0-9a-f]+)"', page.text)
            assert csrf
            form = {"name": "admin1", "role": "viewer", "csrf": csrf.group(1)}
            refused = await client.post("/admin/users", data=form, headers={"accept": "text/html"})
            assert refused.status_code == 409 and "only enabled admin" in refused.text
    assert roles(env.path)["admin1"] == ("admin", False)
