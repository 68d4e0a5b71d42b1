"""The failed-login limiter under an attacker's choice of names and addresses.

Found: every failed login with a new user name left an entry in the limiter for as long as
the server ran (names are the caller's to choose: memory grew without bound); and an IPv6
client, which is routinely given a whole /64, got 5 tries from each of its addresses, so
the per-address limit did not hold for it at all."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from webfactory import form_login

from mutewatch.web import auth as auth_mod
from mutewatch.web.auth import LoginLimiter, address_block


class _StoppedClock:
    """The ``time`` module as ``web.auth`` sees it, its monotonic clock standing still
    until the test moves it (``ahead``): the limiter's window passes when the test says
    so, not while a loaded runner holds the test up (with the real clock and a 1 s window,
    a pause of 1 s before a live key was checked ended its block, and the test failed)."""

    def __init__(self) -> None:
        self.at = time.monotonic()

    def monotonic(self) -> float:
        return self.at

    def ahead(self, seconds: float) -> None:
        self.at += seconds

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> _StoppedClock:
    """``web.auth``'s clock, standing still (``_StoppedClock``)."""
    stopped = _StoppedClock()
    monkeypatch.setattr(auth_mod, "time", stopped)
    return stopped


def test_keys_whose_failures_are_past_the_window_are_dropped(clock: _StoppedClock) -> None:
    limiter = LoginLimiter(limit=5, window=1.0, prune_at=100)
    for i in range(150):
        limiter.fail(f"name:stale-{i}")
    assert len(limiter) == 150  # all live: kept (next pass at 300)
    for _ in range(5):
        limiter.fail("ip:192.0.2.7")
    clock.ahead(1.05)  # past the window of every key so far
    for _ in range(5):
        limiter.fail("ip:192.0.2.8")  # live, blocked
    for i in range(150):
        limiter.fail(f"name:new-{i}")  # the 300th key prunes
    assert len(limiter) < 160
    assert limiter.retry_after("ip:192.0.2.8") > 0  # a live block survives the pass
    assert limiter.retry_after("ip:192.0.2.7") == 0


def test_a_flood_of_live_keys_is_pruned_once_per_doubling() -> None:
    limiter = LoginLimiter(limit=5, window=60, prune_at=10)
    for i in range(1000):
        limiter.fail(f"name:{i}")
    assert len(limiter) == 1000 and limiter._next_prune == 1280  # 10 -> 20 -> ... -> 1280


@pytest.mark.parametrize(
    ("ip", "block"),
    [
        ("192.0.2.10", "192.0.2.10"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
        ("::ffff:192.0.2.10", "192.0.2.10"),
        ("testclient", "testclient"),
    ],
)
def test_an_ipv6_client_counts_by_its_64(ip: str, block: str) -> None:
    assert address_block(ip) == block


async def _login_from(app: Any, ip: str, name: str, token: str) -> int:
    transport = httpx.ASGITransport(app=app, client=(ip, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        return (await form_login(client, name, token)).status_code


@pytest.mark.anyio
async def test_rotating_addresses_within_a_64_does_not_buy_more_tries(app: Any) -> None:
    codes = [
        await _login_from(app, f"2001:db8:7:7::{i + 1:x}", f"s7w-guess-{i}", "mw_wrong")
        for i in range(6)
    ]
    assert codes == [401] * 5 + [429]  # five names, five addresses, one /64
    # another /64 is another client
    assert await _login_from(app, "2001:db8:7:8::1", "s7w-guess-x", "mw_wrong") == 401


async def _bearer_from(app: Any, ip: str, token: str) -> int:
    transport = httpx.ASGITransport(app=app, client=(ip, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        answer = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        return answer.status_code


@pytest.mark.anyio
async def test_bad_api_tokens_from_one_64_are_limited_together(app: Any) -> None:
    """30 bad tokens per address in 5 minutes: an IPv6 client's addresses share them."""
    codes = [await _bearer_from(app, f"2001:db8:9:9::{i + 1:x}", "mw_bad") for i in range(31)]
    assert codes == [401] * 30 + [429]
    assert await _bearer_from(app, "2001:db8:9:a::1", "mw_bad") == 401
