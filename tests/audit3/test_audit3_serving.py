"""Audit of ``mutewatch serve --trusted-proxy`` and of what the server's log keeps."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner
from uvicorn.middleware.proxy_headers import _TrustedHosts

from mutewatch.cli import main


def _serve_options(monkeypatch: pytest.MonkeyPatch, *proxies: str) -> tuple[int, dict[str, Any]]:
    """Run ``serve --trusted-proxy ...`` with uvicorn.run caught: exit code and its options."""
    import uvicorn

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: seen.update(options))
    monkeypatch.setattr("mutewatch.web.app.create_app", lambda *a, **k: object())
    args = ["--store", "unused.duckdb", "serve"]
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
