"""Access control: every role × every endpoint, login, sessions, CSRF, rate limits, audit."""

from __future__ import annotations

import asyncio
import re
import time

import httpx
import pytest
from webfactory import ROLES, Env, bearer, form_login, login_csrf

from mutewatch.store import Store
from mutewatch.web.auth import verify_audit_chain

pytestmark = pytest.mark.anyio

MEASURE = {"viewer", "analyst", "admin"}
ANALYST = {"analyst", "admin"}
ADMIN = {"admin"}
EVERYONE = set(ROLES)

# (method, path, roles allowed, request kwargs)
MATRIX: list[tuple[str, str, set[str], dict[str, object]]] = [
    ("GET", "/api/v1/status", MEASURE, {}),
    ("GET", "/api/v1/outlets", MEASURE, {}),
    ("GET", "/api/v1/outlets/1", MEASURE, {}),
    ("GET", "/api/v1/outlets/status", MEASURE, {}),
    ("GET", "/api/v1/output", MEASURE, {}),
    ("GET", "/api/v1/silences", MEASURE, {}),
    ("GET", "/api/v1/trend", MEASURE, {}),
    ("GET", "/api/v1/platforms", MEASURE, {}),
    ("GET", "/api/v1/supporters", MEASURE, {}),
    ("GET", "/api/v1/findings", MEASURE, {}),
    ("GET", "/api/v1/posts", ANALYST, {}),
    ("GET", "/api/v1/users", ADMIN, {}),
    ("POST", "/api/v1/users", ADMIN, {"json": {}}),
    ("DELETE", "/api/v1/users/nobody", ADMIN, {}),
    ("GET", "/api/v1/audit", ADMIN, {}),
    ("POST", "/api/v1/ingest", ADMIN, {}),
    ("GET", "/api/v1/ingest/none", ADMIN, {}),
    ("GET", "/api/v1/me", EVERYONE, {}),
    ("GET", "/openapi.json", EVERYONE, {}),
    ("GET", "/docs", EVERYONE, {}),
    ("GET", "/", EVERYONE, {}),
    ("GET", "/outlets/1", MEASURE, {}),
    ("GET", "/posts", ANALYST, {}),
    ("GET", "/admin", ADMIN, {}),
]
MEASUREMENT_PATHS = {"/outlets/status", "/output", "/silences", "/trend", "/platforms"}
MEASUREMENT_PATHS |= {"/supporters", "/findings"}


@pytest.mark.parametrize("role", ROLES)
async def test_authorization_matrix(client: httpx.AsyncClient, env: Env, role: str) -> None:
    """Allowed roles are never refused; every other role gets 403 in the one error shape."""
    for method, path, allowed, kwargs in MATRIX:
        if path.removeprefix("/api/v1") in MEASUREMENT_PATHS:
            # an unknown option is refused after authorization and before measuring: cheap
            kwargs = {"params": {"no_such_option": "1"}}
        r = await client.request(method, path, headers=bearer(env, role), **kwargs)  # type: ignore[arg-type]
        if role in allowed:
            assert r.status_code not in (401, 403), (role, method, path, r.text[:200])
        else:
            assert r.status_code == 403, (role, method, path, r.status_code)
            assert r.json()["error"]["code"] == "forbidden"


async def test_anonymous_is_refused_everywhere(client: httpx.AsyncClient, env: Env) -> None:
    for method, path, _, kwargs in MATRIX:
        r = await client.request(method, path, **kwargs)  # type: ignore[arg-type]
        assert r.status_code in (401, 303), (method, path, r.status_code)
        if path.startswith("/api/"):
            assert r.json()["error"]["code"] == "unauthorized"


async def test_matrix_covers_every_route(app: object, env: Env) -> None:
    """A new endpoint must be added to the matrix (moderation routes are checked apart)."""
    spec = app.openapi()  # type: ignore[attr-defined]
    listed = {(m, re.sub(r"\{[^}]+\}", "X", p)) for m, p, _, _ in MATRIX}
    listed = {(m, re.sub(r"/(1|nobody|none)$", "/X", p)) for m, p in listed}
    for path, ops in spec["paths"].items():
        if not path.startswith("/api/v1/") or _moderation(path):
            continue
        for method in ops:
            key = (method.upper(), re.sub(r"\{[^}]+\}", "X", path))
            assert key in listed, f"{key} is not in the authorization matrix"


def _moderation(path: str) -> bool:
    return any(part in path for part in ("/comments", "/articles", "/moderation"))


async def test_every_route_refuses_anonymous(app: object) -> None:
    """Nothing is anonymous: every documented route (moderation too) answers 401 alone."""
    spec = app.openapi()  # type: ignore[attr-defined]
    transport = httpx.ASGITransport(app=app, client=("10.9.9.9", 1))  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        for path, ops in spec["paths"].items():
            concrete = re.sub(r"\{[^}]+\}", "1", path)
            for method in ops:
                r = await c.request(method.upper(), concrete)
                assert r.status_code == 401, (method, path, r.status_code, r.text[:200])


async def _login(app: object, name: str, token: str, ip: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, client=(ip, 1))  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        return await form_login(c, name, token, next="/")


async def test_login_session_csrf_logout(app: object, env: Env) -> None:
    transport = httpx.ASGITransport(app=app, client=("10.0.0.1", 1))  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        page = await c.get("/", headers={"accept": "text/html"})
        assert page.status_code == 303 and page.headers["location"].startswith("/login")
        r = await form_login(c, "admin1", env.tokens["admin"])
        assert r.status_code == 303
        cookie = r.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
        home = await c.get("/")
        assert home.status_code == 200
        assert 'data-figure="fig-output_by_outlet"' in home.text
        csrf = re.search(r'name="csrf-token" content="([0-9a-f]+)"', home.text)
        assert csrf
        no_csrf = await c.post("/admin/users", data={"name": "eve1", "role": "viewer"})
        assert no_csrf.status_code == 403
        bad = await c.post(
            "/admin/users", data={"name": "eve1", "role": "viewer", "csrf": "0" * 64}
        )
        assert bad.status_code == 403
        ok = await c.post(
            "/admin/users", data={"name": "eve1", "role": "viewer", "csrf": csrf.group(1)}
        )
        assert ok.status_code == 200 and "mw_" in ok.text
        out = await c.post("/logout", data={"csrf": csrf.group(1)})
        assert out.status_code == 303
        c.cookies.clear()
        stolen = r.cookies.get("mw_session")
        c.cookies.set("mw_session", stolen or "")
        again = await c.get("/api/v1/me")
        assert again.status_code == 401


async def test_wrong_name_for_token_fails(app: object, env: Env) -> None:
    r = await _login(app, "viewer1", env.tokens["admin"], "10.0.0.2")
    assert r.status_code == 401
    assert "Unknown user name or token" in r.text


async def test_failed_logins_are_rate_limited(app: object, env: Env) -> None:
    codes = [(await _login(app, "analyst1", "wrong", "10.0.0.3")).status_code for _ in range(6)]
    assert codes[:5] == [401] * 5
    assert codes[5] == 429
    blocked = await _login(app, "analyst1", env.tokens["analyst"], "10.0.0.3")
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    elsewhere = await _login(app, "viewer1", env.tokens["viewer"], "10.0.0.4")
    assert elsewhere.status_code == 303


async def test_a_login_posted_from_another_site_is_refused(app: object, env: Env) -> None:
    """Login CSRF: another site's form arrives without the SameSite login cookie."""
    transport = httpx.ASGITransport(app=app, client=("10.0.0.6", 1))  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        posted = {"name": "viewer1", "token": env.tokens["viewer"]}
        forged = await c.post("/login", data=posted)
        assert forged.status_code == 403
        assert "mw_session" not in forged.headers.get("set-cookie", "")
        assert "expired or was sent from another site" in forged.text
        assert (await c.get("/api/v1/me")).status_code == 401
        # a token lifted from one form does not fit another browser's cookie
        other = await c.get("/login")
        c.cookies.clear()
        c.cookies.set("mw_login", "a-cookie-of-another-browser", path="/login")
        token = login_csrf(other.text)
        assert (await c.post("/login", data={**posted, "csrf": token})).status_code == 403
        # refusals are not guesses: the real login from the same address still works
        for _ in range(6):
            assert (await c.post("/login", data=posted)).status_code == 403
        c.cookies.clear()
        assert (await form_login(c, "viewer1", env.tokens["viewer"])).status_code == 303
        assert (await c.get("/api/v1/me")).json()["name"] == "viewer1"


async def test_audit_log_records_logins_and_admin_actions(
    client: httpx.AsyncClient, app: object, env: Env
) -> None:
    await _login(app, "viewer1", "wrong-token", "10.0.0.5")
    await _login(app, "viewer1", env.tokens["viewer"], "10.0.0.5")
    r = await client.post(
        "/api/v1/users", json={"name": "newbie", "role": "analyst"}, headers=bearer(env, "admin")
    )
    assert r.status_code == 201 and r.json()["token"].startswith("mw_")
    token = r.json()["token"]
    actions: set[tuple[str, str | None]] = set()
    deadline = time.monotonic() + 60  # a poll: ends as soon as it is there
    while time.monotonic() < deadline:
        entries = (await client.get("/api/v1/audit", headers=bearer(env, "admin"))).json()
        actions = {(e["action"], e["actor"]) for e in entries["entries"]}
        if {("login.failed", "viewer1"), ("login", "viewer1"), ("user.add", "admin1")} <= actions:
            break
        await asyncio.sleep(0.1)
    assert ("login.failed", "viewer1") in actions
    assert ("login", "viewer1") in actions
    assert ("user.add", "admin1") in actions
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json() == {"name": "newbie", "role": "analyst"}
    gone = await client.delete("/api/v1/users/newbie", headers=bearer(env, "admin"))
    assert gone.status_code == 200
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401


def test_tokens_are_stored_hashed_and_audit_is_chained(app: object, env: Env) -> None:
    with app.state.gateway.reading() as view:  # type: ignore[attr-defined]
        store = view.store()
        stored = {r[0] for r in store.con.execute("SELECT token_hash FROM web_tokens").fetchall()}
        for token in env.tokens.values():
            assert token not in stored
            assert all(token not in str(v) for v in stored)
        assert store.scalar("SELECT count(*) FROM web_audit") > 0
        assert verify_audit_chain(store)


def test_audit_chain_detects_tampering(tmp_path: object) -> None:
    from pathlib import Path

    from mutewatch.web.auth import append_audit, migrate_web

    path = Path(str(tmp_path)) / "audit.duckdb"
    with Store.open(path) as store:
        migrate_web(store.con)
        for i in range(3):
            append_audit(store, "login", actor=f"user{i}", ip="127.0.0.1")
        assert verify_audit_chain(store)
        store.con.execute("UPDATE web_audit SET actor = 'someone else' WHERE id = 2")
        assert not verify_audit_chain(store)


@pytest.mark.slow
async def test_moderation_routes_refuse_anonymous_too(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """With mutewatch.web.moderation plugged in, every route still needs a user."""
    pytest.importorskip("mutewatch.web.moderation")
    from webfactory import make_env

    from mutewatch.web.app import create_app

    env = make_env(tmp_path_factory.mktemp("modstore"))
    app = create_app(env.path, cache_dir=tmp_path_factory.mktemp("modcache"))
    try:
        assert app.state.moderation_error is None
        spec = app.openapi()
        assert any("/moderation" in p or "/comments" in p for p in spec["paths"])
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            for path, ops in spec["paths"].items():
                for method in ops:
                    r = await c.request(method.upper(), re.sub(r"\{[^}]+\}", "1", path))
                    # Perspective's routes answer a missing key as Google does: 403
                    refused = (403,) if path.startswith("/v1alpha1/") else (401,)
                    assert r.status_code in refused, (method, path, r.status_code)
            r = await c.get("/api/v1/status", headers=bearer(env, "moderator"))
            assert r.status_code == 403  # moderators moderate; measurements are not theirs
    finally:
        app.state.gateway.stop()


async def test_guessing_api_tokens_is_rate_limited(app: object) -> None:
    transport = httpx.ASGITransport(app=app, client=("10.0.0.66", 1))  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        codes = [
            (await c.get("/api/v1/me", headers={"Authorization": f"Bearer guess{i}"})).status_code
            for i in range(31)
        ]
        assert codes[:30] == [401] * 30
        assert codes[30] == 429
        r = await c.get("/api/v1/me", headers={"Authorization": "Bearer another"})
        assert r.status_code == 429 and r.json()["error"]["code"] == "too_many_requests"
        assert "retry-after" in r.headers


async def test_a_token_is_not_looked_up_again_after_every_write(
    client: httpx.AsyncClient, app: object, env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every comment is a write; a cache keyed by store generation missed on each request."""
    import mutewatch.web.auth as auth_module

    lookups: list[str] = []
    real = auth_module.lookup_token

    def counted(store: object, token: str) -> object:
        lookups.append(token)
        return real(store, token)  # type: ignore[arg-type]

    monkeypatch.setattr(auth_module, "lookup_token", counted)
    headers = bearer(env, "analyst")
    app.state.auth._cache.clear()  # type: ignore[attr-defined]
    for i in range(3):
        assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
        added = await client.post(  # a write: the store's generation moves on
            "/api/v1/users", json={"name": f"cached{i}", "role": "viewer"},
            headers=bearer(env, "admin"),
        )  # fmt: skip
        assert added.status_code == 201
    assert lookups.count(env.tokens["analyst"]) == 1
