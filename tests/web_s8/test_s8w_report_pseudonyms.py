"""``ReportOptions(pseudonymise=True)``: a report to hand to readers who would be viewers on
the server names supporter accounts and outlets as the server names them to viewers (the
same keyed-hash pseudonyms), and still names official outlets.

Found: the report named supporter channels in its "Missing message ids" table (demo store:
Supporter Channel 01, 05, 06, 09, 10 and Relay Channel 01) with no way to leave them out,
though the server hides them from viewers (issue 4: the people behind supporter accounts
are not the object of study)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from webfactory import START, Env, bearer, make_env

from mutewatch.show.report import ReportOptions, build_report
from mutewatch.store import Store

SUPPORTER = "Supporter Channel One"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Env:
    """The web tests' store, with message ids missing in a supporter channel and an official
    one (so the report's id gaps table names both)."""
    made = make_env(tmp_path_factory.mktemp("s8w-pseudo-store"))
    with Store.open(made.path) as store, store.transaction() as con:
        for account in ("2001", "1001"):
            con.execute(
                "INSERT INTO id_gaps VALUES ('telegram', ?, 10, 20, 9, ?, ?)",
                [account, START + timedelta(days=3), START + timedelta(days=4)],
            )
    return made


@pytest.fixture(scope="module")
def reports(env: Env) -> dict[bool, str]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MUTEWATCH_PSEUDONYM_KEY", "s8w-key")  # the app fixture's key
        return {flag: build_report(env.path, ReportOptions(pseudonymise=flag))[0]
                for flag in (False, True)}  # fmt: skip


@pytest.mark.anyio
async def test_the_report_names_supporters_as_the_server_does_for_viewers(
    reports: dict[bool, str], app: Any, env: Env
) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        listed = (await client.get("/api/v1/outlets", headers=bearer(env, "viewer"))).json()
    names = [o["outlet"] for o in listed["outlets"] if not o["official"]]
    assert SUPPORTER not in names and len(names) == 2
    assert SUPPORTER in reports[False] and "Outlet A" in reports[False]
    assert SUPPORTER not in reports[True] and "Old Supporter Name" not in reports[True]
    assert "Outlet A" in reports[True]  # official outlets keep their names
    assert sum(name in reports[True] for name in names) == 1  # the id-gap channel's pseudonym


def test_the_cli_flag_writes_the_pseudonymised_report(
    env: Env, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``mutewatch report --pseudonymise`` (wired by the lead, session 8)."""
    from click.testing import CliRunner

    from mutewatch.cli import main

    monkeypatch.setenv("MUTEWATCH_PSEUDONYM_KEY", "s8w-key")
    written = {}
    for flag in ([], ["--pseudonymise"]):
        out = tmp_path / f"r{len(flag)}.html"
        args = ["--store", str(env.path), "report", "--out", str(out), *flag]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        written[bool(flag)] = out.read_text()
    assert SUPPORTER in written[False] and SUPPORTER not in written[True]
    assert "Outlet A" in written[True]
