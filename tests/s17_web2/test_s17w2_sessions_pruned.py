"""Expired dashboard sessions leave the server's memory (found in the session-17 review:
``AuthService._sessions``, ``_session_checked`` and ``_revoked`` gained an entry per login,
or per replaced session, and lost none until the server stopped). Expired sessions are
dropped at a login, at most once a minute or once per session lifetime when shorter."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from webfactory import asgi_client, form_login, make_env, running_app

pytestmark = pytest.mark.anyio

LOGINS = 15


async def _log_in_and_look(client: httpx.AsyncClient, token: str) -> None:
    # the same browser each time: its previous session is replaced (revoked)
    assert (await form_login(client, "analyst1", token)).status_code == 303
    assert (await client.get("/api/v1/me")).json()["name"] == "analyst1"  # the session


async def test_expired_sessions_do_not_pile_up(tmp_path: Path) -> None:
    env = make_env(tmp_path / "store")
    token = env.tokens["analyst"]
    with running_app(
        env.path, tmp_path / "cache", "s17w2-key", moderation=False, session_seconds=3
    ) as app:
        auth = app.state.auth
        async with asgi_client(app, timeout=60) as client:
            for _ in range(LOGINS):
                await _log_in_and_look(client, token)
            time.sleep(3.2)  # every session so far has expired
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
