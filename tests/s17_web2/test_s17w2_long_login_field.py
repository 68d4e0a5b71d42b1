"""An over-long login field is refused (422) without its value when the value holds a
token (found in the session-17 review: the refusal showed the field's first 40 characters,
so a token pasted into the name field, or a token field with more pasted after it, came
back in the answer, in clear). Other over-long values are still shown, cut at 40."""

from __future__ import annotations

from pathlib import Path

import pytest
from webfactory import asgi_client, login_csrf, make_env, running_app

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("field", "prefix"),
    [("name", "ada "), ("name", ""), ("token", ""), ("token", "pasted: ")],
)
async def test_an_over_long_login_field_holding_a_token_is_not_echoed(
    tmp_path: Path, field: str, prefix: str
) -> None:
    env = make_env(tmp_path / "store")
    token = env.tokens["analyst"]
    with running_app(env.path, tmp_path / "cache", "s17w2-key", moderation=False) as app:
        async with asgi_client(app, timeout=60) as client:
            csrf = login_csrf((await client.get("/login")).text)
            data = {"name": "analyst1", "token": token, "csrf": csrf}
            data[field] = prefix + token + " " + "x" * 300  # past the field's max_length
            answer = await client.post("/login", data=data)
            plain = await client.post("/login", data={**data, field: "y" * 300})
    assert answer.status_code == 422, answer.text[:300]
    assert token[:12] not in answer.text, answer.text[:300]
    assert "withheld" in answer.text
    # a value without a token is shown as before
    assert plain.status_code == 422 and "y" * 40 in plain.text
