"""Computations a user can start at once, and identical ones run once.

Found: 20 identical requests arriving together (a dashboard's readers after new data) ran
the measurement 20 times, each holding a server worker; and one viewer sending many
different queries at once could hold every worker, so everybody else's requests waited."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from webfactory import Env, bearer

from mutewatch.web import api
from mutewatch.web.api import BusyError, ComputeSlots, ResultCache


def test_identical_requests_at_once_compute_once() -> None:
    cache, calls = ResultCache(), []

    def compute() -> str:
        calls.append(1)
        time.sleep(0.2)
        return "value"

    with ThreadPoolExecutor(10) as pool:
        results = list(pool.map(lambda _: cache.get_or_compute(("k",), compute), range(10)))
    assert results == ["value"] * 10 and len(calls) == 1


def test_a_failed_computation_is_not_shared() -> None:
    cache, calls = ResultCache(), []

    def compute() -> str:
        calls.append(1)
        time.sleep(0.2)
        if len(calls) == 1:
            raise ValueError("the leader's own failure")
        return "value"

    with ThreadPoolExecutor(3) as pool:  # the first computes: the others come after it
        futures = [pool.submit(cache.get_or_compute, ("k",), compute)]
        deadline = time.monotonic() + 60
        while not calls:
            assert time.monotonic() < deadline, "the first computation did not start"
            time.sleep(0.005)
        futures += [pool.submit(cache.get_or_compute, ("k",), compute) for _ in range(2)]
        outcomes = [f.exception() or f.result() for f in futures]
    assert isinstance(outcomes[0], ValueError) and outcomes[1:] == ["value", "value"]
    assert cache.get_or_compute(("k",), compute) == "value"  # kept: no new call
    assert len(calls) == 2  # the failure, then one of the two waiters for both


def test_slots_per_user() -> None:
    slots = ComputeSlots(per_user=2)
    with slots.hold("a"), slots.hold("a"), slots.hold("b"), slots.hold(None):
        with pytest.raises(BusyError) as caught, slots.hold("a"):
            pass
        assert caught.value.http_status == 429
        assert "a has 2 computations running already" in str(caught.value)
    with slots.hold("a"), slots.hold("a"):  # released
        pass


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """Measurements that start, then wait for ``open`` (a slow measurement, on demand)."""
    state: dict[str, Any] = {"open": threading.Event(), "started": 0}
    lock = threading.Lock()

    def slow(name: str, store_path: Any, options: dict[str, Any]) -> Any:
        with lock:
            state["started"] += 1
        state["open"].wait(30)
        return {"name": name, "options": sorted(options)}

    monkeypatch.setattr(api, "run_measurement_on", slow)
    yield state
    state["open"].set()


@pytest.mark.anyio
async def test_a_fifth_computation_of_one_user_waits_its_turn_others_do_not(
    client: httpx.AsyncClient, env: Env, gate: dict[str, Any]
) -> None:
    viewer, analyst = bearer(env, "viewer"), bearer(env, "analyst")

    def get(day: int, headers: dict[str, str]) -> Any:
        url = f"/api/v1/output?every=week&from=2024-02-{day:02d}"
        return asyncio.create_task(client.get(url, headers=headers))

    running = [get(day, viewer) for day in range(1, 5)]
    deadline = time.monotonic() + 60
    while gate["started"] < 4 and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    assert gate["started"] == 4
    fifth = await client.get("/api/v1/output?every=week&from=2024-02-05", headers=viewer)
    assert fifth.status_code == 429 and fifth.headers["retry-after"] == "5"
    assert fifth.json()["error"]["code"] == "too_many_requests"
    other = get(6, analyst)  # another user is not held up by the viewer's four
    deadline = time.monotonic() + 60
    while gate["started"] < 5 and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    assert gate["started"] == 5
    gate["open"].set()
    answers = await asyncio.gather(*running, other)
    assert [a.status_code for a in answers] == [200] * 5
    again = await client.get("/api/v1/output?every=week&from=2024-02-05", headers=viewer)
    assert again.status_code == 200  # the slots were given back
