"""``output --outlet NAME``: only the named outlets' posts count, read against their own
channels' coverage, in the library, the CLI and the API, on the small synthetic demo.

Truths come from the demo's store itself (SQL over ``posts``) and from ``--by outlet``,
which already reads each outlet against its own coverage: the filter must equal its slice.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest
from click.testing import CliRunner
from webfactory import Env, bearer

from mutewatch.cli import main
from mutewatch.errors import UsageError
from mutewatch.measure.registry import run_measurement
from tests.measure_s8.conftest import build, every

LATE = "Province 39 Media Office"  # the demo starts its channel (and its export) in 2016
HOLE = "Province 05 Media Office"  # two channels, exported with a planted hole in May 2016
EARLY = "Province 01 Media Office"
SUPPORTER = "Supporter Channel 01"
WHOLE = {"date_from": "2015-01-01", "date_to": "2017-12-31"}


def output(store: Path, **options: Any) -> dict[str, Any]:
    result: dict[str, Any] = run_measurement("output", store, **options)
    return result


def _shown(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(r["period"], r["count"], r.get("partial"), r.get("covered_fraction")) for r in rows]


def _slice(result: dict[str, Any], name: str) -> list[tuple[Any, ...]]:
    return _shown([r for r in result["rows"] if r["group"] == name])


def _sql_counts(store: Path, name: str, of: str, unit: str = "month") -> dict[str, int]:
    """Posts per period of the outlet ``name`` counted under ``--of`` (forwards left out),
    straight from the posts table."""
    side = {"official": "p.official", "supporter": "NOT coalesce(p.official, false)"}[of]
    with duckdb.connect(str(store), read_only=True) as con:
        rows = con.execute(
            f"SELECT strftime(date_trunc('{unit}', p.ts), '%Y-%m-%d'), count(*) FROM posts p "
            "JOIN outlets o USING (outlet_id) WHERE o.name = ? AND p.forwarded_from IS NULL "
            f"AND {side} GROUP BY 1",
            [name],
        ).fetchall()
    return {str(p): int(n) for p, n in rows}


@pytest.fixture(scope="module")
def by_outlet(demo_store: Path) -> dict[str, Any]:
    return output(demo_store, by="outlet", every="month", **WHOLE)


@pytest.mark.parametrize("name", [LATE, HOLE, EARLY])
def test_the_filter_is_the_slice_of_by_outlet(
    demo_store: Path, by_outlet: dict[str, Any], name: str
) -> None:
    alone = output(demo_store, outlets=(name,), every="month", **WHOLE)
    assert _shown(alone["rows"]) == _slice(by_outlet, name)
    assert {r["group"] for r in alone["rows"]} == {None}
    grouped = output(demo_store, outlets=[name], by="outlet", every="month", **WHOLE)
    assert _shown(grouped["rows"]) == _slice(by_outlet, name)
    assert {r["group"] for r in grouped["rows"]} == {name}
    counted = {r["period"]: r["count"] for r in alone["rows"] if r["count"]}
    assert counted == _sql_counts(demo_store, name, "official")
    assert alone["total"] == sum(counted.values()) > 0


@pytest.mark.parametrize("name", [LATE, EARLY])
def test_without_dates_the_series_runs_over_every_counted_post(demo_store: Path, name: str) -> None:
    """The same periods as without the filter: the months before the late channel was
    collected read 0% covered, and the months after Province 01 fell silent are zeros."""
    whole = output(demo_store, by="outlet", every="month")
    alone = output(demo_store, outlets=[name], every="month")
    assert _shown(alone["rows"]) == _slice(whole, name)
    assert alone["rows"][0]["period"] == whole["rows"][0]["period"] == "2015-01-01"
    assert alone["rows"][-1]["period"] == "2017-12-01"
    flags = _flags(alone)
    if name == LATE:  # its channel's export begins in March 2016
        assert [p for p, f in flags.items() if f == 0.0] == [
            f"{y}-{m:02d}-01" for y, m in [*((2015, m) for m in range(1, 13)), (2016, 1), (2016, 2)]
        ]
    else:  # its last post is in July 2017: the zeros after it are covered, a finding
        assert flags == {}
        tail = [r["count"] for r in alone["rows"] if r["period"] >= "2017-08-01"]
        assert tail == [0] * 5


def test_several_outlets_sum_their_slices(demo_store: Path, by_outlet: dict[str, Any]) -> None:
    names = (LATE, HOLE, EARLY)
    both = output(demo_store, outlets=names, every="month", **WHOLE)
    per_period: dict[str, int] = {}
    for row in by_outlet["rows"]:
        if row["group"] in names:
            per_period[row["period"]] = per_period.get(row["period"], 0) + row["count"]
    assert {r["period"]: r["count"] for r in both["rows"]} == per_period
    grouped = output(demo_store, outlets=names, by="outlet", every="month", **WHOLE)
    for name in names:
        assert _slice(grouped, name) == _slice(by_outlet, name)
    assert grouped["parameters"]["outlets"] == sorted(names)


def test_other_groupings_are_narrowed_too(demo_store: Path) -> None:
    media = output(demo_store, outlets=[HOLE], by="medium", every="month", **WHOLE)
    total = sum(_sql_counts(demo_store, HOLE, "official").values())
    assert media["total"] == total == sum(r["count"] for r in media["rows"])
    everyone = output(demo_store, by="medium", every="month", **WHOLE)
    assert everyone["total"] > total


def test_parameters_echo_only_a_given_filter(demo_store: Path) -> None:
    plain = output(demo_store, every="month")
    assert "outlets" not in plain["parameters"]
    assert "--outlet" not in plain["method"]
    twice = output(demo_store, outlets=[LATE, EARLY, LATE], every="month")
    assert twice["parameters"]["outlets"] == [EARLY, LATE]  # sorted, once each
    assert twice["method"].startswith(plain["method"])
    assert "Outlet filter (``--outlet NAME``" in twice["method"]
    assert twice["method"].endswith("This run counts 2 outlets.")
    assert EARLY not in twice["method"]  # names stand whole in parameters.outlets only
    assert twice["rows"] == output(demo_store, outlets=[EARLY, LATE], every="month")["rows"]


# -- coverage -------------------------------------------------------------------------------
def _flags(result: dict[str, Any]) -> dict[str, float]:
    return {r["period"]: r["covered_fraction"] for r in result["rows"] if r.get("partial")}


def _first_day(store: Path, name: str) -> int:
    with duckdb.connect(str(store), read_only=True) as con:
        row = con.execute(
            "SELECT min(p.ts) FROM posts p JOIN outlets o USING (outlet_id) WHERE o.name = ?",
            [name],
        ).fetchall()
    return int(row[0][0].day)


def test_a_late_channel_is_read_against_its_own_coverage(demo_store: Path) -> None:
    first = _first_day(demo_store, LATE)  # its single-chat export begins with its first post
    march = round((31 - first + 1) / 31, 4)
    result = output(demo_store, outlets=[LATE], every="month", date_from="2016-01-01",
                    date_to="2016-06-30")  # fmt: skip
    assert result["coverage_basis"] == "outlet"
    assert _flags(result) == {"2016-01-01": 0.0, "2016-02-01": 0.0, "2016-03-01": march}
    assert [p["period"] for p in result["partial_periods"]] == list(_flags(result))
    assert result["partial_periods"][0] == {
        "period": "2016-01-01", "covered_days": 0, "days": 31, "covered_fraction": 0.0,
    }  # fmt: skip
    (covered,) = result["outlet_coverage"]
    assert covered["group"] == LATE and covered["basis"] == "channels"
    assert covered["covered"][0]["from"] == f"2016-03-{first:02d}"
    # the same months of the whole network are read against the archive: none is partial
    network = output(demo_store, every="month", date_from="2016-01-01", date_to="2016-06-30")
    assert network["coverage_basis"] == "archive" and _flags(network) == {}


def test_several_outlets_are_read_against_the_union_of_their_days(demo_store: Path) -> None:
    window = {"every": "month", "date_from": "2016-01-01", "date_to": "2016-06-30"}
    both = output(demo_store, outlets=[LATE, EARLY], **window)
    assert both["coverage_basis"] == "outlets"
    assert _flags(both) == {}  # Province 01 was collected all along
    assert [c["group"] for c in both["outlet_coverage"]] == [EARLY, LATE]
    # each one's uncovered days are the other's covered ones: together nothing is partial
    assert set(_flags(output(demo_store, outlets=[HOLE], **window))) == {"2016-05-01"}
    assert set(_flags(output(demo_store, outlets=[LATE], **window))) == {
        "2016-01-01", "2016-02-01", "2016-03-01",
    }  # fmt: skip
    assert _flags(output(demo_store, outlets=[HOLE, LATE], **window)) == {}


def test_the_union_starts_with_the_earliest_channel(tmp_path: Path) -> None:
    """Two channels with exports of their own starting Jan 16 and Jan 20: together they
    cover January from the 16th; each alone from its own day."""
    store = build(
        tmp_path,
        [
            {"first": every(datetime(2016, 1, 16), datetime(2016, 3, 31), 6)},
            {"second": every(datetime(2016, 1, 20), datetime(2016, 3, 31), 6)},
            {"other": every(datetime(2016, 1, 1), datetime(2016, 3, 31), 6)},
        ],
    )
    window = {"of": "all", "every": "month"}
    both = output(store, outlets=["first", "second"], **window)
    assert both["coverage_basis"] == "outlets"
    assert _flags(both) == {"2016-01-01": round(16 / 31, 4)}
    assert _flags(output(store, outlets=["second"], **window)) == {"2016-01-01": round(12 / 31, 4)}
    assert _flags(output(store, **window)) == {}  # the archive begins Jan 1


def test_a_hole_between_two_exports_flags_its_month(demo_store: Path) -> None:
    result = output(demo_store, outlets=[HOLE], every="month", **WHOLE)
    flags = _flags(result)
    assert list(flags) == ["2016-05-01"]
    assert 0 < flags["2016-05-01"] < 1


# -- --of and the chosen outlets ------------------------------------------------------------
def test_a_supporter_outlet_counts_under_of_supporter_only(demo_store: Path) -> None:
    official = output(demo_store, outlets=[SUPPORTER], every="month", **WHOLE)
    assert official["total"] == 0
    assert all(r["count"] == 0 for r in official["rows"])
    assert official["warnings"] == [
        "--outlet: the chosen outlet is supporter and --of official counts none of their "
        "posts (parameters.outlets): pass --of supporter or --of all"
    ]
    supporter = output(demo_store, outlets=[SUPPORTER], of="supporter", every="month", **WHOLE)
    counted = {r["period"]: r["count"] for r in supporter["rows"] if r["count"]}
    assert counted == _sql_counts(demo_store, SUPPORTER, "supporter")
    assert not supporter.get("warnings")
    every_side = output(demo_store, outlets=[SUPPORTER], of="all", every="month", **WHOLE)
    assert every_side["rows"] == supporter["rows"]
    forwards = output(
        demo_store, outlets=[SUPPORTER], of="supporter", include_forwards=True, every="month",
        **WHOLE,
    )  # fmt: skip
    assert forwards["total"] > supporter["total"]  # the demo's supporters forward releases


def test_an_official_outlet_counts_nothing_under_of_supporter(demo_store: Path) -> None:
    result = output(demo_store, outlets=[EARLY, SUPPORTER], of="supporter", every="month",
                    **WHOLE)  # fmt: skip
    assert result["total"] == sum(_sql_counts(demo_store, SUPPORTER, "supporter").values())
    assert [w for w in result["warnings"] if "--outlet" in w] == [
        "--outlet: 1 of the 2 chosen outlets is official and --of supporter counts none of "
        "their posts (parameters.outlets): pass --of official or --of all"
    ]


# -- errors ---------------------------------------------------------------------------------
def test_an_unknown_outlet_is_a_usage_error_with_close_names(demo_store: Path) -> None:
    with pytest.raises(UsageError) as caught:
        output(demo_store, outlets=["Province 39", EARLY, "Nowhere Office"])
    message = caught.value.message
    assert "'Province 39' (did you mean 'Province 39 Media Office'?)" in message
    assert "'Nowhere Office'" in message and EARLY not in message
    assert "mutewatch outlets list" in (caught.value.hint or "")
    with pytest.raises(UsageError, match="province 39 media office.*did you mean 'Province 39"):
        output(demo_store, outlets=["province 39 media office"])  # names are exact


def test_cli_filters_and_refuses_unknown_outlets(demo_store: Path) -> None:
    base = ["--store", str(demo_store), "output", "--every", "month"]
    ok = CliRunner().invoke(main, [*base, "--outlet", LATE, "--outlet", EARLY, "--json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output) == {
        **output(demo_store, outlets=[LATE, EARLY], every="month"),
    }
    text = CliRunner().invoke(main, [*base, "--outlet", LATE, "--from", "2016-01-01"])
    assert text.exit_code == 0, text.output
    assert "* 2016-01-01: the chosen outlet's channels were collected on 0 of its 31 days" in (
        text.output
    )
    bad = CliRunner().invoke(main, [*base, "--outlet", "Province 39", "--json"])
    assert bad.exit_code == 2
    error = json.loads(bad.output)["error"]
    assert error["code"] == "bad_request"
    assert "'Province 39' (did you mean 'Province 39 Media Office'?)" in error["message"]
    plain = CliRunner().invoke(main, [*base, "--outlet", "Province 39"])
    assert plain.exit_code == 2
    assert "did you mean 'Province 39 Media Office'" in plain.output


# -- API ------------------------------------------------------------------------------------
API_CASES = [
    ({"outlet": LATE, "every": "month"}, ["--outlet", LATE, "--every", "month"]),
    (
        {"outlet": [LATE, HOLE], "every": "week", "from": "2016-01-01", "to": "2016-06-30"},
        [
            "--outlet",
            LATE,
            "--outlet",
            HOLE,
            *["--every", "week", "--from", "2016-01-01", "--to", "2016-06-30"],
        ],
    ),
    (
        {"outlet": SUPPORTER, "of": "supporter", "by": "outlet", "every": "month"},
        ["--outlet", SUPPORTER, "--of", "supporter", "--by", "outlet", "--every", "month"],
    ),
]


@pytest.mark.anyio
@pytest.mark.parametrize(("query", "argv"), API_CASES)
async def test_api_answers_what_the_cli_prints(
    client: httpx.AsyncClient, demo_env: Env, query: dict[str, Any], argv: list[str]
) -> None:
    r = await client.get("/api/v1/output", params=query, headers=bearer(demo_env, "analyst"))
    assert r.status_code == 200, r.text
    cli = CliRunner().invoke(main, ["--store", str(demo_env.path), "output", *argv, "--json"])
    assert cli.exit_code == 0, cli.output
    assert r.json() == json.loads(cli.output)
    names = query["outlet"] if isinstance(query["outlet"], list) else [query["outlet"]]
    assert r.json()["parameters"]["outlets"] == sorted(names)


@pytest.mark.anyio
async def test_api_refuses_an_unknown_outlet_with_400(
    client: httpx.AsyncClient, demo_env: Env
) -> None:
    r = await client.get(
        "/api/v1/output", params={"outlet": "Province 39"}, headers=bearer(demo_env, "viewer")
    )
    assert r.status_code == 400, r.text
    body = r.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == "bad_request"
    assert "did you mean 'Province 39 Media Office'" in body["error"]["message"]


async def _pseudonym(client: httpx.AsyncClient, env: Env, name: str) -> str:
    """The name a viewer sees for the outlet ``name`` (the outlet lists share one order)."""
    lists = [
        (await client.get("/api/v1/outlets", headers=bearer(env, role))).json()["outlets"]
        for role in ("analyst", "viewer")
    ]
    (seen,) = [v["outlet"] for a, v in zip(*lists, strict=True) if a["outlet"] == name]
    return str(seen)


@pytest.mark.anyio
async def test_viewers_choose_supporter_outlets_by_the_pseudonyms_they_see(
    client: httpx.AsyncClient, demo_env: Env
) -> None:
    pseudonym = await _pseudonym(client, demo_env, SUPPORTER)
    assert pseudonym.startswith("supporter-")
    query = {"of": "supporter", "every": "month"}
    viewer = await client.get(
        "/api/v1/output", params={**query, "outlet": pseudonym}, headers=bearer(demo_env, "viewer")
    )
    assert viewer.status_code == 200, viewer.text
    analyst = await client.get(
        "/api/v1/output", params={**query, "outlet": SUPPORTER}, headers=bearer(demo_env, "analyst")
    )
    assert viewer.json()["rows"] == analyst.json()["rows"] and analyst.json()["total"] > 0
    assert viewer.json()["parameters"]["outlets"] == [pseudonym]
    assert SUPPORTER not in viewer.text
    # a viewer's guess of a real supporter name confirms nothing, and no suggestion shows one
    for guess in (SUPPORTER, "Supporter Channel 0"):
        r = await client.get(
            "/api/v1/output", params={"outlet": guess}, headers=bearer(demo_env, "viewer")
        )
        assert r.status_code == 400, r.text
        after = r.json()["error"]["message"].split(repr(guess), 1)[1]
        assert "Supporter Channel" not in after
    # official outlets keep their names for viewers
    r = await client.get(
        "/api/v1/output", params={"outlet": "Province 39"}, headers=bearer(demo_env, "viewer")
    )
    assert "did you mean 'Province 39 Media Office'" in r.json()["error"]["message"]
