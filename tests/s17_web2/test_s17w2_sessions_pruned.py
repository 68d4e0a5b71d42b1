"""Expired dashboard sessions leave the server's memory (found in the session-17 review:
``AuthService._sessions``, ``_session_checked`` and ``_revoked`` gained an entry per login,
or per replaced session, and lost none until the server stopped). Expired sessions are
dropped at a login, at most once a minute or once per session lifetime when shorter."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from webfactory import asgi_client, form_login, make_env, running_app

from mutewatch.web import auth as auth_mod

pytestmark = pytest.mark.anyio

LOGINS = 15
LIFETIME = 60.0  # s: no request of the test comes near it, however loaded the runner


class _Clock:
    """``web.auth``'s clocks (its ``time`` module's monotonic clock and its ``_now``), both
    moved on at will (``ahead``): the sessions expire when the test moves the clock past
    their lifetime, never while a loaded runner holds up a request. With a real 3 s
    lifetime a login answered after 3 s (an audit entry's fsync held up) gave a session
    already expired, and the request after it failed."""

    def __init__(self, now: Any) -> None:
        self.ahead = 0.0
        self._now = now

    def monotonic(self) -> float:
        return time.monotonic() + self.ahead

    def now(self) -> datetime:
        moved: datetime = self._now() + timedelta(seconds=self.ahead)
        return moved

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> _Clock:
    moved = _Clock(auth_mod._now)
    monkeypatch.setattr(auth_mod, "time", moved)
    monkeypatch.setattr(auth_mod, "_now", moved.now)
    return moved


async def _log_in_and_look(client: httpx.AsyncClient, token: str) -> None:
    # the same browser each time: its previous session is replaced (revoked)
    assert (await form_login(client, "analyst1", token)).status_code == 303
    assert (await client.get("/api/v1/me")).json()["name"] == "analyst1"  # the session


async def test_expired_sessions_do_not_pile_up(tmp_path: Path, clock: _Clock) -> None:
    env = make_env(tmp_path / "store")
    token = env.tokens["analyst"]
    with running_app(
        env.path, tmp_path / "cache", "s17w2-key", moderation=False, session_seconds=LIFETIME
    ) as app:
        auth = app.state.auth
        async with asgi_client(app, timeout=60) as client:
            for _ in range(LOGINS):
                await _log_in_and_look(client, token)
            clock.ahead += LIFETIME + 1  # every session so far has expired
            for _ in range(LOGINS):
                await _log_in_and_look(client, token)
            sizes = {
                "sessions": len(auth._sessions),
                "checked": len(auth._session_checked),
                "revoked": len(auth._revoked),
            }
    # the first round's sessions went at the second round's first login (they were kept:
    # 2 * LOGINS - 1 replaced sessions in _revoked, 2 * LOGINS in _session_checked)
    assert max(sizes.values()) <= LOGINS, sizes
