"""An address blocked for bad tokens (30 in 5 minutes) stayed blocked for the window even
once the token it kept sending became valid: a newsroom script that tried a token before
`mutewatch users add` had written it (or while the store was busy) was answered 429 with
the right token, since a blocked address's token was never looked up, and c7d063a's taking
back of a refused-then-valid token's refusals never ran. Now a blocked address's token
that was refused from it is looked up again, and once valid its refusals are taken back,
which lifts the block (the address's other refusals still count). Any other token from
a blocked address, valid or not, is still 429 unread: a client trying stolen or guessed
tokens learns nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from webfactory import Env, asgi_client

from mutewatch.web import auth as auth_mod
from mutewatch.web.auth import add_user

pytestmark = pytest.mark.anyio


async def _me(client: httpx.AsyncClient, token: str) -> int:
    answer = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    return answer.status_code


def _create(app: Any, name: str, token: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Write the user ``name`` with the token ``token`` (as `mutewatch users add` would)."""
    with monkeypatch.context() as fixed:
        fixed.setattr(auth_mod, "new_token", lambda: token)
        app.state.gateway.write(lambda store: add_user(store, name, "viewer"))


async def test_a_block_made_by_a_token_not_yet_created_ends_once_it_works(
    app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = "mw_s26a-early-bot-token"
    async with asgi_client(app, client=("10.26.0.1", 1)) as client:
        codes = [await _me(client, token) for _ in range(31)]
        assert codes == [401] * 30 + [429]
        _create(app, "s26a-early-bot", token, monkeypatch)
        assert await _me(client, token) == 200  # was 429 for the rest of the 5 minutes
        assert await _me(client, "mw_s26a-guess") == 401  # unblocked: refusals taken back


async def test_the_other_refusals_still_count(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Refusals of the now-valid token are taken back, the others' stay counted: 5 of
    the token and 25 guesses block the address; once the token works, 5 more guesses are
    answered 401 and the next 429, as for an address that sent 25 bad tokens only."""
    token = "mw_s26a-mixed-bot-token"
    async with asgi_client(app, client=("10.26.0.2", 1)) as client:
        assert [await _me(client, token) for _ in range(5)] == [401] * 5
        guesses = [await _me(client, f"mw_s26a-mixed-{i}") for i in range(26)]
        assert guesses == [401] * 25 + [429]
        _create(app, "s26a-mixed-bot", token, monkeypatch)
        assert await _me(client, token) == 200
        more = [await _me(client, f"mw_s26a-more-{i}") for i in range(6)]
        assert more == [401] * 5 + [429]
        assert await _me(client, token) == 429  # a block of other tokens' refusals


async def test_a_valid_token_never_refused_there_does_not_pass_a_block(app: Any, env: Env) -> None:
    """The safe choice: a blocked address's 429 does not tell a valid token from a bad one
    (else the block would be an oracle for stolen or guessed tokens)."""
    async with asgi_client(app, client=("10.26.0.3", 1)) as client:
        assert [await _me(client, f"mw_s26a-guess{i}") for i in range(30)] == [401] * 30
        assert await _me(client, env.tokens["viewer"]) == 429
        assert await _me(client, "mw_s26a-guess0") == 429  # a refused token still bad
    async with asgi_client(app, client=("10.26.0.4", 1)) as elsewhere:
        assert await _me(elsewhere, env.tokens["viewer"]) == 200
