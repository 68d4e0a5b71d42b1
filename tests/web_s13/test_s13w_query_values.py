"""Every API route answers a bad query value in the API's one error shape,
``{"error": {"code": "bad_request", "message"}}``, with a 400 whose message names the
query parameter as it was sent (never a command-line ``--option``, never a placeholder such
as ``<command>``). The routes and their parameters are read from the app's own
``/openapi.json``, so a route or parameter added later is covered without touching this
file.

Found (session 13): ``/api/v1/posts?limit=abc`` and ``/api/v1/audit?limit=`` answered
FastAPI's 422 ``validation_error`` (``query.limit: Input should be a valid integer``); a
parameter given twice took the last value silently on every route but moderation's
(``/api/v1/posts?limit=1&limit=500``, ``/api/v1/silences?k=1&k=9``), and so did an
option sent by two of its names (``from`` and ``date_from``); a measurement's number out of
its bounds was refused in the library's words, ``silenced-below must be ...`` with the hint
``see `mutewatch <command> --help` ...``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from webfactory import Env, bearer

# the Perspective-compatible routes answer in Google's error shape (tests/moderate*)
OPEN = ("/v1alpha1/", "/$discovery/")
# values a route needs to get as far as checking the rest of its query
NEEDED = {"baseline": "2024-01-01..2024-02-28", "period": "2024-05-01..2024-06-30"}
PATH_PARAM = re.compile(r"\{(\w+)(:\w+)?\}")


async def openapi(app: Any, env: Env) -> dict[str, Any]:
    async with client_of(app) as client:
        answer = await client.get("/openapi.json", headers=bearer(env, "admin"))
    assert answer.status_code == 200, answer.text[:300]
    spec: dict[str, Any] = answer.json()
    return spec


def client_of(app: Any) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://t", timeout=60)


def kind(schema: dict[str, Any]) -> str:
    """The JSON type of a parameter's schema (``anyOf`` of it and null: the type)."""
    for option in [schema, *schema.get("anyOf", [])]:
        if option.get("type") not in (None, "null"):
            return str(option["type"])
    return "string"


def query_parameters(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any], list[Any]]]:
    """(method, path, parameter, every parameter of the operation) of each query parameter
    of each API operation."""
    for path, operations in sorted(spec["paths"].items()):
        if not path.startswith("/api/") or path.startswith(OPEN):
            continue
        for method, operation in sorted(operations.items()):
            parameters = operation.get("parameters", [])
            for parameter in parameters:
                if parameter["in"] == "query":
                    yield method.upper(), path, parameter, parameters


def url(path: str, parameters: list[Any], query: str, but: str) -> str:
    """``path`` with its parameters filled (ids that may not exist: the query is checked
    first) and ``query`` after the values the route needs (``NEEDED``), but ``but``'s."""
    filled = PATH_PARAM.sub(lambda m: "1" if m.group(1) == "outlet_id" else "s13-none", path)
    needed = [
        f"{p['name']}={NEEDED.get(p['name'], '1')}"
        for p in parameters
        if p["in"] == "query" and p.get("required") and p["name"] != but
    ]
    return filled + "?" + "&".join([query, *needed])


def names_it(message: str, name: str) -> bool:
    """Whether ``message`` names the query parameter ``name`` as sent, and no command-line
    option (outside backquotes, which quote a command to run) nor a placeholder."""
    outside = "".join(message.split("`")[::2])
    said = re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", outside) is not None
    return said and "--" not in outside and "<command>" not in message


async def refusals(app: Any, env: Env, cases: list[tuple[str, str, str, str]]) -> list[str]:
    """The cases (method, url, parameter, what) not answered by a 400 ``bad_request`` in
    the one shape naming the parameter, each as a line saying what came instead."""
    wrong: list[str] = []
    async with client_of(app) as client:
        for method, address, name, what in cases:
            answer = await client.request(method, address, headers=bearer(env, "admin"))
            try:
                body = answer.json()
            except ValueError:
                body = None
            error = body.get("error") if isinstance(body, dict) else None
            ok = (
                answer.status_code == 400
                and isinstance(error, dict)
                and set(body) == {"error"}
                and set(error) == {"code", "message"}
                and error["code"] == "bad_request"
                and names_it(str(error["message"]), name)
            )
            if not ok:
                said = f"{answer.status_code} {answer.text[:200]}"
                wrong.append(f"{method} {address} ({what}): {said}")
    return wrong


BAD_VALUES = {"integer": "abc", "number": "abc", "boolean": "maybe"}


@pytest.mark.anyio
async def test_a_value_of_the_wrong_type_is_a_400_naming_the_parameter(
    moderation_app: Any, env: Env
) -> None:
    """A number, a flag or one of a list of values, sent as something else."""
    spec = await openapi(moderation_app, env)
    cases = []
    for method, path, parameter, parameters in query_parameters(spec):
        name, schema = parameter["name"], parameter.get("schema", {})
        value = "s13-none" if "enum" in schema else BAD_VALUES.get(kind(schema))
        if value is not None:
            cases.append((method, url(path, parameters, f"{name}={value}", name), name, value))
    checked = {(method, address.split("?")[0]) for method, address, _, _ in cases}
    assert {("GET", "/api/v1/posts"), ("GET", "/api/v1/moderation/queue")} <= checked
    assert len(cases) >= 20
    assert await refusals(moderation_app, env, cases) == []


@pytest.mark.anyio
async def test_an_empty_number_is_a_400_naming_the_parameter(moderation_app: Any, env: Env) -> None:
    """``?limit=`` is no number (an empty text or date stays "not given", as a blank field
    of the dashboard's form sends it; an empty flag is true, as ``?include_forwards`` is)."""
    spec = await openapi(moderation_app, env)
    cases = [
        (method, url(path, parameters, f"{p['name']}=", p["name"]), p["name"], "empty")
        for method, path, p, parameters in query_parameters(spec)
        if kind(p.get("schema", {})) in ("integer", "number")
    ]
    assert len(cases) >= 10
    assert await refusals(moderation_app, env, cases) == []


@pytest.mark.anyio
async def test_a_parameter_given_twice_is_a_400_naming_it(moderation_app: Any, env: Env) -> None:
    """Every query parameter but those taking many values (``outlet``, a list)."""
    spec = await openapi(moderation_app, env)
    cases = []
    for method, path, parameter, parameters in query_parameters(spec):
        name, schema = parameter["name"], parameter.get("schema", {})
        if kind(schema) == "array":
            continue
        value = NEEDED.get(name) or str(schema.get("default", "1")).lower()
        query = f"{name}={value}&{name}={value}"
        cases.append((method, url(path, parameters, query, name), name, "twice"))
    assert len(cases) >= 30
    assert await refusals(moderation_app, env, cases) == []


@pytest.mark.anyio
async def test_a_number_out_of_bounds_names_the_query_parameter(
    moderation_app: Any, env: Env
) -> None:
    """A number far below any bound: refused (the library's bounds, the route's own) as a
    400 naming the parameter as sent; ids (``outlet_id``), which bound nothing, are
    answered (no such outlet: nothing found)."""
    spec = await openapi(moderation_app, env)
    cases = [
        (method, url(path, parameters, f"{p['name']}=-99999999999999999999", p["name"]),
         p["name"], "far below")
        for method, path, p, parameters in query_parameters(spec)
        if kind(p.get("schema", {})) in ("integer", "number") and not p["name"].endswith("_id")
    ]  # fmt: skip
    assert len(cases) >= 10
    assert await refusals(moderation_app, env, cases) == []


@pytest.mark.anyio
async def test_an_option_sent_by_two_of_its_names_is_refused(moderation_app: Any, env: Env) -> None:
    """A measurement takes ``from`` also as ``date_from`` (the option's own name): both in
    one query was the last one read, silently."""
    spec = await openapi(moderation_app, env)
    cases = []
    for method, path, parameter, parameters in query_parameters(spec):
        if parameter["name"] == "from" and "measurements" in spec["paths"][path][
            method.lower()
        ].get("tags", []):
            query = "from=2024-01-01&date_from=2024-02-01"
            cases.append((method, url(path, parameters, query, "from"), "from", "two names"))
    assert len(cases) >= 5
    wrong = await refusals(moderation_app, env, cases)
    assert wrong == []
