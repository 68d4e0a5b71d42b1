"""``mutewatch moderate stats`` and ``GET /api/v1/moderation/stats``: the same JSON, errors."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from modhelpers import auth as _auth
from modhelpers import role_tokens
from modstats_helpers import AS_OF, History

from mutewatch.cli import main
from mutewatch.moderate import stats as stats_module
from mutewatch.moderate.stats import moderation_stats
from mutewatch.store import Store
from mutewatch.web import moderation as web_moderation

OPTIONS = [
    ([], {}),
    (
        ["--from", "2026-11-11", "--to", "2026-11-12", "--article", "a1"],
        {"from": "2026-11-11", "to": "2026-11-12", "article_id": "a1"},
    ),
]


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """ "Now" is AS_OF for the CLI and the API alike, so the queue's age is the same."""
    monkeypatch.setattr(stats_module, "_now", lambda: AS_OF)


def _cli(store: Path, *args: str) -> Any:
    return CliRunner().invoke(main, ["--store", str(store), "moderate", "stats", *args])


def test_cli_json_is_one_line_of_the_library_result(history: History) -> None:
    r = _cli(history.path, "--json")
    assert r.exit_code == 0, r.output
    assert len(r.stdout.splitlines()) == 1
    with Store.open(history.path, read_only=True) as store:
        assert json.loads(r.stdout) == moderation_stats(store, now=AS_OF)


def test_cli_table_and_findings(history: History) -> None:
    r = _cli(history.path, "--from", "2026-11-10", "--to", "2026-11-10")
    assert r.exit_code == 0, r.output
    assert "Comments submitted 2026-11-10..2026-11-10 (2)" in r.stdout
    assert "Findings:" in r.stdout
    assert "Moderators approved 1 of the 1 reviewed comment held as defamatory" in " ".join(
        r.stdout.split()
    )


@pytest.mark.parametrize("as_json", [False, True])
def test_cli_bad_date_is_a_usage_error(history: History, as_json: bool) -> None:
    r = _cli(history.path, "--from", "2026-02-30", *(["--json"] if as_json else []))
    assert r.exit_code == 2
    if as_json:
        assert json.loads(r.stdout)["error"]["code"] == "bad_request"
    else:
        assert "Error: from: '2026-02-30' is not a calendar date" in r.output


def test_cli_unknown_article_is_not_found(history: History) -> None:
    """Not all zeros, which would read as an article nobody commented on."""
    r = _cli(history.path, "--article", "no-such-article", "--json")
    assert r.exit_code == 2
    error = json.loads(r.stdout)["error"]
    assert error["code"] == "not_found" and "no-such-article" in error["message"]


def test_cli_missing_store_is_a_store_error(tmp_path: Path) -> None:
    r = _cli(tmp_path / "none.duckdb")
    assert r.exit_code == 4 and "no store at" in r.output
    assert not (tmp_path / "none.duckdb").exists()


# --- the API --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def env(history: History, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A copy of the history store with one user per role."""
    path = tmp_path_factory.mktemp("modstats_web") / "store.duckdb"
    shutil.copy(history.path, path)
    return path, role_tokens(path)


@pytest.fixture(scope="module")
def app(
    env: tuple[Path, dict[str, str]], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    """The real app; the moderation models are not loaded (stats do not need them)."""
    from mutewatch.web.app import create_app

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(web_moderation, "setup", lambda app: None)
        application = create_app(
            env[0], cache_dir=tmp_path_factory.mktemp("cache"), refresh_interval=0.2,
            linger=0.05, pseudonym_key="test-key",
        )  # fmt: skip
    yield application
    application.state.gateway.stop()


@pytest.mark.anyio
@pytest.mark.parametrize(("args", "params"), OPTIONS)
async def test_api_equals_cli_json(
    client: httpx.AsyncClient,
    env: tuple[Path, dict[str, str]],
    args: list[str],
    params: dict[str, str],
) -> None:
    r = await client.get("/api/v1/moderation/stats", params=params, headers=_auth(env, "moderator"))
    assert r.status_code == 200, r.text
    cli = _cli(env[0], *args, "--json")
    assert cli.exit_code == 0, cli.output
    assert r.json() == json.loads(cli.stdout)
    assert r.json()["submitted"] == (7 if not params else 4)


@pytest.mark.anyio
@pytest.mark.parametrize(("role", "status"), [("viewer", 403), ("analyst", 403), ("admin", 200)])
async def test_api_roles(
    client: httpx.AsyncClient, env: tuple[Path, dict[str, str]], role: str, status: int
) -> None:
    r = await client.get("/api/v1/moderation/stats", headers=_auth(env, role))
    assert r.status_code == status, r.text
    assert (await client.get("/api/v1/moderation/stats")).status_code == 401


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("params", "status", "code", "message"),
    [
        ({"to": "2026-11-31"}, 400, "bad_request", "to: '2026-11-31' is not a calendar date"),
        ({"article_id": "nope"}, 404, "not_found", "no article 'nope'"),
    ],
)
async def test_api_refuses_bad_options(
    client: httpx.AsyncClient,
    env: tuple[Path, dict[str, str]],
    params: dict[str, str],
    status: int,
    code: str,
    message: str,
) -> None:
    headers = _auth(env, "moderator")
    r = await client.get("/api/v1/moderation/stats", params=params, headers=headers)
    assert r.status_code == status
    assert r.json()["error"]["code"] == code
    assert message in r.json()["error"]["message"]


@pytest.mark.anyio
async def test_api_counts_a_moderators_action_at_once(
    client: httpx.AsyncClient, env: tuple[Path, dict[str, str]], history: History
) -> None:
    headers = _auth(env, "moderator")
    before = (await client.get("/api/v1/moderation/stats", headers=headers)).json()
    assert before["queue"]["held_now"] == 1
    r = await client.post(
        f"/api/v1/comments/{history.ids['held_waiting']}/actions",
        json={"action": "approve", "note": "reviewed"},
        headers=headers,
    )
    assert r.status_code == 200, r.text
    after = (await client.get("/api/v1/moderation/stats", headers=headers)).json()
    assert after["queue"]["held_now"] == 0 and after["queue"]["oldest_held"] is None
    assert after["review_by_clause"]["hold"]["defamatory"]["approved"] == 2
    assert after["moderators"][-1]["moderator"] == "moderator1"
