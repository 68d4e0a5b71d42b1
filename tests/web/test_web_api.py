"""The JSON API in-process through httpx.ASGITransport."""

from __future__ import annotations

import json

import click
import httpx
import pytest
from webfactory import HOSTILE, Env, bearer

pytestmark = pytest.mark.anyio


async def test_status_counts_the_store(client: httpx.AsyncClient, env: Env) -> None:
    r = await client.get("/api/v1/status", headers=bearer(env, "viewer"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["outlets"] == 5
    assert body["accounts"] == 5
    assert body["quarantined"] == 1
    assert body["supporter_posts"] == 401
    assert body["posts"] == body["official_posts"] + body["supporter_posts"]
    assert body["first"].startswith("2024-01-01T08:00")


async def test_anonymous_gets_one_error_shape(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/status")
    assert r.status_code == 401
    assert set(r.json()) == {"error"}
    assert r.json()["error"]["code"] == "unauthorized"
    assert r.headers["www-authenticate"] == "Bearer"


async def test_bad_token_and_bad_scheme(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/status", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401
    r = await client.get("/api/v1/status", headers={"Authorization": "Basic eDp5"})
    assert r.status_code == 401
    assert "Bearer" in r.json()["error"]["message"]


async def test_unknown_path_and_validation_errors(client: httpx.AsyncClient, env: Env) -> None:
    r = await client.get("/api/v1/nothing", headers=bearer(env, "admin"))
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"
    r = await client.get("/api/v1/posts?limit=abc", headers=bearer(env, "analyst"))
    assert r.status_code == 400  # a bad query value: 400 naming it since session 13 (was 422)
    assert r.json()["error"]["code"] == "bad_request"
    assert "limit" in r.json()["error"]["message"]
    r = await client.get("/api/v1/outlets/999", headers=bearer(env, "analyst"))
    assert r.status_code == 404
    assert "999" in r.json()["error"]["message"]


async def test_posts_are_defanged_and_searchable(client: httpx.AsyncClient, env: Env) -> None:
    r = await client.get("/api/v1/posts", params={"q": "<script>"}, headers=bearer(env, "analyst"))
    assert r.status_code == 200
    posts = r.json()["posts"]
    assert len(posts) == 1
    text = posts[0]["text"]
    assert "hxxps://example[.]org/page?a=1" in text
    assert "https://" not in text
    assert text.replace("hxxps://example[.]org", "https://example.org") == HOSTILE


async def test_search_escapes_like_wildcards(client: httpx.AsyncClient, env: Env) -> None:
    r = await client.get("/api/v1/posts", params={"q": "%"}, headers=bearer(env, "analyst"))
    assert r.json()["total"] == 0


async def test_viewer_sees_supporters_pseudonymised(client: httpx.AsyncClient, env: Env) -> None:
    viewer = (await client.get("/api/v1/outlets", headers=bearer(env, "viewer"))).json()
    analyst = (await client.get("/api/v1/outlets", headers=bearer(env, "analyst"))).json()
    vnames = {o["outlet"] for o in viewer["outlets"]}
    anames = {o["outlet"] for o in analyst["outlets"]}
    assert "Supporter Channel One" in anames
    assert "Supporter Channel One" not in vnames
    assert {"Outlet A", "Outlet B", "Outlet C"} <= vnames
    pseudo = sorted(n for n in vnames if n.startswith("supporter-"))
    assert len(pseudo) == 2
    detail = (await client.get("/api/v1/outlets/4", headers=bearer(env, "viewer"))).json()
    shown = str(detail)
    assert "2001" not in shown and "Old Supporter Name" not in shown
    assert detail["outlet"]["name"] in pseudo
    again = (await client.get("/api/v1/outlets", headers=bearer(env, "viewer"))).json()
    assert again == viewer  # keyed hash: stable


async def test_openapi_is_served_to_users(client: httpx.AsyncClient, env: Env) -> None:
    r = await client.get("/openapi.json", headers=bearer(env, "viewer"))
    assert r.status_code == 200
    paths = r.json()["paths"]
    for path in ("/api/v1/status", "/api/v1/silences", "/api/v1/outlets/status", "/api/v1/posts"):
        assert path in paths
    assert (await client.get("/openapi.json")).status_code == 401
    docs = await client.get("/docs", headers=bearer(env, "viewer"))
    assert docs.status_code == 200 and "/api/v1/silences" in docs.text
    assert "cdn" not in docs.text.lower()


BASELINE, PERIOD = "2024-01-01..2024-03-31", "2024-05-01..2024-05-31"
CLI_CASES = [
    ("/api/v1/output", ["output"]),
    ("/api/v1/output?every=week&from=2024-02-01",
     ["output", "--every", "week", "--from", "2024-02-01"]),
    ("/api/v1/silences?scope=network&min_hours=12",
     ["silences", "--scope", "network", "--min-hours", "12"]),
    (f"/api/v1/outlets/status?baseline={BASELINE}&period={PERIOD}",
     ["outlets", "status", "--baseline", BASELINE, "--period", PERIOD]),
]  # fmt: skip


@pytest.mark.parametrize(("path", "argv"), CLI_CASES)
async def test_measurements_match_the_cli(
    client: httpx.AsyncClient, env: Env, path: str, argv: list[str]
) -> None:
    """Same query parameters as the CLI options, same JSON as `--json` prints."""
    from click.testing import CliRunner

    from mutewatch.cli import main

    command = main
    for part in argv:
        if part.startswith("-") or not isinstance(command, click.Group):
            break
        assert part in command.commands, f"the CLI has no `{' '.join(argv[:2])}` command"
        command = command.commands[part]
    r = await client.get(path, headers=bearer(env, "analyst"))
    cli = CliRunner().invoke(main, ["--store", str(env.path), *argv, "--json"])
    if cli.exit_code != 0:
        assert r.status_code >= 400, (cli.output, r.text)
        return
    assert r.status_code == 200, r.text
    expected = json.loads(cli.output)
    assert r.json() == expected


async def test_unknown_and_cli_only_options_are_refused(
    client: httpx.AsyncClient, env: Env
) -> None:
    r = await client.get("/api/v1/output?nonsense=1", headers=bearer(env, "viewer"))
    assert r.status_code == 400 and "nonsense" in r.json()["error"]["message"]
    for option in ("engine=spark", "parquet=/etc", "spark_master=spark://x:7077"):
        r = await client.get(f"/api/v1/output?{option}", headers=bearer(env, "viewer"))
        assert r.status_code == 400, option
        assert "not available over the API" in r.json()["error"]["message"]
