"""findings refuses a --period that overlaps its --baseline, saying what to pass instead.

It compares the period with an earlier baseline (issue 3: "29 of 38 official outlets active
in 2015 ... were almost totally silenced in December 2017"). Given two windows sharing days
(a month and itself, a period inside the baseline, windows crossing), it used to answer as
if they were two times: with ``--baseline 2016-01..2016-04 --period 2016-04`` it said the
outlet's output fell to the period's rate from a baseline that holds the period itself.
Only a period ending before the baseline starts was refused. The check is the library's
(``params.require_period_after_baseline``, called by ``findings``), so the CLI, the API
route and the report, which all go through it, refuse the same windows.

One synthetic store: the official outlet ``north`` posts 10 times a day in January and
February 2016 and once a day in March and April, one export covering every day."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from mutewatch.cli import main
from mutewatch.errors import UsageError
from mutewatch.measure.findings import parse_window
from mutewatch.measure.params import DateRange, require_period_after_baseline
from mutewatch.measure.registry import run_measurement
from mutewatch.outlets import load_registry
from mutewatch.store import Store
from tests.measure_s8.conftest import build
from tests.web.webfactory import Env, bearer, make_env, running_server

REGISTRY = """outlets:
  - name: Outlet North
    official: true
    accounts: [{platform: web, id: north}]
"""


def _daily(first: date, days: int, per_day: int) -> list[datetime]:
    start = datetime(first.year, first.month, first.day, 1)
    return [start + timedelta(days=d, hours=h) for d in range(days) for h in range(per_day)]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("s12-overlap")
    north = _daily(date(2016, 1, 1), 60, 10) + _daily(date(2016, 3, 1), 61, 1)
    path = build(folder, [{"north": north}], platform="web")
    registry = folder / "outlets.yaml"
    registry.write_text(REGISTRY)
    with Store.open(path) as opened:
        load_registry(opened, registry)
    return path


def _refusal(store: Path, baseline: str, period: str) -> tuple[str, str]:
    with pytest.raises(UsageError) as caught:
        run_measurement("findings", store, baseline=baseline, period=period)
    return caught.value.message, caught.value.hint or ""


# (baseline, period, the days both hold, the hint's examples)
OVERLAPS = [
    ("2016-02", "2016-02", "2016-02-01..2016-02-29, 29 days", ""),
    (
        "2016-01..2016-04",
        "2016-04",
        "2016-04-01..2016-04-30, 30 days",
        ", e.g. --baseline 2016-01-01..2016-03-31",
    ),
    (
        "2016-01-01..2016-02-10",
        "2016-02",
        "2016-02-01..2016-02-10, 10 days",
        ", e.g. --period 2016-02-11..2016-02-29 or --baseline 2016-01-01..2016-01-31",
    ),
    ("2016-01-01..2016-01-31", "2016-01-31..2016-02-29", "2016-01-31..2016-01-31, 1 day", None),
    # the period starts before the baseline and ends inside it
    ("2016-02", "2016-01-20..2016-02-05", "2016-02-01..2016-02-05, 5 days", None),
]


@pytest.mark.parametrize(("baseline", "period", "shared", "examples"), OVERLAPS)
def test_overlapping_windows_are_refused_naming_the_shared_days(
    store: Path, baseline: str, period: str, shared: str, examples: str | None
) -> None:
    message, hint = _refusal(store, baseline, period)
    b, p = DateRange(*_days(baseline)), DateRange(*_days(period))
    assert message.startswith(f"--baseline {b.text()} and --period {p.text()} overlap ({shared})")
    assert message.endswith(
        "findings needs a period after its baseline, as days in both would be compared with "
        "themselves"
    )
    assert hint.startswith(
        f"pass a --period starting after {b.end}, or a --baseline ending before {p.start}"
    )
    if examples is not None:
        assert hint.endswith(f"before {p.start}{examples}")


def _days(text: str) -> tuple[date, date]:
    return parse_window(text, "window")


def test_the_hints_examples_are_accepted(store: Path) -> None:
    # what the hint suggests runs: the period after the baseline, or the baseline before it
    _, hint = _refusal(store, "2016-01-01..2016-02-10", "2016-02")
    assert "--period 2016-02-11..2016-02-29" in hint
    result = run_measurement(
        "findings", store, baseline="2016-01-01..2016-02-10", period="2016-02-11..2016-02-29"
    )
    assert result["parameters"]["period"] == {"from": "2016-02-11", "to": "2016-02-29"}
    assert "--baseline 2016-01-01..2016-01-31" in hint
    result = run_measurement("findings", store, baseline="2016-01-01..2016-01-31", period="2016-02")
    assert result["parameters"]["baseline"] == {"from": "2016-01-01", "to": "2016-01-31"}


def test_adjacent_windows_are_compared(store: Path) -> None:
    # the period may start the day after the baseline ends: no day is in both
    result = run_measurement("findings", store, baseline="2016-01..2016-02", period="2016-03")
    assert result["parameters"]["baseline"] == {"from": "2016-01-01", "to": "2016-02-29"}
    assert result["parameters"]["period"] == {"from": "2016-03-01", "to": "2016-03-31"}
    silenced = next(f for f in result["findings"] if f["kind"] == "silenced_outlets")
    assert silenced["numbers"]["silenced"] == 1  # 10 a day, then 1 a day: at most 10%


def test_a_period_before_the_baseline_keeps_its_own_message(store: Path) -> None:
    message, hint = _refusal(store, "2016-03", "2016-01")
    assert message.startswith("--period 2016-01-01..2016-01-31 ends before --baseline")
    assert hint == "swap --baseline and --period"


def test_the_rule_itself() -> None:
    jan, feb = (
        DateRange(date(2016, 1, 1), date(2016, 1, 31)),
        DateRange(date(2016, 2, 1), date(2016, 2, 29)),
    )
    require_period_after_baseline(jan, feb, "findings")  # adjacent: fine
    for baseline, period in ((jan, jan), (feb, feb), (DateRange(jan.start, feb.end), feb)):
        with pytest.raises(UsageError, match="overlap"):
            require_period_after_baseline(baseline, period, "findings")
    with pytest.raises(UsageError, match="ends before"):
        require_period_after_baseline(feb, jan, "findings")


def test_the_cli_refuses_with_one_json_error(store: Path) -> None:
    args = ["--store", str(store), "findings", "--baseline", "2016-02", "--period", "2016-02"]
    result = CliRunner().invoke(main, [*args, "--json"])
    assert result.exit_code == 2, result.output
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "bad_request"
    assert "overlap (2016-02-01..2016-02-29, 29 days)" in error["message"]
    assert "--period starting after 2016-02-29" in error["hint"]
    plain = CliRunner().invoke(main, args)
    assert plain.exit_code == 2 and "overlap" in plain.output
    assert "1." not in plain.stdout  # no finding was stated


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    env: Env = make_env(tmp_path_factory.mktemp("s12-server-store"))
    with running_server(env, tmp_path_factory.mktemp("s12-server-log")) as live:
        yield live


def test_the_api_route_refuses_as_the_library_does(server: Any) -> None:
    # the web factory's store runs from 2024-01-01 for 200 days
    headers = bearer(server.env, "analyst")
    url = server.url + "/api/v1/findings"
    same = httpx.get(
        url, params={"baseline": "2024-03", "period": "2024-03"}, headers=headers, timeout=120
    )
    assert same.status_code == 400, same.text
    error = same.json()["error"]
    assert (  # named as the query parameters sent (the CLI says --baseline ... --period)
        "baseline=2024-03-01..2024-03-31 and period=2024-03-01..2024-03-31 overlap"
        in error["message"]
    )
    inside = httpx.get(
        url,
        params={"baseline": "2024-01-01..2024-04-30", "period": "2024-04-01..2024-04-30"},
        headers=headers,
        timeout=120,
    )
    assert inside.status_code == 400 and "overlap" in inside.json()["error"]["message"]
    ok = httpx.get(
        url,
        params={"baseline": "2024-01-01..2024-03-31", "period": "2024-04-01..2024-04-30"},
        headers=headers,
        timeout=120,
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["parameters"]["period"] == {"from": "2024-04-01", "to": "2024-04-30"}
