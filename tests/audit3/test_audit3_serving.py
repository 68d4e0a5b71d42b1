"""Audit of ``mutewatch serve --trusted-proxy`` and of what the server's log keeps."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from uvicorn.middleware.proxy_headers import _TrustedHosts
from webfactory import Env, LiveServer, bearer, form_login_sync, make_env, running_server

from mutewatch.cli import main


def _serve_options(monkeypatch: pytest.MonkeyPatch, *proxies: str) -> tuple[int, dict[str, Any]]:
    """Run ``serve --trusted-proxy ...`` with uvicorn.run caught: exit code and its options."""
    import uvicorn

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: seen.update(options))
    monkeypatch.setattr("mutewatch.web.app.create_app", lambda *a, **k: object())
    args = ["--store", "unused.duckdb", "serve", "--port", "0"]
    for proxy in proxies:
        args += ["--trusted-proxy", proxy]
    result = CliRunner().invoke(main, args)
    return result.exit_code, {**seen, "output": result.output}


@pytest.mark.parametrize(
    ("given", "reader"),
    [("10.0.0.1/8", "10.20.30.40"), ("fd00::1/8", "fd12::7"), ("[::1]", "::1")],
)
def test_a_proxy_network_is_trusted_as_uvicorn_reads_it(
    monkeypatch: pytest.MonkeyPatch, given: str, reader: str
) -> None:
    """``10.0.0.1/8`` passed the check (strict=False) but uvicorn reads networks strictly:
    it kept the text as a literal and trusted no proxy at all, silently."""
    code, options = _serve_options(monkeypatch, given)
    assert code == 0, options["output"]
    assert options["proxy_headers"] is True
    assert reader in _TrustedHosts(options["forwarded_allow_ips"])
    assert "192.0.2.1" not in _TrustedHosts(options["forwarded_allow_ips"])


@pytest.mark.parametrize("everyone", ["*", "0.0.0.0/0", "::/0", "10.0.0.0/0"])
def test_trusting_every_address_is_refused(monkeypatch: pytest.MonkeyPatch, everyone: str) -> None:
    """``0.0.0.0/0`` was accepted: every reader could forge its X-Forwarded-For."""
    code, options = _serve_options(monkeypatch, everyone)
    assert code == 2
    assert "forwarded_allow_ips" not in options
    assert "every" in options["output"]


# differs on purpose from ``live_server_fixture``: its tests read the server's log file
@pytest.fixture(scope="module")
def logged_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Path]]:
    env: Env = make_env(tmp_path_factory.mktemp("keys"))
    logdir = tmp_path_factory.mktemp("keyslog")
    with running_server(env, logdir) as server:
        yield server, logdir / "server.log"


def _log_after(path: Path, marker: str) -> str:
    """The server's log once ``marker`` is in it (uvicorn writes each line as it happens)."""
    deadline = time.monotonic() + 60
    text = path.read_text()
    while marker not in text and time.monotonic() < deadline:
        time.sleep(0.05)
        text = path.read_text()
    return text


@pytest.mark.server
def test_an_api_key_in_the_query_is_not_logged(logged_server: tuple[LiveServer, Path]) -> None:
    """Perspective clients send ``?key=TOKEN``; uvicorn's access log wrote every such line
    with the token in clear."""
    server, log = logged_server
    token = server.env.tokens["moderator"]
    wrong = "mw_" + "x" * 40
    for key in (token, wrong):
        httpx.get(server.url + "/api/v1/status", params={"key": key, "alt": "json"}, timeout=60)
    httpx.get(server.url + "/api/v1/status", headers=bearer(server.env, "viewer"), timeout=60)
    text = _log_after(log, "GET /api/v1/status HTTP")
    assert "key=(hidden)&alt=json" in text
    assert token not in text and wrong not in text


@pytest.mark.server
def test_a_login_token_is_not_logged(logged_server: tuple[LiveServer, Path]) -> None:
    server, log = logged_server
    with httpx.Client(timeout=60, base_url=server.url) as client:
        assert form_login_sync(client, "analyst1", server.env.tokens["analyst"]).status_code == 303
    assert server.env.tokens["analyst"] not in _log_after(log, "POST /login")
