"""``trend --outlet NAME``: only the named outlets' posts count, over the days their own
channels were collected, in the library, the CLI and the API.

Truths come from the stores themselves: SQL over ``posts`` for the counts, ``coverage``
for the days collected, and stores built here whose outlets start late or have a hole.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
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
from mutewatch.measure.trend import change_points, zero_fill
from tests.measure_s8.conftest import build, every

LATE = "Province 39 Media Office"  # the demo starts its channel (and its export) in 2016
HOLE = "Province 05 Media Office"  # two channels, exported with a planted hole in May 2016
EARLY = "Province 01 Media Office"  # collected all along; falls silent in July 2017
SUPPORTER = "Supporter Channel 01"


def trend(store: Path, **options: Any) -> dict[str, Any]:
    result: dict[str, Any] = run_measurement("trend", store, **options)
    return result


def _sql_days(store: Path, name: str) -> dict[date, int]:
    """Official posts (no forwards) of the outlet ``name`` per UTC day, from ``posts``."""
    with duckdb.connect(str(store), read_only=True) as con:
        rows = con.execute(
            "SELECT CAST(p.ts AS DATE), count(*) FROM posts p JOIN outlets o USING (outlet_id) "
            "WHERE o.name = ? AND p.forwarded_from IS NULL AND p.official GROUP BY 1",
            [name],
        ).fetchall()
    return {d: int(n) for d, n in rows}


# -- counts -------------------------------------------------------------------------------
@pytest.mark.parametrize("name", [LATE, HOLE, EARLY])
def test_the_filter_counts_the_outlets_posts(demo_store: Path, name: str) -> None:
    result = trend(demo_store, outlets=[name])
    days = _sql_days(demo_store, name)
    assert result["series"]["posts"] == sum(days.values()) > 0
    assert result["coverage"]["posts_on_uncovered_days"] == 0
    per_month: dict[str, int] = {}
    for day, n in days.items():
        per_month[day.isoformat()[:7]] = per_month.get(day.isoformat()[:7], 0) + n
    assert {p["period"]: p["posts"] for p in result["periods"] if p["posts"]} == per_month
    everyone = trend(demo_store)
    assert everyone["series"]["posts"] > result["series"]["posts"]


def test_several_outlets_add_up(demo_store: Path) -> None:
    both = trend(demo_store, outlets=[LATE, EARLY])
    assert both["series"]["posts"] == sum(_sql_days(demo_store, LATE).values()) + sum(
        _sql_days(demo_store, EARLY).values()
    )
    assert both["parameters"]["outlets"] == [EARLY, LATE]
    # Province 01 was collected all along: together nothing is left out
    assert both["coverage"]["basis"] == "outlets"
    assert both["coverage"]["uncovered_days"] == 0
    assert both["series"]["start"] == "2015-01-01"


# -- coverage -----------------------------------------------------------------------------
def test_a_late_outlets_uncollected_months_are_left_out(demo_store: Path) -> None:
    result = trend(demo_store, outlets=[LATE])
    first = min(_sql_days(demo_store, LATE))  # its single-chat export begins with it
    cov = result["coverage"]
    assert cov["basis"] == "outlet"
    assert cov["window"] == {"from": "2015-01-01", "to": "2017-12-31", "days": 1096}
    assert cov["uncovered"] == [
        {"from": "2015-01-01", "to": (first - timedelta(days=1)).isoformat(),
         "days": (first - date(2015, 1, 1)).days}
    ]  # fmt: skip
    assert cov["uncovered_days"] == (first - date(2015, 1, 1)).days == 432
    assert result["series"]["start"] == first.isoformat()
    assert result["series"]["days"] == 1096 - 432
    assert result["periods"][0]["period"] == "2016-03"  # no month before it, no zeros
    assert not result["periods"][0]["full"]  # begun on the 8th
    assert all(cp["at"] > "2016-06-01" for cp in result["change_points"])
    assert result["notes"] == [
        "432 of the window's 1096 days were left out as uncovered (the chosen outlet's "
        "channels were not collected on them): they enter no rate, change point or rolling "
        "window"
    ]
    assert result["method"]["outlets"].endswith(
        "This run counts 1 outlet and left out 432 of the window's 1096 days as uncovered."
    )
    assert LATE not in json.dumps(result["method"]) + " ".join(result["notes"])
    # read as zeros (the series before this change), the start is a change point
    naive_days, naive = zero_fill(_sql_days(demo_store, LATE), date(2015, 1, 1),
                                  date(2017, 12, 31))  # fmt: skip
    naive_at = [naive_days[i] for i in change_points(naive)]
    assert any(abs((d - first).days) <= 7 for d in naive_at)


def test_a_hole_between_exports_is_left_out(demo_store: Path) -> None:
    result = trend(demo_store, outlets=[HOLE])
    (hole,) = result["coverage"]["uncovered"]
    assert hole["from"].startswith("2016-05") and hole["to"].startswith("2016-05")
    may = next(p for p in result["periods"] if p["period"] == "2016-05")
    assert may["uncovered_days"] == hole["days"] and not may["full"]
    assert may["days"] == 31 - hole["days"]
    assert result["series"]["uncovered_days"] == hole["days"]
    assert not any(r["window_start"] <= hole["to"] and r["date"] >= hole["from"]
                   for r in result["rolling"])  # fmt: skip


def _constant(first: datetime, last: datetime) -> list[datetime]:
    return every(first, last, 8)  # three posts a day


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``late`` posts three a day from April 2016, exported from then on; ``gappy`` three
    a day in two exports with March 2016 between them uncollected; ``other`` all along."""
    folder = tmp_path_factory.mktemp("s9b-built")
    return build(
        folder,
        [
            {"other": _constant(datetime(2016, 1, 1), datetime(2016, 8, 31, 23))},
            {"late": _constant(datetime(2016, 4, 1), datetime(2016, 8, 31, 23))},
            {"gappy": _constant(datetime(2016, 1, 1), datetime(2016, 2, 29, 23))},
            {"gappy": _constant(datetime(2016, 4, 1), datetime(2016, 8, 31, 23))},
        ],
    )


def test_a_steady_late_outlet_shows_no_decline_or_change(built: Path) -> None:
    result = trend(built, outlets=["late"], of="all")
    assert result["coverage"]["uncovered_days"] == 31 + 29 + 31
    assert result["series"]["start"] == "2016-04-01"
    assert result["series"]["per_day"] == 3.0
    assert result["change_points"] == [] and len(result["segments"]) == 1
    assert result["peak_to_current"]["change"] == 0.0
    assert {r["per_day"] for r in result["rolling"]} == {3.0}
    assert result["rolling"][0]["date"] == "2016-04-28"
    # the whole archive's window read as zeros would rise at April 1st
    days, counts = zero_fill(
        {d: 3 for d in (date(2016, 4, 1) + timedelta(n) for n in range(153))},
        date(2016, 1, 1), date(2016, 8, 31),
    )  # fmt: skip
    assert [days[i] for i in change_points(counts)] == [date(2016, 4, 1)]


def test_a_steady_outlet_with_a_hole_shows_no_change(built: Path) -> None:
    result = trend(built, outlets=["gappy"], of="all")
    assert result["coverage"]["uncovered"] == [
        {"from": "2016-03-01", "to": "2016-03-31", "days": 31}
    ]
    assert result["change_points"] == []
    march = next(p for p in result["periods"] if p["period"] == "2016-03")
    assert march == {
        "period": "2016-03", "start": "2016-03-01", "end": "2016-03-31", "days": 0,
        "uncovered_days": 31, "full": False, "posts": 0, "per_day": None,
    }  # fmt: skip
    assert result["peak_to_current"]["current"]["period"] == "2016-08"
    assert result["peak_to_current"]["change"] == 0.0
    assert "1 period (2016-03) had no covered day" in result["notes"][1]
    assert result["segments"][0]["uncovered_days"] == 31


def test_a_window_without_a_covered_day_is_said_so(demo_store: Path) -> None:
    result = trend(demo_store, outlets=[LATE], date_from="2015-06-01", date_to="2015-12-31")
    assert result["series"]["days"] == 0 and result["series"]["per_day"] is None
    assert result["change_points"] == [] and result["peak_to_current"] is None
    assert result["rolling"] == []
    assert all(p["per_day"] is None for p in result["periods"])
    assert result["notes"] == [
        "the chosen outlet's channels were collected on none of the window's 214 days: "
        "nothing to measure (no rate, change point or peak-to-current; zeros there say "
        "nothing)"
    ]


def test_without_the_filter_nothing_is_added(demo_store: Path) -> None:
    plain = trend(demo_store)
    assert "outlets" not in plain["parameters"] and "outlets" not in plain["method"]
    assert not {"coverage", "notes"} & set(plain)
    assert "uncovered_days" not in plain["series"]
    assert all("uncovered_days" not in p for p in plain["periods"])


# -- errors, CLI, API -----------------------------------------------------------------------
def test_an_unknown_outlet_is_a_usage_error(demo_store: Path) -> None:
    with pytest.raises(UsageError, match=r"'Province 39' \(did you mean 'Province 39 Media"):
        trend(demo_store, outlets=["Province 39"])
    bad = CliRunner().invoke(
        main, ["--store", str(demo_store), "trend", "--outlet", "Nowhere", "--json"]
    )
    assert bad.exit_code == 2
    assert json.loads(bad.output)["error"]["code"] == "bad_request"


def test_cli_prints_what_the_library_answers(demo_store: Path) -> None:
    base = ["--store", str(demo_store), "trend", "--outlet", LATE, "--outlet", EARLY]
    ok = CliRunner().invoke(main, [*base, "--json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output) == trend(demo_store, outlets=[LATE, EARLY])
    text = CliRunner().invoke(main, ["--store", str(demo_store), "trend", "--outlet", LATE])
    assert text.exit_code == 0, text.output
    assert "Note: 432 of the window's 1096 days were left out as uncovered" in text.output


API_QUERIES = [
    {"outlet": [LATE]},
    {"outlet": [HOLE, EARLY], "every": ["week"], "from": ["2016-01-01"], "to": ["2016-12-31"]},
]


def _argv(query: dict[str, list[str]]) -> list[str]:
    """The CLI words of an API query (each parameter is the option in snake_case)."""
    return [word for key, values in query.items() for v in values for word in (f"--{key}", v)]


@pytest.mark.anyio
@pytest.mark.parametrize("query", API_QUERIES)
async def test_api_answers_what_the_cli_prints(
    client: httpx.AsyncClient, demo_env: Env, query: dict[str, list[str]]
) -> None:
    argv = ["--store", str(demo_env.path), "trend", *_argv(query), "--json"]
    cli = CliRunner().invoke(main, argv)
    assert cli.exit_code == 0, cli.output
    answer = await client.get("/api/v1/trend", params=query, headers=bearer(demo_env, "analyst"))
    assert (answer.status_code, answer.json()) == (200, json.loads(cli.output))
    assert answer.json()["parameters"]["outlets"] == sorted(query["outlet"])
    refused = await client.get(
        "/api/v1/trend", params={**query, "outlet": "Province 39"},
        headers=bearer(demo_env, "viewer"),
    )  # fmt: skip
    assert refused.status_code == 400, refused.text
    assert "did you mean 'Province 39 Media Office'" in refused.json()["error"]["message"]


@pytest.mark.anyio
async def test_viewers_choose_supporters_by_pseudonym(
    client: httpx.AsyncClient, demo_env: Env
) -> None:
    lists = [
        (await client.get("/api/v1/outlets", headers=bearer(demo_env, role))).json()["outlets"]
        for role in ("analyst", "viewer")
    ]
    (seen,) = [v["outlet"] for a, v in zip(*lists, strict=True) if a["outlet"] == SUPPORTER]
    query = {"of": "supporter"}
    viewer = await client.get(
        "/api/v1/trend", params={**query, "outlet": seen}, headers=bearer(demo_env, "viewer")
    )
    assert viewer.status_code == 200, viewer.text
    analyst = await client.get(
        "/api/v1/trend", params={**query, "outlet": SUPPORTER}, headers=bearer(demo_env, "analyst")
    )
    assert viewer.json()["series"] == analyst.json()["series"]
    assert analyst.json()["series"]["posts"] > 0
    assert viewer.json()["parameters"]["outlets"] == [seen]
    assert SUPPORTER not in viewer.text
