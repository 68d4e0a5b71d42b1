"""One bound check for the measurements' numbers, ``registry.check_bound``: the library
(``check_option_values``, the CLI's refusal) and the web API (each measurement's query)
refuse a number out of its ``OPTION_BOUNDS`` in the same words, the API naming the query
parameter as sent and the library the option. The API read the registry's private
``_in_range`` and ``_range_words`` and wrote the sentence again."""

from __future__ import annotations

import math
from typing import Any

import httpx
import pytest
from webfactory import Env, bearer

from mutewatch.errors import UsageError
from mutewatch.measure.registry import OPTION_BOUNDS, check_bound, check_option_values

NEEDED = {"baseline": "2024-01-01..2024-02-28", "period": "2024-05-01..2024-06-30"}


def refused(key: str) -> list[Any]:
    """Values out of ``key``'s bounds: below, above (if bounded), not finite, not whole."""
    low, high, whole, low_ok = OPTION_BOUNDS[key]
    values: list[Any] = [math.nan, math.inf, True]
    if low is not None:
        values.append(low if not low_ok else low - 1)
    if high is not None:
        values.append(high + 1)
    if whole:
        values.append(1.5)
    return values


@pytest.mark.parametrize("key", sorted(OPTION_BOUNDS))
def test_the_library_refuses_in_the_bound_checks_words(key: str) -> None:
    low, high, _, _ = OPTION_BOUNDS[key]
    for value in refused(key):
        words = check_bound(key, value)
        assert words is not None and words.startswith("must be "), (key, value)
        assert words.endswith(f", not {value!r}")
        with pytest.raises(UsageError) as caught:
            check_option_values({key: value}, command="silences")
        assert caught.value.message == f"{key.replace('_', '-')} {words}"
    inside = high if high is not None else (low or 0) + 1
    assert check_bound(key, inside) is None
    assert check_bound(key, None) is None
    assert check_bound("no_such_option", -1) is None


@pytest.mark.anyio
async def test_the_api_refuses_in_the_same_words(moderation_app: Any, env: Env) -> None:
    """Every measurement's query parameter with bounds, far below them."""
    transport = httpx.ASGITransport(app=moderation_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=60) as client:
        spec = (await client.get("/openapi.json", headers=bearer(env, "admin"))).json()
        checked, wrong = 0, []
        for path, operations in sorted(spec["paths"].items()):
            operation = operations.get("get", {})
            if "measurements" not in operation.get("tags", []):
                continue
            parameters = [p for p in operation.get("parameters", []) if p["in"] == "query"]
            needed = [f"{p['name']}={NEEDED.get(p['name'], '1')}" for p in parameters
                      if p.get("required")]  # fmt: skip
            for parameter in parameters:
                key = parameter["name"]
                if key not in OPTION_BOUNDS:
                    continue
                schema = parameter["schema"]
                types = {s.get("type") for s in [schema, *schema.get("anyOf", [])]}
                value: Any = -5 if "integer" in types else -5.0
                answer = await client.get(
                    f"{path}?{'&'.join([f'{key}=-5', *needed])}", headers=bearer(env, "admin")
                )
                message = answer.json()["error"]["message"] if answer.status_code == 400 else ""
                expected = f": {key} {check_bound(key, value)} ("
                checked += 1
                if expected not in message:
                    wrong.append(f"{path}?{key}=-5: {answer.status_code} {answer.text[:200]}")
    assert checked >= 8
    assert wrong == []
