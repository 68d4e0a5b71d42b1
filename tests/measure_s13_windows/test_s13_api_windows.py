"""The API's ``baseline``/``period`` query parameters read windows as the CLI options do,
through the same parser (``params.parse_range``): ``/outlets/status`` refused
``baseline=2024-01..2024-02`` though ``/findings`` read it, and answered a malformed window
in other words than ``/findings``. A real server on 127.0.0.1 over the web factory's store
(from 2024-01-01, 200 days)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.web.webfactory import Env, bearer, make_env, running_server

ROUTES = ("/api/v1/findings", "/api/v1/outlets/status")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    env: Env = make_env(tmp_path_factory.mktemp("s13-api-store"))
    with running_server(env, tmp_path_factory.mktemp("s13-api-log")) as live:
        yield live


def _get(server: Any, route: str, **query: str) -> httpx.Response:
    return httpx.get(
        server.url + route, params=query, headers=bearer(server.env, "analyst"), timeout=180
    )


def _days(route: str, body: dict[str, Any], key: str) -> tuple[str, str]:
    echo = body["parameters"][key]
    if route.endswith("/findings"):
        return echo["from"], echo["to"]
    start, end = echo.split("..")
    return start, end


def test_both_routes_read_months_and_years_alike(server: Any) -> None:
    got = {}
    for route in ROUTES:
        answer = _get(server, route, baseline="2024-01..2024-02", period="2024-04")
        assert answer.status_code == 200, (route, answer.text[:300])
        got[route] = (
            _days(route, answer.json(), "baseline"),
            _days(route, answer.json(), "period"),
        )
    want = (("2024-01-01", "2024-02-29"), ("2024-04-01", "2024-04-30"))
    assert got == dict.fromkeys(ROUTES, want)


@pytest.mark.parametrize("window", ["2024/04", "2024-04-01..", "2024-04-31"])
def test_both_routes_refuse_a_malformed_window_alike(server: Any, window: str) -> None:
    errors = {}
    for route in ROUTES:
        answer = _get(server, route, baseline="2024-01", period=window)
        assert answer.status_code == 400, (route, answer.text[:300])
        errors[route] = answer.json()["error"]
    first = errors[ROUTES[0]]
    assert errors == dict.fromkeys(ROUTES, first), errors
    message, _, hint = first["message"].partition(" (")  # the hint follows in brackets
    assert message.startswith(f"period={window!r} "), first  # as the query sent it
    assert "YYYY-MM-DD" in hint and "period" in hint, first
    assert "--" not in first["message"], first
